"""The integration tier: a real Neo4j 5.26 server (neo4j_fixtures.py starts one), a browser, a kernel."""
from tests.integration.neo4j_fixtures import *  # noqa: F401,F403  (neo4j_server, neo4j_driver, empty_db)
