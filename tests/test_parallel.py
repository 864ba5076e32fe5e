"""Work on other processes: in forked workers, or a stage in a process of its own."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from gongkai.parallel import in_child, in_parallel


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


_NEEDED = {}


def _look_up(keys: list[int]) -> list[tuple[int, str]]:
    return [(os.getpid(), _NEEDED[key]) for key in keys]


@pytest.mark.parametrize("parallel_from", ["1", "1000000"])
def test_what_only_the_workers_need_can_go_here_once_they_have_it(parallel_from: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GONGKAI_PARALLEL_FROM", parallel_from)
    monkeypatch.setattr(sys.modules[__name__], "_NEEDED", {n: f"第{n}项" for n in range(40)})
    results = in_parallel(_look_up, list(range(40)), forked=_NEEDED.clear)
    assert [text for _, text in results] == [f"第{n}项" for n in range(40)]
    assert _NEEDED == {}, "let go of here"
    assert ({pid for pid, _ in results} != {os.getpid()}) == (parallel_from == "1" and (os.cpu_count() or 1) > 1)
