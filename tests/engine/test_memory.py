"""reusing_freed_memory: freed arrays stay paged in while inside, go back on leaving."""

import subprocess
import sys

import pytest

SCRIPT = """
import numpy as np
from leonet.engine._memory import reusing_freed_memory

def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20

def churn():
    arrays = [np.ones(1_000_000) for _ in range(40)]   # 40 x 8 MB, paged in
    del arrays

before = rss_mb()
if {inside}:
    with reusing_freed_memory() as active:
        assert active
        churn()
        print(rss_mb() - before)
    print(rss_mb() - before)
else:
    churn()
    print(rss_mb() - before)
"""


def _run(inside: bool) -> list[float]:
    out = subprocess.run([sys.executable, "-c", SCRIPT.format(inside=inside)],
                         capture_output=True, text=True, check=True)
    return [float(x) for x in out.stdout.split()]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc is Linux's")
def test_freed_blocks_stay_resident_only_while_inside():
    (default,) = _run(False)
    kept, after = _run(True)
    assert default < 100.0  # by default glibc gives most of the 320 MB back
    assert kept > 250.0  # inside, it is kept for the next chunk
    assert after < 100.0  # and handed back on leaving
