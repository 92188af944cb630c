// Question: Which nodes have a name or alias matching some text (full-text, CJK bigrams)?
// Parameters: $text — Lucene query text, e.g. 家庭医生 or 疾控 (default '家庭医生')
// Parameters: $limit — at most this many hits (default 10)
// Example: policykg query search_names --param text=中山医院 --param limit=5
CALL db.index.fulltext.queryNodes('entity_names', $text) YIELD node, score
RETURN labels(node)[0] AS label, node.name AS name, round(score * 1000) / 1000.0 AS score
ORDER BY score DESC, name
LIMIT $limit
