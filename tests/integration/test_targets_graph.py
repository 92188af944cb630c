"""Targets in the graph, the writers, Neo4j, the query library and ``policykg targets``.

Three invented plans of one year (a province, one of its cities, one of the city's districts) give
the comparisons; the 2022 Zhejiang seed and the 2023 Zhejiang plan of ../shared/dev give the
trajectory of one indicator through one Indicator node.
"""
from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from policykg.build import build
from policykg.cli import cli
from policykg.graph import neo4j_load, queries, schema, viz, writers
from policykg.graph.neo4j_load import Connection
from tests.paths import SHARED

FILLER = ("坚持以人民健康为中心，统筹推进医疗、医保、医药协同发展和治理，持续深化医药卫生体制改革，"
          "不断提升卫生健康服务能力和水平，切实保障人民群众生命安全和身体健康，为高质量发展提供坚实健康支撑。")
LITERACY = "居民健康素养水平"
DEV_ZJ_2023 = SHARED / "dev" / "docs" / "01_zhejiang_2023.txt"


def plan_text(title: str, whole: str, literacy, life, infant, doctors, clinics) -> str:
    return (f"{title}\n\n{FILLER}\n\n一、提升健康水平\n1.深化健康促进。{whole}居民健康素养水平达到{literacy}%以上，"
            f"人均预期寿命达到{life}岁，婴儿死亡率控制在{infant}‰以下。\n2.加强基层卫生。每千人口执业（助理）医师数达到"
            f"{doctors}人，新增社区医院{clinics}家。\n二、加强保障\n3.完善投入机制。{FILLER}\n")


PROVINCE, CITY, DISTRICT = ("2024年浙江省卫生健康工作要点", "2024年杭州市卫生健康工作要点",
                            "2024年杭州市西湖区卫生健康工作要点")


