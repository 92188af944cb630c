// Delete nodes (by element id) that a re-load left without any relationship and that the graph
// model no longer has. Shared nodes only: a Plan, Part or Task the graph no longer has may be
// another folder's (a plan with no relationship at all), and loads delete no plan of another.
// $elements: element ids; $plan_labels: Plan, Part and Task (graph/schema.py).
UNWIND $elements AS e
MATCH (n) WHERE elementId(n) = e AND NOT (n)--()
  AND NOT any(label IN labels(n) WHERE label IN $plan_labels)
DELETE n
