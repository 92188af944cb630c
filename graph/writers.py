"""Writers for the graph model: node-link JSON, GraphML, and CSV for ``neo4j-admin import``."""
from __future__ import annotations

import csv
import functools
import io
import json
import os
import re
import tempfile
from pathlib import Path

import networkx as nx
import orjson
from networkx.readwrite.graphml import GraphML

from policykg.graph import fragments, schema

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


def write_json(graph: nx.MultiDiGraph, path: Path, runs: list[fragments.Run] | None = None) -> None:
    """Node-link JSON (``nx.node_link_data(graph, edges="edges")``), compact UTF-8, encoded by
    orjson a run of nodes (``fragments.runs``), then its edges, at a time: neither node_link_data's
    copy of the graph nor the whole text is ever held (at 10,000 plans they were two gigabytes).
    Sets each run's ``json`` (where its nodes' and its edges' records are) and each plan run's
    ``key``: a digest of its nodes' and its edges' JSON."""
    runs = fragments.runs(graph) if runs is None else runs
    digests = [fragments.digest() if run.plan is not None else None for run in runs]

    def write(fh):
        out = _Counted(fh)
        out.write(b'{"directed":%b,"multigraph":%b,"graph":%b,"nodes":[' % (
            encode_json(graph.is_directed()), encode_json(graph.is_multigraph()), encode_json(graph.graph)))
        between = b""
        for run, digest in zip(runs, digests):
            records = [node_record(node, graph.nodes[node]) for node in run.nodes]
            between, run.json = _write_run(out, between, records, digest)
        out.write(b'],"edges":[')
        between = b""
        for run, digest in zip(runs, digests):
            if digest is not None:
                digest.update(b"\0")
            between, where = _write_run(out, between, [edge_record(*edge) for edge in run.edges(graph)], digest)
            run.json += where
        out.write(b"]}")

    atomic_write(path, write, binary=True)
    for run, digest in zip(runs, digests):
        run.key = digest.hexdigest() if digest is not None else None


def _write_run(out: _Counted, between: bytes, records: list, digest) -> tuple[bytes, list[int]]:
    """The records' JSON after ``between`` (a comma once something was written): what comes
    before the next run's, and where the records' JSON starts and ends."""
    if not records:
        return between, [out.offset, out.offset]
    text = encode_json(records)[1:-1]
    if digest is not None:
        digest.update(text)
    out.write(between)
    start = out.offset
    out.write(text)
    return b",", [start, out.offset]


def node_record(node: str, data: dict) -> dict:
    """A node as graph.json holds it (the load hashes these too: neo4j_delta)."""
    return {**data, "id": node}


def edge_record(u: str, v: str, key: str, data: dict) -> dict:
    """A relationship as graph.json holds it."""
    return {**data, "source": u, "target": v, "key": key}


def encode_json(value) -> bytes:
    """Compact UTF-8 JSON; what JSON has no type for (a set …) as its ``str``."""
    return orjson.dumps(value, default=str)


def read_json(path: Path) -> nx.MultiDiGraph:
    """The graph write_json wrote, as ``nx.node_link_graph(..., directed=True, multigraph=True)``
    reads it, but built in bulk (add_nodes_from, add_edges_from): a few times faster. A file of
    another shape is a ValueError."""
    data = orjson.loads(Path(path).read_bytes())
    graph = nx.MultiDiGraph()
    try:
        graph.graph.update(data.get("graph", {}))
        graph.add_nodes_from((row.pop("id"), row) for row in data["nodes"])
        graph.add_edges_from((row.pop("source"), row.pop("target"), row.pop("key", None), row)
                             for row in data["edges"])
    except (KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"not node-link JSON: {type(exc).__name__} {exc}") from None
    return graph


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


@functools.cache
def _xml_type(python_type: type) -> str:
    """A value's GraphML ``attr.type`` as networkx names it (what GraphML flattens is text)."""
    flattened = python_type is type(None) or issubclass(python_type, _FLATTENED)
    return _GraphMLTypes().get_xml_type(str if flattened else python_type)


