// Question: What are all the branches and campuses of a hospital?
// Parameters: $hospital — the hospital's canonical name or one of its aliases (default '中山医院')
// Example: policykg query hospital_branches --param hospital=中山医院
// Branches (X医院Y分院) and campuses (X医院Y院区) point at X医院 with BRANCH_OF; the plans that
// name each branch come with it.
MATCH (h:Hospital) WHERE h.name = $hospital OR $hospital IN h.aliases
MATCH (b:Hospital)-[r:BRANCH_OF]->(h)
OPTIONAL MATCH (p:Plan)-[:MENTIONS]->(b)
RETURN h.name AS hospital, b.name AS branch, r.kind AS kind, r.place AS place,
       collect(DISTINCT p.title) AS plans
ORDER BY branch
