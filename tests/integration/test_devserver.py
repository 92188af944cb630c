"""Integration tests against a real Neo4j (policykg.devserver or $NEO4J_URI)."""

import json
import os
import time
import urllib.request

import pytest
from neo4j import GraphDatabase
from neo4j.exceptions import AuthError

from policykg.devserver import DevServer, fetch_jars

pytestmark = pytest.mark.neo4j

needs_devserver = pytest.mark.skipif(
    bool(os.environ.get("NEO4J_URI")), reason="uses an external server ($NEO4J_URI)")


def test_version_is_5_26_community(neo4j_server, neo4j_driver):
    records, _, _ = neo4j_driver.execute_query(
        "CALL dbms.components() YIELD name, versions, edition", database_=neo4j_server.database)
    kernel = records[0]
    assert kernel["name"] == "Neo4j Kernel"
    assert kernel["versions"][0].startswith("5.26.")
    assert kernel["edition"] == "community"


def test_wrong_password_is_rejected(neo4j_server):
    auth = (neo4j_server.user, neo4j_server.password + "-wrong")
    with GraphDatabase.driver(neo4j_server.uri, auth=auth) as driver:
        with pytest.raises(AuthError):
            driver.verify_connectivity()


def test_cjk_fulltext_analyzer(neo4j_server, empty_db):
    db = neo4j_server.database
    records, _, _ = empty_db.execute_query(
        "CALL db.index.fulltext.listAvailableAnalyzers() YIELD analyzer", database_=db)
    assert "cjk" in {r["analyzer"] for r in records}

    empty_db.execute_query(
        "CREATE FULLTEXT INDEX org_name FOR (n:Org) ON EACH [n.name] "
        "OPTIONS {indexConfig: {`fulltext.analyzer`: 'cjk'}}", database_=db)
    empty_db.execute_query("UNWIND $names AS name CREATE (:Org {name: name})",
                           names=["复旦大学附属中山医院青浦分院", "上海市第一人民医院"], database_=db)
    empty_db.execute_query("CALL db.awaitIndexes(60)", database_=db)
    records, _, _ = empty_db.execute_query(
        "CALL db.index.fulltext.queryNodes('org_name', '中山') YIELD node RETURN node.name AS name",
        database_=db)
    assert [r["name"] for r in records] == ["复旦大学附属中山医院青浦分院"]


@needs_devserver
def test_browser_is_served(neo4j_server):
    server = neo4j_server.server
    with urllib.request.urlopen(server.browser_url, timeout=10) as resp:
        assert resp.status == 200
        assert resp.headers.get_content_type() == "text/html"
    # The discovery document tells Browser where Bolt is: our port, not 7687.
    with urllib.request.urlopen(server.http_url, timeout=10) as resp:
        discovery = json.load(resp)
    assert discovery["bolt_direct"] == server.uri
    assert discovery["neo4j_version"].startswith("5.26.")


@needs_devserver
def test_committed_data_survives_kill_and_restart(tmp_path):
    """SIGKILL after acknowledged commits; restart on the same ports finds them all."""
    server = DevServer(tmp_path / "neo4j", lib_dir=fetch_jars())
    try:
        server.start()
        uri = server.uri
        with GraphDatabase.driver(server.uri, auth=server.auth) as driver:
            driver.execute_query("CREATE CONSTRAINT doc_id FOR (d:Doc) REQUIRE d.id IS UNIQUE")
            for i in range(100):  # 100 separate committed transactions
                driver.execute_query("CREATE (:Doc {id: $i})", i=i)
            driver.execute_query("UNWIND range(100, 1099) AS i CREATE (:Doc {id: i})")
        server.kill()
        assert not server.running

        t0 = time.monotonic()
        server.restart()
        print(f"restart after kill: {time.monotonic() - t0:.1f} s")
        assert server.uri == uri
        with GraphDatabase.driver(server.uri, auth=server.auth) as driver:
            records, _, _ = driver.execute_query(
                "MATCH (d:Doc) RETURN count(d) AS n, count(DISTINCT d.id) AS ids")
            assert (records[0]["n"], records[0]["ids"]) == (1100, 1100)
            records, _, _ = driver.execute_query("SHOW CONSTRAINTS YIELD name")
            assert [r["name"] for r in records] == ["doc_id"]
    finally:
        server.stop()
