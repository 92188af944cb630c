"""Process-level speed machinery, applied by the application (``build``, the CLI), never by
the library stages: worker processes, how records are pickled between them, and the cycle
collector's policy.

``map_chunks`` spreads a list over ``workers`` processes: this one and forked helpers share the
items in chunks, and the results come back in input order, so the output is the same whatever
the number of workers.

``register_pickling()`` installs ``copyreg`` reducers for the extraction records the helpers
send back. For ``slots=True`` dataclasses Python pickles each object through a
``__getstate__`` that calls ``fields()`` and a ``__setstate__`` that sets the fields one by one;
the reducers pickle a record as (class, field values), and the thousands of sentences and
mentions of a plan as one tuple per field, rebuilt with one ``map``.

The collector: building the graph or writing it allocates millions of objects and frees few,
and every full pass of the cycle collector walks all of them, so its cost grows faster than the
corpus. ``paused()`` turns it off around such a stage (reference counting still frees what is
dropped; cycles wait for it to resume); ``freeze_long_lived()`` moves what lives as long as the
process (the pipeline and its data: place names, the divisions dataset) out of its generations.
"""
from __future__ import annotations

import copyreg
import gc
import math
import os
import signal
from contextlib import contextmanager
from dataclasses import fields
from functools import cache
from operator import attrgetter

from policykg.extract.document import Document, ExtractedPlan, Mention, PlanMeta, Section, Structure, Target


@contextmanager
def paused():
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@cache
def freeze_long_lived() -> None:
    """Once per process, after the long-lived data is built: not walked again by every full
    collection while plans are extracted."""
    gc.collect()
    gc.freeze()


def _values_reducer(cls):
    values = attrgetter(*(f.name for f in fields(cls)))
    return lambda obj: (cls, values(obj))


def _columns(objects: list) -> tuple:
    """Records of one dataclass as one tuple per field."""
    return tuple(zip(*map(_FIELD_VALUES[type(objects[0])], objects))) if objects else ()


def _rows(cls, columns: tuple) -> list:
    return list(map(cls, *columns)) if columns else []


def _structure(parts: tuple, tasks: tuple, sentences: tuple) -> Structure:
    return Structure(_rows(Section, parts), _rows(Section, tasks), _rows(Section, sentences))


def _reduce_structure(s: Structure):
    return _structure, (_columns(s.parts), _columns(s.tasks), _columns(s.sentences))


def _extracted_plan(document: Document, meta: PlanMeta, structure: Structure, mentions: tuple,
                    targets: tuple, names: list | None) -> ExtractedPlan:
    return ExtractedPlan(document, meta, structure, _rows(Mention, mentions), _rows(Target, targets), names)


def _reduce_plan(plan: ExtractedPlan):
    return _extracted_plan, (plan.document, plan.meta, plan.structure, _columns(plan.mentions),
                             _columns(plan.targets), plan.names)


_FIELD_VALUES = {cls: attrgetter(*(f.name for f in fields(cls))) for cls in (Section, Mention, Target)}


def register_pickling() -> None:
    """The reducers, in ``copyreg``'s table (what every pickler of this process consults)."""
    for cls in (Document, Section, PlanMeta, Mention, Target):
        copyreg.pickle(cls, _values_reducer(cls))
    copyreg.pickle(Structure, _reduce_structure)
    copyreg.pickle(ExtractedPlan, _reduce_plan)


def _chunk_size(remaining: int, workers: int) -> int:
    # A share of what is left (guided scheduling): large chunks while there is much to do, so
    # the pickling and scheduling cost per chunk stays small, and smaller ones towards the end,
    # so that the processes finish within a few items of each other.
    return max(1, min(32, math.ceil(remaining / (workers * 4))))


def _start_helper(prepare) -> None:
    # Ctrl-C reaches every process of the group: a helper ends at once and without a traceback
    # (an idle one would print KeyboardInterrupt's); the main process reports it in one line.
    signal.signal(signal.SIGINT, lambda *_: os._exit(130))
    if prepare is not None:
        prepare()


def map_chunks(work, items: list, args: tuple, workers: int, progress=None, prepare=None) -> list:
    """``work(chunk, *args)`` (a list of results per chunk of ``items``) in this process and
    ``workers - 1`` helper processes; the results of all items, in input order.

    ``prepare()`` runs before the fork and in every helper (where processes are spawned): what
    the helpers inherit instead of building it again. The helpers take chunks from the front of
    the list, this process takes items from the back, until they meet. Only the helpers'
    results are pickled and sent back: with a pool of ``workers`` processes and this one
    waiting, every result would be, and this process would spend its time unpickling them.
    A chunk whose helper died (out of memory …) is redone here.
    """
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    if prepare is not None:
        prepare()
    done: dict[int, list | None] = {}  # first index of a chunk → its results (None: redo)
    front, back = 0, len(items)  # items[front:back] are not taken yet
    helpers = workers - 1
    # "fork" where there is one: helpers start at once with everything imported and built, and
    # a caller's script needs no __main__ guard. This process keeps no threads of its own
    # running while it forks (the progress bar runs without tqdm's monitor thread).
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with ProcessPoolExecutor(helpers, mp_context=context, initializer=_start_helper, initargs=(prepare,)) as pool:
        running: dict = {}  # future → (first, end) of its chunk
        broken = False

        def feed() -> None:  # two chunks queued per helper: it never waits for the next one
            nonlocal front, broken
            while not broken and front < back and len(running) < 2 * helpers:
                end = front + _chunk_size(back - front, workers)
                try:
                    future = pool.submit(work, items[front:end], *args)
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
        while front < back:  # an item at a time: between items the helpers' queues are topped up
            back -= 1
            done[back] = work(items[back:back + 1], *args)
            if progress:
                progress(1)
            collect([future for future in running if future.done()])
            feed()
        while running:
            collect(wait(running, return_when=FIRST_COMPLETED).done)
    results: list = []
    starts = sorted(done)
    for first, end in zip(starts, starts[1:] + [len(items)]):
        chunk = done[first]
        if chunk is None:
            chunk = work(items[first:end], *args)
            if progress:
                progress(end - first)
        results.extend(chunk)
    return results
