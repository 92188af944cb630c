// Shared nodes (entities, regions) of one label whose properties changed: merge by id and replace
// the properties (row.props holds the id), so that one a later build no longer derives (a first
// year, a series flag) goes too. __LABEL__ comes from graph/schema.py only. $rows: [{id, props}].
UNWIND $rows AS row
MERGE (n:__LABEL__ {id: row.id})
SET n = row.props
