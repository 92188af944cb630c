// Question: Which district plans implement (commit to carrying out) a programme or document of their municipality?
// Parameters: $municipality — the municipality's name as plans store it (default '上海市')
// Example: policykg query implementing_districts --param municipality=上海市
// A district plan implements X when it has an IMPLEMENTS edge to X, X is mentioned by a plan of
// the municipality itself, and X is a Program or Regulation (Healthy-X documents count for their
// programme through ABOUT).
MATCH (d:Plan {level: 'district'})-[:COVERS]->(:Region)-[:PART_OF]->(m:Region {name: $municipality})
MATCH (d)-[i:IMPLEMENTS]->(x)
WHERE x:Program OR x:Regulation
MATCH (city:Plan)-[:COVERS]->(m)
WHERE (city)-[:MENTIONS]->(x) OR (city)-[:MENTIONS]->(:Regulation)-[:ABOUT]->(x)
RETURN x.name AS initiative, labels(x)[0] AS type, d.region AS district, d.year AS year,
       d.title AS plan, i.sentences[0] AS evidence
ORDER BY initiative, year, district
