// Question: Is a lower plan's target more or less ambitious than the target its municipality's and province's plans set on the same indicator for the same year?
// Parameters: $plan — the lower plan: title, region or id (default '西湖区')
// Parameters: $indicator — one indicator (canonical or as written), or '' for every indicator (default '')
// Example: policykg query target_ambition --param plan=西湖区 --param indicator=居民健康素养水平
MATCH (d:Plan) WHERE d.title = $plan OR d.region = $plan OR d.id = $plan
MATCH (t:Target {plan: d.id})-[:MEASURES]->(i:Indicator)
WHERE $indicator = '' OR i.name = $indicator OR $indicator IN i.aliases
MATCH (t)-[:FOR_REGION]->(:Region)-[:PART_OF*1..4]->(up:Region)<-[:FOR_REGION]-(u:Target)-[:MEASURES]->(i)
WHERE u.deadline = t.deadline AND u.unit = t.unit AND u.plan <> d.id
MATCH (h:Plan {id: u.plan})
// +1: a higher value asks more (at least), -1: a lower one does (at most), 0: neither says
WITH d, t, i, h, u,
     CASE WHEN t.direction = 'at_most' OR (t.direction = 'exactly' AND u.direction = 'at_most') THEN -1
          WHEN t.direction = 'at_least' OR u.direction = 'at_least' THEN 1 ELSE 0 END AS sense
RETURN i.name AS indicator, t.deadline AS year, d.title AS plan, d.level AS level, t.value AS value,
       t.unit AS unit, t.direction AS direction, h.title AS higher_plan, h.level AS higher_level,
       u.value AS higher_value, u.direction AS higher_direction,
       CASE WHEN t.value = u.value THEN 'as ambitious'
            WHEN sense = 0 THEN 'different'
            WHEN sign(t.value - u.value) = sense THEN 'more ambitious'
            ELSE 'less ambitious' END AS verdict
ORDER BY indicator, year, CASE h.level WHEN 'municipality' THEN 0 WHEN 'province' THEN 1 ELSE 2 END, higher_plan
