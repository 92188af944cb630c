// First load of a plan: create its Plan/Part/Task nodes (row.props holds the id; the uniqueness
// constraint rejects a duplicate). __LABEL__ comes from graph/schema.py only.
UNWIND $rows AS row
CREATE (n:__LABEL__)
SET n = row.props
