// Question: Which initiatives (programs, regulations, events) do two plans share?
// Parameters: $plan_a — first plan: title, region or id (default '上海市')
// Parameters: $plan_b — second plan: title, region or id (default '宝山区')
// Example: policykg query shared_initiatives --param plan_a=上海市 --param plan_b=宝山区
MATCH (a:Plan) WHERE a.title = $plan_a OR a.region = $plan_a OR a.id = $plan_a
MATCH (b:Plan) WHERE (b.title = $plan_b OR b.region = $plan_b OR b.id = $plan_b) AND b <> a
MATCH (a)-[ma:MENTIONS]->(x:Program|Regulation|Event)<-[mb:MENTIONS]-(b)
RETURN a.title AS plan_a, b.title AS plan_b, labels(x)[0] AS label, x.name AS initiative,
       ma.count AS mentions_a, mb.count AS mentions_b
ORDER BY mentions_a + mentions_b DESC, initiative
