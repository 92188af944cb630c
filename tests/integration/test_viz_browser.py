"""`policykg viz`: the page checked in headless Chromium (Debian's chromium)."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from urllib.parse import quote

import pytest

from policykg.graph import schema, viz

FAMILY_DOCTOR = "家庭医生签约服务"


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        if path := shutil.which(name):
            return path
    return None


@pytest.fixture(scope="module")
def page(seeds_build, tmp_path_factory):
    path = tmp_path_factory.mktemp("viz") / "graph.html"
    viz.write_html(seeds_build.graph, path, title="seeds")
    return path


def _selftest(page, text: str, tmp_path) -> dict:
    browser = chromium()
    if not browser:
        pytest.skip("chromium is not installed (scripts/test-setup.sh installs Debian's chromium)")
    url = page.as_uri() + "#selftest=" + quote(text)
    proc = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
         f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1400,900",
         "--virtual-time-budget=60000", "--dump-dom", url],
        capture_output=True, text=True, timeout=180)
    found = re.search(r'<pre id="selftest">(.*?)</pre>', proc.stdout, re.S)
    assert found and found.group(1), f"no self-test report; chromium said: {proc.stderr[-2000:]}"
    import html

    return json.loads(html.unescape(found.group(1)))


def test_renders_and_searches_in_chromium(page, seeds_build, tmp_path):
    report = _selftest(page, "家庭医生", tmp_path)
    assert report["vis"] == "vis-network"
    assert report["nodes"] == seeds_build.graph.number_of_nodes()
    # Part and Task are off by default; everything shown got a position and was drawn
    assert 0 < report["shownNodes"] < report["nodes"] and report["positioned"] == report["shownNodes"]
    assert report["ink"]["pixels"] > 10_000
    assert {"Plan", "Program", "Region"} <= set(report["ink"]["labelColors"])  # colours per label
    # search by name: the results list and the selection, then the details of the best hit
    assert FAMILY_DOCTOR in report["hits"] and report["resultRows"] == len(report["hits"])
    assert report["selected"] == [f"Program:{FAMILY_DOCTOR}"]
    assert "Evidence (5 plans)" in report["details"]
    assert "2025年宝山区卫生健康工作要点" in report["details"]


def test_search_by_alias_in_chromium(page, tmp_path):
    report = _selftest(page, "进博会", tmp_path)  # the short form of 中国国际进口博览会, found via aliases
    assert any("进口博览会" in name for name in report["hits"])  # the name lacks 进博会: matched by alias
    assert len(report["selected"]) == 1 and report["selected"][0].endswith(":" + report["hits"][0])


def test_plan_stars_grow_with_level(tmp_path):
    from policykg.build import build
    from tests.unit.test_links import DISTRICT_PLAN, NATIONAL_PLAN

    (tmp_path / "national.txt").write_text(NATIONAL_PLAN, encoding="utf-8")
    (tmp_path / "district.txt").write_text(DISTRICT_PLAN, encoding="utf-8")
    graph = build([tmp_path]).graph
    plans = {graph.nodes[n["id"]]["title"]: n for n in viz.graph_data(graph)["nodes"]
             if graph.nodes[n["id"]]["label"] == schema.PLAN}
    national, district = plans["2023年卫生健康工作要点"], plans["2025年城东区卫生健康工作要点"]
    assert national["size"] > district["size"]
    assert national["kind"] == "national · work_plan" and district["kind"] == "district · work_plan"
