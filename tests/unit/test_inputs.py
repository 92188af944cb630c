"""Real-world inputs: every file kind a plan comes in, and every way a file can be bad.

All fixtures are made here: a short plan written as .txt, .html (with navigation and footer
chrome), .docx (python-docx, with a table) and .pdf (hand-built bytes with a text layer), and
broken files of each kind. Everything is driven through ``policykg build`` (click's CliRunner).
"""
from __future__ import annotations

import json
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from policykg.cli import cli
from policykg.extract.readers import UnreadableFile, read_document

TITLE = "2023年青浦区卫生健康工作要点"
LINES = [
    "上海市青浦区卫生健康委员会关于印发2023年青浦区卫生健康工作要点的通知",
    "各医疗卫生单位：",
    "现将《2023年青浦区卫生健康工作要点》印发给你们，请认真贯彻落实。",
    TITLE,
    "一、坚持常态化疫情防控",
    "1.强化疫情监测预警处置。完善多点触发监测预警机制，加强发热门诊和哨点医院建设，提升区疾病预防控制中心实验室检测能力，做好应急物资储备。",
    "2.推进疫苗接种工作。持续做好新冠病毒疫苗接种，提高老年人接种率，落实接种点规范化管理，保障接种安全有序。",
    "二、深化医药卫生体制改革",
    "3.推进紧密型城市医疗集团建设。以青浦区中医医院和复旦大学附属中山医院青浦分院为龙头，完善分级诊疗制度，推动优质医疗资源下沉社区。",
    "4.实施健康上海行动。深入开展爱国卫生运动，加强慢性病综合防控示范区建设，提升居民健康素养水平，营造全社会共建共享健康的良好氛围。",
    "三、提升公共卫生服务能力",
    "5.加强基层卫生服务。推进社区卫生服务中心标准化建设，做实家庭医生签约服务，完善社区健康管理，提升基层首诊能力和服务水平。",
    "上海市青浦区卫生健康委员会",
    "2023年2月20日",
]
PLAN = "\n".join(LINES) + "\n"


def plan_lines(year: int) -> list[str]:
    """The plan as issued for another year: a different plan with the same outline."""
    return [line.replace("2023", str(year)) for line in LINES]
NAV = ["首页", "机构概况", "政务公开", "办事服务", "互动交流"]
FOOTER = "版权所有：上海市青浦区卫生健康委员会 沪ICP备12345678号 网站地图 联系我们"


# --------------------------------------------------------------------------- fixture makers

def write_txt(path: Path, text: str = PLAN, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def html_page(lines=LINES) -> str:
    title = lines[3]
    nav = "".join(f'<li><a href="/{i}">{n}</a></li>' for i, n in enumerate(NAV))
    body = []
    for line in lines:
        if line[:2] in ("一、", "二、", "三、"):
            body.append(f"<h2>{line}</h2>")
        elif line == title:
            body.append(f"<h1>{line}</h1>")
        else:
            body.append(f"<p>{line}</p>")
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title>'
            f"<script>var share = 'wx';</script><style>.nav {{color: red}}</style></head><body>"
            f'<div class="header"><ul class="nav">{nav}</ul></div>'
            f'<div class="breadcrumb">当前位置：首页 &gt; 政务公开 &gt; 通知公告</div>'
            f'<div class="article"><div class="content">{"".join(body)}'
            f"<ul><li>附件：青浦区重点任务清单</li><li>附件：青浦区健康指标一览</li></ul></div></div>"
            f'<div class="footer"><p>{FOOTER}</p></div></body></html>')


def write_docx(path: Path, lines=LINES, table=True) -> Path:
    import docx

    document = docx.Document()
    for line in lines[:-2]:
        document.add_paragraph(line)
    if table:
        t = document.add_table(rows=2, cols=2)
        t.cell(0, 0).text, t.cell(0, 1).text = "重点任务", "责任单位"
        t.cell(1, 0).text, t.cell(1, 1).text = "建设区域医疗中心", "区卫生健康委"
    for line in lines[-2:]:
        document.add_paragraph(line)
    document.save(str(path))
    return path


