// Question: Which events (and editions of event series) do plans prepare for, in which tasks, with what evidence?
// Parameters: $name — part of the event's or series' name or alias; empty for all events (default '')
// Example: policykg query event_preparations --param name=进口博览会
MATCH (e:Event|EventSeries)
WHERE $name = '' OR e.name CONTAINS $name OR any(a IN coalesce(e.aliases, []) WHERE a CONTAINS $name)
OPTIONAL MATCH (edition:Event)-[:EDITION_OF]->(e)
WITH collect(DISTINCT e) + collect(DISTINCT edition) AS found
UNWIND found AS ev
WITH DISTINCT ev
MATCH (p:Plan)-[m:MENTIONS]->(ev)
OPTIONAL MATCH (ev)-[:EDITION_OF]->(series:EventSeries)
OPTIONAL MATCH (t:Task {plan: p.id})-[:MENTIONS]->(ev)
RETURN coalesce(series.name, ev.name) AS event, ev.name AS edition, p.title AS plan, p.level AS level,
       p.year AS year, collect(DISTINCT t.name) AS tasks, m.sentences[0] AS evidence
ORDER BY event, year, plan
