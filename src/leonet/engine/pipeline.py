"""Chunks of a run computed by forked worker processes, committed in order by this one.

SGP4's C++ holds the GIL and the per-step stages are NumPy/SciPy calls on small
arrays, so threads do not share the work out; processes do.  A chunk's work is
almost all independent of the other chunks: only a small *carry* (the
scheduler's state) passes from each chunk to the next, and it is needed late in
the chunk.  So :func:`run_in_workers` deals the chunks out round-robin — worker
``k`` of ``n`` computes chunks ``first + k``, ``first + k + n``, … — and each
worker, after the independent part of its chunk, waits for the carry of the
chunk before it, publishes its own, and finishes its chunk.  The workers run in
step, every core busy, and only small messages cross between processes (the
carries, relayed by this process, and each chunk's results).

This process (the *coordinator*) only relays carries and commits results, in
chunk order: it writes files and checkpoints, so what is on disk is exactly
what a single process would have written by then.  The workers are forked (no
re-initialisation: they inherit the resolved scenario) and never write.

Failure handling: a worker that raises sends its exception as text — the type's
module and name, its arguments where they are plain numbers and strings, the
message and the traceback — and this process raises an equivalent error (the same
type where it is loaded here, else :class:`RuntimeError` naming it), the worker's
traceback attached as a note: nothing is unpickled from a worker's failure, and an
exception that does not pickle still comes back.  A worker that dies (killed, out of
memory) is reported with its exit status; Ctrl-C (``KeyboardInterrupt``) here
ends the workers; if this process is killed the workers see their pipe close
(and on Linux get ``SIGTERM`` from the kernel) and exit.  In every case the
workers are gone when :func:`run_in_workers` returns or raises, and the last
commit stands.

Numba's parallel kernels use a threading layer that is started once per
process; GNU OpenMP's cannot be used again in a child forked after it started.
The coordinator itself runs no kernel, and :func:`fork_unsafe_reason` tells the
caller when forking is not safe (the layer already runs here), so that it runs
in one process instead.
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import os
import queue
import signal
import sys
import threading
import traceback
import warnings
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection, wait
from typing import Any

from leonet.engine._memory import keep_freed_memory

# Only the error is public: the rest is the run driver's plumbing (engine/run.py imports it).
__all__ = ["WorkerError"]

#: Seconds a worker gets to exit after it was told to stop, before it is killed.
_GRACE_S = 5.0


class WorkerError(RuntimeError):
    """A worker process ended without finishing its chunks (killed, out of memory)."""


def available_cpus() -> int:
    """CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def fork_unsafe_reason() -> str | None:
    """Why worker processes cannot be forked from this one now (``None``: they can)."""
    if sys.platform != "linux" or "fork" not in multiprocessing.get_all_start_methods():
        return f"forked workers are only used on Linux (this is {sys.platform})"
    try:
        from numba.np.ufunc import parallel
    except ImportError:  # pragma: no cover - numba is a dependency
        return None
    started = getattr(parallel, "_is_initialized", True)
    layer = getattr(parallel, "_threading_layer", None)
    if started and layer not in ("tbb", "workqueue"):
        return (
            f"numba's {layer or 'unknown'} threading layer already runs in this process "
            "and cannot be used in a forked child; run in a fresh process to use workers"
        )
    return None


