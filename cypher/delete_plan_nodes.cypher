// Delete the parts, tasks and targets of re-loaded plans (clear_plans has deleted their
// relationships); the loader creates the graph's. $plans: plan ids.
UNWIND $plans AS id
CALL (id) {
  MATCH (n:Part {plan: id})
  DETACH DELETE n
}
CALL (id) {
  MATCH (n:Task {plan: id})
  DETACH DELETE n
}
CALL (id) {
  MATCH (n:Target {plan: id})
  DETACH DELETE n
}
