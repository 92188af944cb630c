// First load of a plan: create the outgoing relationships of one type from sources of one label to
// targets of one label, one row per source (one index lookup per source, not per relationship).
// __FROM__, __TO__, __TYPE__ come from graph/schema.py only. $rows: [{source, out: [{target, props}]}].
UNWIND $rows AS row
MATCH (a:__FROM__ {id: row.source})
UNWIND row.out AS o
MATCH (b:__TO__ {id: o.target})
CREATE (a)-[r:__TYPE__]->(b)
SET r = o.props
