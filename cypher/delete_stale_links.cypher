// Delete the plan-to-plan relationships of one type (ALIGNS_WITH) of plans whose subgraph did not
// change that the graph no longer has. $plans: [{id, targets}] with targets the ids the plan's
// relationships of the type point at now. __FROM__, __TYPE__, __TO__ come from graph/schema.py only.
UNWIND $plans AS p
MATCH (:__FROM__ {id: p.id})-[r:__TYPE__]->(t:__TO__)
WHERE NOT t.id IN p.targets
DELETE r
