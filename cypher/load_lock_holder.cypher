// Who holds the load lock of $database: the open transaction whose metadata names it (the user
// sees its own transactions; an admin sees every user's).
SHOW TRANSACTIONS YIELD database, metaData, startTime, clientAddress
WHERE database = $database AND metaData.policykg = 'load lock'
RETURN metaData.host AS host, metaData.pid AS pid, startTime AS since, clientAddress AS client
