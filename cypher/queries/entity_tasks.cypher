// Question: Which tasks mention an entity, and in which sentences?
// Parameters: $name — entity name or alias (default '健康上海行动')
// Example: policykg query entity_tasks --param name=家庭医生签约服务
MATCH (x) WHERE (x.name = $name OR $name IN x.aliases) AND NOT (x:Plan OR x:Part OR x:Task)
MATCH (t:Task)-[m:MENTIONS]->(x)
MATCH (p:Plan {id: t.plan})
RETURN p.title AS plan, t.number AS task_no, t.name AS task, m.sentences AS sentences
ORDER BY p.year, p.title, t.order
