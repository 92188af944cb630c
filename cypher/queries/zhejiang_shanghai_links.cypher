// Question: Which entities link the plans of one province-level unit to the plans of another (e.g. Zhejiang and Shanghai)?
// Parameters: $province — the first province-level unit (default '浙江省')
// Parameters: $other — the other province-level unit; its own and its districts' plans count (default '上海市')
// Example: policykg query zhejiang_shanghai_links --param province=浙江省 --param other=上海市
// Plans are placed by their COVERS region and the PART_OF hierarchy, so district plans of
// $other count as its plans. Plan-structure nodes (Part, Task) are not entities.
MATCH (a:Plan)-[:COVERS]->(:Region)-[:PART_OF*0..3]->(:Region {name: $province})
MATCH (b:Plan)-[:COVERS]->(:Region)-[:PART_OF*0..3]->(:Region {name: $other})
MATCH (a)-[:MENTIONS]->(x)<-[:MENTIONS]-(b)
WHERE NOT (x:Plan OR x:Part OR x:Task)
RETURN x.name AS entity, labels(x)[0] AS type, collect(DISTINCT a.title) AS plans_of_province,
       collect(DISTINCT b.title) AS plans_of_other
ORDER BY type, entity
