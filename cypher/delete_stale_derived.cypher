// After a load has merged the relationships between shared nodes: delete the ones the graph no longer
// has. They are derived from the name of their source (region → parent region, branch → hospital,
// edition → series, document → programme), so for a shared node of the graph its outgoing ones are
// the graph's to say; nodes not in the graph are not matched. A membership of a grouping region is
// derived from the grouping's member list instead (delete_stale_members), so it is left here.
// __LABEL__ comes from graph/schema.py only. $rows: [{id, keep}] with keep the "TYPE<TAB>target" keys
// of the node's derived relationships in the graph; $types: the derived types; $membership and
// $grouping: the membership type and the level of grouping regions (graph/schema.py).
UNWIND $rows AS row
MATCH (s:__LABEL__ {id: row.id})-[r]->(t)
WHERE type(r) IN $types
  AND NOT (type(r) + '\t' + t.id) IN row.keep
  AND NOT (type(r) = $membership AND coalesce(t.level, '') = $grouping)
DELETE r
