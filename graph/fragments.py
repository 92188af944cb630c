"""Pieces of the last build's GraphML and CSV files, copied into the next build where nothing changed.

A graph's nodes fall into *runs*: consecutive nodes (in the graph's order) that belong to one
plan (its Plan, Parts, Tasks and Targets, ``schema.owning_plan``), or consecutive shared nodes.
A run's relationships are those going out of its nodes; every writer writes the runs one after
the other, so each run of a plan is one stretch of bytes in each file (two in GraphML: its nodes
and its edges). Plans are nine tenths of the bytes, and an incremental build changes a few.

``write_json`` encodes every run anyway and digests each plan run's JSON (``Run.key``): what a
run's GraphML or CSV rows are follows from its JSON (ids, keys, values and their types, in
order). The index (``INDEX`` in the output folder, written last) maps each key to its stretches
of bytes in each file, and records each file's size and modification time and, for a CSV file,
its header. A later build copies a plan run's stretch when its key is in the index, the file is
still the one the index describes (same size and time: not edited or written since) and, for
CSV, the header is the same (the columns are the corpus's). Everything else is written afresh,
so the files are byte for byte what a build without the index writes: a test compares them.
"""
from __future__ import annotations

import hashlib
import itertools
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import orjson

from policykg.graph import schema

INDEX = ".fragments.json"
_SHARED_RUN = 2000  # shared nodes per run: each is encoded in one call, and never reused


@dataclass(slots=True, eq=False)  # a run is itself: writers group rows by it
class Run:
    plan: str | None  # the plan its nodes belong to; None for shared nodes
    nodes: list[str]
    key: str | None = None  # a digest of its JSON, for a plan's run (write_json sets it)
    json: list[int] = field(default_factory=list)  # where in graph.json: nodes start, end, edges start, end

    def edges(self, graph: nx.MultiDiGraph):
        """(u, v, key, data) going out of its nodes, in the graph's order."""
        return graph.out_edges(self.nodes, keys=True, data=True)


def runs(graph: nx.MultiDiGraph) -> list[Run]:
    """The graph's nodes as runs, in the graph's order (concatenated, they are its nodes and,
    their edges, its edges in the order ``graph.edges`` gives them)."""
    found: list[Run] = []
    for plan, group in itertools.groupby(graph.nodes(data=True), key=lambda item: schema.owning_plan(*item)):
        nodes = [node for node, _ in group]
        if plan is not None:
            found.append(Run(plan, nodes))
        else:
            found.extend(Run(None, nodes[i:i + _SHARED_RUN]) for i in range(0, len(nodes), _SHARED_RUN))
    return found


def digest() -> hashlib.blake2b:
    return hashlib.blake2b(digest_size=16)


@dataclass(slots=True)
class _File:
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: Path) -> _File | None:
        try:
            st = os.stat(path)
        except OSError:
            return None
        return cls(st.st_size, st.st_mtime_ns)


class Section:
    """One stretch of a file made of runs (GraphML's nodes or edges; a CSV file's rows): the
    earlier build's pieces to copy, and the offsets of this build's, for the next index."""

    def __init__(self, index: Fragments, name: str, file: str, header: str):
        self.name, self.file, self.header = name, file, header
        self.written: dict[str, list[int]] = {}
        old = index.old_sections.get(name) or {}
        self._fd = index.open_fd(file) if old.get("header") == header else None
        self._old: dict[str, list[int]] = old.get("runs", {}) if self._fd is not None else {}

    def piece(self, key: str | None) -> bytes | None:
        """The earlier build's bytes of this run, or None (write it afresh)."""
        where = self._old.get(key) if key else None
        if where is None or self._fd is None:
            return None
        start, end = where
        data = os.pread(self._fd, end - start, start)
        return data if len(data) == end - start else None

    def record(self, key: str | None, start: int, end: int) -> None:
        if key and end > start:
            self.written[key] = [start, end]


