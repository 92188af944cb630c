// Record what a load wrote for nodes of one label: $rows [{id, hashes}], hashes a map of hash
// properties (graph/neo4j_delta.py). Run in the transaction that writes the last of what they
// cover. __LABEL__ comes from graph/schema.py only.
UNWIND $rows AS row
MATCH (n:__LABEL__ {id: row.id})
SET n += row.hashes
