"""One emulation: namespaces, the delay line, a trace applied step by step, commands.

``Emulation`` is a context manager: entering builds the namespaces, veth and delay line;
leaving (normally, on Ctrl-C, SIGTERM or any exception, including a crash of COMMAND)
stops the commands, the delay line and removes the namespaces with their veth and qdiscs.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any

import numpy as np
from numpy.typing import NDArray

from leonet.emulate.netns import (
    LinkNamespaces,
    netlink_in,
    require_net_admin,
    setns_for_child,
)
from leonet.emulate.trace import Trace

__all__ = [
    "Emulation",
    "EmulationReport",
    "EmulationStopped",
    "StepApplied",
    "expected_rtt_ms",
    "kernel_has_netem",
]

#: Floor of the rate set during a served step whose modelled rate is 0 (tbf needs > 0).
_MIN_RATE_BPS = 8_000
#: tbf's queue, as time at the step's rate: the bottleneck buffer of the emulated link.
QUEUE_MS = 50.0


@dataclass(frozen=True)
class StepApplied:
    """What was applied at one step and how late (``late_ms``: after its scheduled time)."""

    step: int
    t_s: float
    delay_up_ms: float
    delay_down_ms: float
    rate_up_mbps: float
    rate_down_mbps: float
    loss: float
    outage: bool
    cause: str
    late_ms: float
    wall_s: float = 0.0  # time.monotonic() when applied

    def line(self, steps: int) -> str:
        head = f"step {self.step + 1:>4}/{steps}  t={self.t_s:8.1f} s  "
        if self.outage:
            return head + f"OUTAGE ({self.cause or 'unknown'})  late {self.late_ms:5.2f} ms"
        return (
            head + f"delay up {self.delay_up_ms:7.2f} ms down {self.delay_down_ms:7.2f} ms"
            f"  rate up {self.rate_up_mbps:7.2f} down {self.rate_down_mbps:7.2f} Mb/s"
            f"  loss {self.loss:.3f}  late {self.late_ms:5.2f} ms"
        )


@dataclass
class EmulationReport:
    """The steps applied and the delay line's packet counters."""

    steps: list[StepApplied] = field(default_factory=list)
    counters: dict[str, Any] = field(default_factory=dict)
    command_returncode: int | None = None

    @property
    def max_late_ms(self) -> float:
        return max((s.late_ms for s in self.steps), default=0.0)


class EmulationStopped(Exception):
    """SIGTERM or SIGHUP arrived: the emulation left through its cleanup."""


def _raise_stop(signum: int, _frame: FrameType | None) -> None:
    raise EmulationStopped(signal.Signals(signum).name)


def kernel_has_netem(link: LinkNamespaces) -> bool:
    """Whether this kernel has the netem qdisc: tried on the emulation's own veth (inside
    its namespace), never on a host interface."""
    from pyroute2.netlink.exceptions import NetlinkError

    with netlink_in(link.term_ns) as ns:
        index = ns.link_lookup(ifname=link.term_veth)[0]
        try:
            ns.tc("add", "netem", index, delay=1000)
        except NetlinkError:
            return False
        ns.tc("del", index=index)
        return True


def _netns_inode(name: str) -> int:
    return os.stat(f"/var/run/netns/{name}").st_ino


def _pids_in_netns(name: str) -> list[int]:
    """Processes inside namespace ``name`` (all started by this emulation)."""
    try:
        inode = _netns_inode(name)
    except FileNotFoundError:
        return []
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.stat(entry / "ns" / "net").st_ino == inode:
                    found.append(int(entry.name))
            except (FileNotFoundError, PermissionError, ProcessLookupError):
                continue
    return found


