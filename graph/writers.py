"""Writers for the graph model: node-link JSON, GraphML, and CSV for ``neo4j-admin import``."""
from __future__ import annotations

import copy
import csv
import json
import os
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import networkx as nx
from lxml import etree
from networkx.readwrite.graphml import GraphML

from policykg.graph import schema

GRAPH_JSON = "graph.json"
GRAPH_GRAPHML = "graph.graphml"
CSV_DIR = "neo4j-import"


def atomic_write(path: Path, write, binary: bool = False) -> None:
    """Write to a temporary file and rename, so a crash or a full disk never leaves half a file.

    The file gets the permissions ``open()`` would give it (0644 under the usual umask 022:
    a Neo4j container that mounts the folder reads it), not mkstemp's 0600."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(fd, 0o666 & ~_umask())
        with (os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="")) as fh:
            write(fh)
        os.replace(tmp, path)
    except BaseException as exc:
        os.unlink(tmp)
        if isinstance(exc, OSError) and exc.filename is None:  # a failed write() names no file: name it
            raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from exc
        raise


def _umask() -> int:
    mask = os.umask(0o022)  # reading the umask means setting it: put it straight back
    os.umask(mask)
    return mask


def write_text(path: Path, text: str) -> None:
    """A text file (an HTML page …), written as the graph files are."""
    atomic_write(Path(path), lambda fh: fh.write(text))


def write_json(graph: nx.MultiDiGraph, path: Path) -> None:
    data = nx.node_link_data(graph, edges="edges")
    # Compact: json's C encoder serialises only without indent.
    atomic_write(path, lambda fh: fh.write(json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)))


def read_json(path: Path) -> nx.MultiDiGraph:
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    return nx.node_link_graph(data, directed=True, multigraph=True, edges="edges")


# One encoder for all values: json.dumps(ensure_ascii=False) makes a new one per call.
_JSON_TEXT = json.JSONEncoder(ensure_ascii=False).encode
_JSON_STRING = json.encoder.encode_basestring  # a str as JSON, non-ASCII kept (C)
_FLATTENED = (list, tuple, set, dict)


def _graphml_text(value) -> str:
    """GraphML holds scalars only: lists, sets and dicts become JSON text, None becomes empty."""
    if type(value) is str:
        return value
    if value is None:
        return ""
    if isinstance(value, dict):
        return _JSON_TEXT(value)
    if isinstance(value, _FLATTENED):
        return _json_list(value)
    return str(value)


def _json_list(values) -> str:
    """``json.dumps(list(values), ensure_ascii=False)``. The lists of a graph are the evidence of
    half a million relationships (sentences, offsets, surfaces): lists of only strings or only
    ints are joined from their items' JSON at C speed, the encoder takes the rest."""
    kinds = set(map(type, values))
    if kinds == {str}:
        return "[" + ", ".join(map(_JSON_STRING, values)) + "]"
    if kinds == {int}:
        return "[" + ", ".join(map(int.__repr__, values)) + "]"
    return _JSON_TEXT(list(values))


class _GraphMLTypes(GraphML):
    """networkx's table of GraphML ``attr.type`` names (int -> long, float -> double, numpy types)."""

    def __init__(self):
        self.construct_types()


def _graphml_keys(graph: nx.MultiDiGraph) -> list[tuple[str, str, str]]:
    """(name, attr.type, for) of every key in first-seen order, as networkx's writer finds them.

    GraphML wants every <key> before the <graph>, so this pass only looks at the value types of
    each distinct shape (attribute names and types) of node and edge data: a few dozen shapes."""
    xml_type = _GraphMLTypes().get_xml_type
    shapes = {}
    for scope, items in (("node", graph.nodes.data()), ("edge", _edge_data(graph))):
        for _, data in items:
            shapes.setdefault((scope, tuple(data), tuple(map(type, data.values()))))
    keys = {}
    for scope, names, types in shapes:
        for name, python_type in zip(names, types):
            written = str if python_type is type(None) or issubclass(python_type, _FLATTENED) else python_type
            keys.setdefault((str(name), xml_type(written), scope))
    return list(keys)