class Fragments:
    """The index of the last build's pieces (read when the writers start) and this build's (saved
    when all files are written). ``Fragments(None)`` reuses nothing and saves nothing."""

    def __init__(self, out_dir: Path | None):
        self.out_dir = out_dir
        self.old_sections: dict[str, dict] = {}
        self.old_load: dict | None = None  # the last build's load_index entries
        self._old_shapes: dict[str, dict] = {}  # a plan run's key → its shape (writers.run_shape)
        self._old_files: dict[str, _File] = {}
        self._fds: dict[str, int | None] = {}
        self.sections: list[Section] = []
        if out_dir is not None:
            self._read(out_dir)

    def _read(self, out_dir: Path) -> None:
        index = read_index(out_dir) or {}
        try:
            self._old_files = {name: _File(*stat) for name, stat in index["files"].items()}
            self.old_sections = index["sections"]
            load = index.get("load") or {}
            # of the last build's load entries only the plans' hashes serve (load_index.entries)
            self.old_load = {"format": load.get("format"), "plans": load.get("plans", {})}
            shapes = index.get("shapes") or {}
            table = [shape if _is_shape(shape) else None for shape in shapes.get("table", [])]
            self._old_shapes = {key: table[i] for key, i in shapes.get("runs", {}).items() if table[i] is not None}
            del index, load
        except (TypeError, KeyError, AttributeError, IndexError):  # none, or not ours: start afresh
            self._old_files, self.old_sections, self.old_load, self._old_shapes = {}, {}, None, {}

    def open_fd(self, file: str) -> int | None:
        """The earlier build's file, if it is still the one the index describes."""
        if file not in self._fds:
            fd = None
            path = self.out_dir / file if self.out_dir else None
            if path is not None and file in self._old_files and _File.of(path) == self._old_files[file]:
                try:
                    fd = os.open(path, os.O_RDONLY)
                except OSError:
                    fd = None
            self._fds[file] = fd
        return self._fds[file]

    def shape(self, key: str | None) -> dict | None:
        """The last build's shape of the run with this key (what it adds to the headers), if any."""
        return self._old_shapes.get(key) if key else None

    def section(self, name: str, file: str, header: str = "") -> Section:
        section = Section(self, name, file, header)
        self.sections.append(section)
        return section

    def close(self) -> None:
        for fd in self._fds.values():
            if fd is not None:
                os.close(fd)
        self._fds.clear()

    def save(self, load: dict | None = None, also: tuple[str, ...] = (), shapes: dict[str, dict] | None = None) -> None:
        """The index of the files just written (their pieces, sizes and times; ``also`` files
        without pieces, ``load`` what a load reads of graph.json: ``load_index``, ``shapes`` the
        plan runs' shapes by key, each distinct one kept once); after them, so an interrupted build
        leaves the old index, which no longer matches the files it replaced."""
        self.close()
        if self.out_dir is None:
            return
        from policykg.graph.writers import atomic_write

        files = {}
        for file in sorted({s.file for s in self.sections}.union(also)):
            stat = _File.of(self.out_dir / file)
            if stat is not None:
                files[file] = [stat.size, stat.mtime_ns]
        sections = {s.name: {"header": s.header, "runs": s.written} for s in self.sections if s.file in files}
        table: dict[bytes, int] = {}  # 136 distinct shapes among 10,087 plan runs at 10,000 plans
        by_key = {key: table.setdefault(orjson.dumps(shape), len(table)) for key, shape in (shapes or {}).items()}
        data = orjson.dumps({"version": writer_version(), "files": files, "sections": sections, "load": load,
                             "shapes": {"table": [orjson.Fragment(shape) for shape in table], "runs": by_key}})
        atomic_write(self.out_dir / INDEX, lambda fh: fh.write(data), binary=True)

    def __enter__(self) -> Fragments:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _is_shape(shape) -> bool:
    """A shape as ``writers.run_shape`` makes it (keys [name, type] of nodes and edges; columns
    name → type or None per table): one of a damaged index is made afresh, not trusted."""
    try:
        return (all(isinstance(name, str) and isinstance(kind, str) for scope in ("node", "edge")
                    for name, kind in shape[scope])
                and all(isinstance(name, str) and isinstance(kind, (str, type(None)))
                        for tables in ("nodes", "rels") for columns in shape[tables].values()
                        for name, kind in columns.items()))
    except (TypeError, KeyError, ValueError, AttributeError):
        return False


def read_index(out_dir: Path) -> dict | None:
    """The index the last build left in ``out_dir``, if this code wrote it."""
    try:
        index = orjson.loads((Path(out_dir) / INDEX).read_bytes())
    except (OSError, ValueError):
        return None
    return index if isinstance(index, dict) and index.get("version") == writer_version() else None


def writer_version() -> str:
    """Of the code that turns a run into bytes: a piece written by other code is not reused."""
    h = digest()
    h.update(f"{sys.version_info[:2]}\0".encode())
    for module in (Path(__file__).with_name("writers.py"), Path(__file__)):
        h.update(module.read_bytes())
    return h.hexdigest()


def remove_index(out_dir: Path) -> None:
    """``--no-cache`` keeps nothing between builds."""
    try:
        os.unlink(out_dir / INDEX)
    except FileNotFoundError:
        pass
