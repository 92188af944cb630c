"""The main job as a library: files → extracted plans → resolved entities → linked graph.

Bad input never stops a batch: each failing file becomes a ``Problem`` (file, what went wrong,
what was done) and every other file is still built.

``extract_files`` can spread extraction over ``workers`` processes: this one and forked helpers
share the files in chunks, the spaCy pipeline is built once (before the fork), and the plans
come back in input order, so the graph is the same whatever the number of workers.

What counts as a plan (anything else is skipped as "not a plan"): at least ``MIN_CJK``
Chinese characters, Chinese making up at least ``MIN_CJK_SHARE`` of the non-space text, and at
least ``MIN_HEADINGS`` numbered headings (parts ``一、`` or tasks ``1.`` / ``（1）``). Every
health plan, work-point list or programme has that outline; notices without an attachment,
news items, English pages and tables of figures do not.
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import numpy as np

from policykg.extract.document import Document, Entity, ExtractedPlan, Structure
from policykg.extract.pipeline import extract
from policykg.extract.readers import DEFAULT_MAX_SIZE, SUFFIXES, UnreadableFile, read_document
from policykg.extract.structure import parse_structure
from policykg.extract.tokenizer import code_points
from policykg.graph.links import link
from policykg.graph.model import build_graph, distinct_plans
from policykg import gc_pause
from policykg.resolve import resolve

__all__ = ["Problem", "BuildResult", "input_files", "extract_file", "extract_files", "assemble", "build",
           "SUFFIXES", "DEFAULT_MAX_SIZE", "MIN_CJK", "MIN_CJK_SHARE", "MIN_HEADINGS"]

MIN_CJK = 200
MIN_CJK_SHARE = 0.3
MIN_HEADINGS = 2

_CJK_BLOCKS = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))  # Ext. A, unified, compatibility


def _count_cjk(text: str) -> int:
    """How many Chinese characters: numpy compares code points at once (5x quicker than re)."""
    codes = code_points(text)
    return sum(int(np.count_nonzero((codes >= low) & (codes <= high))) for low, high in _CJK_BLOCKS)


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


class NotAPlan(UnreadableFile):
    def __init__(self, message: str):
        super().__init__(f"not a plan: {message}", "not a plan")


def check_text(document: Document) -> None:
    """Raise ``NotAPlan`` unless the text is mostly Chinese and long enough (cheap, before spaCy)."""
    text = document.text
    cjk = _count_cjk(text)
    if cjk < MIN_CJK:
        raise NotAPlan(f"only {cjk} Chinese characters (a plan has at least {MIN_CJK})")
    total = sum(map(len, text.split()))  # the non-space characters
    if cjk < MIN_CJK_SHARE * total:
        raise NotAPlan(f"only {cjk / total:.0%} of the text is Chinese (a plan has at least {MIN_CJK_SHARE:.0%})")


def check_structure(structure: Structure) -> None:
    """Raise ``NotAPlan`` unless the text has a plan's numbered outline."""
    headings = len(structure.parts) + len(structure.tasks)
    if headings < MIN_HEADINGS:
        raise NotAPlan(f"{headings} numbered heading{'s' if headings != 1 else ''} "
                       f"(a plan has at least {MIN_HEADINGS}: 一、 / 1. / （1）)")


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


def _extract_chunk(paths: list[Path], max_size: int | None, require_plan: bool) -> list[ExtractedPlan | Problem]:
    return [_try_extract(p, max_size, require_plan) for p in paths]


def _chunk_size(remaining: int, workers: int) -> int:
    # A share of what is left (guided scheduling): large chunks while there is much to do, so
    # the pickling and scheduling cost per chunk stays small, and smaller ones towards the end,
    # so that the processes finish within a few files of each other.
    return max(1, min(32, math.ceil(remaining / (workers * 4))))


