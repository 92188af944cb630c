"""notebooks/explore.ipynb runs top to bottom (nbclient), from graph.json and from Neo4j."""
from __future__ import annotations

import base64
import os

import pytest

from tests.paths import REPO

nbformat = pytest.importorskip("nbformat", reason="the test extra (nbformat) is not installed")
nbclient = pytest.importorskip("nbclient", reason="the test extra (nbclient) is not installed")
pytest.importorskip("matplotlib", reason="the test extra (matplotlib) is not installed")
pytest.importorskip("pandas", reason="the test extra (pandas) is not installed")
pytest.importorskip("ipykernel", reason="the test extra (ipykernel) is not installed")

NOTEBOOK = REPO / "notebooks" / "explore.ipynb"


def execute(env: dict) -> nbformat.NotebookNode:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    saved = dict(os.environ)
    os.environ.update({k: v for k, v in env.items() if v is not None})
    for k, v in env.items():
        if v is None:
            os.environ.pop(k, None)
    try:  # the kernel inherits this environment
        nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                                resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return nb


def outputs(nb):
    text, images = [], []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                text.append(out["text"])
            data = out.get("data", {})
            text.append(data.get("text/plain", ""))
            text.append(data.get("text/html", ""))
            if "image/png" in data:
                images.append(base64.b64decode(data["image/png"]))
    return "\n".join(text), images


def check(nb):
    text, images = outputs(nb)
    assert len(images) >= 4, "matrix, timeline, centrality and network plots"
    assert all(img.startswith(b"\x89PNG") and len(img) > 10_000 for img in images)
    # Chinese renders with a CJK font, no boxes: matplotlib warns "Glyph … missing from font(s)"
    assert "CJK font: Noto Sans CJK" in text or "CJK font: " in text and "CJK font: None" not in text
    assert "missing from" not in text and "Glyph" not in text
    assert "家庭医生签约服务" in text and "健康上海行动" in text  # shared tables and timeline
    return text


def test_notebook_from_graph_json(tmp_path, seeds_dir):
    # an empty out folder: the notebook builds graph.json from the seeds first
    nb = execute({"POLICYKG_OUT": str(tmp_path), "POLICYKG_SEEDS": str(seeds_dir), "NEO4J_URI": None})
    text = check(nb)
    assert (tmp_path / "graph.json").exists() and "is missing: building it" in text


@pytest.mark.neo4j
def test_notebook_from_neo4j(seeds_build, neo4j_server, empty_db):
    from policykg.graph import neo4j_load
    from policykg.graph.neo4j_load import Connection

    neo4j_load.load_graph(seeds_build.graph, Connection(neo4j_server.uri, neo4j_server.user,
                                                        neo4j_server.password, neo4j_server.database))
    nb = execute({"NEO4J_URI": neo4j_server.uri, "NEO4J_USERNAME": neo4j_server.user,
                  "NEO4J_PASSWORD": neo4j_server.password, "NEO4J_DATABASE": neo4j_server.database})
    text = check(nb)
    assert f"source: {neo4j_server.uri}" in text
