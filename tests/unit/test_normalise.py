"""Decoding and normalisation: the offset map, the canonical text, and robustness."""
from __future__ import annotations

import random
import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policykg.extract.normalise import _substitute, chrome_spans, decode, normalise
from policykg.extract.readers import read_document
from tests.paths import SEEDS

SEED_FILES = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
needs_seeds = pytest.mark.skipif(not SEED_FILES, reason="seed plans not available")


def _seed(prefix: str):
    return read_document(next(p for p in SEED_FILES if p.name.startswith(prefix)))


def _check_offsets(doc) -> None:
    off = doc.offsets
    assert len(off) == len(doc.text) + 1
    assert off[-1] == len(doc.original)
    assert all(0 <= a < b for a, b in zip(off, off[1:])), "offsets strictly increasing"


# ------------------------------------------------------------------ seeds


@needs_seeds
@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name[:3])
def test_offsets_map_every_span_back(path):
    doc = read_document(path)
    _check_offsets(doc)
    work = _substitute(doc.original)
    chrome = chrome_spans(doc.original)
    # Every kept character is the normalised form of the character it points at (line
    # breaks and single spaces may stand for any whitespace).
    for i, ch in enumerate(doc.text):
        src = work[doc.offsets[i]]
        assert ch == src or (ch in "\n " and src.isspace()), (i, ch, src)
    rng = random.Random(path.name)
    for _ in range(300):
        i = rng.randrange(len(doc.text))
        j = rng.randrange(i, min(len(doc.text), i + 80) + 1)
        a, b = doc.original_span(i, j)
        assert 0 <= a <= b <= len(doc.original)
        if any(s < b and a < e for s, e in chrome):
            continue
        squeeze = lambda s: re.sub(r"\s|\*\*", "", s)  # noqa: E731
        assert squeeze(work[a:b]) == squeeze(doc.text[i:j])


@needs_seeds
def test_hard_wraps_undone_and_spaces_removed():
    text = _seed("001").text
    for joined in ("有序引导", "信息报告", "病理、影像", "三地卫生监督", "全面推进安宁疗护"):
        assert joined in text
    for squeezed in ("2021年是中国共产党成立100周年", "健康青浦2030规划纲要", "公卫20条"):
        assert squeezed in text
    assert "**" not in text
    # headings, titles and signature lines keep their own lines
    lines = text.split("\n")
    assert "上海市青浦区卫生健康委员会文件" in lines and "青卫健发〔2021〕1号" in lines
    assert "2021年青浦区卫生健康工作要点" in lines and "2021年3月12日" in lines


@needs_seeds
def test_chrome_dropped_header_fields_kept():
    web = _seed("002")
    for chrome in ("分享到", "关闭", "打印", "版权所有", "ICP", "浏览次数", "索引号", "002482365"):
        assert chrome not in web.text
    lines = web.text.split("\n")
    assert "发布机构：省卫生健康委员会" in lines
    assert "文号：浙卫发〔2022〕8号" in lines
    assert "公开日期：2022-03-12" in lines
    assert "信息来源：省卫生健康委" in lines
    assert "发布日期：2022-03-16 16:19" in lines
    assert "分享到" in web.original  # the original is untouched
    fengxian = _seed("003").text
    assert "Baidu" not in fengxian and "字号" not in fengxian and "分享" not in fengxian
    assert fengxian.endswith("扫黑除恶等工作。")


@needs_seeds
def test_traditional_seed_is_simplified_with_canonical_punctuation():
    doc = _seed("000")
    assert doc.text.startswith("各区卫生健康委，申康医院发展中心")
    assert "2022年上海市卫生健康工作要点" in doc.text
    assert "," not in doc.text and "(" not in doc.text
    assert "converted traditional characters" in doc.notes
    i = doc.text.index("上海市卫生健康委员会")
    a, b = doc.original_span(i, i + len("上海市卫生健康委员会"))
    assert doc.original[a:b] == "上海市衛生健康委員會"


@needs_seeds
def test_normalising_is_fast():
    originals = [p.read_text(encoding="utf-8") for p in SEED_FILES]
    normalise(originals[0], "warm-up")
    start = time.perf_counter()
    for _ in range(5):
        for text in originals:
            normalise(text, "x")
    per_doc = (time.perf_counter() - start) / (5 * len(originals))
    assert per_doc < 0.05, f"{per_doc * 1000:.1f} ms per document"


# ------------------------------------------------------------------ synthetic


def test_spaces_inside_chinese_dropped_latin_words_keep_one():
    doc = normalise("省卫生健 康委在 2021 年\u3000发布《健康青浦 2030 规划纲要》，COVID  19 and\tWHO。", "x")
    assert doc.text == "省卫生健康委在2021年发布《健康青浦2030规划纲要》，COVID 19 and WHO。"
    _check_offsets(doc)


