// Re-load of a plan already in the database: merge its Plan node by id and replace its properties
// (row.props holds the id too); its parts, tasks and targets are created anew (create_nodes).
// __LABEL__ comes from graph/schema.py only.
UNWIND $rows AS row
MERGE (n:__LABEL__ {id: row.id})
SET n = row.props
