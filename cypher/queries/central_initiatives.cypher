// Question: Which initiatives are most central: mentioned by the most plans, levels and tasks?
// Parameters: $limit — at most this many rows (default 10)
// Example: policykg query central_initiatives --param limit=5
MATCH (p:Plan)-[m:MENTIONS]->(x:Program|Regulation|Event)
WITH x, count(DISTINCT p) AS plans, count(DISTINCT p.level) AS levels, sum(m.count) AS mentions
OPTIONAL MATCH (t:Task)-[:MENTIONS]->(x)
WITH x, plans, levels, mentions, count(DISTINCT t) AS tasks
RETURN labels(x)[0] AS label, x.name AS initiative, plans, levels, tasks, mentions
ORDER BY plans DESC, levels DESC, tasks DESC, mentions DESC, initiative
LIMIT $limit
