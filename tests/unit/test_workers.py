"""``--workers N`` extracts in N processes and writes exactly what one process writes."""
from __future__ import annotations

import os
import shutil

from click.testing import CliRunner

from policykg import build as build_lib
from policykg.cli import cli
from policykg.extract.document import ExtractedPlan, Structure
from policykg.graph import fragments
from tests.unit.test_inputs import html_page, plan_lines, write_docx

_PARENT = os.getpid()
_extract_chunk = build_lib._extract_chunk


def dying_chunk(paths, *args):
    """Stands in for build._extract_chunk: a worker that gets 02.txt dies as if killed."""
    if os.getpid() != _PARENT and any(p.name == "02.txt" for p in paths):
        os._exit(9)
    return _extract_chunk(paths, *args)


def _inputs(tmp_path, seeds_dir):
    inputs = tmp_path / "in"
    inputs.mkdir()
    for path in sorted(seeds_dir.glob("*.txt"))[:3]:  # 000 is in traditional characters
        shutil.copy(path, inputs / path.name)
    (inputs / "web.html").write_text(html_page(plan_lines(2020)), encoding="utf-8")
    write_docx(inputs / "word.docx", plan_lines(2019))  # not 2021: seed 001 is that year's plan of the same issuer and title
    (inputs / "broken.pdf").write_bytes(b"%PDF-1.4\n garbage")
    (inputs / "empty.txt").write_bytes(b"")
    return inputs


def test_two_workers_write_byte_identical_output(tmp_path, seeds_dir):
    inputs = _inputs(tmp_path, seeds_dir)
    outputs = {}
    for workers in (1, 2):
        out = tmp_path / f"out{workers}"
        result = CliRunner().invoke(cli, ["build", str(inputs), "--out", str(out), "--workers", str(workers)])
        assert result.exit_code == 1, result.output  # the two bad files
        outputs[workers] = (out, result.output.replace(str(out), "OUT"))
    (one, text_one), (two, text_two) = outputs[1], outputs[2]
    assert text_one == text_two  # same problem lines, in the same order, same summary
    def outputs(out):  # the build cache (OUT/.cache) and the index of the files' pieces are no output
        return sorted(p.relative_to(out) for p in out.rglob("*")
                      if p.is_file() and ".cache" not in p.parts and p.name != fragments.INDEX)

    files = outputs(one)
    assert files == outputs(two)
    for rel in files:
        assert (one / rel).read_bytes() == (two / rel).read_bytes(), rel
    assert "plans: 5  problems: 2" in text_one


def test_extract_files_keeps_input_order_across_chunks(tmp_path):
    files = []
    for i, year in enumerate(range(2001, 2025)):  # more files than one chunk per worker
        path = tmp_path / f"{i:02d}.txt"
        path.write_text("\n".join(plan_lines(year)), encoding="utf-8")
        files.append(path)
        if i % 7 == 3:
            files.append(tmp_path / f"{i:02d}-missing.txt")
    seen = []
    plans, problems = build_lib.extract_files(files, progress=seen.append, workers=2)
    assert sum(seen) == len(files)
    assert [plan.document.path for plan in plans] == [str(p) for p in files if "missing" not in p.name]
    assert [p.path for p in problems] == [str(p) for p in files if "missing" in p.name]
    assert [plan.meta.year for plan in plans] == list(range(2001, 2025))


def test_a_dead_worker_does_not_lose_files(tmp_path, monkeypatch):
    files = []
    for i, year in enumerate(range(2001, 2009)):
        path = tmp_path / f"{i:02d}.txt"
        path.write_text("\n".join(plan_lines(year)), encoding="utf-8")
        files.append(path)
    monkeypatch.setattr(build_lib, "_extract_chunk", dying_chunk)
    dying_chunk.__module__, dying_chunk.__qualname__ = __name__, "dying_chunk"
    plans, problems = build_lib.extract_files(files, workers=2)
    assert not problems
    assert [plan.meta.year for plan in plans] == list(range(2001, 2009))


def test_a_plan_comes_back_from_a_worker_equal(seeds_dir):
    import pickle

    from policykg import runtime

    runtime.register_pickling()  # as in the workers
    plan = build_lib.extract_file(sorted(seeds_dir.glob("001_*.txt"))[0])
    back = pickle.loads(pickle.dumps(plan))
    assert back == plan and back.mentions and back.structure.sentences
    assert type(back.mentions[0]) is type(plan.mentions[0])
    bare = ExtractedPlan(plan.document, plan.meta, Structure(), [])  # nothing found
    assert pickle.loads(pickle.dumps(bare)) == bare
