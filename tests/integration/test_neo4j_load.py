"""Loading into a real Neo4j 5.26 server (tests/integration/neo4j_fixtures.py starts it)."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time

import networkx as nx
import pytest
from click.testing import CliRunner

from policykg.cli import cli
from policykg.graph import model, neo4j_delta, neo4j_load, schema, writers
from policykg.graph.neo4j_load import Connection

pytestmark = pytest.mark.neo4j

CROSS_LEVEL = ("MATCH (a:Plan)-[:MENTIONS]->(x)<-[:MENTIONS]-(b:Plan) WHERE a.level <> b.level "
               "RETURN a.title AS a, x.name AS x, b.title AS b")
QINGPU = "001_"  # the seed plan that the change test edits
ZHEJIANG = "002_"  # the provincial plan, loaded as a folder of its own


def _connection(server) -> Connection:
    return Connection(server.uri, server.user, server.password, server.database)


def _env(server, **override) -> dict:
    env = {"NEO4J_URI": server.uri, "NEO4J_USERNAME": server.user,
           "NEO4J_PASSWORD": server.password, "NEO4J_DATABASE": server.database}
    env.update(override)
    return env


def _db_state(driver, database) -> tuple[set, set]:
    nodes, _, _ = driver.execute_query("MATCH (n) RETURN n.id AS id, labels(n)[0] AS label", database_=database)
    rels, _, _ = driver.execute_query("MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS t, b.id AS b",
                                      database_=database)
    return {(r["id"], r["label"]) for r in nodes}, {(r["a"], r["t"], r["b"]) for r in rels}


def _model_state(graph) -> tuple[set, set]:
    return ({(n, d["label"]) for n, d in graph.nodes(data=True)},
            {(u, k, v) for u, v, k in graph.edges(keys=True)})


def _counts(stats) -> tuple[int, int, int, int]:
    return stats.nodes_created, stats.nodes_deleted, stats.relationships_created, stats.relationships_deleted


def _expected_counts(old, new) -> tuple[int, int, int, int]:
    """(nodes created, deleted, relationships created, deleted) by a load of ``new`` over ``old``:
    a plan whose subgraph changed is replaced whole (its parts, tasks, targets and outgoing
    relationships; its Plan node is kept), a plan whose alignments alone changed has those
    replaced, and of the rest only what differs is written."""
    before = neo4j_delta.compute(old, neo4j_load._plan_parts(old), []).plans
    after = neo4j_delta.compute(new, neo4j_load._plan_parts(new), []).plans
    replaced = {p for p in after if p in before and before[p][0] != after[p][0]}
    relinked = {p for p in after if p in before and before[p][0] == after[p][0] and before[p][1] != after[p][1]}

    def owned(graph) -> set:
        return {(n, d["label"]) for n, d in graph.nodes(data=True) if d.get("plan") in replaced}

    def rewritten(graph) -> set:
        out = {(u, k, v) for u, v, k in graph.out_edges([*replaced, *(n for n, _ in owned(graph))], keys=True)}
        return out | {(u, k, v) for u, v, k in graph.out_edges(relinked, keys=True) if k == schema.ALIGNS_WITH}

    (old_nodes, old_rels), (new_nodes, new_rels) = _model_state(old), _model_state(new)
    return (len(owned(new) | (new_nodes - old_nodes)), len(owned(old) | (old_nodes - new_nodes)),
            len(rewritten(new) | (new_rels - old_rels)), len(rewritten(old) | (old_rels - new_rels)))


def test_load_seeds_and_query_cross_level(seeds_build, neo4j_server, empty_db):
    stats = neo4j_load.load_graph(seeds_build.graph, _connection(neo4j_server))
    assert stats.plans == 5 and stats.nodes_created == seeds_build.graph.number_of_nodes()
    assert stats.relationships_created == seeds_build.graph.number_of_edges()
    records, _, _ = empty_db.execute_query(CROSS_LEVEL, database_=neo4j_server.database)
    triples = {(r["a"], r["x"], r["b"]) for r in records}
    assert ("2022年上海市卫生健康工作要点", "健康上海行动", "2025年宝山区卫生健康工作要点") in triples
    assert _db_state(empty_db, neo4j_server.database) == _model_state(seeds_build.graph)


def test_second_load_creates_nothing(seeds_build, neo4j_server, empty_db):
    connection = _connection(neo4j_server)
    neo4j_load.load_graph(seeds_build.graph, connection, rows_per_batch=300)
    again = neo4j_load.load_graph(seeds_build.graph, connection, rows_per_batch=300)
    assert again.plans == 5
    assert (again.nodes_created, again.relationships_created, again.nodes_deleted, again.relationships_deleted) == (0, 0, 0, 0)


def test_constraints_indexes_and_fulltext(seeds_build, neo4j_server, empty_db):
    neo4j_load.load_graph(seeds_build.graph, _connection(neo4j_server))
    neo4j_load.load_graph(seeds_build.graph, _connection(neo4j_server))  # schema statements are idempotent
    db = neo4j_server.database
    records, _, _ = empty_db.execute_query("SHOW CONSTRAINTS YIELD labelsOrTypes, properties, type "
                                           "RETURN labelsOrTypes, properties, type", database_=db)
    constrained = {r["labelsOrTypes"][0] for r in records if r["type"] == "UNIQUENESS" and r["properties"] == ["id"]}
    assert set(schema.NODE_LABELS) <= constrained
    records, _, _ = empty_db.execute_query("SHOW INDEXES YIELD name, type, state, options "
                                           "WHERE name = 'entity_names' RETURN type, state, options", database_=db)
    assert records and records[0]["type"] == "FULLTEXT" and records[0]["state"] == "ONLINE"
    assert records[0]["options"]["indexConfig"]["fulltext.analyzer"] == "cjk"
    search = ("CALL db.index.fulltext.queryNodes('entity_names', $q) YIELD node "
              "RETURN node.name AS name, coalesce(node.alias_text, '') AS aliases")
    for term in ("中山", "疾控"):
        found, _, _ = empty_db.execute_query(search, q=term, database_=db)
        assert found, term
        assert all(term in r["name"] + r["aliases"] for r in found[:3]), (term, found[:3])
    found, _, _ = empty_db.execute_query(search, q="中山", database_=db)
    assert any("中山医院" in r["name"] for r in found)


def test_reload_changed_plan_replaces_its_mentions(seeds_dir, seeds_build, neo4j_server, empty_db, tmp_path):
    from policykg.build import build

    connection, db = _connection(neo4j_server), neo4j_server.database
    copy = tmp_path / "seeds"
    shutil.copytree(seeds_dir, copy)
    first = build([copy])
    neo4j_load.load_graph(first.graph, connection, rows_per_batch=400)
    assert _db_state(empty_db, db) == _model_state(first.graph)

    target = next(copy.glob(f"{QINGPU}*.txt"))
    text = target.read_text(encoding="utf-8")
    assert "朱家角人民医院" in text
    target.write_text(text.replace("朱家角人民医院", "瑞金医院"), encoding="utf-8")
    second = build([copy])
    plan = next(p for p in second.plans if p.document.name == target.name)
    pid = model.plan_id(plan)
    assert pid == model.plan_id(next(p for p in first.plans if p.document.name == target.name))  # edited, same plan
    old_targets = {v for _, v, k in first.graph.out_edges(pid, keys=True) if k == "MENTIONS"}
    new_targets = {v for _, v, k in second.graph.out_edges(pid, keys=True) if k == "MENTIONS"}
    gone, added = old_targets - new_targets, new_targets - old_targets
    assert any("朱家角" in g for g in gone) and any("瑞金" in a for a in added)

    stats = neo4j_load.load_graph(second.graph, connection, rows_per_batch=400)
    nodes, rels = _db_state(empty_db, db)
    assert (nodes, rels) == _model_state(second.graph)  # the database mirrors the new model exactly
    assert stats.plans_sent == 1
    assert _counts(stats) == _expected_counts(first.graph, second.graph)
    assert not any((pid, "MENTIONS", g) in rels for g in gone)
    assert all((pid, "MENTIONS", a) in rels for a in added)
    # The evidence (sentences) on the plan's mentions is the new text's.
    records, _, _ = empty_db.execute_query(
        "MATCH (:Plan {id: $pid})-[r:MENTIONS]->(x) RETURN x.id AS x, r.sentences AS s, r.count AS c",
        pid=pid, database_=db)
    for r in records:
        data = second.graph.edges[pid, r["x"], "MENTIONS"]
        assert (r["s"], r["c"]) == (data["sentences"], data["count"])
    assert not any("朱家角人民医院" in s for r in records for s in r["s"])


def test_new_plan_adds_only_what_is_new(seeds_dir, neo4j_server, empty_db):
    from policykg.build import build

    connection, db = _connection(neo4j_server), neo4j_server.database
    files = sorted(seeds_dir.glob("*.txt"))
    one, two = build([files[3]]), build([files[4]])  # two Shanghai districts, sharing entities
    neo4j_load.load_graph(one.graph, connection)
    before = _db_state(empty_db, db)
    stats = neo4j_load.load_graph(two.graph, connection)
    nodes, rels = _db_state(empty_db, db)
    n1, r1 = _model_state(one.graph)
    n2, r2 = _model_state(two.graph)
    assert n1 & n2, "the two plans should share some entities"
    assert nodes == n1 | n2 and rels == r1 | r2  # shared entities merged, nothing duplicated
    assert before[0] <= nodes and before[1] <= rels
    assert (stats.nodes_deleted, stats.relationships_deleted) == (0, 0)
    assert stats.nodes_created == len(n2 - n1) and stats.relationships_created == len(r2 - r1)


def test_cypher_injection_stays_data(seeds_build, neo4j_server, empty_db, tmp_path):
    from policykg.build import build

    connection, db = _connection(neo4j_server), neo4j_server.database
    neo4j_load.load_graph(seeds_build.graph, connection)
    evil = ["}) DETACH DELETE n //", "'; MATCH (n) DETACH DELETE n;", '\\"引号\\\'', "`Plan`{id:'x'}"]
    text = "\n".join([
        "2023年青浦区卫生健康工作要点", "",
        "一、加强公共卫生体系建设",
        f"1.完善疾控体系{evil[0]}。推进上海市青浦区疾病预防控制中心建设，落实{evil[1]}要求。",
        f"2.提升服务能力{evil[2]}。推进中山医院青浦分院建设{evil[3]}。",
        "3.加强卫生健康人才队伍建设。完善人才培养、引进、使用和激励机制，深化住院医师规范化培训，"
        "推进基层卫生人才能力提升，加强公共卫生人才队伍建设，优化人才发展环境，提升全区医疗卫生服务水平。",
        "二、深化医药卫生体制改革",
        "4.推进紧密型医疗联合体建设。以区域医疗中心为龙头，整合区域内医疗卫生资源，推动优质医疗资源下沉，"
        "完善分级诊疗制度，加强家庭医生签约服务，提升社区卫生服务中心服务能力，方便群众就近就医。",
        "5.完善公立医院绩效考核。落实公立医院内部绩效考核评价办法，推进现代医院管理制度建设，"
        "强化医疗质量安全管理，持续改善医疗服务，提升患者就医获得感和满意度。",
        "", "上海市青浦区卫生健康委员会", "2023年3月1日", ""])
    path = tmp_path / "evil.txt"
    path.write_text(text, encoding="utf-8")
    result = build([path])
    assert result.plans and not result.problems
    neo4j_load.load_graph(result.graph, connection)
    nodes, rels = _db_state(empty_db, db)
    want_nodes, want_rels = _model_state(seeds_build.graph)
    more_nodes, more_rels = _model_state(result.graph)
    assert nodes == want_nodes | more_nodes and rels == want_rels | more_rels
    records, _, _ = empty_db.execute_query("MATCH (t:Task) WHERE t.plan = $pid RETURN t.headline AS h ORDER BY t.order",
                                           pid=model.plan_id(result.plans[0]), database_=db)
    stored = " ".join(r["h"] for r in records)  # normalised text: ）for ), no spaces around //
    assert "DETACH DELETE n" in stored and '\\"引号\\' in stored
    records, _, _ = empty_db.execute_query("MATCH (:Plan {id: $pid})-[r:MENTIONS]->() UNWIND r.sentences AS s "
                                           "RETURN collect(s) AS s", pid=model.plan_id(result.plans[0]),
                                           database_=db)
    sentences = records[0]["s"]  # the evidence, with its quotes, backticks and braces, as data
    assert any(evil[3] in s for s in sentences) and any("';" in s for s in sentences)


def test_cli_build_with_neo4j(seeds_dir, neo4j_server, empty_db, tmp_path):
    env = _env(neo4j_server)
    result = CliRunner().invoke(cli, ["build", str(seeds_dir), "--out", str(tmp_path), "--neo4j"], env=env)
    assert result.exit_code == 0, result.output
    assert "loaded 5 plans" in result.output
    assert neo4j_server.password not in result.output
    result = CliRunner().invoke(cli, ["load", str(tmp_path)], env=env)
    assert result.exit_code == 0, result.output
    assert "0 nodes and 0 relationships created, 0 relationships and 0 nodes deleted" in result.output


@pytest.fixture
def seeds_out(seeds_build, tmp_path):
    writers.write_json(seeds_build.graph, tmp_path / writers.GRAPH_JSON)
    return tmp_path


def _count(driver, db) -> int:
    return driver.execute_query("MATCH (n) RETURN count(n) AS n", database_=db).records[0]["n"]


def test_cli_dry_run_connects_to_nothing(seeds_out, seeds_build):
    env = {"NEO4J_URI": "bolt://127.0.0.1:1", "NEO4J_PASSWORD": ""}
    result = CliRunner().invoke(cli, ["load", str(seeds_out), "--dry-run"], env=env)
    assert result.exit_code == 0, result.output
    assert '"Plan": 5' in result.output and '"MENTIONS"' in result.output


def test_cli_wipe_asks_and_yes_skips(seeds_out, seeds_build, neo4j_server, empty_db):
    env, db = _env(neo4j_server), neo4j_server.database
    empty_db.execute_query("CREATE (:Stray {id: 'stray'})", database_=db)
    result = CliRunner().invoke(cli, ["load", str(seeds_out), "--wipe"], env=env, input="n\n")
    assert result.exit_code == 1 and "Aborted" in result.output
    assert _count(empty_db, db) == 1  # declined: nothing deleted, nothing loaded
    result = CliRunner().invoke(cli, ["load", str(seeds_out), "--wipe"], env=env, input="y\n")
    assert result.exit_code == 0, result.output
    assert _count(empty_db, db) == seeds_build.graph.number_of_nodes()  # the stray node is gone
    result = CliRunner().invoke(cli, ["load", str(seeds_out), "--wipe", "--yes"], env=env)
    assert result.exit_code == 0, result.output
    assert f"{seeds_build.graph.number_of_nodes()} nodes and" in result.output  # created afresh


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_cli_query_unreachable_fails_fast(neo4j_server):
    """query checks the server as load does: one connection attempt, not the driver's retries."""
    attempts = []
    with socket.socket() as listener:  # accepts and hangs up: a server that is not there
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        listener.settimeout(0.2)
        done = threading.Event()

        def accept():
            while not done.is_set():
                try:
                    conn, _ = listener.accept()
                except OSError:
                    continue
                attempts.append(conn)
                conn.close()

        thread = threading.Thread(target=accept, daemon=True)
        thread.start()
        env = _env(neo4j_server, NEO4J_URI=f"bolt://127.0.0.1:{listener.getsockname()[1]}")
        result = CliRunner().invoke(cli, ["query", "plan_overview"], env=env)
        done.set()
        thread.join()
    assert result.exit_code == 1 and "cannot reach" in result.output, result.output
    assert len(result.output.strip().splitlines()) == 1
    assert 1 <= len(attempts) <= 2  # before: retried for the driver's retry time (34 s)


def test_cli_unreachable_fails_fast(seeds_out, neo4j_server):
    env = _env(neo4j_server, NEO4J_URI=f"bolt://127.0.0.1:{_closed_port()}")
    t0 = time.monotonic()
    result = CliRunner().invoke(cli, ["load", str(seeds_out)], env=env)
    assert time.monotonic() - t0 < 15
    assert result.exit_code == neo4j_load.EXIT_UNREACHABLE, result.output
    assert "cannot reach" in result.output and neo4j_server.password not in result.output


def test_cli_wrong_password(seeds_out, neo4j_server):
    wrong = "not-the-password-123"
    result = CliRunner().invoke(cli, ["load", str(seeds_out)], env=_env(neo4j_server, NEO4J_PASSWORD=wrong))
    assert result.exit_code == neo4j_load.EXIT_AUTH, result.output
    assert "user name or password" in result.output and wrong not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_cli_missing_database(seeds_out, neo4j_server):
    result = CliRunner().invoke(cli, ["load", str(seeds_out)], env=_env(neo4j_server, NEO4J_DATABASE="nosuchdb"))
    assert result.exit_code == neo4j_load.EXIT_NO_DATABASE, result.output
    assert "'nosuchdb' does not exist" in result.output


def test_cli_unsupported_version(seeds_out, neo4j_server, monkeypatch):
    monkeypatch.setattr("policykg.graph.neo4j_server.SUPPORTED_MAJOR", "6")
    result = CliRunner().invoke(cli, ["load", str(seeds_out)], env=_env(neo4j_server))
    assert result.exit_code == neo4j_load.EXIT_VERSION, result.output
    assert "5.26" in result.output and "not supported" in result.output


def test_check_version():
    assert neo4j_load.check_version("5.26.30") == "5.26.30"
    for version in ("4.4.12", "2025.01.0"):
        with pytest.raises(neo4j_load.LoadError) as info:
            neo4j_load.check_version(version)
        assert info.value.exit_code == neo4j_load.EXIT_VERSION


def test_password_not_in_help_or_repr(monkeypatch):
    secret = "s3cret-from-env-xyz"
    result = CliRunner().invoke(cli, ["load", "--help"], env={"NEO4J_PASSWORD": secret})
    assert result.exit_code == 0 and secret not in result.output
    assert secret not in repr(Connection("bolt://h:7687", "neo4j", secret))
    # Credentials in the URI are taken out of it: the URI can go into messages.
    connection = Connection("neo4j+s://u%40x:p%3Aw@h:7687/?policy=a", "neo4j", "")
    assert (connection.uri, connection.user, connection.password) == ("neo4j+s://h:7687/?policy=a", "u@x", "p:w")
    assert secret not in repr(Connection(f"bolt://neo4j:{secret}@h:7687", "neo4j", ""))


@pytest.mark.parametrize("host", ["live", "closed", "malformed"])
def test_password_in_uri_never_shown(seeds_out, neo4j_server, host):
    """bolt://user:password@host: no traceback, and the password in no message (the driver's own
    error quoted the URI whole)."""
    secret = neo4j_server.password if host == "live" else "Uri-Secret-4711"
    address = {"live": neo4j_server.uri.partition("://")[2], "closed": f"127.0.0.1:{_closed_port()}",
               "malformed": "127.0.0.1:notaport"}[host]
    env = _env(neo4j_server, NEO4J_URI=f"bolt://{neo4j_server.user}:{secret}@{address}", NEO4J_PASSWORD="")
    for args in (["load", str(seeds_out)], ["query", "plan_overview"]):
        result = CliRunner().invoke(cli, args, env=env)
        assert secret not in result.output, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        if host == "live":
            assert result.exit_code == 0, result.output
        else:
            assert result.exit_code != 0 and len(result.output.strip().splitlines()) == 1, result.output


def test_batches_keep_plans_whole_and_ordered(seeds_build):
    graph = seeds_build.graph
    batches = neo4j_load.plan_batches(graph, rows_per_batch=1)
    seen: list[str] = []
    for batch in batches:
        ids = set(batch.ids)
        for part in batch.plans:
            for _, v, _, _ in part.edges:
                owner = neo4j_load._owner(graph, v)
                # a plan only points at plans already loaded or loaded with it
                assert owner is None or owner in ids or owner in seen
        seen.extend(batch.ids)
    assert sorted(seen) == sorted(n for n, d in graph.nodes(data=True) if d["label"] == "Plan")


# -- relationships between shared nodes, and the entities only they held ---------------------

BRANCH = "Hospital:复旦大学附属中山医院青浦分院"  # renamed by the change below …
PARENT = "Hospital:复旦大学附属中山医院"  # … and its parent with it
OLD_BRANCH, OLD_PARENT = "Hospital:中山医院青浦分院", "Hospital:中山医院"
KEPT_BRANCH = "Hospital:复旦大学附属妇产科医院青浦分院"  # keeps its name, gets a new parent
KEPT_OLD_PARENT = "Hospital:妇产科医院"
GROUPING, OLD_MEMBER = "Region:长三角", "Region:福建省"  # a membership the grouping no longer has


def _with_old_resolver(graph):
    """The seed graph as an older resolver made it: shorter branch and parent names, one more member."""
    old = graph.copy()
    old.add_node(OLD_PARENT, label="Hospital", name="中山医院", aliases=["中山医院"], rules=["branch-parent"])
    old.add_node(KEPT_OLD_PARENT, label="Hospital", name="妇产科医院", aliases=["妇产科医院"], rules=["branch-parent"])
    data = old.edges[BRANCH, PARENT, schema.BRANCH_OF]
    old.remove_edge(BRANCH, PARENT, key=schema.BRANCH_OF)
    old.add_edge(BRANCH, OLD_PARENT, key=schema.BRANCH_OF, **data)
    data = old.edges[KEPT_BRANCH, "Hospital:复旦大学附属妇产科医院", schema.BRANCH_OF]
    old.remove_node("Hospital:复旦大学附属妇产科医院")  # only a branch parent in the seeds
    old.add_edge(KEPT_BRANCH, KEPT_OLD_PARENT, key=schema.BRANCH_OF, **data)
    old.add_edge(OLD_MEMBER, GROUPING, key=schema.PART_OF)
    old = nx.relabel_nodes(old, {BRANCH: OLD_BRANCH})
    old.nodes[OLD_BRANCH]["name"] = "中山医院青浦分院"
    return old


def test_reload_after_resolver_change_replaces_global_relationships(seeds_build, neo4j_server, empty_db):
    connection, db = _connection(neo4j_server), neo4j_server.database
    new = seeds_build.graph
    old = _with_old_resolver(new)
    assert {OLD_BRANCH, OLD_PARENT, KEPT_OLD_PARENT} <= set(old) and not {OLD_BRANCH, OLD_PARENT} & set(new)
    assert any(k == schema.MENTIONS for _, _, k in old.in_edges(OLD_BRANCH, keys=True))
    neo4j_load.load_graph(old, connection, rows_per_batch=400)
    assert _db_state(empty_db, db) == _model_state(old)

    stats = neo4j_load.load_graph(new, connection, rows_per_batch=400)
    nodes, rels = _db_state(empty_db, db)
    assert (nodes, rels) == _model_state(new)  # nothing of the old resolver's is left
    for gone in ((OLD_BRANCH, "BRANCH_OF", OLD_PARENT), (KEPT_BRANCH, "BRANCH_OF", KEPT_OLD_PARENT),
                 (OLD_MEMBER, "PART_OF", GROUPING)):
        assert gone not in rels
    assert not {OLD_BRANCH, OLD_PARENT, KEPT_OLD_PARENT} & {n for n, _ in nodes}
    assert {(BRANCH, "BRANCH_OF", PARENT), (KEPT_BRANCH, "BRANCH_OF", "Hospital:复旦大学附属妇产科医院")} <= rels
    assert (OLD_MEMBER, "Region") in nodes  # still a province of the hierarchy (三明市 is PART_OF it)
    assert _counts(stats) == _expected_counts(old, new)

    again = neo4j_load.load_graph(new, connection, rows_per_batch=400)
    assert (again.nodes_created, again.relationships_created, again.nodes_deleted, again.relationships_deleted) == (0, 0, 0, 0)


def test_other_folder_keeps_global_relationships_and_nodes(seeds_dir, neo4j_server, empty_db):
    from policykg.build import build

    connection, db = _connection(neo4j_server), neo4j_server.database
    files = sorted(seeds_dir.glob("*.txt"))
    first = build([f for f in files if not f.name.startswith(ZHEJIANG)])
    second = build([f for f in files if f.name.startswith(ZHEJIANG)])
    n1, r1 = _model_state(first.graph)
    n2, r2 = _model_state(second.graph)
    # 浙江省 is in both graphs, its membership of 长三角 only in the first (the second never names
    # 长三角): the second folder does not know about it and must leave it.
    membership = ("Region:浙江省", "PART_OF", GROUPING)
    assert membership in r1 - r2 and "Region:浙江省" in second.graph and GROUPING not in second.graph

    neo4j_load.load_graph(first.graph, connection)
    stats = neo4j_load.load_graph(second.graph, connection)
    assert _db_state(empty_db, db) == (n1 | n2, r1 | r2)  # the first folder's nodes and relationships stay
    assert (stats.nodes_deleted, stats.relationships_deleted) == (0, 0)

    again = neo4j_load.load_graph(first.graph, connection)  # and the first folder again keeps the second's
    assert _db_state(empty_db, db) == (n1 | n2, r1 | r2)
    assert (again.nodes_created, again.relationships_created, again.nodes_deleted, again.relationships_deleted) == (0, 0, 0, 0)


def test_derived_rows_cover_every_shared_node(seeds_build):
    """Each shared node of the graph gets a row, also one without derived relationships (its stale
    ones must go too); grouping regions list their members."""
    graph = seeds_build.graph
    shared = neo4j_load.shared_nodes(graph)
    rows = neo4j_load._derived_rows(graph, shared)
    by_id = {row["id"]: row["keep"] for label_rows in rows.values() for row in label_rows}
    assert set(by_id) == set(shared)
    assert by_id[BRANCH] == [f"BRANCH_OF\t{PARENT}"] and by_id[PARENT] == []
    members = {row["id"]: set(row["members"]) for label_rows in neo4j_load._member_rows(graph, shared).values()
               for row in label_rows}
    assert {"Region:上海市", "Region:浙江省"} <= members[GROUPING]
    assert all(graph.nodes[g]["level"] == schema.GROUPING_LEVEL for g in members)


def _plans_graph(*plans: str, aligns: tuple = (), mentions: tuple = ()) -> nx.MultiDiGraph:
    """Plans with no parts or tasks; ``aligns``: (lower, higher) plan pairs, ``mentions``: (plan, program)."""
    graph = nx.MultiDiGraph()
    for plan in plans:
        graph.add_node(plan, label=schema.PLAN, title=plan.partition(":")[2])
    for lower, higher in aligns:
        graph.add_edge(lower, higher, key=schema.ALIGNS_WITH, score=0.5)
    for plan, program in mentions:
        graph.add_node(program, label="Program", name=program.partition(":")[2])
        graph.add_edge(plan, program, key=schema.MENTIONS, count=1)
    return graph


def test_reload_keeps_an_isolated_plan_of_another_folder(neo4j_server, empty_db):
    """A re-loaded plan that no longer aligns with another folder's plan leaves that plan without
    any relationship; it is still that folder's plan, and only orphaned shared nodes go."""
    connection, db = _connection(neo4j_server), neo4j_server.database
    lower, higher, program = "Plan:区要点", "Plan:市要点", "Program:旧行动"
    other_folder = _plans_graph(higher)
    before = _plans_graph(lower, higher, aligns=[(lower, higher)], mentions=[(lower, program)])
    after = _plans_graph(lower)  # the folder no longer has the higher plan, the lower one no alignment

    neo4j_load.load_graph(other_folder, connection)
    neo4j_load.load_graph(before, connection)
    assert _db_state(empty_db, db) == _model_state(before)
    stats = neo4j_load.load_graph(after, connection)
    nodes, rels = _db_state(empty_db, db)
    assert nodes == {(lower, "Plan"), (higher, "Plan")} and rels == set()
    assert (stats.nodes_deleted, stats.relationships_deleted) == (1, 2)  # the program and both relationships


# -- one load at a time ----------------------------------------------------------------------

def _two_folders(seeds_dir):
    """Two builds sharing no plan but many entities (a district and the province)."""
    from policykg.build import build

    files = sorted(seeds_dir.glob("*.txt"))
    return build(files[:2] + files[3:4]), build(files[2:3] + files[4:])


def test_concurrent_loads_give_the_clean_result(seeds_dir, neo4j_server, empty_db, tmp_path):
    """Two `policykg load` processes at once, in small transactions so that they overlap: the graph
    is the one two loads after each other give (before: one load's clean-up deleted the entities
    the other had written and not linked yet, both exiting 0)."""
    one, two = _two_folders(seeds_dir)
    dirs = []
    for i, result in enumerate((one, two)):
        writers.write_json(result.graph, tmp_path / f"{i}" / writers.GRAPH_JSON)
        dirs.append(tmp_path / f"{i}")
    clean = (_model_state(one.graph)[0] | _model_state(two.graph)[0],
             _model_state(one.graph)[1] | _model_state(two.graph)[1])
    env = {**os.environ, **_env(neo4j_server)}
    for _ in range(2):
        neo4j_load.delete_everything(empty_db, neo4j_server.database)
        procs = [subprocess.Popen([sys.executable, "-m", "policykg.cli", "load", str(d), "--batch-size", "200"],
                                  env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                 for d in dirs]
        outputs = [p.communicate(timeout=300)[0] for p in procs]
        assert [p.returncode for p in procs] == [0, 0], outputs
        assert _db_state(empty_db, neo4j_server.database) == clean


def _hold_lock(neo4j_server, release: threading.Event, held: threading.Event):
    with neo4j_load.connect(_connection(neo4j_server)) as driver:
        with neo4j_load.LoadLock(driver, neo4j_server.database, neo4j_server.uri):
            held.set()
            release.wait(60)


def test_load_waits_for_the_lock_then_loads(seeds_dir, neo4j_server, empty_db):
    one, _ = _two_folders(seeds_dir)
    release, held = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_lock, args=(neo4j_server, release, held))
    holder.start()
    assert held.wait(30)
    waits, results = [], []
    loader = threading.Thread(target=lambda: results.append(neo4j_load.load_graph(
        one.graph, _connection(neo4j_server), on_wait=waits.append)))
    loader.start()
    deadline = time.monotonic() + 30
    while not waits and time.monotonic() < deadline:
        time.sleep(0.2)
    try:
        assert waits and f"pid {os.getpid()}" in waits[0], waits  # it says who holds the lock
        assert _count(empty_db, neo4j_server.database) == 0  # and writes nothing while it waits
    finally:
        release.set()
        holder.join()
        loader.join(120)
    assert results and results[0].plans == 3
    assert _db_state(empty_db, neo4j_server.database) == _model_state(one.graph)


def test_load_and_wipe_refused_while_another_load_runs(seeds_out, seeds_build, neo4j_server, empty_db):
    connection, db = _connection(neo4j_server), neo4j_server.database
    neo4j_load.load_graph(seeds_build.graph, connection)
    before = _db_state(empty_db, db)
    release, held = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_lock, args=(neo4j_server, release, held))
    holder.start()
    try:
        assert held.wait(30)
        for wipe in (False, True):
            with pytest.raises(neo4j_load.LoadError) as info:
                neo4j_load.load_graph(seeds_build.graph, connection, wipe=wipe, lock_wait=1)
            assert info.value.exit_code == neo4j_load.EXIT_BUSY
            assert "another load" in str(info.value) and "nothing was written" in str(info.value)
            assert neo4j_server.password not in str(info.value)
    finally:
        release.set()
        holder.join()
    assert _db_state(empty_db, db) == before  # the wipe deleted nothing
    # The lock is gone with its holder, and it is never committed: the graph has no lock node.
    again = neo4j_load.load_graph(seeds_build.graph, connection, lock_wait=1)
    assert (again.nodes_created, again.nodes_deleted) == (0, 0)
    assert _db_state(empty_db, db) == before
