// The constraint that makes the load lock (take_load_lock.cypher) exclusive; created before the lock
// is taken, the rest of the schema (schema.cypher) under it.
CREATE CONSTRAINT policykg_load_lock IF NOT EXISTS FOR (n:PolicykgLoadLock) REQUIRE n.id IS UNIQUE