class Emulation:
    """A trace replayed between two namespaces.

    ``speed``: trace seconds per wall second (10 runs a 60 s trace in 6 s; delays stay
    real).  ``jitter``: apply the trace's jitter columns as random delay variation (uniform
    within ±jitter, never reordering); by default each step's delay is applied as is, so the
    delay varies step to step exactly as the model's path does.  ``echo`` receives each
    printed line.
    """

    def __init__(
        self,
        trace: Trace,
        *,
        speed: float = 1.0,
        jitter: bool = False,
        echo: Callable[[str], None] | None = None,
        seed: int = 0,
    ) -> None:
        if not speed > 0:
            raise ValueError(f"--speed must be > 0, got {speed}")
        self.trace, self.speed, self.jitter, self.seed = trace, speed, jitter, seed
        self.echo = echo or (lambda _line: None)
        self.link: LinkNamespaces | None = None
        self.report = EmulationReport()
        self._delayline: subprocess.Popen[str] | None = None
        self._commands: list[subprocess.Popen[bytes]] = []
        self._handles: list[Any] = []
        self._veth_index: list[int] = []
        self._old_handlers: dict[int, Any] = {}

    # -- set-up and tear-down -------------------------------------------------------------
    def __enter__(self) -> Emulation:
        require_net_admin()
        for signum in (signal.SIGTERM, signal.SIGHUP):
            self._old_handlers[signum] = signal.signal(signum, _raise_stop)
        try:
            self._start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _start(self) -> None:
        self.link = link = LinkNamespaces.fresh()
        link.create()
        config = {"link": link.__dict__, "seed": self.seed}
        self._delayline = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from leonet.emulate.delayline import delay_line_main; delay_line_main()",
                json.dumps(config),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)},
        )
        assert self._delayline.stdout is not None
        first = self._delayline.stdout.readline().strip()
        if first != "ready":
            raise RuntimeError(f"the delay line did not start (it said {first!r})")
        link.route_through_tun()
        for name, veth in ((link.term_ns, link.term_veth), (link.pop_ns, link.pop_veth)):
            handle = netlink_in(name)
            self._handles.append(handle)
            self._veth_index.append(handle.link_lookup(ifname=veth)[0])
        self.echo(
            f"namespaces {link.term_ns} (terminal, {link.term_addr}) and {link.pop_ns} "
            f"(PoP, {link.pop_addr}); delay line: userspace on TUN "
            f"(netem in this kernel: {'yes' if kernel_has_netem(link) else 'no'})"
        )
        self._set_rates(1.0, 1.0, create=True)

    def close(self) -> None:
        """Stop everything this emulation started and remove its namespaces.  Idempotent."""
        for command in self._commands:
            _stop_process(command)
        if self._delayline is not None:
            line = self._delayline
            self._delayline = None
            try:
                assert line.stdin is not None and line.stdout is not None
                line.stdin.close()
                out = line.stdout.read()  # the delay line exits when its stdin closes
                line.wait(timeout=5)
                counters = [x for x in out.splitlines() if x.startswith("{")]
                if counters:
                    self.report.counters = json.loads(counters[-1])
            except (subprocess.TimeoutExpired, OSError, ValueError):
                line.kill()
                line.wait()
        for handle in self._handles:
            handle.close()
        self._handles.clear()
        if self.link is not None:
            for name in (self.link.term_ns, self.link.pop_ns):
                for pid in _pids_in_netns(name):
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
            self.link.remove()
        for signum, handler in self._old_handlers.items():
            signal.signal(signum, handler)
        self._old_handlers.clear()

    # -- commands -------------------------------------------------------------------------
    def spawn(
        self, command: Sequence[str], *, side: str = "term", interactive: bool = False
    ) -> subprocess.Popen[bytes]:
        """Start ``command`` in the terminal's (``side="term"``) or PoP's namespace, with
        ``LEONET_PEER_ADDR`` (the other side's address) and ``LEONET_LOCAL_ADDR`` set."""
        assert self.link is not None
        link = self.link
        ns, local, peer = (
            (link.term_ns, link.term_addr, link.pop_addr)
            if side == "term"
            else (link.pop_ns, link.pop_addr, link.term_addr)
        )
        env = {
            **os.environ,
            "LEONET_PEER_ADDR": peer,
            "LEONET_LOCAL_ADDR": local,
            "LEONET_NETNS": ns,
        }
        try:
            proc = subprocess.Popen(
                list(command),
                env=env,
                preexec_fn=lambda: setns_for_child(ns),
                process_group=None if interactive else 0,
            )
        except FileNotFoundError:
            raise FileNotFoundError(f"command not found: {command[0]!r}") from None
        self._commands.append(proc)
        return proc

    # -- the trace ------------------------------------------------------------------------
    def _set_rates(self, up_mbps: float, down_mbps: float, *, create: bool = False) -> None:
        for handle, index, mbps in zip(
            self._handles, self._veth_index, (up_mbps, down_mbps), strict=True
        ):
            rate_bps = max(int(mbps * 1e6), _MIN_RATE_BPS)
            rate_bytes_s = rate_bps / 8
            burst = int(max(16_000, rate_bytes_s * 0.002))
            handle.tc(
                "add" if create else "replace",
                "tbf",
                index,
                rate=rate_bps // 8,
                burst=burst,
                latency=int(QUEUE_MS * 1000),
            )

    def _apply(self, k: int, late_ms: float) -> StepApplied:
        t = self.trace
        outage = bool(t.outage[k])
        jit = (float(t.jitter_up_ms[k]), float(t.jitter_down_ms[k])) if self.jitter else (0.0, 0.0)
        up_ms = 0.0 if outage else float(t.delay_up_ms[k])
        down_ms = 0.0 if outage else float(t.delay_down_ms[k])
        loss = float(t.loss[k])
        assert self._delayline is not None and self._delayline.stdin is not None
        try:
            self._delayline.stdin.write(
                f"{up_ms!r} {down_ms!r} {jit[0]!r} {jit[1]!r} "
                f"{loss!r} {loss!r} {1 if outage else 0}\n"
            )
            self._delayline.stdin.flush()
            applied_s = time.monotonic()  # the delay line has the step from here on
        except BrokenPipeError:
            raise RuntimeError(
                "the delay line process ended unexpectedly (its error is "
                "printed above); the emulation stopped"
            ) from None
        if not outage:
            self._set_rates(float(t.rate_up_mbps[k]), float(t.rate_down_mbps[k]))
        step = StepApplied(
            k,
            float(t.t_s[k]),
            up_ms,
            down_ms,
            float(t.rate_up_mbps[k]),
            float(t.rate_down_mbps[k]),
            loss,
            outage,
            t.cause[k],
            late_ms,
            applied_s,
        )
        self.report.steps.append(step)
        return step

    def play(
        self, *, until_exit: subprocess.Popen[bytes] | None = None, hold: bool = False
    ) -> EmulationReport:
        """Apply the trace step by step in real time / ``speed``.  Stop early when
        ``until_exit`` (COMMAND) ends; with ``hold``, keep the last step applied until
        interrupted.  Steps are scheduled against one clock started here, so lateness does
        not accumulate."""
        t = self.trace
        wall = (t.t_s - t.t_s[0]) / self.speed
        end = wall[-1] + (t.step_s / self.speed)
        policy = _realtime_pacing()
        try:
            return self._play(wall, end, until_exit, hold)
        finally:
            if policy is not None:
                os.sched_setscheduler(0, policy, os.sched_param(0))

    def _play(
        self,
        wall: NDArray[np.float64],
        end: float,
        until_exit: subprocess.Popen[bytes] | None,
        hold: bool,
    ) -> EmulationReport:
        t = self.trace
        start = time.monotonic()
        steps = len(t)
        for k in range(steps):  # one step of one path: paced by the clock, not a hot path
            if until_exit is not None and until_exit.poll() is not None:
                break
            target = start + wall[k]
            _sleep_until(target, until_exit)
            if until_exit is not None and until_exit.poll() is not None:
                break
            late_ms = (time.monotonic() - target) * 1e3
            self.echo(self._apply(k, late_ms).line(steps))
        else:
            _sleep_until(start + end, until_exit)
            if hold:
                self.echo("trace ended; holding its last step until Ctrl-C")
                while until_exit is None or until_exit.poll() is None:
                    time.sleep(0.5)
        if until_exit is not None:
            if until_exit.poll() is None:
                self.echo("trace ended; stopping COMMAND")
                _stop_process(until_exit)
            self.report.command_returncode = until_exit.returncode
        return self.report


