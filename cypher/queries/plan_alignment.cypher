// Question: How does a plan align with its parent (higher-level) plans: shared initiatives and score?
// Parameters: $plan — plan title, region or id (default '宝山区')
// Example: policykg query plan_alignment --param plan=青浦区
MATCH (p:Plan) WHERE p.title = $plan OR p.region = $plan OR p.id = $plan
MATCH (p)-[a:ALIGNS_WITH]->(parent:Plan)
RETURN p.title AS plan, parent.title AS parent, parent.level AS parent_level, a.score AS score,
       size(a.shared) AS shared_count, a.shared AS shared
ORDER BY score DESC, parent
