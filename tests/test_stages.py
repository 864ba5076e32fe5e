"""The build's stages: what each took, and what each freed handed back to the system when it ends."""

from __future__ import annotations

import json
import platform
import subprocess
import sys

import pytest

STAGE = r'''
import gc, json
from gongkai.stages import Stopwatch

def resident():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096

clock = Stopwatch()
with clock.stage("passing"):
    kept, passing = [], []
    for n in range(60_000):  # 60 MB, one block in fifty kept: the freed memory is not at the heap's end
        passing.append(bytes(1000))
        if n % 50 == 0:
            kept.append(bytes(1000))
    held = resident()
    del passing
    gc.collect()
    freed = resident()
print(json.dumps([held, freed, resident(), list(clock.stages)]))
'''


@pytest.mark.skipif(platform.system() != "Linux" or platform.libc_ver()[0] != "glibc", reason="glibc's malloc_trim")
def test_what_a_stage_freed_goes_back_to_the_system_when_it_ends() -> None:
    proc = subprocess.run([sys.executable, "-c", STAGE], capture_output=True, text=True, check=True)
    held, freed, after, stages = json.loads(proc.stdout)
    assert stages == ["passing"]
    assert freed > held - 10 * 2**20, "glibc keeps what was freed"
    assert after < held - 40 * 2**20, (held, freed, after)