def test_canonical_punctuation():
    doc = normalise("甲,乙:丙;(1)丁!戊?１２３ＡＢ．５％，1,000 人 16:19 见 http://a.b 「引」", "x")
    assert doc.text == "甲，乙：丙；（1）丁！戊？123AB.5%，1,000人16:19见http://a.b“引”"


def test_hard_wrap_rules():
    para = "一是加强公共卫生体系建设，完善重大疫情防控体制机制，健全应急管理体系和"
    doc = normalise(f"{para}\n\n救治流程。\n二、下一部分标题\n三是继续。", "x")
    assert doc.text == f"{para}救治流程。\n二、下一部分标题\n三是继续。"
    # a long heading or title line is not glued to what follows
    head = "一、落实严格措施，筑牢新冠防线，统筹做好新冠肺炎疫情常态化防控"
    assert normalise(f"{head}\n坚持依法防控。", "x").text == f"{head}\n坚持依法防控。"
    title = "上海市青浦区卫生健康事业发展第十四个五年规划"
    assert normalise(f"{title}\n各单位：", "x").text == f"{title}\n各单位："
    # blank lines collapse, CRLF too
    assert normalise("甲。\r\n\r\n\r\n乙。\r\n", "x").text == "甲。\n乙。"


def test_t2s_keeps_one_to_one():
    doc = normalise("衛生健康委員會關於印發《醫療機構設置規劃》", "x")
    assert doc.text == "卫生健康委员会关于印发《医疗机构设置规划》"
    _check_offsets(doc)


def test_markdown_and_zero_width_dropped():
    doc = normalise("5. **提升市民防范意识。**利用\u200b各类媒介", "x")
    assert doc.text == "5.提升市民防范意识。利用各类媒介"
    _check_offsets(doc)


# ------------------------------------------------------------------ decoding

SAMPLE = "2021年青浦区卫生健康工作要点\n一、落实严格措施，筑牢新冠防线。\n1. 强化疫情监测预警处置。"


@pytest.mark.parametrize(
    "data, text",
    [
        (SAMPLE.encode("utf-8"), SAMPLE),
        (b"\xef\xbb\xbf" + SAMPLE.encode("utf-8"), SAMPLE),
        (SAMPLE.encode("utf-16"), SAMPLE),
        (b"\xfe\xff" + SAMPLE.encode("utf-16-be"), SAMPLE),
        (("Plan 2021: " + SAMPLE).encode("utf-16-le"), "Plan 2021: " + SAMPLE),
        (SAMPLE.encode("gbk"), SAMPLE),
        (SAMPLE.encode("gb18030"), SAMPLE),
        (b"", ""),
    ],
    ids=["utf8", "utf8-bom", "utf16", "utf16-be", "utf16-le-no-bom", "gbk", "gb18030", "empty"],
)
def test_decode(data, text):
    decoded, _ = decode(data)
    assert decoded == text


def test_decode_reports_gb18030(tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes((SAMPLE * 20).encode("gbk"))
    doc = read_document(path)
    assert doc.encoding == "gb18030"
    assert "decoded as gb18030" in doc.notes
    assert doc.text.startswith("2021年青浦区卫生健康工作要点")


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.7\n\x00\x00\x01\x02binary\x00stream\x00\x00", bytes(range(256)) * 4, b"\x00" * 100],
    ids=["pdf", "all-bytes", "nuls"],
)
def test_decode_rejects_binary(data):
    with pytest.raises(ValueError):
        decode(data)


@needs_seeds
def test_decode_seed_files_as_gbk_and_utf16():
    for path in SEED_FILES:
        text = path.read_text(encoding="utf-8")
        assert decode(text.encode("gb18030"))[0] == text
        assert decode(text.encode("utf-16"))[0] == text


# ------------------------------------------------------------------ properties


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=300))
def test_normalise_any_unicode(s):  # lone surrogates and NULs included
    doc = normalise(s, "x")
    _check_offsets(doc)
    again = normalise(s, "x")
    assert (again.text, again.offsets) == (doc.text, doc.offsets)
    assert "\n\n" not in doc.text and doc.text == doc.text.strip()


_CHUNKS = st.sampled_from(["卫生", "健康", "委员会", " ", "\u3000", "\n", "\n\n", "，", ",", "(", "1.", "一、",
                           "2021", " 年", "**", "分享到:", "COVID", "衛生", "。", "\r\n", "文  号: ", "Baidu"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_CHUNKS, max_size=60).map("".join))
def test_normalise_plan_like_text(s):
    doc = normalise(s, "x")
    _check_offsets(doc)
    assert "  " not in doc.text and "**" not in doc.text


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_decode_any_bytes(data):
    try:
        text, enc = decode(data)
    except ValueError:
        return
    assert isinstance(text, str) and isinstance(enc, str)
