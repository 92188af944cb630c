// Question: Which entities does only this plan mention (no other plan does)?
// Parameters: $plan — plan title, region or id (default '宝山区')
// Parameters: $label — only this label, e.g. Program; empty for all (default '')
// Parameters: $limit — at most this many rows (default 25)
// Example: policykg query unique_entities --param plan=浙江省 --param label=Program
MATCH (p:Plan) WHERE p.title = $plan OR p.region = $plan OR p.id = $plan
MATCH (p)-[m:MENTIONS]->(x)
WHERE NOT x:Plan AND ($label = '' OR $label IN labels(x))
  AND NOT EXISTS { MATCH (other:Plan)-[:MENTIONS]->(x) WHERE other <> p }
RETURN p.title AS plan, labels(x)[0] AS label, x.name AS entity, m.count AS mentions
ORDER BY mentions DESC, label, entity
LIMIT $limit
