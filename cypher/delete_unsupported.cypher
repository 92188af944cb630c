// Delete the shared nodes of one label that nothing supports any more: not in the graph being loaded
// ($keep: its ids of this label), no relationship but derived ones (no plan or task MENTIONS, COVERS,
// ISSUED_BY or IMPLEMENTS them), no derived relationship pointing at them (a sub-region, a branch, an
// edition keeps its parent or series) and not a member of a grouping (the grouping keeps its members).
// Their own derived relationships go with them: they only said what the node's name implied. One
// round deletes the outermost such nodes; the loader repeats until a round deletes nothing, so an old
// branch goes first and its parent, now unsupported, in the next round.
// __LABEL__ comes from graph/schema.py only. $types: the derived types; $membership and $grouping:
// the membership type and the level of grouping regions (graph/schema.py).
MATCH (n:__LABEL__)
WHERE NOT n.id IN $keep
  AND NOT EXISTS { (n)-[r]-() WHERE NOT type(r) IN $types }
  AND NOT EXISTS { (n)<-[r]-() WHERE NOT (type(r) = $membership AND coalesce(n.level, '') = $grouping) }
  AND NOT EXISTS { (n)-[r]->(g) WHERE type(r) = $membership AND coalesce(g.level, '') = $grouping }
DETACH DELETE n
