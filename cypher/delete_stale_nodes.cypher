// Delete the parts, tasks and targets that re-loaded plans no longer have. $plans: [{id, nodes}] with
// nodes the ids of the plan's parts, tasks and targets now.
UNWIND $plans AS p
CALL (p) {
  MATCH (n:Part {plan: p.id}) WHERE NOT n.id IN p.nodes
  DETACH DELETE n
}
CALL (p) {
  MATCH (n:Task {plan: p.id}) WHERE NOT n.id IN p.nodes
  DETACH DELETE n
}
CALL (p) {
  MATCH (n:Target {plan: p.id}) WHERE NOT n.id IN p.nodes
  DETACH DELETE n
}
