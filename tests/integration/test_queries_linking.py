"""The five linking queries of cypher/queries/, against the seed build loaded into a real Neo4j."""
from __future__ import annotations

from importlib import resources

import pytest

from policykg.graph.neo4j_load import Connection, load_graph

pytestmark = pytest.mark.neo4j

NAMES = ("implementing_districts", "zhejiang_shanghai_links", "hospital_branches", "regulation_citations",
         "healthy_x_diffusion")


def _text(name: str) -> str:
    return (resources.files("policykg.cypher") / "queries" / f"{name}.cypher").read_text(encoding="utf-8")


@pytest.fixture
def loaded(seeds_build, neo4j_server, empty_db):
    load_graph(seeds_build.graph, Connection(neo4j_server.uri, neo4j_server.user, neo4j_server.password,
                                             neo4j_server.database))

    def run(name, **params):
        records, _, _ = empty_db.execute_query(_text(name), params, database_=neo4j_server.database)
        return [r.data() for r in records]

    return run


@pytest.mark.parametrize("name", NAMES)
def test_headers(name):
    lines = _text(name).splitlines()
    assert lines[0].startswith("// Question: ")
    assert any(line.startswith("// Parameters: $") for line in lines)
    assert any(line.startswith("// Example: policykg query " + name) for line in lines)


def test_implementing_districts(loaded):
    rows = loaded("implementing_districts", municipality="上海市")
    found = {(r["initiative"], r["district"]) for r in rows}
    assert ("健康上海行动", "宝山区") in found
    assert all(r["type"] in ("Program", "Regulation") for r in rows)
    assert {r["district"] for r in rows} <= {"青浦区", "奉贤区", "宝山区"}
    baoshan = next(r for r in rows if r["initiative"] == "健康上海行动" and r["district"] == "宝山区")
    assert baoshan["year"] == 2025 and "健康上海行动" in baoshan["evidence"]
    assert loaded("implementing_districts", municipality="北京市") == []


def test_zhejiang_shanghai_links(loaded):
    rows = loaded("zhejiang_shanghai_links", province="浙江省", other="上海市")
    entities = {r["entity"] for r in rows}
    assert {"家庭医生签约服务", "爱国卫生运动"} <= entities
    for r in rows:
        assert r["plans_of_province"] == ["2022年浙江省卫生健康工作要点"]
        assert r["type"] not in ("Plan", "Part", "Task")
    # District plans of Shanghai count through the region hierarchy.
    assert any("2021年青浦区卫生健康工作要点" in r["plans_of_other"] for r in rows)
    # Swapping the parameters gives the same entities.
    assert {r["entity"] for r in loaded("zhejiang_shanghai_links", province="上海市", other="浙江省")} == entities


def test_hospital_branches(loaded):
    rows = loaded("hospital_branches", hospital="中山医院")
    assert {r["hospital"] for r in rows} == {"复旦大学附属中山医院"}  # found by its alias
    assert {r["branch"] for r in rows} >= {"复旦大学附属中山医院青浦分院", "复旦大学附属中山医院青浦新城院区"}
    by_branch = {r["branch"]: r for r in rows}
    assert by_branch["复旦大学附属中山医院青浦分院"]["kind"] == "分院"
    assert by_branch["复旦大学附属中山医院青浦新城院区"]["kind"] == "院区"
    assert by_branch["复旦大学附属中山医院青浦分院"]["plans"] == ["2021年青浦区卫生健康工作要点"]
    assert loaded("hospital_branches", hospital="不存在的医院") == []


def test_regulation_citations(loaded):
    rows = loaded("regulation_citations", regulation="上海市爱国卫生与健康促进条例")
    cited = [(r["level"], r["year"], r["region"]) for r in rows]
    assert cited == [("municipality", 2022, "上海市"), ("district", 2024, "奉贤区"), ("district", 2025, "宝山区")]
    assert all(r["mentions"] >= 1 for r in rows)
    assert any(r["implements"] for r in rows)


def test_healthy_x_diffusion(loaded):
    rows = loaded("healthy_x_diffusion", prefix="健康")
    table = {(r["programme"], r["level"]): r["first_year"] for r in rows}
    assert table[("健康上海行动", "municipality")] == 2022
    assert table[("健康上海行动", "district")] == 2025
    assert table[("健康浙江行动", "province")] == 2022
    assert ("健康青浦行动", "district") in table
    only = loaded("healthy_x_diffusion", prefix="健康上海")
    assert {r["programme"] for r in only} == {"健康上海行动"}
