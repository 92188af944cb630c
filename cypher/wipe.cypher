// Delete every node and relationship in batches of $rows, so that no transaction holds more than
// $rows deletions (one transaction for a large graph runs out of transaction memory): the
// relationships first, so a batch of nodes does not bring all their relationships with it. Run in
// an auto-commit transaction (session.run): CALL { … } IN TRANSACTIONS needs one.
MATCH ()-[r]->()
CALL (r) { DELETE r } IN TRANSACTIONS OF $rows ROWS;
MATCH (n)
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF $rows ROWS;
