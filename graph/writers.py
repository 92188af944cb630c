"""Writers for the graph model: node-link JSON, GraphML, and CSV for ``neo4j-admin import``."""
from __future__ import annotations

import csv
import json
import os
import tempfile
from collections import defaultdict
from pathlib import Path

import networkx as nx

from policykg import gc_pause
from policykg.graph import schema

GRAPH_JSON = "graph.json"
GRAPH_GRAPHML = "graph.graphml"
CSV_DIR = "neo4j-import"


def _atomic_write(path: Path, write) -> None:
    """Write to a temporary file and rename, so a crash never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            write(fh)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def write_json(graph: nx.MultiDiGraph, path: Path) -> None:
    data = nx.node_link_data(graph, edges="edges")
    # Compact: json's C encoder serialises only without indent (5x faster on big graphs).
    _atomic_write(path, lambda fh: fh.write(json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)))


def read_json(path: Path) -> nx.MultiDiGraph:
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    return nx.node_link_graph(data, directed=True, multigraph=True, edges="edges")


def _flat(value):
    """GraphML holds scalars only: lists become JSON text, None becomes empty."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple, set, dict)):
        return json.dumps(list(value) if isinstance(value, set) else value, ensure_ascii=False)
    return value


def write_graphml(graph: nx.MultiDiGraph, path: Path) -> None:
    flat = nx.MultiDiGraph()
    for node, data in graph.nodes(data=True):
        flat.add_node(node, **{k: _flat(v) for k, v in data.items()})
    for u, v, key, data in graph.edges(keys=True, data=True):
        flat.add_edge(u, v, key=key, type=key, **{k: _flat(x) for k, x in data.items()})

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    nx.write_graphml(flat, tmp, encoding="utf-8", named_key_ids=True)  # UTF-8, not character references
    os.replace(tmp, path)


def _csv_type(values) -> str:
    sample = next((v for v in values if v not in (None, "")), "")
    if isinstance(sample, bool):
        return "boolean"
    if isinstance(sample, int):
        return "long"
    if isinstance(sample, float):
        return "double"
    if isinstance(sample, list):
        inner = next(iter(sample), "")
        return ("long[]" if isinstance(inner, int) else "string[]")
    return "string"


def _csv_value(value):
    if isinstance(value, list):
        return ";".join(str(v).replace(";", ",") for v in value)
    return "" if value is None else value


def write_csv(graph: nx.MultiDiGraph, directory: Path) -> list[Path]:
    """One node file per label and one relationship file per type, with admin-import headers."""
    nodes = defaultdict(list)
    for node, data in graph.nodes(data=True):
        nodes[schema.check_label(data["label"])].append((node, data))
    rels = defaultdict(list)
    for u, v, key, data in graph.edges(keys=True, data=True):
        rels[schema.check_type(key)].append((u, v, data))
    written = []
    for label, rows in sorted(nodes.items()):
        props = sorted({k for _, d in rows for k in d if k != "label"})
        types = {k: _csv_type(d.get(k) for _, d in rows) for k in props}
        header = [f"{schema.KEY}:ID"] + [f"{k}:{types[k]}" for k in props] + [":LABEL"]
        body = [[node] + [_csv_value(d.get(k)) for k in props] + [label] for node, d in rows]
        written.append(_write_table(directory / f"nodes_{label}.csv", header, body))
    for rel_type, rows in sorted(rels.items()):
        props = sorted({k for *_, d in rows for k in d})
        types = {k: _csv_type(d.get(k) for *_, d in rows) for k in props}
        header = [":START_ID"] + [f"{k}:{types[k]}" for k in props] + [":END_ID", ":TYPE"]
        body = [[u] + [_csv_value(d.get(k)) for k in props] + [v, rel_type] for u, v, d in rows]
        written.append(_write_table(directory / f"rels_{rel_type}.csv", header, body))
    return written


def _write_table(path: Path, header: list, body: list) -> Path:
    def write(fh):
        out = csv.writer(fh)
        out.writerow(header)
        out.writerows(body)

    _atomic_write(path, write)
    return path


def write_all(graph: nx.MultiDiGraph, out_dir: Path, workers: int = 1) -> list[Path]:
    """graph.json, graph.graphml and the CSV folder. With ``workers > 1`` (where processes fork)
    GraphML, the slowest, is written by a child process while this one writes the rest."""
    out_dir = Path(out_dir)
    graphml = out_dir / GRAPH_GRAPHML
    child = _start_fork(write_graphml, graph, graphml) if workers > 1 else None
    with gc_pause.paused():
        if child is None:
            write_graphml(graph, graphml)
        write_json(graph, out_dir / GRAPH_JSON)
        csvs = write_csv(graph, out_dir / CSV_DIR)
    if child is not None:
        child.join()
        if child.exitcode != 0:
            raise OSError(f"writing {graphml} failed in a child process (exit code {child.exitcode})")
    return [out_dir / GRAPH_JSON, graphml, *csvs]


def _run_paused(target, *args) -> None:
    with gc_pause.paused():
        target(*args)


def _start_fork(target, *args):
    """Run ``target(*args)`` in a forked process (it shares the graph without pickling); None
    where there is no fork."""
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    process = multiprocessing.get_context("fork").Process(target=_run_paused, args=(target, *args), daemon=True)
    process.start()
    return process
