// Question: Which hospitals do the plans of a region (and of the regions inside it) mention?
// Parameters: $region — region name or alias, e.g. 上海市, 宝山区, 浙江省 (default '上海市')
// Parameters: $limit — at most this many hospitals (default 25)
// Example: policykg query hospitals_in_region --param region=宝山区 --param limit=10
MATCH (r:Region) WHERE r.name = $region OR $region IN r.aliases
MATCH (sub:Region)-[:PART_OF*0..3]->(r)
MATCH (p:Plan)-[:COVERS]->(sub)
MATCH (p)-[m:MENTIONS]->(h:Hospital)
WITH h, collect(DISTINCT p.title) AS plans, sum(m.count) AS mentions
RETURN h.name AS hospital, plans, mentions
ORDER BY size(plans) DESC, mentions DESC, hospital
LIMIT $limit
