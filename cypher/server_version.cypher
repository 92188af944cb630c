// Name, version and edition of the server; the loader refuses versions it does not support.
CALL dbms.components() YIELD name, versions, edition
RETURN name, versions[0] AS version, edition
