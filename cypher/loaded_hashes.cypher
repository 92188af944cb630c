// The hashes a load wrote on nodes of one label (graph/neo4j_delta.py), for the ids $ids; a node
// that is not there is left out. One row of [id, hash, links] triples: a single message back, not one
// round trip per thousand records. $hash, $links: the names of the hash properties.
// __LABEL__ comes from graph/schema.py only.
UNWIND $ids AS id
MATCH (n:__LABEL__ {id: id})
RETURN collect([id, n[$hash], n[$links]]) AS rows
