// Merge nodes of one label by id and set their properties. __LABEL__ comes from graph/schema.py only.
UNWIND $rows AS row
MERGE (n:__LABEL__ {id: row.id})
SET n += row.props
