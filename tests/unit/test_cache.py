"""The build cache (policykg/cache.py): a cached build writes exactly what a clean build writes."""
from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from policykg import build as build_lib
from policykg import cache as cache_lib
from policykg.cli import cli
from tests.unit.test_inputs import plan_lines

OUTPUTS = ("graph.json", "graph.graphml")


def _outputs(out: Path) -> dict[str, bytes]:
    files = {name: (out / name).read_bytes() for name in OUTPUTS}
    for csv in sorted((out / "neo4j-import").glob("*.csv")):
        files[f"neo4j-import/{csv.name}"] = csv.read_bytes()
    return files


def _build(inputs: Path, out: Path, *extra: str) -> str:
    result = CliRunner().invoke(cli, ["build", str(inputs), "--out", str(out), "-q", *extra])
    assert result.exit_code == 0, result.output
    return result.output


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.pickle"))


class Counting:
    """Stands in for build.extract_file and counts the files really extracted."""

    def __init__(self):
        self.paths: list[str] = []

    def __call__(self, path, *args):
        self.paths.append(Path(path).name)
        return _extract_file(path, *args)


_extract_file = build_lib.extract_file


@pytest.fixture
def inputs(tmp_path, seeds_dir) -> Path:
    folder = tmp_path / "in"
    shutil.copytree(seeds_dir, folder)
    # 2019: plan_lines(2021) has seed 001's issuer, title and year, a repeat counted once
    (folder / "invented.txt").write_text("\n".join(plan_lines(2019)), encoding="utf-8")
    return folder


def test_cached_build_is_byte_identical_to_a_clean_one(inputs, tmp_path, monkeypatch):
    cached = tmp_path / "cached"
    _build(inputs, cached)
    assert len(_entries(cached / ".cache")) == 6
    counting = Counting()
    monkeypatch.setattr(build_lib, "extract_file", counting)
    _build(inputs, cached)  # every file from the cache
    assert counting.paths == []
    _build(inputs, tmp_path / "clean", "--no-cache")
    assert not (tmp_path / "clean" / ".cache").exists()
    assert _outputs(cached) == _outputs(tmp_path / "clean")

    # One file changed: only it is extracted again, and the graph is the clean build's.
    changed = next(inputs.glob("001_*.txt"))
    text = changed.read_text(encoding="utf-8")
    assert "朱家角人民医院" in text
    changed.write_text(text.replace("朱家角人民医院", "瑞金医院"), encoding="utf-8")
    counting.paths.clear()
    _build(inputs, cached)
    assert counting.paths == [changed.name]
    _build(inputs, tmp_path / "clean2", "--no-cache")
    assert _outputs(cached) == _outputs(tmp_path / "clean2")
    assert _outputs(cached) != _outputs(tmp_path / "clean")


def test_renamed_file_comes_from_the_cache_under_its_new_name(inputs, tmp_path, monkeypatch):
    cache_dir = tmp_path / "cache"
    _build(inputs, tmp_path / "first", "--cache", str(cache_dir))
    old = next(inputs.glob("003_*.txt"))
    old.rename(inputs / "renamed.txt")
    counting = Counting()
    monkeypatch.setattr(build_lib, "extract_file", counting)
    _build(inputs, tmp_path / "cached", "--cache", str(cache_dir))
    assert counting.paths == []
    monkeypatch.undo()
    _build(inputs, tmp_path / "clean", "--no-cache")
    assert _outputs(tmp_path / "cached") == _outputs(tmp_path / "clean")
    assert b"renamed.txt" in (tmp_path / "cached" / "graph.json").read_bytes()


def test_two_workers_extract_only_the_misses(inputs, tmp_path):
    cache_dir = tmp_path / "cache"
    files = build_lib.input_files([inputs])
    plans, _ = build_lib.extract_files(files[:3], workers=2, cache_dir=cache_dir)
    assert len(_entries(cache_dir)) == 3
    written = {p: p.stat().st_mtime_ns for p in _entries(cache_dir)}
    _build(inputs, tmp_path / "cached", "--cache", str(cache_dir), "--workers", "2")
    assert len(_entries(cache_dir)) == 6
    assert all(p.stat().st_mtime_ns == t for p, t in written.items())  # hits are not written again
    _build(inputs, tmp_path / "clean", "--no-cache")
    assert _outputs(tmp_path / "cached") == _outputs(tmp_path / "clean")


def test_a_corrupt_entry_is_ignored_and_rewritten(inputs, tmp_path, monkeypatch):
    out = tmp_path / "out"
    _build(inputs, out)
    entries = _entries(out / ".cache")
    entries[0].write_bytes(entries[0].read_bytes()[:100])  # truncated
    entries[1].write_bytes(b"not a pickle at all")
    entries[2].write_bytes(pickle.dumps({"a": "dict, not a plan"}))
    counting = Counting()
    monkeypatch.setattr(build_lib, "extract_file", counting)
    _build(inputs, out)
    assert len(counting.paths) == 3
    for entry in entries[:3]:
        assert isinstance(pickle.loads(entry.read_bytes()), build_lib.ExtractedPlan)
    assert not list((out / ".cache").rglob(".tmp-*"))  # no temporary file left behind
    _build(inputs, tmp_path / "clean", "--no-cache")
    assert _outputs(out) == _outputs(tmp_path / "clean")


def test_another_extractor_version_extracts_everything_again(inputs, tmp_path, monkeypatch):
    out = tmp_path / "out"
    _build(inputs, out)
    old_folder = next((out / ".cache").iterdir())
    monkeypatch.setattr(cache_lib, "extractor_version", lambda: "0123456789abcdef")
    counting = Counting()
    monkeypatch.setattr(build_lib, "extract_file", counting)
    _build(inputs, out)
    assert len(counting.paths) == 6
    assert [p.name for p in (out / ".cache").iterdir()] == ["0123456789abcdef"]  # the stale folder went
    assert not old_folder.exists()


def test_extractor_version_follows_code_and_data(tmp_path):
    """Of extraction and of resolution's per-plan part, which the cache keeps too (ExtractedPlan.names)."""
    import policykg.extract
    import policykg.resolve

    stage, resolve = tmp_path / "extract", tmp_path / "resolve"
    shutil.copytree(Path(policykg.extract.__file__).parent, stage, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(Path(policykg.resolve.__file__).parent, resolve, ignore=shutil.ignore_patterns("__pycache__"))
    before = cache_lib.version_of(stage, resolve)
    assert cache_lib.version_of(stage, resolve) == before
    lexicon = stage / "data" / "lexicon.yml"
    lexicon.write_text(lexicon.read_text(encoding="utf-8") + "\n# a changed rule\n", encoding="utf-8")
    after_data = cache_lib.version_of(stage, resolve)
    (stage / "pipeline.py").write_text((stage / "pipeline.py").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    after_code = cache_lib.version_of(stage, resolve)
    aliases = resolve / "data" / "aliases.yml"
    aliases.write_text(aliases.read_text(encoding="utf-8") + "\n# a changed synonym\n", encoding="utf-8")
    after_alias = cache_lib.version_of(stage, resolve)
    assert len({before, after_data, after_code, after_alias}) == 4
    assert cache_lib.extractor_version() == cache_lib.extractor_version()
