// Question: How did the Healthy-X programmes (健康上海行动, 健康浙江行动 …) spread across nation, province, municipality and district?
// Parameters: $prefix — the start of the programme names to follow (default '健康')
// Example: policykg query healthy_x_diffusion --param prefix=健康上海
// One row per programme and level: the first year a plan of that level mentions it (directly or
// through a document ABOUT it, such as 《健康上海行动(2019-2030年)》), and those plans. The same
// first years are stored on the nodes as first_year_national / _province / _municipality / _district.
MATCH (x:Program) WHERE x.name STARTS WITH $prefix AND x.name ENDS WITH '行动' AND 'healthy-x' IN x.rules
MATCH (p:Plan)-[:MENTIONS]->(t) WHERE t = x OR (t:Regulation AND (t)-[:ABOUT]->(x))
WITH x, p.level AS level, min(p.year) AS first_year, collect(DISTINCT p.title) AS plans
RETURN x.name AS programme, level, first_year, plans
ORDER BY programme, first_year, CASE level WHEN 'national' THEN 0 WHEN 'province' THEN 1 WHEN 'municipality' THEN 2 ELSE 3 END