def run_in_workers(
    indices: Sequence[int],
    work: Callable[[int, Callable[[], Any], Callable[[Any], None]], Any],
    commit: Callable[[int, Any], None],
    *,
    processes: int = 2,
    threads_per_process: int | None = None,
) -> None:
    """Run ``work`` for each of ``indices`` in ``processes`` forked workers;
    ``commit(index, result)`` here, in index order, as the results arrive.

    ``work(index, receive, publish)`` runs in a worker.  ``receive()`` returns
    the carry published for the index before (for ``indices[0]`` there is none
    to receive: the worker inherited it); ``publish(carry)`` hands this index's
    carry to the worker of the next index — call it as early as the carry is
    known.  Results and carries must pickle.  ``threads_per_process`` caps
    numba's threads in each worker (default: the CPUs shared out).

    A worker's exception is re-raised here (with the worker's traceback as a
    note); :class:`WorkerError` if a worker dies.  Whatever happens, every
    worker has ended when this returns or raises.
    """
    order = list(indices)
    if not order:
        return
    n = max(1, min(processes, len(order)))
    threads = threads_per_process or max(1, available_cpus() // n)
    ctx = multiprocessing.get_context("fork")
    links: list[Connection] = []
    procs: list[Any] = []
    outbox: queue.SimpleQueue[tuple[Connection, Any] | None] = queue.SimpleQueue()
    sender: threading.Thread | None = None
    finished = False
    try:
        for k in range(n):
            here, there = ctx.Pipe(duplex=True)
            proc = ctx.Process(
                target=_worker,
                name=f"leonet-worker-{k}",
                daemon=True,
                args=(work, order[k::n], there, [*links, here], threads, os.getpid()),
            )
            # Python 3.12+ warns of forking while threads run (a progress bar's); the
            # workers take none of their locks (see _fresh_std_streams).
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                proc.start()
            there.close()
            links.append(here)
            procs.append(proc)
        # Carries are relayed from a thread, so that this process never blocks on a send
        # while a worker blocks sending it a result.
        sender = threading.Thread(
            target=_send_all, args=(outbox,), daemon=True, name="leonet-relay"
        )
        sender.start()
        _coordinate(order, links, procs, outbox, commit)
        finished = True
    finally:
        outbox.put(None)
        _stop(procs, links, graceful=finished)
        if sender is not None:
            sender.join(_GRACE_S)


def _coordinate(
    order: list[int],
    links: list[Connection],
    procs: list[Any],
    outbox: queue.SimpleQueue[tuple[Connection, Any] | None],
    commit: Callable[[int, Any], None],
) -> None:
    n = len(procs)
    owner = {index: k % n for k, index in enumerate(order)}
    following = dict(itertools.pairwise(order))
    remaining = [len(order[k::n]) for k in range(n)]
    results: dict[int, Any] = {}
    position = 0
    while position < len(order):
        active = [k for k in range(n) if remaining[k]]
        wait([links[k] for k in active] + [procs[k].sentinel for k in active])
        for k in active:
            link, proc = links[k], procs[k]
            closed = False
            while remaining[k]:
                try:
                    if not link.poll():
                        break
                    kind, index, payload = link.recv()
                except (EOFError, OSError):
                    closed = True
                    break
                if kind == "carry":
                    if index in following:
                        outbox.put((links[owner[following[index]]], ("carry", index, payload)))
                elif kind == "result":
                    results[index] = payload
                    remaining[k] -= 1
                else:
                    _raise_remote(k, index, payload)
            if remaining[k] and (closed or not proc.is_alive()):
                if not closed and link.poll():
                    continue  # its last messages are still to be read
                proc.join(_GRACE_S)
                missing = min(i for i in order[k::n] if i not in results and i >= order[position])
                raise WorkerError(
                    f"worker process {proc.pid} ended ({_describe_exit(proc.exitcode)}) "
                    f"before it finished chunk {missing}; the chunks before {order[position]} "
                    "are committed"
                )
        while position < len(order) and order[position] in results:
            commit(order[position], results.pop(order[position]))
            position += 1


def _raise_remote(k: int, index: int, payload: tuple[str, str, list[Any] | None, str, str]) -> None:
    module, name, args, message, text = payload
    exc = _rebuild(module, name, args, message)
    exc.add_note(
        f"(raised in worker {k} on chunk {index}; its traceback follows)\n" + text.rstrip()
    )
    raise exc


#: Argument types an exception is rebuilt from (the rest: its message only).
_PLAIN = (str, int, float, bool, type(None))


def _describe_error(exc: BaseException) -> tuple[str, str, list[Any] | None, str]:
    """``exc`` as text: its type's module and qualified name, its arguments where all are
    plain strings and numbers (else ``None``), and its message."""
    kind = type(exc)
    given: tuple[Any, ...] = exc.args
    if isinstance(exc, OSError) and len(given) == 2 and exc.filename is not None:
        given = (*given, exc.filename, None, exc.filename2)  # not in args
    args = list(given) if all(isinstance(a, _PLAIN) for a in given) else None
    try:
        message = str(exc)
    except Exception:  # a broken __str__
        message = repr(exc.args)
    return kind.__module__, kind.__qualname__, args, message


def _rebuild(module: str, name: str, args: list[Any] | None, message: str) -> BaseException:
    """The error :func:`_describe_error` described: of the same type where that type is
    loaded in this process (the workers are forked from it, so leonet's and the standard
    library's are) and accepts the arguments, else a :class:`RuntimeError` naming it.
    Nothing is imported or unpickled."""
    found: Any = sys.modules.get(module)
    for part in name.split("."):
        found = getattr(found, part, None)
    if isinstance(found, type) and issubclass(found, BaseException):
        for attempt in ((*args,) if args is not None else (message,), (message,)):
            try:
                exc = found(*attempt)
            except Exception:  # it wants other arguments
                continue
            if isinstance(exc, found):
                return exc
    label = name if module == "builtins" else f"{module}.{name}"
    return RuntimeError(f"{label}: {message}" if message else label)


def _describe_exit(code: int | None) -> str:
    if code is None:
        return "no exit status"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = str(-code)
        return f"signal {name}" + (", perhaps out of memory" if -code == signal.SIGKILL else "")
    return f"exit code {code}"


def _send_all(outbox: queue.SimpleQueue[tuple[Connection, Any] | None]) -> None:
    while (item := outbox.get()) is not None:
        link, message = item
        with contextlib.suppress(OSError, ValueError):  # a worker gone is reported elsewhere
            link.send(message)


def _stop(procs: list[Any], links: list[Connection], *, graceful: bool) -> None:
    """Reap every worker: those done exit by themselves; the rest (on a failure or an
    interruption here) get SIGTERM — they write nothing, so nothing is left half-done."""
    for proc in procs:
        if graceful:
            proc.join(_GRACE_S)
        if proc.is_alive():
            proc.terminate()
    for link in links:
        link.close()
    for proc in procs:
        proc.join(_GRACE_S)
        if proc.is_alive():  # pragma: no cover - workers do not ignore SIGTERM
            proc.kill()
            proc.join()


# ------------------------------------------------------------------ in a worker
class _Stopped(Exception):
    """The coordinator closed the pipe (it stops or is gone)."""


def _worker(
    work: Callable[[int, Callable[[], Any], Callable[[Any], None]], Any],
    indices: list[int],
    link: Connection,
    inherited: list[Connection],
    threads: int,
    coordinator: int,
) -> None:
    for other in inherited:  # the coordinator's ends of the pipes
        other.close()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the coordinator's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with(coordinator)
    _fresh_std_streams()
    _share_cores(threads)
    _keep_freed_memory()

    def send(message: tuple[str, int, Any]) -> None:
        try:
            link.send(message)
        except (OSError, ValueError) as exc:
            raise _Stopped from exc

    code, index = 0, indices[0]
    try:
        for index in indices:

            def receive(index: int = index) -> Any:
                try:
                    kind, previous, carry = link.recv()
                except (EOFError, OSError) as exc:
                    raise _Stopped from exc
                if kind != "carry" or previous >= index:
                    raise RuntimeError(f"chunk {index} was sent the {kind} of chunk {previous}")
                return carry

            def publish(carry: Any, index: int = index) -> None:
                send(("carry", index, carry))

            send(("result", index, work(index, receive, publish)))
    except _Stopped:
        code = 0
    except BaseException as exc:  # everything goes back to the coordinator
        code = 1
        text = traceback.format_exc()
        with contextlib.suppress(OSError, ValueError):
            link.send(("error", index, (*_describe_error(exc), text)))
    finally:
        os._exit(code)  # skip the atexit handlers and stream flushes inherited from the parent


def _die_with(coordinator: int) -> None:
    """Have Linux send this worker SIGTERM when the coordinator dies (exit now if it has)."""
    try:
        import ctypes

        ctypes.CDLL(None).prctl(1, int(signal.SIGTERM), 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - no prctl
        pass
    if os.getppid() != coordinator:
        os._exit(0)


def _fresh_std_streams() -> None:
    """New ``sys.stdout``/``sys.stderr`` objects on the same descriptors: a thread of the
    coordinator (a progress bar) may have held a stream's lock when it forked, and a
    warning printed here would then wait for it forever."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        try:
            fd = stream.fileno()
        except (AttributeError, OSError, ValueError):  # captured (pytest) or closed: keep it
            continue
        encoding = getattr(stream, "encoding", None) or "utf-8"
        setattr(
            sys,
            name,
            open(  # noqa: SIM115 — the stream lives as long as the process
                fd,
                "w",
                buffering=1,
                encoding=encoding,
                errors="backslashreplace",
                closefd=False,
            ),
        )


def _keep_freed_memory() -> None:
    """Have glibc's malloc keep large freed blocks for the next chunk instead of handing
    them back to the kernel (and faulting fresh zeroed pages in again): ~7 % of a chunk's
    time on the 2-vCPU VM.  Peak memory is unchanged; only this worker is affected.  The
    settings are :mod:`leonet.engine._memory`'s; one glibc refuses is warned of, not fatal."""
    if keep_freed_memory() is False:
        warnings.warn(
            "glibc refused the malloc settings of leonet.engine._memory; "
            "chunks run, a little slower",
            RuntimeWarning,
            stacklevel=2,
        )


def _share_cores(threads: int) -> None:
    try:
        import numba
    except ImportError:  # pragma: no cover - numba is a dependency
        return
    most = int(getattr(numba.config, "NUMBA_NUM_THREADS", threads))
    numba.set_num_threads(max(1, min(threads, most)))
