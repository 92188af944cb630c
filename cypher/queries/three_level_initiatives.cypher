// Question: Which initiatives appear in plans of three or more levels (national, province, municipality, district)?
// Parameters: $min_levels — how many distinct plan levels must mention it (default 3)
// Example: policykg query three_level_initiatives --param min_levels=2
MATCH (p:Plan)-[:MENTIONS]->(x:Program|Regulation|Event)
WITH x, collect(DISTINCT p.level) AS levels, collect(DISTINCT p.title) AS plans
WHERE size(levels) >= $min_levels
RETURN labels(x)[0] AS label, x.name AS initiative, size(levels) AS level_count, levels,
       size(plans) AS plan_count, plans
ORDER BY level_count DESC, plan_count DESC, initiative
