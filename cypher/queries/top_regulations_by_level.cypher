// Question: Which regulations are cited most, at each plan level?
// Parameters: $limit — regulations kept per level (default 5)
// Example: policykg query top_regulations_by_level --param limit=3
MATCH (p:Plan)-[m:MENTIONS]->(r:Regulation)
WITH p.level AS level, r, count(DISTINCT p) AS plans, sum(m.count) AS mentions
ORDER BY plans DESC, mentions DESC, r.name
WITH level, collect({regulation: r.name, plans: plans, mentions: mentions})[..$limit] AS top
UNWIND top AS t
RETURN level, t.regulation AS regulation, t.plans AS plans, t.mentions AS mentions
ORDER BY CASE level WHEN 'national' THEN 0 WHEN 'province' THEN 1 WHEN 'municipality' THEN 2 ELSE 3 END, plans DESC, mentions DESC, regulation
