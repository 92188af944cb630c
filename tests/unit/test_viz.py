"""`policykg viz`: a self-contained HTML graph (tests/integration/test_viz_browser.py runs it in Chromium)."""
from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from policykg.cli import cli
from policykg.graph import viz, writers

FAMILY_DOCTOR = "家庭医生签约服务"


@pytest.fixture(scope="module")
def page(seeds_build, tmp_path_factory):
    path = tmp_path_factory.mktemp("viz") / "graph.html"
    viz.write_html(seeds_build.graph, path, title="seeds")
    return path


def test_html_is_self_contained(page, seeds_build):
    html = page.read_text(encoding="utf-8")
    assert not re.search(r"<(script|link)[^>]+(src|href)=", html), "the page must not load anything"
    assert "https://" not in html.split("<script>")[0]  # no CDN in the head
    assert "vis-network" in html and "sourceMappingURL" not in html
    data = json.loads(re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', html, re.S)
                      .group(1).replace("<\\/", "</"))
    assert len(data["nodes"]) == seeds_build.graph.number_of_nodes()
    node = next(n for n in data["nodes"] if n["name"] == FAMILY_DOCTOR)
    assert node["plans"] == 5 and len(node["evidence"]) == 5
    assert all(e["sentences"] for e in node["evidence"])
    assert set(data["colors"]) >= {"Plan", "Program", "Hospital", "Region"}


def test_no_lexical_layer(seeds_build):
    data = viz.graph_data(seeds_build.graph, lexical=False)
    assert not {"Part", "Task"} & {n["label"] for n in data["nodes"]}
    ids = {n["id"] for n in data["nodes"]}
    assert all(e["from"] in ids and e["to"] in ids for e in data["edges"])


def test_cli_viz(seeds_build, tmp_path):
    writers.write_json(seeds_build.graph, tmp_path / "graph.json")
    out = tmp_path / "g.html"
    result = CliRunner().invoke(cli, ["viz", str(tmp_path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.exists() and "wrote" in result.output
    result = CliRunner().invoke(cli, ["viz", str(tmp_path / "nope")])
    assert result.exit_code != 0
