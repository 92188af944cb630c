// Re-load of a plan already in the database: merge its Plan/Part/Task nodes by id and replace
// their properties (row.props holds the id too). __LABEL__ comes from graph/schema.py only.
UNWIND $rows AS row
MERGE (n:__LABEL__ {id: row.id})
SET n = row.props