@pytest.fixture(scope="module")
def invented_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("invented")
    (folder / "province.txt").write_text(plan_text(PROVINCE, "全省", 41, 82.8, 2.5, 4.1, 30), encoding="utf-8")
    (folder / "city.txt").write_text(plan_text(CITY, "全市", 43, 83.5, 2, 4.5, 5), encoding="utf-8")
    (folder / "district.txt").write_text(plan_text(DISTRICT, "全区", 40, 84, 1.8, 4.5, 2), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def invented_build(invented_dir):
    return build([invented_dir])


def _targets_of(graph, indicator: str) -> dict[str, dict]:
    """plan id → Target data, for the Targets that MEASURE ``indicator``."""
    node = f"{schema.INDICATOR}:{indicator}"
    return {graph.nodes[t]["plan"]: graph.nodes[t] for t, _, k in graph.in_edges(node, keys=True)
            if k == schema.MEASURES}


def test_one_indicator_node_for_every_plan(invented_build):
    graph = invented_build.graph
    assert "健康素养水平" in graph.nodes[f"Indicator:{LITERACY}"]["aliases"]  # the data's aliases, for queries
    found = _targets_of(graph, LITERACY)
    assert {graph.nodes[pid]["title"]: t["value"] for pid, t in found.items()} == {
        PROVINCE: 41, CITY: 43, DISTRICT: 40}
    for pid, t in found.items():
        target = next(n for n, d in graph.nodes(data=True) if d is t)
        setters = [u for u, _, k in graph.in_edges(target, keys=True) if k == schema.SETS]
        assert len(setters) == 1 and graph.nodes[setters[0]]["label"] == schema.TASK
        assert graph.nodes[setters[0]]["plan"] == pid
        [region] = [v for _, v, k in graph.out_edges(target, keys=True) if k == schema.FOR_REGION]
        assert (pid, region) in {(u, v) for u, v, k in graph.edges(keys=True) if k == schema.COVERS}
        assert (t["unit"], t["direction"], t["deadline"], t["kind"]) == ("%", "at_least", 2024, "level")
        assert t["text"] == f"居民健康素养水平达到{t['value']:g}%以上" and "人均预期寿命" in t["sentence"]


def test_entities_are_unchanged_by_targets(invented_build):
    """The graph only gains Target and Indicator nodes and their relationships."""
    graph = invented_build.graph
    from policykg.graph.links import link
    from policykg.graph.model import build_graph

    plans = invented_build.plans
    bare = [type(p)(p.document, p.meta, p.structure, p.mentions, []) for p in plans]
    without = link(build_graph(bare, invented_build.entities), bare)
    new_labels = {schema.TARGET, schema.INDICATOR}
    kept = graph.subgraph([n for n, d in graph.nodes(data=True) if d["label"] not in new_labels])
    assert set(kept.nodes) == set(without.nodes)
    assert sorted(kept.edges(keys=True)) == sorted(without.edges(keys=True))
    assert {k for *_, k in graph.edges(keys=True)} - {k for *_, k in without.edges(keys=True)} == {
        schema.SETS, schema.MEASURES, schema.FOR_REGION}


def test_writers_carry_targets(invented_build, tmp_path):
    writers.write_all(invented_build.graph, tmp_path)
    again = writers.read_json(tmp_path / writers.GRAPH_JSON)
    assert _targets_of(again, LITERACY) == _targets_of(invented_build.graph, LITERACY)
    graphml = (tmp_path / writers.GRAPH_GRAPHML).read_text(encoding="utf-8")
    assert "Indicator:居民健康素养水平" in graphml and ">at_least<" in graphml
    csv_dir = tmp_path / writers.CSV_DIR
    with open(csv_dir / "nodes_Target.csv", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    assert "value:double" in header and "deadline:long" in header and header[-1] == ":LABEL"
    assert len(rows) - 1 == sum(1 for _, d in invented_build.graph.nodes(data=True) if d["label"] == schema.TARGET)
    for name in ("nodes_Indicator.csv", "rels_SETS.csv", "rels_MEASURES.csv", "rels_FOR_REGION.csv"):
        assert (csv_dir / name).exists(), name


def test_viz_colours_and_lists_targets(invented_build):
    data = viz.graph_data(invented_build.graph)
    indicator = next(n for n in data["nodes"] if n["id"] == f"Indicator:{LITERACY}")
    assert indicator["plans"] == 3 and any(PROVINCE in m and "≥41%" in m for m in indicator["mentions"])
    assert {schema.TARGET, schema.INDICATOR} <= set(data["colors"]) and schema.TARGET in data["hidden"]


def test_seed_and_dev_plan_share_the_literacy_indicator(seeds_dir):
    if not DEV_ZJ_2023.exists():
        pytest.skip("../shared/dev is not next to the repository")
    result = build([next(seeds_dir.glob("002_*.txt")), DEV_ZJ_2023], require_plan=False)
    found = _targets_of(result.graph, LITERACY)
    assert sorted((t["deadline"], t["value"], t["unit"], t["direction"]) for t in found.values()) == [
        (2022, 37, "%", "at_least"), (2023, 39, "%", "at_least")]
    assert {result.graph.nodes[p]["region"] for p in found} == {"浙江省"}


# ---------------------------------------------------------------------------------- policykg targets

def test_cli_targets_csv_and_table(invented_dir, tmp_path):
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(cli, ["targets", str(invented_dir), str(tmp_path / "empty.txt")])
    assert result.exit_code == 1  # one file skipped, the rest printed
    assert "empty.txt" in result.stderr and result.stderr.count("\n") == 1
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 15 and list(rows[0])[:11] == ["plan", "file", "region", "level", "year", "indicator",
                                                       "canonical", "kind", "direction", "value", "low"]
    district = {r["canonical"]: r for r in rows if r["plan"] == DISTRICT}
    row = district[LITERACY]
    assert (row["region"], row["level"], row["year"], row["value"], row["unit"], row["direction"], row["deadline"]) == (
        "西湖区", "district", "2024", "40", "%", "at_least", "2024")
    assert row["sentence"].startswith("全区居民健康素养水平达到40%以上")
    assert district["社区医院"]["kind"] == "count" and district["社区医院"]["value"] == "2"

    result = runner.invoke(cli, ["targets", str(invented_dir), "--format", "table"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split(" | ")[0].strip() == "plan" and lines[-1] == "(15 rows)"
    assert any(PROVINCE in line and "82.8" in line for line in lines)

    result = runner.invoke(cli, ["targets", str(tmp_path / "nothing-here")])
    assert result.exit_code != 0


# ---------------------------------------------------------------------------------- Neo4j and queries

MINE = ("indicator_over_years", "target_ambition", "shared_indicators")


def test_query_headers():
    for name in MINE:
        q = queries.get_query(name)
        assert q.question.endswith("?") and q.params and all(p.has_default and p.meaning for p in q.params)
        assert q.examples[0].startswith(f"policykg query {name}")


@pytest.fixture(scope="module")
def loaded(invented_dir, seeds_dir, neo4j_server, neo4j_driver):
    if not DEV_ZJ_2023.exists():
        pytest.skip("../shared/dev is not next to the repository")
    result = build([invented_dir, next(seeds_dir.glob("002_*.txt")), DEV_ZJ_2023], require_plan=False)
    db = neo4j_server.database
    neo4j_driver.execute_query("MATCH (n) DETACH DELETE n", database_=db)
    conn = Connection(neo4j_server.uri, neo4j_server.user, neo4j_server.password, db)
    neo4j_load.load_graph(result.graph, conn)
    return conn, result


def rows(connection, name, **params):
    return queries.run(connection, name, params).rows


@pytest.mark.neo4j
def test_targets_load_and_reload(loaded, neo4j_driver, neo4j_server):
    connection, result = loaded
    db = neo4j_server.database
    [count] = neo4j_driver.execute_query(
        "MATCH (:Task)-[:SETS]->(t:Target)-[:MEASURES]->(:Indicator {name: $name}) "
        "MATCH (t)-[:FOR_REGION]->(:Region) RETURN count(t) AS n", name=LITERACY, database_=db).records
    assert count["n"] == 5  # three invented plans, the seed, the dev plan
    again = neo4j_load.load_graph(result.graph, connection)
    assert (again.nodes_created, again.relationships_created, again.nodes_deleted, again.relationships_deleted) == (
        0, 0, 0, 0)


@pytest.mark.neo4j
def test_indicator_over_years(loaded):
    connection, _ = loaded
    found = rows(connection, "indicator_over_years")  # defaults: 居民健康素养水平 in 浙江省
    assert [(r["year"], r["value"], r["level"]) for r in found] == [
        (2022, 37, "province"), (2023, 39, "province"), (2024, 41, "province")]
    assert found[0]["text"] == "居民健康素养水平达37%以上" and found[0]["direction"] == "at_least"
    by_alias = rows(connection, "indicator_over_years", indicator="人均期望寿命", region="浙江省")
    assert [(r["year"], r["value"]) for r in by_alias] == [(2022, 79.6), (2023, 82.4), (2024, 82.8)]
    city = rows(connection, "indicator_over_years", region="杭州市")
    assert [(r["year"], r["value"], r["plan"]) for r in city] == [(2024, 43, CITY)]


@pytest.mark.neo4j
def test_target_ambition(loaded):
    connection, _ = loaded
    found = rows(connection, "target_ambition", plan="西湖区")
    verdicts = {(r["indicator"], r["higher_level"]): (r["value"], r["higher_value"], r["verdict"]) for r in found}
    assert verdicts == {
        (LITERACY, "municipality"): (40, 43, "less ambitious"),
        (LITERACY, "province"): (40, 41, "less ambitious"),
        ("人均预期寿命", "municipality"): (84, 83.5, "more ambitious"),
        ("人均预期寿命", "province"): (84, 82.8, "more ambitious"),
        ("婴儿死亡率", "municipality"): (1.8, 2, "more ambitious"),  # at most: lower asks more
        ("婴儿死亡率", "province"): (1.8, 2.5, "more ambitious"),
        ("每千人口执业（助理）医师数", "municipality"): (4.5, 4.5, "as ambitious"),
        ("每千人口执业（助理）医师数", "province"): (4.5, 4.1, "more ambitious"),
        ("社区医院", "municipality"): (2, 5, "different"),  # counts say no direction
        ("社区医院", "province"): (2, 30, "different"),
    }
    assert all(r["year"] == 2024 and r["plan"] == DISTRICT for r in found)
    # the province's 2022 and 2023 targets are other years: never compared
    assert {r["higher_plan"] for r in found} == {CITY, PROVINCE}
    one = rows(connection, "target_ambition", plan=CITY, indicator="健康素养水平")  # by alias
    assert [(r["higher_plan"], r["verdict"]) for r in one] == [(PROVINCE, "more ambitious")]
    assert rows(connection, "target_ambition", plan=PROVINCE) == []  # nothing above a province


@pytest.mark.neo4j
def test_shared_indicators(loaded):
    connection, _ = loaded
    found = rows(connection, "shared_indicators", min_plans=2, limit=50)
    by_name = {r["indicator"]: r for r in found}
    assert by_name[LITERACY]["plans"] == 5 and set(by_name[LITERACY]["levels"]) == {
        "province", "municipality", "district"}
    assert found[0]["indicator"] in (LITERACY, "人均预期寿命") and found[0]["plans"] == 5
    assert "浙江省 2022: 居民健康素养水平 ≥37%" in by_name[LITERACY]["targets"]
    assert all(r["plans"] >= 2 for r in found)
    assert len(rows(connection, "shared_indicators", min_plans=2, limit=2)) == 2
    assert all(r["plans"] >= 5 for r in rows(connection, "shared_indicators", min_plans=5))


@pytest.mark.neo4j
def test_cli_query_targets(loaded):
    connection, _ = loaded
    env = {"NEO4J_URI": connection.uri, "NEO4J_USERNAME": connection.user,
           "NEO4J_PASSWORD": connection.password, "NEO4J_DATABASE": connection.database}
    result = CliRunner().invoke(cli, ["query", "indicator_over_years", "--format", "json"], env=env)
    assert result.exit_code == 0, result.output
    assert [r["value"] for r in json.loads(result.output)] == [37, 39, 41]
