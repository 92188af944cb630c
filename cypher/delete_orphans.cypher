// Delete nodes (by element id) that a re-load left without any relationship and that the graph
// model no longer has. $elements: element ids.
UNWIND $elements AS e
MATCH (n) WHERE elementId(n) = e AND NOT (n)--()
DELETE n
