// Question: Which agencies are named in the same tasks as which programs?
// Parameters: $min_tasks — keep pairs that share at least this many tasks (default 1)
// Parameters: $limit — at most this many pairs (default 25)
// Example: policykg query agency_programs --param min_tasks=2
MATCH (a:Agency)<-[:MENTIONS]-(t:Task)-[:MENTIONS]->(g:Program)
WITH a, g, count(DISTINCT t) AS tasks, collect(DISTINCT t.name)[..3] AS examples
WHERE tasks >= $min_tasks
RETURN a.name AS agency, g.name AS program, tasks, examples
ORDER BY tasks DESC, agency, program
LIMIT $limit