def run_shape(graph: nx.MultiDiGraph, run: fragments.Run) -> dict:
    """What a run adds to the files' headers: the GraphML keys of its nodes and of its edges,
    (name, attr.type) in first-seen order, and for each CSV table (``nodes``: by label, ``rels``: by
    type) each column's type by the run's first value that is not empty (None: it has none).

    It follows from the run's JSON, so the build's index keeps it by the run's key: the headers
    of a build whose plans mostly did not change are merged from these (``merge_shapes``)
    without reading those plans' nodes again."""
    node_shapes: dict[tuple, None] = {}
    edge_shapes: dict[tuple, None] = {}
    nodes: dict[str, dict] = {}
    rels: dict[str, dict] = {}
    for node in run.nodes:
        data = graph.nodes[node]
        node_shapes.setdefault((tuple(data), tuple(map(type, data.values()))))
        _first_types(nodes.setdefault(data["label"], {}), data, "label")
    for _, _, key, data in run.edges(graph):
        typed = {"type": key, **data}
        edge_shapes.setdefault((tuple(typed), tuple(map(type, typed.values()))))
        _first_types(rels.setdefault(key, {}), data)
    return {"node": _shape_keys(node_shapes), "edge": _shape_keys(edge_shapes), "nodes": nodes, "rels": rels}


def _shape_keys(shapes: dict[tuple, None]) -> list[tuple[str, str]]:
    keys: dict[tuple[str, str], None] = {}
    for names, types in shapes:
        for name, python_type in zip(names, types):
            keys.setdefault((str(name), _xml_type(python_type)))
    return list(keys)


def _first_types(columns: dict, data: dict, skip: str | None = None) -> None:
    for name, value in data.items():
        if name != skip and columns.get(name) is None:
            columns[name] = _csv_type(value) if value not in (None, "") else None


def merge_shapes(runs: list[fragments.Run], shapes: list[dict]) -> dict:
    """The runs' shapes as the files' headers: ``keys``, GraphML's (name, attr.type, for) in
    first-seen order as networkx's writer finds them (all nodes' keys, then all edges'), and per
    CSV table its columns' types (a column with no value in any run is text) and its runs in order."""
    keys: dict[tuple[str, str, str], None] = {}
    for scope in ("node", "edge"):
        for shape in shapes:
            for name, attr_type in shape[scope]:
                keys.setdefault((name, attr_type, scope))
    tables: dict[str, dict[str, dict]] = {"nodes": {}, "rels": {}}
    for run, shape in zip(runs, shapes):
        for kind, found in tables.items():
            for name, columns in shape[kind].items():
                table = found.setdefault(name, {"columns": {}, "runs": []})
                table["runs"].append(run)
                merged = table["columns"]
                for column, column_type in columns.items():
                    if merged.get(column) is None:
                        merged[column] = column_type
    return {"keys": list(keys), **tables}


def _xml_text(value: str) -> str:
    """Character data as lxml writes it: ``&``, ``<``, ``>`` and carriage returns escaped, and
    what XML cannot hold refused as lxml refuses it."""
    if not _XML_SPECIAL.search(value):  # nearly every value: one scan
        return value
    if _NOT_XML.search(value):
        raise ValueError("All strings must be XML compatible: Unicode or ASCII, no NULL bytes or control characters")
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _xml_attribute(value: str) -> str:
    """An attribute value as lxml writes it between double quotes."""
    if not _ATTRIBUTE_SPECIAL.search(value):
        return value
    return _xml_text(value).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_XML_SPECIAL = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ATTRIBUTE_SPECIAL = re.compile('[&<>"\x00-\x1f\ufffe\uffff]')  # and what _xml_attribute escapes (tab, newlines)


@functools.cache
def _data_tag(name) -> str:
    return f'  <data key="{_xml_attribute(str(name))}">'


@functools.cache
def _element_template(tag: str, names: tuple) -> str:
    """<node>/<edge> with one <data> child per attribute, as lxml's pretty_print writes them, as a
    ``str.format`` template: the element's attributes, then the values."""
    if not names:
        return f"<{tag} {{}}/>\n"
    children = "".join(_data_tag(name).replace("{", "{{").replace("}", "}}") + "{}</data>\n" for name in names)
    return f"<{tag} {{}}>\n{children}</{tag}>\n"


