// Question: Which plans cite a given regulation, by level and year?
// Parameters: $regulation — the regulation's canonical name or one of its aliases (default '上海市爱国卫生与健康促进条例')
// Example: policykg query regulation_citations --param regulation=上海市爱国卫生与健康促进条例
// A plan cites the regulation when it mentions it; implements says whether it also commits to
// carrying it out (IMPLEMENTS).
MATCH (r:Regulation) WHERE r.name = $regulation OR $regulation IN r.aliases
MATCH (p:Plan)-[m:MENTIONS]->(r)
RETURN r.name AS regulation, p.level AS level, p.year AS year, p.region AS region, p.title AS plan,
       m.count AS mentions, EXISTS { (p)-[:IMPLEMENTS]->(r) } AS implements
ORDER BY CASE p.level WHEN 'national' THEN 0 WHEN 'province' THEN 1 WHEN 'municipality' THEN 2 ELSE 3 END, year, region
