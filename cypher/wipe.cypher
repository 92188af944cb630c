// Delete every node and relationship, in batches so that large graphs do not exhaust memory.
MATCH (n)
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS
