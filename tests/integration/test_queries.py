"""The Cypher library (cypher/queries/) against a real Neo4j loaded with the five seed plans.

Extraction improves while these tests stand, so they assert robust facts of the seeds (which
plans share 健康上海行动, that 家庭医生签约服务 reaches three levels) rather than row counts.
"""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from policykg.cli import cli
from policykg.graph import neo4j_load, queries
from policykg.graph.neo4j_load import Connection

SH = "2022年上海市卫生健康工作要点"
BAOSHAN = "2025年宝山区卫生健康工作要点"
QINGPU = "2021年青浦区卫生健康工作要点"
FENGXIAN = "2024年奉贤区卫生健康工作要点"
ZJ = "2022年浙江省卫生健康工作要点"
FAMILY_DOCTOR = "家庭医生签约服务"

# Queries of this library (another engineer adds linking queries to the same folder).
MINE = ("shared_initiatives", "three_level_initiatives", "diffusion_timeline", "hospitals_in_region",
        "top_regulations_by_level", "entity_tasks", "unique_entities", "central_initiatives",
        "agency_programs", "event_preparations", "plan_alignment", "search_names", "plan_overview")


# ---- no server ---------------------------------------------------------------------------------

def test_every_query_has_a_header():
    found = {q.name: q for q in queries.list_queries()}
    assert set(MINE) <= set(found)
    for name in MINE:
        q = found[name]
        assert q.question.endswith("?"), name
        assert q.params, f"{name} is not parameterised"
        assert all(p.has_default and p.meaning for p in q.params), name
        assert q.examples and q.examples[0].startswith(f"policykg query {name}"), name


def test_header_parsing_and_conversion():
    q = queries.parse_header("x", "// Question: Why?\n"
                                  "// Parameters: $limit — how many (default 10)\n"
                                  "// Parameters: $name — a name (default '家庭医生')\n"
                                  "// Example: policykg query x\nMATCH (n) WHERE n.name = $name RETURN n LIMIT $limit\n")
    assert q.question == "Why?"
    assert q.defaults() == {"limit": 10, "name": "家庭医生"}
    assert queries.parse_params(["limit=5", "name=上海", "score=0.5", "flag=true", "code='310000'"]) == {
        "limit": 5, "name": "上海", "score": 0.5, "flag": True, "code": "310000"}
    assert isinstance(queries.bind(q, {"limit": 3})["limit"], int)
    with pytest.raises(queries.QueryError, match="no parameter"):
        queries.bind(q, {"limt": 3})
    with pytest.raises(queries.QueryError):
        queries.parse_params(["limit"])
    with pytest.raises(queries.QueryError, match="no query named"):
        queries.get_query("no_such_query")


def test_table_output_aligns_cjk():
    result = queries.Result(["name", "n"], [{"name": "家庭医生", "n": 1}, {"name": "ab", "n": 22}])
    lines = queries.format_table(result).splitlines()
    assert lines[2].index("|") + 4 == lines[3].index("|")  # 4 CJK characters take 8 columns
    assert lines[-1] == "(2 rows)"
    assert json.loads(queries.format_json(result))[0]["name"] == "家庭医生"
    assert queries.format_csv(result).splitlines()[1] == "家庭医生,1"


def test_cli_list_needs_no_server():
    result = CliRunner().invoke(cli, ["query", "--list"], env={"NEO4J_PASSWORD": ""})
    assert result.exit_code == 0, result.output
    for name in MINE:
        assert name in result.output
    result = CliRunner().invoke(cli, ["query", "--cypher", "search_names"], env={"NEO4J_PASSWORD": ""})
    assert result.exit_code == 0 and "entity_names" in result.output


def test_browser_guide_covers_the_library():
    import html
    from importlib import resources

    guide = (resources.files("policykg.cypher") / "browser" / "guide.html").read_text(encoding="utf-8")
    assert guide.startswith('<article class="guide">') and "<carousel" in guide
    for name in MINE:
        q = queries.get_query(name)
        # the committed guide shows each query as a runnable block (python -m policykg.graph.queries guide)
        assert html.escape(queries.body(q), quote=False) in guide, f"guide.html is stale for {name}"
    assert guide.count('<pre mode="cypher" class="pre-scrollable code runnable">') >= 2 * len(MINE)
    fresh = queries.render_guide([queries.get_query(n) for n in MINE])
    assert fresh.count("<slide") == len(MINE) + 2


def test_grass_style_covers_every_label():
    import re
    from importlib import resources

    from policykg.graph import schema, viz

    grass = (resources.files("policykg.cypher") / "browser" / "style.grass").read_text(encoding="utf-8")
    blocks = dict(re.findall(r"^node\.(\w+)\s*\{(.*?)^\}", grass, re.S | re.M))
    assert set(schema.NODE_LABELS) <= set(blocks)
    for label, block in blocks.items():
        assert "caption:" in block
        assert viz.COLORS[label].lower() in block.lower(), f"{label}: Browser and viz colours differ"
    assert 'caption: "{name}"' in blocks["Program"]
    rels = set(re.findall(r"relationship\.(\w+)", grass))
    assert rels <= set(schema.REL_TYPES)


def test_guide_server_answers_cors_preflight():
    import socket
    import threading
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    threading.Thread(target=queries.serve_browser_files, args=(port, "127.0.0.1"), daemon=True).start()
    import time

    for _ in range(50):
        try:
            req = urllib.request.Request(f"http://127.0.0.1:{port}/guide.html", method="OPTIONS",
                                         headers={"Origin": "http://localhost:7474",
                                                  "Access-Control-Request-Headers": "content-type"})
            with urllib.request.urlopen(req, timeout=2) as resp:
                assert resp.status == 204 and resp.headers["Access-Control-Allow-Origin"] == "*"
            break
        except OSError:
            time.sleep(0.1)
    else:
        pytest.fail("the guide server did not start")
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/style.grass", timeout=2) as resp:
        assert resp.headers["Access-Control-Allow-Origin"] == "*" and b"node.Plan" in resp.read()


# ---- against Neo4j -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def connection(seeds_build, neo4j_server, neo4j_driver):
    db = neo4j_server.database
    neo4j_driver.execute_query("MATCH (n) DETACH DELETE n", database_=db)
    conn = Connection(neo4j_server.uri, neo4j_server.user, neo4j_server.password, db)
    neo4j_load.load_graph(seeds_build.graph, conn)
    neo4j_driver.execute_query("CALL db.awaitIndexes(300)", database_=db)
    return conn


def rows(connection, query_name, **params):
    return queries.run(connection, query_name, params).rows


@pytest.mark.neo4j
def test_every_query_runs_with_its_defaults(connection):
    for name in MINE:
        assert rows(connection, name), f"{name} returned nothing with its defaults"


@pytest.mark.neo4j
def test_shared_initiatives(connection):
    found = rows(connection, "shared_initiatives", plan_a=SH, plan_b=BAOSHAN)
    names = {r["initiative"] for r in found}
    assert {"健康上海行动", FAMILY_DOCTOR} <= names
    assert {r["plan_a"] for r in found} == {SH} and {r["plan_b"] for r in found} == {BAOSHAN}
    # by region, either way round
    assert {r["initiative"] for r in rows(connection, "shared_initiatives", plan_a="宝山区", plan_b="上海市")} == names
    # 浙江 is not Shanghai: 健康上海行动 is not shared with it
    zj = {r["initiative"] for r in rows(connection, "shared_initiatives", plan_a="浙江省", plan_b="上海市")}
    assert "健康上海行动" not in zj and FAMILY_DOCTOR in zj


@pytest.mark.neo4j
def test_three_level_initiatives(connection):
    found = {r["initiative"]: r for r in rows(connection, "three_level_initiatives")}
    assert FAMILY_DOCTOR in found
    assert set(found[FAMILY_DOCTOR]["levels"]) == {"province", "municipality", "district"}
    assert all(r["level_count"] == 3 for r in found.values())
    two = {r["initiative"] for r in rows(connection, "three_level_initiatives", min_levels=2)}
    assert "健康上海行动" in two and set(found) <= two


@pytest.mark.neo4j
def test_diffusion_timeline(connection):
    found = {r["level"]: r for r in rows(connection, "diffusion_timeline", name=FAMILY_DOCTOR)}
    assert set(found) == {"province", "municipality", "district"}
    assert found["district"]["first_year"] == 2021  # 青浦 2021
    assert found["province"]["first_year"] == 2022 and found["municipality"]["first_year"] == 2022
    shanghai = {r["level"]: r["first_year"] for r in rows(connection, "diffusion_timeline", name="健康上海行动")}
    assert shanghai == {"municipality": 2022, "district": 2025}


@pytest.mark.neo4j
def test_hospitals_in_region(connection):
    shanghai = rows(connection, "hospitals_in_region", region="上海市", limit=200)
    names = {r["hospital"] for r in shanghai}
    assert "上海市宝山区中西医结合医院" in names
    plans = {p for r in shanghai for p in r["plans"]}
    assert ZJ not in plans and {SH, BAOSHAN} <= plans
    zhejiang = rows(connection, "hospitals_in_region", region="浙江省", limit=200)
    assert zhejiang and all(r["plans"] == [ZJ] for r in zhejiang)
    assert len(rows(connection, "hospitals_in_region", region="上海市", limit=2)) == 2


@pytest.mark.neo4j
def test_top_regulations_by_level(connection):
    found = rows(connection, "top_regulations_by_level", limit=3)
    per_level = {}
    for r in found:
        per_level.setdefault(r["level"], []).append(r)
    assert set(per_level) == {"province", "municipality", "district"}
    assert all(len(v) <= 3 for v in per_level.values())
    top_district = per_level["district"][0]
    assert top_district["regulation"] == "上海市爱国卫生与健康促进条例" or top_district["plans"] >= 2


@pytest.mark.neo4j
def test_entity_tasks_with_sentences(connection):
    found = rows(connection, "entity_tasks", name="健康上海行动")
    assert {r["plan"] for r in found} == {SH, BAOSHAN}
    for r in found:
        assert r["task"] and r["sentences"]
        assert any("健康上海" in s for s in r["sentences"])


@pytest.mark.neo4j
def test_unique_entities(connection):
    found = rows(connection, "unique_entities", plan="宝山区", limit=500)
    names = {r["entity"] for r in found}
    assert "上海市宝山区中西医结合医院" in names
    assert FAMILY_DOCTOR not in names and "健康上海行动" not in names
    programs = rows(connection, "unique_entities", plan=ZJ, label="Program", limit=500)
    assert programs and {r["label"] for r in programs} == {"Program"}


@pytest.mark.neo4j
def test_central_initiatives(connection):
    found = rows(connection, "central_initiatives", limit=5)
    assert len(found) <= 5
    assert found[0]["initiative"] == FAMILY_DOCTOR and found[0]["plans"] == 5 and found[0]["levels"] == 3


@pytest.mark.neo4j
def test_agency_programs(connection):
    found = rows(connection, "agency_programs", limit=500)
    assert found and all(r["tasks"] >= 1 and r["examples"] for r in found)
    assert all(r["tasks"] >= 2 for r in rows(connection, "agency_programs", min_tasks=2, limit=500))


@pytest.mark.neo4j
def test_event_preparations(connection):
    found = rows(connection, "event_preparations", name="进口博览会")  # the series and its editions
    assert found and all("进口博览会" in r["event"] and r["evidence"] for r in found)
    assert {SH, QINGPU} <= {r["plan"] for r in found}
    assert any(r["tasks"] for r in found)
    assert any(r["plan"] == ZJ for r in rows(connection, "event_preparations", name="亚运会"))


@pytest.mark.neo4j
def test_plan_alignment(connection):
    found = rows(connection, "plan_alignment", plan="宝山区")
    assert [r["parent"] for r in found] == [SH]
    assert {"健康上海行动", FAMILY_DOCTOR} <= set(found[0]["shared"]) and found[0]["score"] > 0
    assert rows(connection, "plan_alignment", plan=SH) == []  # the top of the seeds aligns upward with nothing


@pytest.mark.neo4j
def test_search_names(connection):
    found = rows(connection, "search_names", text="家庭医生", limit=5)
    assert FAMILY_DOCTOR in {r["name"] for r in found} and len(found) <= 5
    assert any("进口博览会" in r["name"] for r in rows(connection, "search_names", text="进博会"))  # alias


@pytest.mark.neo4j
def test_plan_overview(connection):
    [row] = rows(connection, "plan_overview", plan="浙江省")
    assert row["plan"] == ZJ and row["level"] == "province" and row["tasks"] > 0


@pytest.mark.neo4j
def test_cli_query(connection):
    env = {"NEO4J_URI": connection.uri, "NEO4J_USERNAME": connection.user,
           "NEO4J_PASSWORD": connection.password, "NEO4J_DATABASE": connection.database}
    runner = CliRunner()
    result = runner.invoke(cli, ["query", "shared_initiatives", "--param", "plan_a=上海市",
                                 "--param", "plan_b=宝山区"], env=env)
    assert result.exit_code == 0, result.output
    assert "健康上海行动" in result.output and "rows)" in result.output
    result = runner.invoke(cli, ["query", "central_initiatives", "-p", "limit=2", "--format", "json"], env=env)
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.output)) == 2  # limit arrived as an integer
    result = runner.invoke(cli, ["query", "three_level_initiatives", "--format", "csv"], env=env)
    assert result.output.splitlines()[0].startswith("label,initiative")
    result = runner.invoke(cli, ["query", "central_initiatives", "--param", "limt=2"], env=env)
    assert result.exit_code == 1 and "no parameter limt" in result.output
    result = runner.invoke(cli, ["query", "no_such_query"], env=env)
    assert result.exit_code == 1 and "no query named" in result.output
    assert connection.password not in result.output
