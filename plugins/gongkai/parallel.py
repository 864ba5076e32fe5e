"""Work on every core, for the stages where a build spends seconds on thousands of independent files.

Workers are forked, so they inherit the caller's state (the model, the schemas, the plugin) instead of
receiving it pickled with every task; only the chunks and the results cross. Forking is only safe
from a single thread (`mkdocs serve` runs others), and pays only for many items: otherwise, and where
fork does not exist, the work runs here, in order, with the same results.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

_JOB: tuple[Callable[..., list[Any]], tuple[Any, ...]] | None = None
"""The work and its arguments, set before the workers fork so that they have it without pickling."""


def _run(chunk: list[Any]) -> list[Any]:
    assert _JOB is not None
    work, args = _JOB
    return work(chunk, *args)


def in_parallel(work: Callable[..., list[Result]], items: Sequence[Item], *args: Any, minimum: int = 200,
                forked: Callable[[], object] | None = None) -> list[Result]:
    """`work(chunk, *args)` over chunks of `items`, results in the order of the items. `forked` is called here
    as soon as every worker has its copy of this process (after the work, where it runs here), to let go of
    what only the work needs while the results come in."""
    global _JOB
    minimum = int(os.environ.get("GONGKAI_PARALLEL_FROM", minimum))  # tests set 1, to take the parallel way on small sites
    workers = min(os.cpu_count() or 1, 8)
    if len(items) < minimum or workers < 2 or not _can_fork():
        results = work(list(items), *args)
        if forked is not None:
            forked()
        return results
    size = -(-len(items) // (workers * 4))
    chunks = [list(items[i:i + size]) for i in range(0, len(items), size)]
    _JOB = (work, args)
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            parts = pool.map(_run, chunks)  # a fork pool starts all its workers at the first task
            if forked is not None:
                forked()
            return [result for part in parts for result in part]
    finally:
        _JOB = None


def in_child(work: Callable[..., Result], *args: Any) -> Result:
    """`work(*args)` in a forked process of its own, for a stage whose libraries and passing memory need not
    stay in this one (the feeds' XML and the reports' workbooks); here, where forking is not safe."""
    global _JOB
    if not _can_fork():
        return work(*args)
    _JOB = (_alone, (work, *args))
    try:
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
            return pool.submit(_run, []).result()[0]
    finally:
        _JOB = None


def _alone(_: list[Any], work: Callable[..., Result], *args: Any) -> list[Result]:
    return [work(*args)]


def _can_fork() -> bool:
    return threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods()
