"""Bad input never stalls, hangs or loses a batch (issue 18, part B).

Zip bombs, plans over spaCy's million characters, crafted names in ``policykg show``, damaged
encodings, radicals from PDF fonts, files that are not regular files or cannot be read,
Ctrl-C and a full disk. All inputs are made here from invented text (云岭市 and its
institutions are invented).
"""
from __future__ import annotations

import errno
import io
import json
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from policykg.cli import cli
from policykg.extract.normalise import decode, normalise
from policykg.extract.readers import UnreadableFile, read_document
from policykg.graph import fragments
from tests.unit.test_inputs import LINES, pdf_bytes, plan_lines, problem_lines, run_build, write_docx, write_txt

REPO = Path(__file__).resolve().parents[2]
POLICYKG = [sys.executable, "-m", "policykg.cli"]

# An invented plan: a title, a part, numbered tasks whose paragraphs name hospitals, agencies,
# a programme and a regulation of an invented city.
HEAD = "2031年云岭市卫生健康工作要点\n一、深化医药卫生体制改革\n"
TASK = "{n}.推进紧密型医疗集团建设。\n"
PARAGRAPH = ("以云岭市第一人民医院和云岭市中医医院为龙头，完善分级诊疗制度，推动优质医疗资源下沉社区，"
             "深入实施健康云岭行动，贯彻落实《云岭市基层医疗卫生服务条例》，由云岭市卫生健康委员会会同"
             "云岭市财政局做好经费保障，提升基层首诊能力和服务水平。\n")
TAIL = "云岭市卫生健康委员会\n2031年2月20日\n"
PARAGRAPH_ENTITIES = {("Hospital", "云岭市第一人民医院"), ("Hospital", "云岭市中医医院"), ("Program", "健康云岭行动"),
                      ("Regulation", "云岭市基层医疗卫生服务条例"), ("Agency", "云岭市卫生健康委员会"),
                      ("Agency", "云岭市财政局")}


def invented_plan(chars: int, per_task: int = 300) -> tuple[str, int, int]:
    """The invented plan with as many paragraphs (``per_task`` to a task) as make it at least
    ``chars`` characters long; returns (text, paragraphs, tasks)."""
    parts, paragraphs, tasks, size = [HEAD], 0, 0, len(HEAD) + len(TAIL)
    while size < chars:
        if paragraphs % per_task == 0:
            tasks += 1
            parts.append(TASK.format(n=tasks))
            size += len(parts[-1])
        parts.append(PARAGRAPH)
        size += len(PARAGRAPH)
        paragraphs += 1
    return "".join(parts) + TAIL, paragraphs, tasks


def mention_rows(plan) -> list[tuple]:
    return [(m.label, m.text, m.start, m.end, m.norm, m.sentence, m.task, m.part) for m in plan.mentions]


# --------------------------------------------------------------------------- 2. zip bombs

def _docx_bytes(tmp_path: Path, lines=LINES) -> bytes:
    return write_docx(tmp_path / "source.docx", lines).read_bytes()


