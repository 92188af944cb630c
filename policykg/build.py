"""The main job as a library: files → extracted plans → resolved entities → linked graph.

Bad input never stops a batch: each failing file becomes a ``Problem`` (file, what went wrong,
what was done) and every other file is still built; a file that is no plan
(``policykg.extract.gate``) is skipped as "not a plan".

``extract_files`` can spread extraction over ``workers`` processes (``runtime.map_chunks``):
the spaCy pipeline is built once, before the fork, and the plans come back in input order, so
the graph is the same whatever the number of workers. With a cache folder
(``policykg.cache``) only the files not extracted before are extracted.

An outline is not required: web excerpts, summaries and reports often have one heading or
none, and their paragraphs become the units that numbered tasks are (``structure``).
"""
from __future__ import annotations

import errno
import os
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from policykg import runtime
from policykg.cache import ExtractionCache
from policykg.extract.document import Entity, ExtractedPlan
from policykg.extract.gate import check_text
from policykg.extract.pipeline import build_nlp, extract
from policykg.extract.readers import DEFAULT_MAX_SIZE, SUFFIXES, UnreadableFile, read_document
from policykg.graph.links import link
from policykg.graph.model import build_graph, distinct_plans
from policykg.resolve.resolver import name_plan, resolve

__all__ = ["Problem", "BuildResult", "input_files", "find_inputs", "extract_file", "extract_files", "assemble", "build",
           "SUFFIXES", "DEFAULT_MAX_SIZE"]


SKIPPED, COUNTED_ONCE = "skipped", "counted once"  # actions of a file that adds no plan of its own


@dataclass(slots=True)
class Problem:
    path: str
    message: str
    action: str = SKIPPED
    kind: str = "error"  # groups problems in the summary: empty, binary, not a plan …

    @property
    def skipped(self) -> bool:
        """True when the file adds no plan of its own: skipped, or a repeat counted once. False for
        a file built all the same (bytes replaced) or a folder searched all the same."""
        return self.action in (SKIPPED, COUNTED_ONCE)

    def __str__(self) -> str:
        return f"{self.path}: {self.message} ({self.action})"


@dataclass(slots=True)
class BuildResult:
    plans: list[ExtractedPlan]
    entities: dict[str, Entity]
    graph: nx.MultiDiGraph
    problems: list[Problem] = field(default_factory=list)


def input_files(paths: list[str | Path]) -> list[Path]:
    """The files to read (see ``find_inputs``)."""
    return find_inputs(paths)[0]


def find_inputs(paths: list[str | Path]) -> tuple[list[Path], list[Problem]]:
    """Files named, plus every entry with a plan suffix found recursively in folders named
    (hidden ones left out; symbolic links to folders not followed, so no loop is walked).

    What is named like a plan but is no regular file (a named pipe, a device, a socket, a
    symbolic-link loop) is listed too: reading it gives its one Problem line, without opening
    it. A folder that cannot be searched is a Problem here, and so is a folder named like a
    plan file (searched as a folder).
    """
    found: list[Path] = []
    problems: list[Problem] = []
    for raw in paths:
        path = Path(raw)
        try:
            is_dir = path.is_dir()
        except OSError:  # e.g. permission denied on a folder above it: reading it says so
            is_dir = False
        if not is_dir:
            found.append(path)
            continue

        def unsearchable(exc: OSError, top: Path = path) -> None:
            problems.append(Problem(str(exc.filename or top), f"{_reason(exc)} (folder not searched)",
                                    kind="unreadable"))

        inside: list[Path] = []
        for folder, dirs, files in os.walk(path, onerror=unsearchable):
            here = Path(folder)
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))  # (sorted: problems in order)
            for d in dirs:
                if Path(d).suffix.lower() in SUFFIXES and not (here / d).is_symlink():
                    problems.append(Problem(str(here / d), "is a folder, not a plan file", "searched as a folder",
                                            kind="not a file"))
            inside.extend(here / f for f in files if not f.startswith(".") and Path(f).suffix.lower() in SUFFIXES)
        found.extend(sorted(inside))
    return found, problems


def _reason(exc: OSError) -> str:
    """An OSError as a few words, without the path (the Problem line names it already)."""
    if isinstance(exc, PermissionError):
        return "permission denied"
    if exc.errno == errno.ELOOP:
        return "symbolic link loop"
    if isinstance(exc, FileNotFoundError):
        return "no such file"
    return (exc.strerror or str(exc) or type(exc).__name__).lower()


def extract_file(path: Path, max_size: int | None = DEFAULT_MAX_SIZE, require_plan: bool = True) -> ExtractedPlan:
    """One file → its plan, with the names its mentions have given the plan alone (resolution's
    per-plan part, which so runs in the worker and is cached with the plan)."""
    document = read_document(path, max_size=max_size)
    if require_plan:
        check_text(document)
    plan = extract(document)
    plan.names = name_plan(plan)
    return plan


def _try_extract(path: Path, max_size: int | None, require_plan: bool) -> ExtractedPlan | Problem:
    """One file → a plan, or the one Problem that says why not. Never raises (but for Ctrl-C)."""
    try:
        return extract_file(path, max_size, require_plan)
    except FileNotFoundError:
        broken = os.path.islink(path)
        return Problem(str(path), "no such file" + (" (broken symbolic link)" if broken else ""), kind="missing")
    except IsADirectoryError:
        return Problem(str(path), "is a folder with no plan files", kind="missing")
    except UnreadableFile as exc:
        return Problem(str(path), str(exc), kind=exc.kind)
    except OSError as exc:
        return Problem(str(path), _reason(exc), kind="unreadable")
    except ValueError as exc:
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
            if isinstance(result, ExtractedPlan) and (key := cache.key(path, max_size)) is not None:
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
        with runtime.paused():  # the plans read are all kept: a collection would only walk them (half the time)
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
    plans: list[ExtractedPlan] = []
    problems: list[Problem] = []
    for r in results:
        if isinstance(r, Problem):
            problems.append(r)
            continue
        plans.append(r)
        problems.extend(Problem(r.document.path, warning, "built", kind="repaired") for warning in r.document.warnings)
    return plans, problems


def _init_worker() -> None:
    """Before the fork and in every helper: the pipeline built (cached), out of the collector's
    way, and the records' quick pickling."""
    with runtime.paused():  # what it builds is kept for good (and collections would walk the cached plans)
        build_nlp()
    runtime.freeze_long_lived()
    runtime.register_pickling()


def assemble(plans: list[ExtractedPlan], problems: list[Problem] | None = None) -> BuildResult:
    """Resolve the plans' entities and link them into one graph; a plan repeated (the same text,
    or the same issuer, title and year) is one problem line and counted once."""
    plans, repeats = distinct_plans(plans)
    problems = list(problems or []) + [
        Problem(repeat.document.path, f"the same plan as {first.document.path} ({why})", COUNTED_ONCE, "duplicate")
        for repeat, first, why in repeats]
    with runtime.paused():
        entities = resolve(plans)
        graph = link(build_graph(plans, entities), plans)
    return BuildResult(plans, entities, graph, problems)


def build(paths: list[str | Path], progress=None, *, max_size: int | None = DEFAULT_MAX_SIZE, workers: int = 1,
          require_plan: bool = True, cache_dir: str | Path | None = None) -> BuildResult:
    files, listing = find_inputs(paths)
    plans, problems = extract_files(files, progress, max_size=max_size, workers=workers, require_plan=require_plan,
                                    cache_dir=cache_dir)
    return assemble(plans, listing + problems)
