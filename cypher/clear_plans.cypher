// A re-load of plans already in the database replaces their subgraphs: first delete every
// relationship going out of the plans, their parts, tasks and targets. $plans: plan ids. Returns
// the former targets left with no relationship at all: the loader deletes the shared ones that the
// graph model no longer has (delete_orphans), then the plans' parts, tasks and targets
// (delete_plan_nodes); the Plan nodes stay, as other plans' relationships point at them.
UNWIND $plans AS id
CALL (id) {
  MATCH (s:Plan {id: id}) RETURN s
  UNION
  MATCH (s:Part {plan: id}) RETURN s
  UNION
  MATCH (s:Task {plan: id}) RETURN s
  UNION
  MATCH (s:Target {plan: id}) RETURN s
}
MATCH (s)-[r]->(t)
DELETE r
WITH DISTINCT t
WHERE NOT (t)--()
RETURN elementId(t) AS element, t.id AS id