def _realtime_pacing() -> int | None:
    """Pace the steps at SCHED_FIFO where allowed (reset on fork: COMMAND and the servers
    run at normal priority), so a busy machine delays a step less.  Returns the policy to
    restore, or None if unchanged."""
    try:
        before = os.sched_getscheduler(0)
        os.sched_setscheduler(0, os.SCHED_FIFO | os.SCHED_RESET_ON_FORK, os.sched_param(5))
    except (OSError, AttributeError):
        return None
    return before


def _sleep_until(target: float, proc: subprocess.Popen[bytes] | None) -> None:
    while True:
        left = target - time.monotonic()
        if left <= 0 or (proc is not None and proc.poll() is not None):
            return
        time.sleep(min(left, 0.2))


def _stop_process(proc: subprocess.Popen[Any]) -> None:
    if proc.poll() is not None:
        return
    try:
        group = os.getpgid(proc.pid)
        if group == proc.pid:
            os.killpg(group, signal.SIGTERM)
        else:
            proc.terminate()
        proc.wait(timeout=3)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        proc.wait()


def expected_rtt_ms(report: EmulationReport, sent_s: NDArray[np.float64]) -> NDArray[np.float64]:
    """The RTT (ms) the trace gives a probe sent at monotonic times ``sent_s``: the up delay
    of the step applied when it left plus the down delay of the step applied when it
    reached the far end; NaN where either leg met an outage or no step was applied yet."""
    wall = np.array([s.wall_s for s in report.steps])
    up = np.array([np.nan if s.outage else s.delay_up_ms for s in report.steps])
    down = np.array([np.nan if s.outage else s.delay_down_ms for s in report.steps])
    k_up = np.searchsorted(wall, sent_s, side="right") - 1
    up_ms = np.where(k_up >= 0, up[np.maximum(k_up, 0)], np.nan)
    k_down = np.searchsorted(wall, sent_s + np.nan_to_num(up_ms) / 1e3, side="right") - 1
    return np.asarray(up_ms + down[np.maximum(k_down, 0)], dtype=np.float64)
