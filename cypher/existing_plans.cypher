// Which of the plans $ids are already in the database (they are re-loaded by MERGE).
UNWIND $ids AS id
MATCH (p:Plan {id: id})
RETURN p.id AS id