def pdf_bytes(lines=LINES, text_layer: bool = True) -> bytes:
    """A minimal valid PDF: one page, a Type0 font with a ToUnicode map, text drawn line by line.

    Without ``text_layer`` the page only has a painted box, as a scan without OCR would.
    """
    chars = sorted({c for line in lines for c in line}) if text_layer else []
    cid = {c: i + 1 for i, c in enumerate(chars)}
    if text_layer:
        ops = ["BT", "/F1 9 Tf", "11 TL", "30 810 Td"]
        ops += ["<" + "".join(f"{cid[c]:04X}" for c in line) + "> Tj T*" for line in lines]
        ops.append("ET")
    else:
        ops = ["0.5 g", "40 40 500 700 re f"]
    content = zlib.compress("\n".join(ops).encode("ascii"))
    cmap = ["/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
            "/CMapName /Adobe-Identity-UCS def /CMapType 2 def",
            "1 begincodespacerange <0000> <FFFF> endcodespacerange"]
    items = list(cid.items())
    for k in range(0, len(items), 100):
        part = items[k:k + 100]
        cmap.append(f"{len(part)} beginbfchar")
        cmap += [f"<{i:04X}> <{ord(c):04X}>" for c, i in part]
        cmap.append("endbfchar")
    cmap.append("endcmap CMapName currentdict /CMap defineresource pop end end")
    cmap_bytes = "\n".join(cmap).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H /DescendantFonts [6 0 R] "
        b"/ToUnicode 7 0 R >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 >>",
        b"<< /Length %d >>\nstream\n" % len(cmap_bytes) + cmap_bytes + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def run_build(*args) -> tuple:
    result = CliRunner().invoke(cli, ["build", *map(str, args)])
    return result, result.output


def problem_lines(output: str, name: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("problem:") and name in line]


# --------------------------------------------------------------------------- readers

def _check_offsets(plan_json_rows, original):
    for row in plan_json_rows:
        assert original[row["start"]:row["end"]] == row["text"]


def test_html_main_text_without_navigation_or_footer(tmp_path):
    path = tmp_path / "plan.html"
    path.write_text(html_page(), encoding="utf-8")
    doc = read_document(path)
    assert TITLE in doc.original and "一、坚持常态化疫情防控" in doc.original
    assert "附件：青浦区重点任务清单" in doc.original  # list items kept
    for chrome in ("机构概况", "办事服务", "ICP", "var share", "color: red"):
        assert chrome not in doc.original, chrome
    assert any("trafilatura" in note for note in doc.notes)
    # Headings stay on lines of their own, so the outline is found.
    assert "\n一、坚持常态化疫情防控\n" in doc.text


def test_html_in_gbk_with_declared_charset(tmp_path):
    path = tmp_path / "plan.htm"
    path.write_bytes(html_page().replace('charset="utf-8"', 'charset="gb2312"').encode("gb18030"))
    doc = read_document(path)
    assert TITLE in doc.original


def test_html_fallback_when_trafilatura_finds_nothing(tmp_path, monkeypatch):
    import trafilatura

    monkeypatch.setattr(trafilatura, "extract", lambda *a, **k: None)
    path = tmp_path / "plan.html"
    path.write_text(html_page(), encoding="utf-8")
    doc = read_document(path)
    assert any("lxml" in note for note in doc.notes)
    assert "\n一、坚持常态化疫情防控\n" in doc.text
    for chrome in ("机构概况", "var share", "color: red"):  # nav, script and style are dropped
        assert chrome not in doc.original


def test_docx_paragraphs_and_tables_in_order(tmp_path):
    doc = read_document(write_docx(tmp_path / "plan.docx"))
    text = doc.text
    assert text.index("一、坚持常态化疫情防控") < text.index("重点任务") < text.index("区卫生健康委\n") \
        < text.index("2023年2月20日")
    assert any("docx" in note for note in doc.notes)


def test_pdf_text_layer(tmp_path):
    path = tmp_path / "plan.pdf"
    path.write_bytes(pdf_bytes())
    doc = read_document(path)
    assert TITLE in doc.text and "一、坚持常态化疫情防控" in doc.text
    assert any("pdf" in note.lower() for note in doc.notes)