def _edge_data(graph: nx.MultiDiGraph):
    """((u, v, key), data) with the multigraph key also as the ``type`` attribute, as in Neo4j."""
    for u, v, key, data in graph.edges(keys=True, data=True):
        yield (u, v, key), {"type": key, **data}


class _GraphMLElements:
    """<node>/<edge> elements with one <data> child per attribute, each a copy of a template for its
    shape (tag and attribute names): lxml copies a subtree in C, faster than Python adds children."""

    def __init__(self):
        self._templates: dict[tuple, etree._Element] = {}

    def __call__(self, tag: str, data: dict, **attrib) -> etree._Element:
        shape = (tag, tuple(data))
        template = self._templates.get(shape)
        if template is None:
            template = self._templates[shape] = etree.Element(tag)
            for name in data:
                etree.SubElement(template, "data", {"key": str(name)})
        element = copy.copy(template)
        for name, value in attrib.items():
            element.set(name, value)
        for child, value in zip(element, data.values()):
            child.text = _graphml_text(value)
        return element


def write_graphml(graph: nx.MultiDiGraph, path: Path) -> None:
    """GraphML as ``nx.write_graphml(..., named_key_ids=True)`` writes it, streamed element by
    element (networkx needed a copy of the graph with the values flattened first)."""
    keys = _graphml_keys(graph)
    make_element = _GraphMLElements()

    def write(fh):
        with etree.xmlfile(fh, encoding="utf-8") as xml:  # UTF-8, not character references
            xml.write_declaration()
            namespaces = {"xmlns": GraphML.NS_GRAPHML, "xmlns:xsi": GraphML.NS_XSI,
                          "xsi:schemaLocation": GraphML.SCHEMALOCATION}
            with xml.element("graphml", namespaces):
                # Last-found key first, as networkx: a reader keeps the last declaration of an id
                # that repeats (one name with two types, or on both nodes and edges).
                for name, attr_type, scope in reversed(keys):
                    key = {"id": name, "for": scope, "attr.name": name, "attr.type": attr_type}
                    xml.write(etree.Element("key", key), pretty_print=True)
                with xml.element("graph", edgedefault="directed"):
                    for node, data in graph.nodes.data():
                        xml.write(make_element("node", data, id=str(node)), pretty_print=True)
                    for (u, v, key), data in _edge_data(graph):
                        xml.write(make_element("edge", data, source=str(u), target=str(v), id=str(key)),
                                  pretty_print=True)

    atomic_write(path, write, binary=True)


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

    atomic_write(path, write)
    return path


def write_all(graph: nx.MultiDiGraph, out_dir: Path, workers: int = 1) -> list[Path]:
    """graph.json, graph.graphml and the CSV folder. With ``workers > 1`` (where processes fork)
    GraphML, the slowest, is written by a child process while this one writes the rest."""
    out_dir = Path(out_dir)
    graphml = out_dir / GRAPH_GRAPHML
    child = _start_fork(write_graphml, graph, graphml) if workers > 1 else None
    if child is None:
        write_graphml(graph, graphml)
    write_json(graph, out_dir / GRAPH_JSON)
    csvs = write_csv(graph, out_dir / CSV_DIR)
    if child is not None:
        child.join()
        if child.exitcode != 0:
            code = child.exitcode if child.exitcode and child.exitcode > 0 else None
            reason = os.strerror(code) if code else f"the writing process ended ({child.exitcode})"
            raise OSError(code, reason, str(graphml))
    return [out_dir / GRAPH_JSON, graphml, *csvs]


def _exit_on_os_error(target, *args) -> None:
    try:
        target(*args)
    except OSError as exc:  # a full disk: the parent says so in one line (its errno is the exit code)
        sys.exit(exc.errno if exc.errno and 0 < exc.errno < 256 else 1)


def _start_fork(target, *args):
    """Run ``target(*args)`` in a forked process (it shares the graph without pickling); None
    where there is no fork."""
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    process = multiprocessing.get_context("fork").Process(target=_exit_on_os_error, args=(target, *args), daemon=True)
    process.start()
    return process
