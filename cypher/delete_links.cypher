// Delete the plan-to-plan relationships of one type (ALIGNS_WITH) of plans whose subgraph did not
// change; the loader creates the graph's. $plans: plan ids. __FROM__, __TYPE__, __TO__ come from
// graph/schema.py only.
UNWIND $plans AS id
MATCH (:__FROM__ {id: id})-[r:__TYPE__]->(:__TO__)
DELETE r