@pytest.mark.parametrize("name, data, kind, words", [
    ("empty.txt", b"", "empty", "empty"),
    ("blank.txt", b" \n\t\r\n", "no text", "no text"),
    ("image.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "binary", "binary"),
    ("bytes.txt", bytes([0x80, 0x81, 0xFE, 0xFF]) * 50, "undecodable", "decod"),
    ("scan.pdf", pdf_bytes(text_layer=False), "no text layer", "no text layer (scanned?)"),
    ("cut.pdf", pdf_bytes()[:900], "corrupt", "truncated or corrupt"),
    ("cut.docx", None, "corrupt", "truncated or corrupt"),
    ("fake.docx", b"this is not a zip file at all", "corrupt", ".docx"),
    ("fake.pdf", b"%PDF-1.4\n garbage", "corrupt", "PDF"),
])
def test_bad_files_raise_one_clear_error(tmp_path, name, data, kind, words):
    path = tmp_path / name
    if data is None:
        write_docx(tmp_path / "whole.docx")
        data = (tmp_path / "whole.docx").read_bytes()[:2000]
    path.write_bytes(data)
    with pytest.raises(UnreadableFile) as info:
        read_document(path)
    assert info.value.kind == kind
    assert words in str(info.value)


def test_size_limit(tmp_path):
    path = write_txt(tmp_path / "plan.txt")
    with pytest.raises(UnreadableFile, match="too large"):
        read_document(path, max_size=100)
    assert read_document(path, max_size=None).original == PLAN


# --------------------------------------------------------------------------- the build command

def test_every_kind_of_file_builds_with_offsets_into_its_text(tmp_path):
    inputs = tmp_path / "in"
    (inputs / "web" / "deep").mkdir(parents=True)
    write_txt(inputs / "a.txt")
    (inputs / "web" / "deep" / "b.html").write_text(html_page(plan_lines(2020)), encoding="utf-8")
    write_docx(inputs / "c.docx", plan_lines(2021))
    (inputs / "d.pdf").write_bytes(pdf_bytes(plan_lines(2022)))
    write_txt(inputs / "e.txt", "\n".join(plan_lines(2024)), encoding="gb18030")
    (inputs / "notes.csv").write_text("not,an,input", encoding="utf-8")  # unsupported suffix: not picked up
    out = tmp_path / "out"
    result, output = run_build(inputs, "--out", out)
    assert result.exit_code == 0, output
    assert "plans: 5  problems: 0" in output
    graph = json.loads((out / "graph.json").read_text(encoding="utf-8"))
    plans = [n for n in graph["nodes"] if n.get("label") == "Plan"]
    assert sorted(p["year"] for p in plans) == [2020, 2021, 2022, 2023, 2024]
    for name in ("a.txt", "b.html", "c.docx", "d.pdf", "e.txt"):
        assert f"  {name}: " in output
    # Mentions from a converted file point into the text the reader extracted.
    for path in (inputs / "d.pdf", inputs / "c.docx", inputs / "web" / "deep" / "b.html"):
        rows = CliRunner().invoke(cli, ["extract", str(path)]).output.splitlines()
        rows = [json.loads(r) for r in rows if r.startswith("{")]
        assert rows, path
        _check_offsets(rows, read_document(path).original)
        assert any(r["canonical"] == "健康上海行动" for r in rows), path


def test_bad_files_are_skipped_one_line_each_and_counted(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    write_txt(inputs / "good.txt")
    (inputs / "good.html").write_text(html_page(plan_lines(2024)), encoding="utf-8")
    bad = {
        "empty.txt": b"",
        "binary.txt": b"\x00\x01\x02\x03PK\x00\x00" * 64,
        "gibberish.txt": bytes([0x80, 0x81, 0xFE, 0xFF]) * 50,
        "english.txt": b"Minutes of the meeting.\n1. Opening\n2. Budget\n" * 20,
        "notice.txt": "关于召开会议的通知。请各单位准时参加会议。".encode() * 3,  # Chinese, too short
        "chat.txt": ("今天天气很好，我们去公园散步，看到很多人在锻炼身体，心情十分愉快。" * 12).encode(),  # no outline
        "truncated.html": html_page().encode()[:700],  # cut off before the article
        "truncated.pdf": pdf_bytes()[:900],
        "truncated.docx": None,
        "scanned.pdf": pdf_bytes(text_layer=False),
        "huge.txt": (PLAN * 40).encode(),
    }
    for name, data in bad.items():
        if data is None:
            write_docx(tmp_path / "whole.docx")
            data = (tmp_path / "whole.docx").read_bytes()[:3000]
        (inputs / name).write_bytes(data)
    assert len(PLAN.encode()) < 4000 < len(bad["huge.txt"])
    out = tmp_path / "out"
    result, output = run_build(inputs, "--out", out, "--max-size", "0.004")
    assert result.exit_code == 1, output
    for name in bad:
        lines = problem_lines(output, name)
        assert len(lines) == 1, (name, output)
        assert lines[0].endswith("(skipped)"), lines
    assert "too large" in problem_lines(output, "huge.txt")[0]
    assert "no text layer (scanned?)" in problem_lines(output, "scanned.pdf")[0]
    for name in ("english.txt", "notice.txt", "chat.txt"):
        assert "not a plan" in problem_lines(output, name)[0], output
    # the good files are still built and written
    assert "plans: 2  problems: 11" in output
    assert "skipped 11 of 13 files" in output
    graph = json.loads((out / "graph.json").read_text(encoding="utf-8"))
    assert len([n for n in graph["nodes"] if n.get("label") == "Plan"]) == 2


def test_strict_fails_before_anything_is_written(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    write_txt(inputs / "good.txt")
    (inputs / "empty.txt").write_bytes(b"")
    out = tmp_path / "out"
    result, output = run_build(inputs, "--out", out, "--strict")
    assert result.exit_code == 2, output
    assert len(problem_lines(output, "empty.txt")) == 1
    assert "nothing written" in output
    assert not out.exists()


def test_all_good_is_exit_zero_and_strict_passes(tmp_path):
    write_txt(tmp_path / "good.txt")
    result, output = run_build(tmp_path / "good.txt", "--out", tmp_path / "out", "--strict", "--quiet")
    assert result.exit_code == 0, output
    assert "plans: 1  problems: 0" in output
    assert "problem:" not in output


def test_nothing_readable_is_an_error_and_writes_nothing(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    result, output = run_build(tmp_path / "empty.txt", tmp_path / "missing.txt", "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert len(problem_lines(output, "empty.txt")) == 1
    assert len(problem_lines(output, "missing.txt")) == 1 and "no such file" in output
    assert not (tmp_path / "out").exists()


def test_hidden_files_and_folders_are_ignored(tmp_path):
    write_txt(tmp_path / "plan.txt")
    (tmp_path / ".cache").mkdir()
    (tmp_path / ".cache" / "junk.txt").write_bytes(b"\x00" * 10)
    (tmp_path / ".hidden.txt").write_bytes(b"")
    result, output = run_build(tmp_path, "--out", tmp_path / "out")
    assert result.exit_code == 0, output
    assert "problem:" not in output


def test_docx_table_every_cell_once_in_order(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph(LINES[3])
    rows, cols = 12, 4
    table = document.add_table(rows=rows, cols=cols)
    for r in range(1, rows):
        for c in range(cols):
            table.cell(r, c).text = f"格{r}-{c}"
    merged = table.cell(0, 0).merge(table.cell(0, cols - 1))
    merged.text = "重点任务清单"
    document.save(str(tmp_path / "t.docx"))
    text = read_document(tmp_path / "t.docx").original
    assert text.count("重点任务清单") == 1  # a merged cell once, not once per grid column
    cells = [f"格{r}-{c}" for r in range(1, rows) for c in range(cols)]
    positions = [text.index(cell) for cell in cells]  # every cell, none dropped
    assert positions == sorted(positions)


def _numbered_docx(path: Path) -> Path:
    """A Word file whose parts (一、) and tasks (1.) are automatic numbering, as Word saves it."""
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    numbering = document.part.numbering_part.element
    numbering.append(parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2."/></w:lvl>'
        '</w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    items = [(None, "2026年某市卫生健康工作要点"), (0, "深化医改"), (1, "推进医联体建设。"), (1, "加强基层能力。"),
             (0, "强化公共卫生"), (1, "完善疾控体系。"), (None, "某市卫生健康委员会")]
    for level, text in items:
        paragraph = document.add_paragraph(text)
        if level is not None:
            paragraph._p.get_or_add_pPr().append(parse_xml(
                f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>'))
    document.save(path)
    return path


def test_docx_automatic_numbering_is_put_back(tmp_path):
    doc = read_document(_numbered_docx(tmp_path / "numbered.docx"))
    assert doc.original.splitlines() == [
        "2026年某市卫生健康工作要点", "一、深化医改", "1.推进医联体建设。", "2.加强基层能力。",
        "二、强化公共卫生", "1.完善疾控体系。", "某市卫生健康委员会"]
    from policykg.extract.structure import parse_structure

    structure = parse_structure(doc)
    assert (len(structure.parts), len(structure.tasks)) == (2, 3)


def test_a_symlink_loop_in_a_folder_is_walked_once(tmp_path):
    from policykg.build import input_files

    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "a.txt").write_text("\n".join(plan_lines(2021)), encoding="utf-8")
    (tmp_path / "plans" / "back").symlink_to(tmp_path, target_is_directory=True)
    assert input_files([tmp_path]) == [tmp_path / "plans" / "a.txt"]
