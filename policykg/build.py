"""The main job as a library: files → extracted plans → resolved entities → linked graph.

Bad input never stops a batch: each failing file becomes a ``Problem`` (file, what went wrong,
what was done) and every other file is still built.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from policykg.extract.document import Entity, ExtractedPlan
from policykg.extract.normalise import read_document
from policykg.extract.pipeline import extract
from policykg.graph.links import link
from policykg.graph.model import build_graph
from policykg.resolve import resolve

SUFFIXES = {".txt", ".text", ".md"}


@dataclass(slots=True)
class Problem:
    path: str
    message: str
    action: str = "skipped"

    def __str__(self) -> str:
        return f"{self.path}: {self.message} ({self.action})"


@dataclass(slots=True)
class BuildResult:
    plans: list[ExtractedPlan]
    entities: dict[str, Entity]
    graph: nx.MultiDiGraph
    problems: list[Problem] = field(default_factory=list)


def input_files(paths: list[str | Path]) -> list[Path]:
    """Files named, plus files with a supported suffix found recursively in folders named."""
    found = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(p for p in sorted(path.rglob("*")) if p.is_file() and p.suffix.lower() in SUFFIXES
                         and not p.name.startswith("."))
        else:
            found.append(path)
    return found


def extract_file(path: Path) -> ExtractedPlan:
    return extract(read_document(str(path)))


def extract_files(paths: list[Path], progress=None) -> tuple[list[ExtractedPlan], list[Problem]]:
    plans, problems = [], []
    for path in paths:
        try:
            plans.append(extract_file(path))
        except FileNotFoundError:
            problems.append(Problem(str(path), "no such file"))
        except (OSError, ValueError) as exc:
            problems.append(Problem(str(path), str(exc) or type(exc).__name__))
        if progress:
            progress(1)
    return plans, problems


def build(paths: list[str | Path], progress=None) -> BuildResult:
    plans, problems = extract_files(input_files(paths), progress)
    entities = resolve(plans)
    graph = link(build_graph(plans, entities), plans)
    return BuildResult(plans, entities, graph, problems)
