"""Parts, tasks and sentences of a plan, and locating positions in them."""
from __future__ import annotations

import pytest

from policykg.extract.normalise import normalise
from policykg.extract.readers import read_document
from policykg.extract.structure import locate, locator, parse_structure
from tests.paths import SEEDS

SEED_FILES = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
needs_seeds = pytest.mark.skipif(not SEED_FILES, reason="seed plans not available")

# (parts, tasks) as printed in the five seed plans
OUTLINES = {"000": (4, 23), "001": (5, 22), "002": (6, 23), "003": (6, 25), "004": (5, 25)}


def _parse(text: str):
    doc = normalise(text, "x")
    return doc, parse_structure(doc)


@needs_seeds
@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name[:3])
def test_seed_outline(path):
    doc = read_document(path)
    st = parse_structure(doc)
    parts, tasks = OUTLINES[path.name[:3]]
    assert len(st.parts) == parts and len(st.tasks) == tasks
    assert [t.number for t in st.tasks] == [str(i) for i in range(1, tasks + 1)]
    assert [p.number for p in st.parts] == list("一二三四五六")[:parts]
    for kind in (st.parts, st.tasks, st.sentences):
        assert all(a.end <= b.start for a, b in zip(kind, kind[1:])), "sorted and disjoint"
        assert all(0 <= s.start < s.end <= len(doc.text) for s in kind)
    for task in st.tasks:
        assert task.headline and "。" not in task.headline
        assert doc.text[task.start:].startswith(task.number)
        # every task lies inside one part
        assert sum(p.start <= task.start and task.end <= p.end for p in st.parts) == 1
    # a sentence never crosses a task boundary
    for s in st.sentences:
        assert not any(s.start < t.start < s.end for t in st.tasks)


@needs_seeds
def test_seed_headlines_and_signature():
    doc = read_document(next(p for p in SEED_FILES if p.name.startswith("001")))
    st = parse_structure(doc)
    assert st.tasks[0].headline == "强化疫情监测预警处置"
    assert st.tasks[4].headline == "提升市民防范意识"
    assert st.parts[0].headline.startswith("落实严格措施")
    # the unnumbered paragraph after task 20 belongs to it
    assert "落实领导接访制度" in doc.text[st.tasks[19].start:st.tasks[19].end]
    baoshan = read_document(next(p for p in SEED_FILES if p.name.startswith("004")))
    st = parse_structure(baoshan)
    last = baoshan.text[st.tasks[-1].start:st.tasks[-1].end]
    assert "委员会" not in last and "2025年3月3日" not in last
    assert st.tasks[-1].headline == "加强信访稳定"


@needs_seeds
@pytest.mark.parametrize("path", SEED_FILES[:2], ids=lambda p: p.name[:3])
def test_locate_agrees_with_scan(path):
    doc = read_document(path)
    st = parse_structure(doc)

    def scan(sections, pos):
        return next((i for i, s in enumerate(sections) if s.start <= pos < s.end), -1)

    find = locator(st)
    for pos in range(0, len(doc.text), 7):
        expected = (scan(st.parts, pos), scan(st.tasks, pos), scan(st.sentences, pos))
        assert locate(st, pos) == expected and find(pos) == expected


def test_marker_styles_and_headline_cut():
    doc, st = _parse(
        "（一）总体要求\n坚持人民至上。\n（1）加强监测：完善哨点布局。\n（2）强化处置！及时响应；做好报告。\n"
        "（二）保障措施\n（3）加强领导\n各单位要落实责任。"
    )
    assert [p.number for p in st.parts] == ["（一）", "（二）"]  # as printed
    assert [t.number for t in st.tasks] == ["（1）", "（2）", "（3）"]
    assert [t.headline for t in st.tasks] == ["加强监测", "强化处置", "加强领导"]
    assert "各单位要落实责任" in doc.text[st.tasks[2].start:st.tasks[2].end]
    texts = [doc.text[s.start:s.end] for s in st.sentences]
    assert "（2）强化处置！" in texts and "及时响应；" in texts and "做好报告。" in texts


def test_dot_tasks_win_over_paren_subitems():
    doc, st = _parse("一、任务\n1．推进改革。（1）完善制度。\n（1）细则一。\n2、加强建设。\n3.5亿元投入。")
    assert [t.number for t in st.tasks] == ["1", "2"]  # 3.5 is a decimal, not a task
    assert st.tasks[0].headline == "推进改革"


def test_quotes_stay_with_their_sentence():
    doc, st = _parse("他说：“要落实。”然后继续。")
    assert [doc.text[s.start:s.end] for s in st.sentences] == ["他说：“要落实。”", "然后继续。"]


def test_empty_and_unstructured():
    for text in ("", "没有结构的一段话", "\n\n"):
        doc, st = _parse(text)
        assert st.parts == [] and st.tasks == []
        assert locate(st, 0) == (-1, -1, -1 if not doc.text else 0)
