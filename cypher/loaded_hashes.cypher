// The hashes a load wrote on nodes of one label (graph/neo4j_delta.py), for the ids $ids; a node
// that is not there returns nothing. $hash, $links: the names of the hash properties.
// __LABEL__ comes from graph/schema.py only.
UNWIND $ids AS id
MATCH (n:__LABEL__ {id: id})
RETURN id, n[$hash] AS hash, n[$links] AS links
