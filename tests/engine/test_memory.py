"""reuse_freed_memory: freed arrays stay paged in for the next chunk (glibc, Linux)."""

import subprocess
import sys

import pytest

SCRIPT = """
import numpy as np
from leonet.engine._memory import reuse_freed_memory

def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20

ok = {setting}
if ok:
    assert reuse_freed_memory()
before = rss_mb()
arrays = [np.ones(1_000_000) for _ in range(40)]   # 40 x 8 MB, paged in
del arrays
print(rss_mb() - before)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc is Linux's")
def test_freed_blocks_stay_resident_for_reuse_only_when_asked():
    kept = {}
    for setting in (False, True):
        out = subprocess.run([sys.executable, "-c", SCRIPT.format(setting=setting)],
                             capture_output=True, text=True, check=True)
        kept[setting] = float(out.stdout.split()[-1])
    assert kept[True] > 250.0  # of the 320 MB freed, kept for the next chunk
    assert kept[False] < 100.0  # by default glibc gives most of it back
