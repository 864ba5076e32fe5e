"""The cyclic garbage collector held off while a stage makes many objects that form no cycles.

Python starts a collection every few hundred new objects, and a full one each time the survivors grow
by a quarter, each walking every object alive: reading 10,000 files that way spends a third of its
time collecting, and finds nothing, since parsed data, problems and the model are trees.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Automatic collection off for the block (and in workers forked in it), as it was after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
