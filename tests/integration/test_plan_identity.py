"""Which document a plan is (graph/model.py plan_id): same-titled plans stay apart, real repeats
are one problem line and counted once. Invented plans; the last test loads into a real Neo4j."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from policykg.build import build
from policykg.cli import cli
from policykg.graph import model, neo4j_load, schema

TITLE = "2023年卫生健康工作要点"  # no region in it: many districts print just this
WEST, DRUM = "杭州市西湖区卫生健康局", "南京市鼓楼区卫生健康委员会"
BODY_A = ["推进区疾病预防控制中心标准化建设，完善传染病监测预警体系，提升突发公共卫生事件应急处置能力。",
          "实施健康城市建设行动，深入开展爱国卫生运动，加强重点人群健康管理服务，落实家庭医生签约服务。",
          "深化紧密型医疗联合体建设，推动优质医疗资源下沉，完善分级诊疗制度，提升社区卫生服务中心服务能力。",
          "加强卫生健康人才队伍建设，完善人才培养、引进、使用和激励机制，深化住院医师规范化培训。"]
BODY_B = ["完善公立医院绩效考核，落实公立医院内部绩效考核评价办法，推进现代医院管理制度建设，强化医疗质量安全管理。",
          "加强妇幼健康服务，实施母婴安全行动计划，完善出生缺陷综合防治体系，提升儿童健康服务水平。",
          "推进中医药传承创新发展，加强中医馆建设，推广中医适宜技术，提升基层中医药服务能力。",
          "加强老年健康服务，推进医养结合，建设老年友善医疗机构，完善长期护理服务体系。"]


def plan_text(issuer: str, body: list[str], title: str = TITLE) -> str:
    signature = [issuer, "2023年3月1日"] if issuer else []
    return "\n".join([title, "", "一、加强公共卫生体系建设", f"1.完善体系。{body[0]}", f"2.提升能力。{body[1]}",
                      "二、深化医药卫生体制改革", f"3.推进改革。{body[2]}", f"4.加强保障。{body[3]}", "",
                      *signature, ""])


def _write(folder, name: str, text: str, encoding: str = "utf-8"):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def _plans(graph) -> list[str]:
    return sorted(n for n, d in graph.nodes(data=True) if d["label"] == schema.PLAN)


def _mention_counts(graph, pid: str) -> dict[str, int]:
    return {v: d["count"] for _, v, k, d in graph.out_edges(pid, keys=True, data=True) if k == schema.MENTIONS}


def test_same_title_other_issuer_is_another_plan(tmp_path):
    a = _write(tmp_path, "a.txt", plan_text(WEST, BODY_A))
    b = _write(tmp_path, "b.txt", plan_text(DRUM, BODY_B))
    both, alone_a, alone_b = build([a, b]), build([a]), build([b])
    assert [p.meta.issuer for p in both.plans] == [WEST, DRUM] and not both.problems
    ids = _plans(both.graph)
    assert len(ids) == 2 and ids == sorted(_plans(alone_a.graph) + _plans(alone_b.graph))
    for alone in (alone_a, alone_b):  # each keeps its own mentions: nothing merged, nothing doubled
        pid = _plans(alone.graph)[0]
        assert _mention_counts(both.graph, pid) == _mention_counts(alone.graph, pid)
        assert both.graph.nodes[pid]["file"] == alone.plans[0].document.name


def test_same_title_without_issuer_is_told_apart_by_its_text(tmp_path):
    a = _write(tmp_path, "a.txt", plan_text("", BODY_A))
    b = _write(tmp_path, "b.txt", plan_text("", BODY_B))
    result = build([a, b])
    assert [p.meta.issuer for p in result.plans] == [None, None] and not result.problems
    assert len(_plans(result.graph)) == 2


def test_ids_are_stable_and_survive_an_edit(tmp_path):
    path = _write(tmp_path, "a.txt", plan_text(WEST, BODY_A))
    first = model.plan_id(build([path]).plans[0])
    assert first == model.plan_id(build([path]).plans[0])
    assert first.startswith(f"{schema.PLAN}:{TITLE}")
    _write(tmp_path, "a.txt", plan_text(WEST, BODY_A[:3] + BODY_B[3:]))  # edited: the same document, newer
    assert model.plan_id(build([path]).plans[0]) == first


def test_a_copy_is_one_problem_and_counted_once(tmp_path):
    a = _write(tmp_path / "x", "a.txt", plan_text(WEST, BODY_A))
    copy = _write(tmp_path / "y", "a-copy.txt", plan_text(WEST, BODY_A), encoding="gb18030")
    alone, both = build([a]), build([a, copy])
    assert len(both.plans) == 1 and _plans(both.graph) == _plans(alone.graph)
    pid = _plans(alone.graph)[0]
    assert _mention_counts(both.graph, pid) == _mention_counts(alone.graph, pid)  # not doubled
    [problem] = both.problems
    assert problem.path == str(copy) and problem.kind == "duplicate" and problem.action == "counted once"
    assert str(a) in problem.message and "the same text" in problem.message

    result = CliRunner().invoke(cli, ["build", str(a), str(copy), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1, result.output
    assert "plans: 1  problems: 1  (files: 2)" in result.output
    lines = [line for line in result.output.splitlines() if line.startswith("problem:")]
    assert lines == [f"problem: {problem}"]


def test_same_issuer_title_and_year_is_a_repeat(tmp_path):
    a = _write(tmp_path, "a.txt", plan_text(WEST, BODY_A))
    b = _write(tmp_path, "b.txt", plan_text(WEST, BODY_B))  # another version of the same document
    result = build([a, b])
    assert [p.document.name for p in result.plans] == ["a.txt"] and len(_plans(result.graph)) == 1
    [problem] = result.problems
    assert problem.path == str(b) and "the same issuer, title and year" in problem.message


@pytest.mark.neo4j
def test_other_folder_keeps_its_same_titled_plan(tmp_path, neo4j_server, empty_db):
    """A folder whose plan has the title of another folder's plan, from another issuer, adds a plan
    (before: it replaced the other folder's plan, mentions and all)."""
    from tests.integration.test_neo4j_load import _connection, _db_state, _model_state

    connection, db = _connection(neo4j_server), neo4j_server.database
    first = build([_write(tmp_path / "west", "plan.txt", plan_text(WEST, BODY_A))])
    second = build([_write(tmp_path / "drum", "plan.txt", plan_text(DRUM, BODY_B))])
    assert first.plans[0].meta.title == second.plans[0].meta.title
    neo4j_load.load_graph(first.graph, connection)
    stats = neo4j_load.load_graph(second.graph, connection)
    n1, r1 = _model_state(first.graph)
    n2, r2 = _model_state(second.graph)
    assert _db_state(empty_db, db) == (n1 | n2, r1 | r2)
    assert (stats.nodes_deleted, stats.relationships_deleted) == (0, 0)
    records, _, _ = empty_db.execute_query("MATCH (p:Plan) RETURN p.issuer AS issuer ORDER BY issuer", database_=db)
    assert sorted(r["issuer"] for r in records) == sorted([WEST, DRUM])

    # The first folder's plan, edited, replaces itself and nothing of the second folder's.
    edited = build([_write(tmp_path / "west", "plan.txt", plan_text(WEST, BODY_A[:3] + BODY_B[3:]))])
    assert _plans(edited.graph) == _plans(first.graph)
    neo4j_load.load_graph(edited.graph, connection)
    n3, r3 = _model_state(edited.graph)
    nodes, rels = _db_state(empty_db, db)
    assert n2 <= nodes and r2 <= rels and r3 <= rels
    assert not (r1 - r3 - r2) & rels  # what only the old version of the first plan said is gone
