// Remove the relationships that re-loaded plans no longer have. $plans: [{id, rels}] with rels the
// "source<TAB>TYPE<TAB>target" keys of the plan's, its parts', tasks' and targets' outgoing relationships
// now. Returns the former targets left with no relationship at all: the loader deletes the shared ones
// that the graph model no longer has (delete_orphans), then the plans' stale parts and tasks
// (delete_stale_nodes).
UNWIND $plans AS p
CALL (p) {
  MATCH (s:Plan {id: p.id}) RETURN s
  UNION
  MATCH (s:Part {plan: p.id}) RETURN s
  UNION
  MATCH (s:Task {plan: p.id}) RETURN s
  UNION
  MATCH (s:Target {plan: p.id}) RETURN s
}
MATCH (s)-[r]->(t)
WHERE NOT (s.id + '\t' + type(r) + '\t' + t.id) IN p.rels
DELETE r
WITH DISTINCT t
WHERE NOT (t)--()
RETURN elementId(t) AS element, t.id AS id
