// Question: What does a plan contain: parts, tasks and entities per label?
// Parameters: $plan — plan title, region or id (default '上海市')
// Example: policykg query plan_overview --param plan=浙江省
MATCH (p:Plan) WHERE p.title = $plan OR p.region = $plan OR p.id = $plan
MATCH (p)-[:MENTIONS]->(x)
WITH p, labels(x)[0] AS label, count(x) AS entities
WITH p, collect({label: label, entities: entities}) AS per_label
RETURN p.title AS plan, p.level AS level, p.year AS year, p.issuer AS issuer,
       COUNT { (p)-[:HAS_PART]->(:Part) } AS parts, COUNT { (:Task {plan: p.id}) } AS tasks,
       [r IN per_label | r.label + ' ' + toString(r.entities)] AS entities
