"""How long each stage of a build took and how much memory the process had used by its end.

The plugin times its own stages; `scripts/bench` reads them (GONGKAI_TIMINGS names a JSON file to
write) to say where a build's time goes. Peak memory is the process's high-water mark (ru_maxrss),
so a stage's figure is the peak reached by the end of it. What a stage freed is handed back to the
system as it ends (`give_back`).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import json
import os
import resource
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path


def peak_mb() -> float:
    """This process's peak resident memory so far, in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@functools.cache
def _trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    return getattr(ctypes.CDLL(name), "malloc_trim", None) if name else None


def give_back() -> None:
    """Return the memory freed so far to the system (glibc's malloc_trim; elsewhere nothing happens).

    glibc keeps what a stage frees for its own later use, but Python takes its small objects' memory from
    arenas of its own, so later stages seldom reuse it: without this, what the history's git log and the
    feeds' texts needed for a moment stayed in the build's resident memory to its end (10,000 entries: the
    peak 219 to 207 MB)."""
    trim = _trim()
    if trim is not None:
        trim(0)


@dataclass
class Stopwatch:
    started: float = field(default_factory=time.perf_counter)
    stages: dict[str, dict[str, float]] = field(default_factory=dict)

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[None]:
        begin = time.perf_counter()
        try:
            yield
        finally:
            give_back()
            self.add(name, time.perf_counter() - begin)

    def add(self, name: str, seconds: float) -> None:
        """Add to a stage (one that runs in pieces, such as rendering each page)."""
        current = self.stages.setdefault(name, {"s": 0.0, "peak_mb": 0.0})
        current["s"] = round(current["s"] + seconds, 4)
        current["peak_mb"] = round(peak_mb(), 1)

    def lines(self) -> list[str]:
        return [f"{name} {figures['s']:.2f} 秒" for name, figures in self.stages.items()]

    def write(self, path: str | os.PathLike[str] | None) -> None:
        if not path:
            return
        data = {"format": "gongkai-build-stages", "version": 1, "stages": self.stages,
                "total_s": round(time.perf_counter() - self.started, 3), "peak_mb": round(peak_mb(), 1)}
        Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
