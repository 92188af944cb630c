// Merge shared nodes (entities, regions) of one label by id and add their properties; another
// build's properties of the same entity are kept unless overwritten. __LABEL__ comes from
// graph/schema.py only. $rows: [{id, props}].
UNWIND $rows AS row
MERGE (n:__LABEL__ {id: row.id})
SET n += row.props
