// Question: In which year did an initiative first appear at each level (national, province, municipality, district), and in which plans?
// Parameters: $name — initiative name or alias (default '家庭医生签约服务')
// Example: policykg query diffusion_timeline --param name=家庭医生签约服务
MATCH (x) WHERE (x.name = $name OR $name IN x.aliases) AND NOT (x:Plan OR x:Part OR x:Task)
MATCH (p:Plan)-[m:MENTIONS]->(x)
WITH x, p.level AS level, min(p.year) AS first_year, collect(DISTINCT p.region + ' ' + toString(p.year)) AS plans,
     sum(m.count) AS mentions
RETURN x.name AS initiative, level, first_year, plans, mentions
ORDER BY first_year, CASE level WHEN 'national' THEN 0 WHEN 'province' THEN 1 WHEN 'municipality' THEN 2 ELSE 3 END
