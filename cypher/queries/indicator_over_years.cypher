// Question: How did the targets for one indicator change over the years in the plans of one region?
// Parameters: $indicator — indicator: its canonical name or a name plans use for it (default '居民健康素养水平')
// Parameters: $region — region name, as in the Region nodes (default '浙江省')
// Example: policykg query indicator_over_years --param indicator=人均预期寿命 --param region=浙江省
MATCH (i:Indicator) WHERE i.name = $indicator OR $indicator IN i.aliases
MATCH (t:Target)-[:MEASURES]->(i)
MATCH (t)-[:FOR_REGION]->(r:Region) WHERE r.name = $region OR $region IN r.aliases
MATCH (p:Plan {id: t.plan})
RETURN i.name AS indicator, t.deadline AS year, p.title AS plan, p.level AS level, t.direction AS direction,
       t.value AS value, t.low AS low, t.high AS high, t.unit AS unit, t.text AS text
ORDER BY year, plan, value
