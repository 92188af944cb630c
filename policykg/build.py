"""The main job as a library: files → extracted plans → resolved entities → linked graph.

Bad input never stops a batch: each failing file becomes a ``Problem`` (file, what went wrong,
what was done) and every other file is still built; a file that is no plan
(``policykg.extract.gate``) is skipped as "not a plan".

``extract_files`` can spread extraction over ``workers`` processes (``runtime.map_chunks``):
the spaCy pipeline is built once, before the fork, and the plans come back in input order, so
the graph is the same whatever the number of workers. With a cache folder
(``policykg.cache``) only the files not extracted before are extracted.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from policykg import runtime
from policykg.cache import ExtractionCache
from policykg.extract.document import Entity, ExtractedPlan
from policykg.extract.gate import check_structure, check_text
from policykg.extract.pipeline import build_nlp, extract
from policykg.extract.readers import DEFAULT_MAX_SIZE, SUFFIXES, UnreadableFile, read_document
from policykg.extract.structure import parse_structure
from policykg.graph.links import link
from policykg.graph.model import build_graph
from policykg.resolve.resolver import resolve

__all__ = ["Problem", "BuildResult", "input_files", "extract_file", "extract_files", "assemble", "build",
           "SUFFIXES", "DEFAULT_MAX_SIZE"]


@dataclass(slots=True)
class Problem:
    path: str
    message: str
    action: str = "skipped"
    kind: str = "error"  # groups problems in the summary: empty, binary, not a plan …

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
                         and not any(part.startswith(".") for part in p.relative_to(path).parts))
        else:
            found.append(path)
    return found


def extract_file(path: Path, max_size: int | None = DEFAULT_MAX_SIZE, require_plan: bool = True) -> ExtractedPlan:
    document = read_document(path, max_size=max_size)
    structure = None
    if require_plan:
        check_text(document)
        structure = parse_structure(document)
        check_structure(structure)
    return extract(document, structure=structure)


def _try_extract(path: Path, max_size: int | None, require_plan: bool) -> ExtractedPlan | Problem:
    """One file → a plan, or the one Problem that says why not. Never raises (but for Ctrl-C)."""
    try:
        return extract_file(path, max_size, require_plan)
    except FileNotFoundError:
        return Problem(str(path), "no such file", kind="missing")
    except IsADirectoryError:
        return Problem(str(path), "is a folder with no plan files", kind="missing")
    except UnreadableFile as exc:
        return Problem(str(path), str(exc), kind=exc.kind)
    except PermissionError:
        return Problem(str(path), "permission denied", kind="unreadable")
    except (OSError, ValueError) as exc:
        return Problem(str(path), str(exc) or type(exc).__name__, kind="unreadable")
    except RecursionError:
        return Problem(str(path), "too deeply nested to read", kind="unreadable")
    except Exception as exc:  # noqa: BLE001  a bug on one strange file must not stop thousands of others
        return Problem(str(path), f"internal error {type(exc).__name__}: {exc}", kind="internal error")


def _extract_chunk(paths: list[Path], max_size: int | None, require_plan: bool,
                   cache: ExtractionCache | None = None) -> list[ExtractedPlan | Problem]:
    results = [_try_extract(p, max_size, require_plan) for p in paths]
    if cache is not None:  # in the process that extracted them: the workers write side by side
        for path, result in zip(paths, results):
            key = cache.key(path, max_size) if isinstance(result, ExtractedPlan) else None
            if key is not None:
                cache.put(key, result)
    return results


def extract_files(paths: list[Path], progress=None, *, max_size: int | None = DEFAULT_MAX_SIZE,
                  workers: int = 1, require_plan: bool = True,
                  cache_dir: str | Path | None = None) -> tuple[list[ExtractedPlan], list[Problem]]:
    """Extract every file; return the plans and the problems, both in input order.

    ``progress(n)`` is called as files finish. ``workers > 1`` extracts in that many processes:
    this one and ``workers - 1`` forked helpers. With ``cache_dir`` (``policykg.cache``) a file
    extracted before, by the same extractor, is read from there, and only the others are extracted.
    """
    results: list = [None] * len(paths)
    todo = list(range(len(paths)))
    cache = None
    if cache_dir is not None:
        cache = ExtractionCache(cache_dir, require_plan)
        cache.prepare()
        todo = []
        for i, path in enumerate(paths):
            key = cache.key(path, max_size)
            results[i] = cache.get(key, path) if key is not None else None
            if results[i] is None:
                todo.append(i)
        if progress and len(todo) < len(paths):
            progress(len(paths) - len(todo))
    misses = [paths[i] for i in todo]
    workers = max(1, min(workers or os.cpu_count() or 1, len(misses) or 1))
    if workers == 1:
        if misses:  # all cached: no pipeline to build
            _init_worker()
        extracted = []
        for path in misses:
            extracted.extend(_extract_chunk([path], max_size, require_plan, cache))
            if progress:
                progress(1)
    else:
        extracted = runtime.map_chunks(_extract_chunk, misses, (max_size, require_plan, cache), workers, progress,
                                       prepare=_init_worker)
    for i, result in zip(todo, extracted):
        results[i] = result
    plans = [r for r in results if isinstance(r, ExtractedPlan)]
    problems = [r for r in results if isinstance(r, Problem)]
    return plans, problems


def _init_worker() -> None:
    """Before the fork and in every helper: the pipeline built (cached), and out of the
    collector's way."""
    build_nlp()
    runtime.freeze_long_lived()


def assemble(plans: list[ExtractedPlan], problems: list[Problem] | None = None) -> BuildResult:
    """Resolve the plans' entities and link them into one graph."""
    with runtime.paused():
        entities = resolve(plans)
        graph = link(build_graph(plans, entities), plans)
    return BuildResult(plans, entities, graph, list(problems or []))


def build(paths: list[str | Path], progress=None, *, max_size: int | None = DEFAULT_MAX_SIZE, workers: int = 1,
          require_plan: bool = True, cache_dir: str | Path | None = None) -> BuildResult:
    plans, problems = extract_files(input_files(paths), progress, max_size=max_size, workers=workers,
                                    require_plan=require_plan, cache_dir=cache_dir)
    return assemble(plans, problems)