def _repack(docx: bytes, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None) -> bytes:
    """The Word file with some members replaced or added (deflated, as Word packs them)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, (replace or {}).get(info.filename, src.read(info.filename)))
        for name, data in (add or {}).items():
            dst.writestr(name, data)
    return out.getvalue()


def _document_xml(docx: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        return z.read("word/document.xml")


def test_zip_bomb_docx_is_one_line_and_the_batch_goes_on(tmp_path):
    docx = _docx_bytes(tmp_path)
    # 60 MB of spaces after the document's root element (still well-formed XML) pack to ~60 KB:
    # python-docx would unpack and parse all of it.
    bomb = _repack(docx, replace={"word/document.xml": _document_xml(docx) + b" " * 60_000_000})
    assert len(bomb) < 200_000
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "bomb.docx").write_bytes(bomb)
    write_txt(inputs / "good.txt")
    result, output = run_build(inputs, "--out", tmp_path / "out")
    assert result.exit_code == 1, output
    lines = problem_lines(output, "bomb.docx")
    assert len(lines) == 1 and "too large when unpacked" in lines[0] and "word/document.xml" in lines[0], output
    assert "plans: 1  problems: 1" in output


def test_unpacked_total_is_bounded_by_the_size_limit(tmp_path):
    docx = _docx_bytes(tmp_path)
    # 3 MB that pack 20 to 1 (each random kilobyte repeated): no single part looks like a bomb,
    # but the whole unpacks to more than 5 times the 0.4 MB limit.
    filler = b"".join(os.urandom(1000) * 20 for _ in range(150))
    path = tmp_path / "big.docx"
    path.write_bytes(_repack(docx, add={"word/media/filler.bin": filler}))
    assert path.stat().st_size < 400_000
    with pytest.raises(UnreadableFile, match=r"too large when unpacked \(3\.\d MB > limit 2\.0 MB\)") as info:
        read_document(path, max_size=400_000)
    assert info.value.kind == "too large"
    assert "青浦区" in read_document(path, max_size=None).text  # without a limit of its own: 5 x 20 MB


def test_a_member_that_lies_about_its_size_is_not_unpacked_past_it(tmp_path):
    """The checks read the sizes the archive declares; zipfile never unpacks past them."""
    docx = _docx_bytes(tmp_path)
    xml = _document_xml(docx)
    data = bytearray(_repack(docx, replace={"word/document.xml": xml + b" " * 30_000_000}))
    name = b"word/document.xml"
    for signature, size_at in ((b"PK\x01\x02", 24), (b"PK\x03\x04", 22)):  # central directory, local header
        at = 0
        while (at := data.find(signature, at)) >= 0:
            name_at = at + (46 if signature == b"PK\x01\x02" else 30)
            if data[name_at:name_at + len(name)] == name:
                data[at + size_at:at + size_at + 4] = len(xml).to_bytes(4, "little")
            at += 4
    path = tmp_path / "liar.docx"
    path.write_bytes(bytes(data))
    with pytest.raises(UnreadableFile, match="truncated or corrupt") as info:
        read_document(path)
    assert "CRC" in str(info.value)


def test_text_unpacked_from_a_docx_is_held_to_the_size_limit(tmp_path):
    import random

    rng = random.Random(2)
    lines = ["".join(rng.choices("abcdefgh", k=1000)) for _ in range(350)]
    path = write_docx(tmp_path / "long.docx", lines, table=False)
    assert path.stat().st_size < 300_000
    # 350,000 characters of text from a file under 0.3 MB, within 5 x 0.3 MB unpacked
    with pytest.raises(UnreadableFile, match=r"too large when unpacked \(350,\d{3} characters of text > limit 300,000\)"):
        read_document(path, max_size=300_000)


# --------------------------------------------------------------------------- 3. long plans

def test_a_plan_over_a_million_characters_is_extracted_with_exact_offsets(tmp_path):
    from policykg.build import extract_file
    from policykg.extract.pipeline import build_nlp

    text, paragraphs, tasks = invented_plan(1_200_000)
    assert len(text) > build_nlp().max_length  # spaCy's E088 limit
    path = tmp_path / "long.txt"
    path.write_text(text, encoding="utf-8")
    plan = extract_file(path)
    assert len(plan.structure.tasks) == tasks
    assert all(text[m.start:m.end] == m.text for m in plan.mentions)
    counts: dict[tuple, int] = {}
    for m in plan.mentions:
        counts[m.label, m.text] = counts.get((m.label, m.text), 0) + 1
    # every paragraph's entities, in every paragraph (the agency signs the plan too); the title once
    assert {k: v for k, v in counts.items() if k[0] != "Plan"} == {
        k: paragraphs + (k == ("Agency", "云岭市卫生健康委员会")) for k in PARAGRAPH_ENTITIES}
    assert counts[("Plan", "2031年云岭市卫生健康工作要点")] == 1


def test_pieces_find_what_one_doc_finds(monkeypatch):
    from policykg.extract.pipeline import build_nlp, extract

    text, _, _ = invented_plan(30_000, per_task=20)
    document = normalise(text, "plan.txt")
    whole = mention_rows(extract(document))
    nlp = build_nlp()
    monkeypatch.setattr(nlp, "max_length", 2_000)  # some 15 pieces
    assert mention_rows(extract(document)) == whole


def test_pieces_cover_the_text_within_the_limit():
    from policykg.extract.pipeline import _pieces

    text = "甲" * 2500 + "。" + "乙" * 700 + "\n" + "丙" * 3000  # no line break for long: cut at 。, then anywhere
    pieces = list(_pieces(text, 1000))
    assert "".join(p for _, p in pieces) == text
    assert all(len(p) <= 1000 and text[o:o + len(p)] == p for o, p in pieces)
    assert [p[-1] for _, p in pieces[:-1]].count("。") == 1 and [p[-1] for _, p in pieces].count("\n") == 1


# --------------------------------------------------------------------------- 4. show escapes

def test_show_escapes_the_file_name_and_the_title(tmp_path):
    lines = list(LINES)
    lines[3] = "2023年<script>alert(1)</script>青浦区卫生健康工作要点"
    lines[6] += "<b onmouseover=alert(2)>加粗</b>"
    path = tmp_path / '"><img src=x onerror=alert(3)>.txt'
    path.write_text("\n".join(lines), encoding="utf-8")
    output = tmp_path / "show.html"
    result = CliRunner().invoke(cli, ["show", str(path), "-o", str(output)])
    assert result.exit_code == 0, result.output
    page = output.read_text(encoding="utf-8")
    for markup in ("<script", "<img", "<b ", "onerror=alert(3)>", '"><'):
        assert markup not in page, markup
    assert "&lt;img src=x onerror=alert(3)&gt;" in page and "&lt;script&gt;" in page
    assert "&lt;b onmouseover=alert(2)&gt;" in page
    assert "青浦区" in page and '<mark class="entity"' in page  # the spans are still drawn


# --------------------------------------------------------------------------- 8. encodings

TEXT = ("2031年云岭市卫生健康工作要点\n一、深化医药卫生体制改革\n1.推进紧密型医疗集团建设，完善分级诊疗制度。\n"
        "2.实施健康云岭行动，提升居民健康素养水平，营造共建共享的良好氛围。\n")
CHINESE_ONLY = "云岭市卫生健康委员会推进紧密型医疗集团建设完善分级诊疗制度提升基层首诊能力"


@pytest.mark.parametrize("text", [TEXT, CHINESE_ONLY], ids=["with-ascii", "chinese-only"])
@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom(text, encoding):
    assert decode(text.encode(encoding)) == (text, encoding, 0)


def test_gb18030_with_one_bad_byte_keeps_the_plan(tmp_path):
    data = bytearray((TEXT * 5).encode("gb18030"))
    at = data.index("卫".encode("gb18030"))
    data[at] = 0xFF  # never a GB18030 byte
    text, encoding, replaced = decode(bytes(data))
    assert encoding == "gb18030" and 1 <= replaced <= 2
    assert text.replace("\ufffd", "", 1).count("生健康") == (TEXT * 5).count("生健康")
    path = tmp_path / "plan.txt"
    path.write_bytes(bytes(data))
    assert f"{replaced} undecodable byte{'s' if replaced > 1 else ''} replaced by U+FFFD" in read_document(path).warnings


@pytest.mark.parametrize("cut", [1, 2])
def test_utf8_cut_in_the_middle_of_a_character(cut):
    data = TEXT.rstrip("\n").encode("utf-8")
    assert decode(data[:-cut]) == (TEXT.rstrip("\n")[:-1] + "\ufffd", "utf-8", 3 - cut)


def _intact(decoded: str, reference: str) -> int:
    """How many characters of ``reference`` survive at its two ends."""
    p = 0
    while p < min(len(decoded), len(reference)) and decoded[p] == reference[p]:
        p += 1
    s = 0
    while s < min(len(decoded), len(reference)) - p and decoded[-1 - s] == reference[-1 - s]:
        s += 1
    return p + s


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "utf-16-le", "utf-16-be"])
def test_single_byte_corruptions_still_decode_in_the_right_encoding(encoding):
    import random

    reference = TEXT * 8
    data = reference.encode(encoding)
    rng = random.Random(18)
    longest_line = max(map(len, reference.splitlines())) + 1
    for at in range(0, len(data), 3):
        bad = bytearray(data)
        bad[at] = rng.choice([b for b in range(256) if b != data[at]])
        text, found, replaced = decode(bytes(bad))
        assert found == encoding, (at, bad[at])
        # One byte spoils at most a character or two; in GB18030 a byte that turns a lead
        # byte into ASCII can put the rest of its line out of step (up to the next ASCII byte).
        lost = 3 if encoding != "gb18030" else longest_line
        assert _intact(text, reference) >= len(reference) - lost, (at, bad[at])


def test_a_repaired_file_is_built_with_one_line(tmp_path):
    data = bytearray("\n".join(plan_lines(2024)).encode("gb18030"))
    data[data.index("卫".encode("gb18030"))] = 0xFF
    (tmp_path / "damaged.txt").write_bytes(bytes(data))
    result, output = run_build(tmp_path / "damaged.txt", "--out", tmp_path / "out", "--strict")
    assert result.exit_code == 0, output
    lines = problem_lines(output, "damaged.txt")
    assert len(lines) == 1 and "undecodable byte" in lines[0] and lines[0].endswith("(built)"), output
    assert "plans: 1" in output and "skipped" not in output


# --------------------------------------------------------------------------- 9. radicals

KANGXI = {"生": "\u2f63", "工": "\u2f2f", "门": "\u2fa8", "长": "\u2fa7", "龟": "\u2ef3"}  # ⽣ ⼯ ⾨ ⾧ ⻳


def _with_radicals(text: str) -> str:
    return text.translate({ord(k): v for k, v in KANGXI.items()})


def test_radicals_are_read_as_ideographs_with_exact_offsets():
    plain = "云岭市卫生健康委员会加强门诊工作，提升长者服务，龟山社区"
    doc = normalise(_with_radicals(plain), "x")
    assert _with_radicals(plain) != plain
    assert doc.text == plain
    assert [doc.original[doc.offsets[i]] for i in range(len(doc.text))] == list(_with_radicals(plain))


def test_a_pdf_with_radicals_gives_the_plan_its_text_gives(tmp_path):
    from policykg.build import extract_file

    lines = plan_lines(2024)
    (tmp_path / "plan.txt").write_text("\n".join(lines), encoding="utf-8")
    (tmp_path / "plan.pdf").write_bytes(pdf_bytes([_with_radicals(line) for line in lines]))
    from_text, from_pdf = extract_file(tmp_path / "plan.txt"), extract_file(tmp_path / "plan.pdf")
    assert "\u2f63" in from_pdf.document.original  # the PDF's text layer has the radicals
    assert from_pdf.meta.title == from_text.meta.title
    assert [(m.label, m.norm) for m in from_pdf.mentions] == [(m.label, m.norm) for m in from_text.mentions]
    assert all(from_pdf.document.original[m.start:m.end] == m.text for m in from_pdf.mentions)


# --------------------------------------------------------------------------- 10. odd files

def _run(*args, timeout: float = 120, prefix=(), **kwargs) -> subprocess.CompletedProcess:
    """The CLI in a process of its own: a test of a named pipe fails on the timeout, not hangs."""
    return subprocess.run([*prefix, *POLICYKG, *map(str, args)], capture_output=True, text=True, timeout=timeout,
                          cwd=REPO, **kwargs)


def _problems(stderr: str, name: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("problem:") and name in line]


def test_special_files_in_a_folder_get_one_line_each_and_never_block(tmp_path):
    inputs = tmp_path / "in"
    (inputs / "2031.txt").mkdir(parents=True)  # a folder named like a plan, with a plan in it
    write_txt(inputs / "2031.txt" / "inner.txt", "\n".join(plan_lines(2031)))
    write_txt(inputs / "good.txt")
    os.mkfifo(inputs / "pipe.txt")
    (inputs / "device.txt").symlink_to("/dev/zero")
    (inputs / "loop_a.txt").symlink_to(inputs / "loop_b.txt")
    (inputs / "loop_b.txt").symlink_to(inputs / "loop_a.txt")
    (inputs / "gone.txt").symlink_to(inputs / "nowhere.txt")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(inputs / "sock.txt"))
    try:
        result = _run("build", inputs, "--out", tmp_path / "out")
    finally:
        server.close()
    assert result.returncode == 1, result.stderr
    expected = {"pipe.txt": "not a regular file (a named pipe)", "device.txt": "not a regular file (a character device)",
                "sock.txt": "not a regular file (a socket)", "loop_a.txt": "symbolic link loop",
                "loop_b.txt": "symbolic link loop", "gone.txt": "no such file (broken symbolic link)",
                "2031.txt: ": "is a folder, not a plan file (searched as a folder)"}
    for name, message in expected.items():
        lines = _problems(result.stderr, name)
        assert len(lines) == 1 and message in lines[0], (name, result.stderr)
    assert "plans: 2  problems: 7" in result.stdout, result.stdout
    assert "skipped 6 of" in result.stdout


def test_a_named_pipe_named_on_the_command_line_is_one_line(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    write_txt(tmp_path / "good.txt")
    result = _run("build", tmp_path / "pipe.txt", tmp_path / "good.txt", "--out", tmp_path / "out")
    assert result.returncode == 1, result.stderr
    assert len(_problems(result.stderr, "pipe.txt")) == 1 and "plans: 1" in result.stdout


def _without_root_privileges() -> tuple:
    """A command prefix under which permissions hold. Root reads everything (CAP_DAC_OVERRIDE):
    as root the CLI runs without the capabilities that bypass file permissions (setpriv)."""
    if os.geteuid() != 0:
        return ()
    setpriv = shutil.which("setpriv")
    if not setpriv:
        pytest.skip("running as root without setpriv: permissions cannot be made to hold")
    prefix = (setpriv, "--bounding-set=-dac_override,-dac_read_search")
    probe = subprocess.run([*prefix, "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"setpriv cannot drop capabilities here: {probe.stderr.decode(errors='replace').strip()}")
    return prefix


def test_unreadable_files_and_folders_are_one_line_each(tmp_path):
    prefix = _without_root_privileges()
    inputs = tmp_path / "in"
    (inputs / "locked").mkdir(parents=True)
    write_txt(inputs / "good.txt")
    write_txt(inputs / "secret.txt", "\n".join(plan_lines(2021)))
    write_txt(inputs / "locked" / "inside.txt", "\n".join(plan_lines(2022)))
    write_txt(tmp_path / "named.txt", "\n".join(plan_lines(2025)))
    os.chmod(inputs / "secret.txt", 0)
    os.chmod(inputs / "locked", 0)
    os.chmod(tmp_path / "named.txt", 0)
    try:
        folder = _run("build", inputs, "--out", tmp_path / "out1", prefix=prefix)
        named = _run("build", tmp_path / "named.txt", inputs / "good.txt", inputs / "locked" / "inside.txt",
                     "--out", tmp_path / "out2", prefix=prefix)
    finally:
        os.chmod(inputs / "locked", 0o755)
    assert folder.returncode == 1, folder.stderr
    assert len(_problems(folder.stderr, "secret.txt")) == 1 and "permission denied" in folder.stderr
    lines = _problems(folder.stderr, "locked")
    assert len(lines) == 1 and "permission denied (folder not searched)" in lines[0], folder.stderr
    assert "plans: 1  problems: 2" in folder.stdout
    # named on the command line: one line each (not a usage error that stops the batch)
    assert named.returncode == 1, named.stderr
    for name in ("named.txt", "inside.txt"):
        lines = _problems(named.stderr, name)
        assert len(lines) == 1 and "permission denied" in lines[0], named.stderr
    assert "plans: 1  problems: 2" in named.stdout and (tmp_path / "out2" / "graph.json").exists()


# --------------------------------------------------------------------------- Ctrl-C, full disk, file modes

def test_ctrl_c_exits_130_with_one_line(tmp_path, monkeypatch):
    from policykg import build as build_lib

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(build_lib, "extract_files", interrupted)
    write_txt(tmp_path / "plan.txt")
    result = CliRunner().invoke(cli, ["build", str(tmp_path / "plan.txt"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 130
    assert result.output.strip().splitlines() == ["interrupted (Ctrl-C): stopped; no output file is half-written"]


def _wait_for_helpers(pid: int, timeout: float = 60) -> None:
    """Until the build has forked its helper processes (a fixed sleep was too short on a busy machine)."""
    children = Path(f"/proc/{pid}/task/{pid}/children")
    deadline = time.monotonic() + timeout
    while not children.read_text().split():
        assert time.monotonic() < deadline, "the build started no helper process"
        time.sleep(0.1)
    time.sleep(0.5)


def test_a_real_sigint_during_a_build_with_workers_exits_130(tmp_path):
    """SIGINT to the whole process group, as a terminal sends it: the helpers die quietly."""
    for k in range(4):
        (tmp_path / f"plan{k}.txt").write_text(invented_plan(300_000)[0].replace("2031", str(2031 + k)),
                                               encoding="utf-8")
    started = "import sys; from policykg.cli import main; print('ready', flush=True); sys.argv[0] = 'policykg'; main()"
    process = subprocess.Popen([sys.executable, "-c", started, "build", str(tmp_path), "--out", str(tmp_path / "out"),
                                "--workers", "2"], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, start_new_session=True)
    assert process.stdout.readline() == "ready\n"
    _wait_for_helpers(process.pid)  # past start-up: the pipeline is built, the helpers are extracting
    os.killpg(process.pid, signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert [line for line in stderr.splitlines() if line.strip()] == [
        "interrupted (Ctrl-C): stopped; no output file is half-written"], stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_full_disk_is_one_line_and_leaves_the_old_files_whole(tmp_path, monkeypatch, workers):
    from policykg.graph import writers

    write_txt(tmp_path / "plan.txt")
    out = tmp_path / "out"
    result, output = run_build(tmp_path / "plan.txt", "--out", out)
    assert result.exit_code == 0, output
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}

    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(writers, "_graphml_element", disk_full)
    write_txt(tmp_path / "plan.txt", "\n".join(plan_lines(2030)))
    result, output = run_build(tmp_path / "plan.txt", "--out", out, "--workers", workers)
    assert result.exit_code == 1
    assert "Traceback" not in output
    lines = [line for line in output.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1 and "No space left on device" in lines[0] and "graph.graphml" in lines[0], output
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}["graph.graphml"] == before["graph.graphml"]
    assert not [p for p in out.rglob("*") if p.is_file() and p.name.startswith(".") and p.name != fragments.INDEX], \
        "a temporary file was left behind"


def test_output_files_are_readable_by_others(tmp_path):
    old = os.umask(0o022)
    try:
        write_txt(tmp_path / "plan.txt")
        result, output = run_build(tmp_path / "plan.txt", "--out", tmp_path / "out")
        assert result.exit_code == 0, output
        assert CliRunner().invoke(cli, ["viz", str(tmp_path / "out"), "-o", str(tmp_path / "v.html")]).exit_code == 0
    finally:
        os.umask(old)
    files = [p for p in (tmp_path / "out").rglob("*") if p.is_file()] + [tmp_path / "v.html"]
    assert len(files) > 5
    assert {oct(stat.S_IMODE(p.stat().st_mode)) for p in files} == {"0o644"}
    graph = json.loads((tmp_path / "out" / "graph.json").read_text(encoding="utf-8"))
    assert any(n.get("label") == "Plan" for n in graph["nodes"])
