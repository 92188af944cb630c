"""The commands, driven through click's CliRunner."""
from __future__ import annotations

import json

from click.testing import CliRunner

from policykg.cli import cli


def test_build_prints_summary_and_writes_files(seeds_dir, tmp_path):
    result = CliRunner().invoke(cli, ["build", str(seeds_dir), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "plans: 5" in result.output
    assert "Program" in result.output and "Hospital" in result.output
    for name in ("graph.json", "graph.graphml", "neo4j-import/nodes_Plan.csv"):
        assert (tmp_path / name).exists()


def test_extract_jsonl_offsets(seeds_dir):
    path = next(seeds_dir.glob("000_*.txt"))
    result = CliRunner().invoke(cli, ["extract", str(path), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    original = path.read_text(encoding="utf-8")
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert rows
    for row in rows:
        assert set(row) == {"doc", "text", "label", "canonical", "start", "end"}
        assert original[row["start"]:row["end"]] == row["text"]
    assert any(r["canonical"] == "健康上海行动" for r in rows)


def test_missing_input_is_a_clear_message(tmp_path):
    result = CliRunner().invoke(cli, ["build", str(tmp_path / "nope.txt"), "--out", str(tmp_path / "o")])
    assert result.exit_code != 0
    assert "nope.txt" in result.output


def test_load_without_password_is_refused(tmp_path, monkeypatch):
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    (tmp_path / "graph.json").write_text("{}", encoding="utf-8")
    result = CliRunner().invoke(cli, ["load", str(tmp_path)])
    assert result.exit_code != 0 and "password" in result.output


def test_password_never_in_help():
    result = CliRunner().invoke(cli, ["load", "--help"], env={"NEO4J_PASSWORD": "s3cret-value"})
    assert result.exit_code == 0 and "s3cret-value" not in result.output


def test_show_renders_spans_with_displacy(seeds_dir, tmp_path):
    path = next(seeds_dir.glob("003_*.txt"))
    out = tmp_path / "spans.html"
    result = CliRunner().invoke(cli, ["show", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "<mark" in html and "Hospital" in html and "奉贤区卫生健康工作要点" in html


def test_build_without_neo4j_needs_no_password(seeds_dir, tmp_path, monkeypatch):
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    result = CliRunner().invoke(cli, ["build", str(seeds_dir), "--out", str(tmp_path), "-q"])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(cli, ["build", str(seeds_dir), "--out", str(tmp_path), "--neo4j"])
    assert result.exit_code != 0 and "password" in result.output


def test_the_console_script_keeps_its_exit_statuses_and_output(tmp_path):
    """main() ends the process without the interpreter's teardown: status and output stay as click gives them."""
    import subprocess
    import sys

    run = "import sys; from policykg.cli import main; sys.argv[0] = 'policykg'; main()"

    def policykg(*args):
        return subprocess.run([sys.executable, "-c", run, *args], capture_output=True, text=True, timeout=120)

    missing = policykg("build", str(tmp_path / "nothing.txt"), "--out", str(tmp_path / "out"))
    assert missing.returncode == 1
    assert "no such file" in missing.stderr and "nothing written" in missing.stderr
    assert policykg("build", "--no-such-option").returncode == 2
    version = policykg("--version")
    assert version.returncode == 0 and version.stdout.startswith("policykg, version")
