// Question: Which indicators do the most plans set targets on, at which levels, and with which values?
// Parameters: $min_plans — only indicators of at least this many plans (default 2)
// Parameters: $limit — how many indicators (default 20)
// Example: policykg query shared_indicators --param min_plans=3
MATCH (t:Target)-[:MEASURES]->(i:Indicator)
MATCH (p:Plan {id: t.plan})
WITH i, p, t ORDER BY t.deadline, p.title
WITH i, count(DISTINCT p) AS plans, collect(DISTINCT p.level) AS levels,
     collect(coalesce(p.region, '') + ' ' + toString(t.deadline) + ': ' + t.name) AS targets
WHERE plans >= $min_plans
RETURN i.name AS indicator, plans, levels, targets
ORDER BY plans DESC, size(levels) DESC, indicator
LIMIT $limit
