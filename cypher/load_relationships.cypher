// Merge relationships of one type between two labels and replace their properties.
// __FROM__, __TO__, __TYPE__ come from graph/schema.py only. $rows: [{source, target, props}].
UNWIND $rows AS row
MATCH (a:__FROM__ {id: row.source})
MATCH (b:__TO__ {id: row.target})
MERGE (a)-[r:__TYPE__]->(b)
SET r = row.props
