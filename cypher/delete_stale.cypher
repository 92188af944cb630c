// Remove what a re-loaded plan no longer has: its parts and tasks that are gone, and the plan's and
// its tasks' relationships to nodes that it no longer mentions. $plan: plan id; $nodes: ids of the
// plan's parts and tasks now; $rels: [source id, type, target id] triples now.
MATCH (n) WHERE (n:Part OR n:Task) AND n.plan = $plan AND NOT n.id IN $nodes
DETACH DELETE n
WITH count(*) AS _
MATCH (s) WHERE (s:Plan AND s.id = $plan) OR ((s:Part OR s:Task) AND s.plan = $plan)
MATCH (s)-[r]->(t)
WHERE NOT [s.id, type(r), t.id] IN $rels
DELETE r