def extract_files(paths: list[Path], progress=None, *, max_size: int | None = DEFAULT_MAX_SIZE,
                  workers: int = 1, require_plan: bool = True) -> tuple[list[ExtractedPlan], list[Problem]]:
    """Extract every file; return the plans and the problems, both in input order.

    ``progress(n)`` is called as files finish. ``workers > 1`` extracts in that many processes:
    this one and ``workers - 1`` forked helpers.
    """
    workers = max(1, min(workers or os.cpu_count() or 1, len(paths) or 1))
    if workers == 1:
        results = []
        for path in paths:
            results.append(_try_extract(path, max_size, require_plan))
            if progress:
                progress(1)
    else:
        results = _extract_shared(paths, workers, progress, max_size, require_plan)
    plans = [r for r in results if isinstance(r, ExtractedPlan)]
    problems = [r for r in results if isinstance(r, Problem)]
    return plans, problems


def _extract_shared(paths: list[Path], workers: int, progress, max_size: int | None,
                    require_plan: bool) -> list[ExtractedPlan | Problem]:
    """Extract in this process and ``workers - 1`` helper processes; results in input order.

    The helpers take chunks from the front of the list, this process takes files from the back,
    until they meet. Only the helpers' plans are pickled and sent back: with a pool of ``workers``
    processes and this one waiting, every plan was, and the time this process spent
    unpickling them all was most of what kept two workers from being twice as fast as one.
    """
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    from policykg.extract.pipeline import build_nlp

    build_nlp()  # before the fork: the helpers inherit the pipeline instead of building it again
    done: dict[int, list | None] = {}  # first index of a chunk → its results (None: redo)
    front, back = 0, len(paths)  # paths[front:back] are not taken yet
    helpers = workers - 1
    # "fork" where there is one: helpers start at once with everything imported and built, and
    # a caller's script needs no __main__ guard. This process keeps no threads of its own
    # running while it forks (the progress bar runs without tqdm's monitor thread).
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with ProcessPoolExecutor(helpers, mp_context=context, initializer=_init_worker) as pool:
        running: dict = {}  # future → (first, end) of its chunk
        broken = False

        def feed() -> None:  # two chunks queued per helper: it never waits for the next one
            nonlocal front, broken
            while not broken and front < back and len(running) < 2 * helpers:
                end = front + _chunk_size(back - front, workers)
                try:
                    future = pool.submit(_extract_chunk, paths[front:end], max_size, require_plan)
                except BrokenProcessPool:  # this process takes the rest
                    broken = True
                    return
                running[future] = front, end
                front = end

        def collect(finished) -> None:
            nonlocal broken
            for future in finished:
                first, end = running.pop(future)
                try:
                    done[first] = future.result()
                except BrokenProcessPool:  # a helper was killed (out of memory …): redone below
                    broken = True
                    done[first] = None
                    continue
                if progress:
                    progress(end - first)

        feed()
        while front < back:  # a file at a time: between files the helpers' queues are topped up
            back -= 1
            done[back] = _extract_chunk(paths[back:back + 1], max_size, require_plan)
            if progress:
                progress(1)
            collect([future for future in running if future.done()])
            feed()
        while running:
            collect(wait(running, return_when=FIRST_COMPLETED).done)
    results: list[ExtractedPlan | Problem] = []
    starts = sorted(done)
    for first, end in zip(starts, starts[1:] + [len(paths)]):
        if done[first] is None:
            done[first] = _extract_chunk(paths[first:end], max_size, require_plan)
            if progress:
                progress(end - first)
        results.extend(done[first])
    return results


def _init_worker() -> None:
    from policykg.extract.pipeline import build_nlp

    build_nlp()  # once per worker process (cached; inherited where processes fork)


def assemble(plans: list[ExtractedPlan], problems: list[Problem] | None = None) -> BuildResult:
    """Resolve the plans' entities and link them into one graph; a plan repeated (the same text,
    or the same issuer, title and year) is one problem line and counted once."""
    plans, repeats = distinct_plans(plans)
    problems = list(problems or []) + [
        Problem(repeat.document.path, f"the same plan as {first.document.path} ({why})", "counted once", "duplicate")
        for repeat, first, why in repeats]
    with gc_pause.paused():
        entities = resolve(plans)
        graph = link(build_graph(plans, entities), plans)
    return BuildResult(plans, entities, graph, problems)



def build(paths: list[str | Path], progress=None, *, max_size: int | None = DEFAULT_MAX_SIZE, workers: int = 1,
          require_plan: bool = True) -> BuildResult:
    plans, problems = extract_files(input_files(paths), progress, max_size=max_size, workers=workers,
                                    require_plan=require_plan)
    return assemble(plans, problems)
