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
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(inside=inside)],
        capture_output=True,
        text=True,
        check=True,
    )
    return [float(x) for x in out.stdout.split()]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc is Linux's")
def test_freed_blocks_stay_resident_only_while_inside():
    (default,) = _run(False)
    kept, after = _run(True)
    assert default < 100.0  # by default glibc gives most of the 320 MB back
    assert kept > 250.0  # inside, it is kept for the next chunk
    assert after < 100.0  # and handed back on leaving


WORKER_SCRIPT = """
import ctypes
import numpy as np
from leonet.engine.pipeline import run_in_workers

libc = ctypes.CDLL("libc.so.6")
class MallInfo2(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in ("arena", "ordblks", "smblks", "hblks", "hblkhd",
                                                "usmblks", "fsmblks", "uordblks", "fordblks",
                                                "keepcost")]
libc.mallinfo2.restype = MallInfo2
libc.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
# This process: glibc's default mmap threshold, held fixed (128 KiB), so only a setting
# made in the worker lets it serve the blocks below from the heap.
assert libc.mallopt(-3, 128 * 1024) == 1

def mmapped_blocks(n_bytes):
    before = libc.mallinfo2().hblks
    block = np.empty(n_bytes, dtype=np.uint8)
    block[::4096] = 1
    after = libc.mallinfo2().hblks
    del block
    return after - before

def work(index, receive, publish):
    return (mmapped_blocks(16 * 2**20), mmapped_blocks(48 * 2**20))

results = []
run_in_workers([0], work, lambda i, r: results.append(r), processes=1)
print(*results[0])
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc is Linux's")
def test_a_worker_serves_blocks_up_to_the_documented_32_mib_from_the_heap():
    from leonet.engine._memory import MMAP_THRESHOLD_BYTES

    assert MMAP_THRESHOLD_BYTES == 32 * 2**20  # the maximum _memory documents
    out = subprocess.run(
        [sys.executable, "-c", WORKER_SCRIPT], capture_output=True, text=True, check=True
    )
    below, above = (int(x) for x in out.stdout.split())
    assert below == 0  # 16 MiB: from the heap
    assert above == 1  # 48 MiB: above the documented threshold, its own mapping (not 1 GiB)