def _graphml_element(tag: str, attributes: str, names: tuple, values) -> str:
    values = [value if type(value) is str else _graphml_text(value) for value in values]
    if _XML_SPECIAL.search(" ".join(values)):  # one scan of all values; escaping is rare
        values = list(map(_xml_text, values))
    return _element_template(tag, names).format(attributes, *values)


def write_graphml(graph: nx.MultiDiGraph, path: Path, runs: list[fragments.Run] | None = None,
                  index: fragments.Fragments | None = None, headers: dict | None = None) -> None:
    """GraphML as ``nx.write_graphml(..., named_key_ids=True)`` writes it, streamed a run of nodes
    (``fragments.runs``) at a time as text (networkx needed a copy of the graph with the values
    flattened first; lxml elements, one per node and edge, took twice as long). A plan run that
    the last build wrote as it is now is copied from its file (``index``)."""
    runs = fragments.runs(graph) if runs is None else runs
    keys = (headers or _headers(graph, runs))["keys"]
    index = index or fragments.Fragments(None)
    nodes = index.section(f"{GRAPH_GRAPHML}:nodes", GRAPH_GRAPHML)
    edges = index.section(f"{GRAPH_GRAPHML}:edges", GRAPH_GRAPHML)

    def write(fh):
        out = _Counted(fh)
        out.write_text("<?xml version='1.0' encoding='utf-8'?>\n")
        out.write_text(f'<graphml xmlns="{GraphML.NS_GRAPHML}" xmlns:xsi="{GraphML.NS_XSI}" '
                       f'xsi:schemaLocation="{_xml_attribute(GraphML.SCHEMALOCATION)}">')
        # Last-found key first, as networkx: a reader keeps the last declaration of an id that
        # repeats (one name with two types, or on both nodes and edges).
        for name, attr_type, scope in reversed(keys):
            name = _xml_attribute(name)
            out.write_text(f'<key id="{name}" for="{scope}" attr.name="{name}" attr.type="{attr_type}"/>\n')
        out.write_text('<graph edgedefault="directed">')
        for run in runs:
            out.write_run(nodes, run.key, lambda run=run: "".join(
                _graphml_element("node", f'id="{_xml_attribute(str(node))}"', tuple(data), data.values())
                for node, data in zip(run.nodes, map(graph.nodes.__getitem__, run.nodes))))
        # An edge's multigraph key is also its ``type`` attribute, first.
        for run in runs:
            out.write_run(edges, run.key, lambda run=run: "".join(
                _graphml_element("edge", f'source="{_xml_attribute(str(u))}" target="{_xml_attribute(str(v))}" '
                                         f'id="{_xml_attribute(str(key))}"', ("type", *data), (key, *data.values()))
                for u, v, key, data in run.edges(graph)))
        out.write_text("</graph></graphml>")

    atomic_write(path, write, binary=True)


class _Counted:
    """A binary file and how many bytes were written to it: where each run's piece starts."""

    def __init__(self, fh):
        self.fh, self.offset = fh, 0

    def write(self, data: bytes) -> None:
        self.fh.write(data)
        self.offset += len(data)

    def write_text(self, text: str) -> None:
        self.write(text.encode("utf-8"))

    def write_run(self, section: fragments.Section, key: str | None, make) -> None:
        """A run's piece: the last build's when ``section`` has it, else ``make()``'s text."""
        start = self.offset
        piece = section.piece(key)
        self.write(piece if piece is not None else make().encode("utf-8"))
        section.record(key, start, self.offset)


def _csv_type(sample) -> str:
    """A column's admin-import type, by its first value that is not empty."""
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
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(str(v).replace(";", ",") for v in value)
    return value


