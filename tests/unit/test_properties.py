"""Property-based tests: arbitrary text and bytes through the normaliser, the readers and the extractor.

For any input: no crash but the documented ``ValueError`` for bytes that are not text, every
offset valid (``original[start:end] == text`` for every mention), and the same output twice.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from policykg.extract.normalise import decode, normalise
from policykg.extract.pipeline import extract
from policykg.extract.readers import UnreadableFile, read_document

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Pieces of real plans, so that random text also hits the rules: outline markers, names the
# lexicon knows, traditional characters, full-width and ASCII punctuation, page chrome, odd spaces.
FRAGMENTS = [
    "一、", "二、", "（一）", "1.", "2、", "（3）", "\n", "\r\n", "\n\n", "　", " ", "\t", "\u00a0", "\u200b", "\ufeff",
    "，", ",", "：", ":", "（", "(", "）", ")", "。", "；", "“", "”", "《", "》", "**", "1,000", "16:19", "http://x.cn",
    "健康上海行动", "健康中国2030", "区人民医院", "市卫生健康委员会", "上海市青浦区", "浙江省", "新冠肺炎疫情",
    "衛生健康委員會", "醫院", "區", "《中华人民共和国基本医疗卫生法》", "家庭医生签约服务", "复旦大学附属中山医院",
    "2023年2月20日", "2022年上海市卫生健康工作要点", "发布机构：", "文号：", "浙卫发〔2022〕8号", "打印本页", "关闭窗口",
    "落实", "推进", "加强", "建设", "完善", "以", "为", "和", "及", "等", "的",
]

plan_like = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)), max_size=60).map("".join)
any_text = st.one_of(st.text(max_size=300), plan_like)


def _check_document(doc, original: str) -> None:
    assert doc.original == original
    assert len(doc.offsets) == len(doc.text) + 1
    assert doc.offsets[-1] == len(original)
    assert all(0 <= o < len(original) for o in doc.offsets[:-1])
    assert all(a < b for a, b in zip(doc.offsets, doc.offsets[1:])), "offsets must increase"
    for start in range(0, len(doc.text) + 1, max(1, len(doc.text) // 7)):
        for end in (start, min(len(doc.text), start + 3)):
            a, b = doc.original_span(start, end)
            assert 0 <= a <= b <= len(original)


@SETTINGS
@given(any_text)
@example("")
@example("\r\n\r\n")
@example("一、\n1.")
def test_normalise_any_text(original):
    doc = normalise(original, "x.txt")
    _check_document(doc, original)
    again = normalise(original, "x.txt")
    assert (again.text, again.offsets, again.notes) == (doc.text, doc.offsets, doc.notes)


@SETTINGS
@given(st.one_of(st.binary(max_size=400), any_text.map(lambda s: s.encode("utf-8")),
                 any_text.map(lambda s: s.encode("gb18030")), any_text.map(lambda s: s.encode("utf-16"))))
@example(b"\x00")
@example(b"\xff\xfe\x00\xd8")
@example(b"\xef\xbb\xbf")
def test_decode_any_bytes(data):
    try:
        text, encoding = decode(data)
    except ValueError as exc:
        assert str(exc)
        return
    assert isinstance(text, str) and encoding
    assert decode(data) == (text, encoding)
    _check_document(normalise(text, "x.txt", encoding), text)


@SETTINGS
@given(st.binary(max_size=300), st.sampled_from([".txt", ".html", ".docx", ".pdf", ".dat", ""]))
@example(b"\x00" * 10, ".txt")
@example(b"<html><body><p>\xe4\xb8\x80</p></body></html>", ".html")
@example(b"PK\x03\x04", ".docx")
@example(b"%PDF-1.4\n", ".pdf")
def test_readers_any_bytes(data, suffix):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"f{suffix}"
        path.write_bytes(data)
        try:
            doc = read_document(path)
        except UnreadableFile as exc:
            assert str(exc) and exc.kind
            return
        _check_document(doc, doc.original)


@SETTINGS
@given(any_text)
@example("一、总体要求\n1.实施健康上海行动。推进区人民医院建设。\n2.落实《中华人民共和国基本医疗卫生法》。")
@example("\n\n\n")
def test_extract_any_text(original):
    doc = normalise(original, "x.txt")
    plan = extract(doc)
    for m in plan.mentions:
        assert 0 <= m.start <= m.end <= len(original)
        assert original[m.start:m.end] == m.text
        assert m.norm
    for section in (*plan.structure.parts, *plan.structure.tasks, *plan.structure.sentences):
        assert 0 <= section.start <= section.end <= len(doc.text)
    again = extract(normalise(original, "x.txt"))
    assert [(m.start, m.end, m.label, m.norm, m.sentence, m.task, m.part) for m in again.mentions] == \
        [(m.start, m.end, m.label, m.norm, m.sentence, m.task, m.part) for m in plan.mentions]
    assert again.meta == plan.meta
