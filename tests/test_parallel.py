"""Work on other processes: in forked workers, or a stage in a process of its own."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from gongkai.parallel import in_child


def _where(number: int) -> tuple[int, int, bool]:
    return os.getpid(), number * 2, "fake_heavy_library" in sys.modules


def _fails() -> None:
    raise ValueError("坏数据")


def test_a_stage_in_a_process_of_its_own_leaves_its_libraries_there() -> None:
    sys.modules.pop("fake_heavy_library", None)

    def work(number: int) -> tuple[int, int, bool]:
        sys.modules["fake_heavy_library"] = sys  # what a stage imports stays in the child
        return _where(number)

    pid, doubled, loaded = in_child(work, 21)
    assert pid != os.getpid() and doubled == 42 and loaded
    assert "fake_heavy_library" not in sys.modules


def test_a_stage_runs_here_while_other_threads_run() -> None:
    """Forking a process that runs threads (mkdocs serve) can deadlock the child."""
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert in_child(_where, 1)[0] == os.getpid()
    finally:
        stop.set()
        thread.join()


def test_a_stage_that_fails_in_its_process_fails_here() -> None:
    with pytest.raises(ValueError, match="坏数据"):
        in_child(_fails)