def write_csv(graph: nx.MultiDiGraph, directory: Path, runs: list[fragments.Run] | None = None,
              index: fragments.Fragments | None = None, headers: dict | None = None) -> list[Path]:
    """One node file per label and one relationship file per type, with admin-import headers. A
    plan run's rows that the last build wrote under the same header are copied (``index``)."""
    runs = fragments.runs(graph) if runs is None else runs
    headers = headers or _headers(graph, runs)
    index = index or fragments.Fragments(None)
    written = []
    for label, table in sorted(headers["nodes"].items()):
        props = sorted(table["columns"])
        header = [f"{schema.KEY}:ID"] + [f"{k}:{table['columns'][k] or 'string'}" for k in props] + [":LABEL"]
        rows = functools.partial(_node_rows, graph, schema.check_label(label), props)
        written.append(_write_table(directory, f"nodes_{label}.csv", header, table["runs"], index, rows))
    for rel_type, table in sorted(headers["rels"].items()):
        props = sorted(table["columns"])
        header = [":START_ID"] + [f"{k}:{table['columns'][k] or 'string'}" for k in props] + [":END_ID", ":TYPE"]
        rows = functools.partial(_rel_rows, graph, schema.check_type(rel_type), props)
        written.append(_write_table(directory, f"rels_{rel_type}.csv", header, table["runs"], index, rows))
    return written


def _node_rows(graph: nx.MultiDiGraph, label: str, props: list[str], run: fragments.Run):
    for node in run.nodes:
        data = graph.nodes[node]
        if data["label"] == label:
            yield [node, *map(_csv_value, map(data.get, props)), label]


def _rel_rows(graph: nx.MultiDiGraph, rel_type: str, props: list[str], run: fragments.Run):
    for u, v, key, data in run.edges(graph):
        if key == rel_type:
            yield [u, *map(_csv_value, map(data.get, props)), v, rel_type]


def _headers(graph: nx.MultiDiGraph, runs: list[fragments.Run]) -> dict:
    return merge_shapes(runs, [run_shape(graph, run) for run in runs])


def _write_table(directory: Path, name: str, header: list, runs: list, index: fragments.Fragments, rows) -> Path:
    """The table's ``runs`` in order, each one's lines made by ``rows(run)`` as they are written
    (a table is never held whole), or copied from the last build."""
    text = io.StringIO()
    out = csv.writer(text)

    def lines(run) -> str:
        text.seek(0)
        text.truncate()
        out.writerows(rows(run))
        return text.getvalue()

    out.writerow(header)
    head = text.getvalue()
    section = index.section(f"{CSV_DIR}/{name}", f"{CSV_DIR}/{name}", head)

    def write(fh):
        counted = _Counted(fh)
        counted.write_text(head)
        for run in runs:
            counted.write_run(section, run.key, functools.partial(lines, run))

    path = directory / name
    atomic_write(path, write, binary=True)
    return path


def write_all(graph: nx.MultiDiGraph, out_dir: Path, reuse: bool = False) -> list[Path]:
    """graph.json, graph.graphml and the CSV folder, one after the other in this process. (A
    forked process writing GraphML alongside saved a few seconds per thousand plans, but reading
    the graph it copied it page by page: at 10,000 plans two gigabytes more.) With ``reuse``, the
    pieces of the last build's files that are unchanged are copied, and this build's are indexed
    for the next (``fragments``); without, nothing is kept."""
    out_dir = Path(out_dir)
    runs = fragments.runs(graph)
    with fragments.Fragments(out_dir if reuse else None) as index:
        write_json(graph, out_dir / GRAPH_JSON, runs)  # first: it sets the runs' keys
        shapes = [index.shape(run.key) or run_shape(graph, run) for run in runs]
        headers = merge_shapes(runs, shapes)
        write_graphml(graph, out_dir / GRAPH_GRAPHML, runs, index, headers)
        csvs = write_csv(graph, out_dir / CSV_DIR, runs, index, headers)
        if reuse:
            from policykg.graph import load_index  # here: it imports neo4j_delta, which imports this module

            index.save(load=load_index.entries(graph, runs, index.old_load), also=(GRAPH_JSON,),
                       shapes={run.key: shape for run, shape in zip(runs, shapes) if run.key})
        else:
            fragments.remove_index(out_dir)
    return [out_dir / GRAPH_JSON, out_dir / GRAPH_GRAPHML, *csvs]
