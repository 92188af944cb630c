// The load lock of a database: a loader creates this node in a transaction it keeps open for the
// whole load and rolls back at the end, so the node is never committed. The uniqueness constraint
// (schema.cypher) makes a second loader's CREATE wait for the first loader's transaction to end.
// A loader that dies takes its transaction, and so the lock, with it.
CREATE (:PolicykgLoadLock {id: 'load'})
