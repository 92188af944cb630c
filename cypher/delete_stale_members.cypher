// A grouping region's members come from its entry in data/groupings.yml, so for a grouping of the
// graph its incoming memberships are the graph's to say: delete those the graph no longer has.
// __LABEL__ comes from graph/schema.py only. $rows: [{id, members}] with members the ids of the
// grouping's members in the graph; $membership: the membership type (graph/schema.py).
UNWIND $rows AS row
MATCH (m)-[r]->(g:__LABEL__ {id: row.id})
WHERE type(r) = $membership AND NOT m.id IN row.members
DELETE r
