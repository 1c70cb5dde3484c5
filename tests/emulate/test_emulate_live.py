"""Live emulation in network namespaces (CI runs these as root; without CAP_NET_ADMIN they
fail, saying so).  Ping through the emulation must reproduce the trace's RTT; outages must
appear within one step; nothing may be left behind however the emulation ends."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

import leonet
from leonet.emulate import (
    Emulation,
    EmulationPermissionError,
    Trace,
    expected_rtt_ms,
    leftover_namespaces,
    require_net_admin,
    synthetic_trace_time,
    write_trace,
)

SRC = str(Path(leonet.__file__).parents[1])
ENV = {**os.environ, "PYTHONPATH": SRC}
LEONET = [sys.executable, "-c", "from leonet.cli import main; main()"]
PROBE = [sys.executable, "-c", "from leonet.emulate import probe_main; probe_main()"]


def stepped_trace(seconds: int = 60, outage: tuple[int, int] = (20, 30)) -> Trace:
    """1-s steps; the one-way delay walks 8..28 ms (a handover every 15 s jumps it), the
    rate is 50/10 Mb/s, and ``outage`` (start, end) seconds is a cut-off."""
    t_s = np.arange(seconds, dtype=float)
    down = np.arange(seconds) % 10 == 0
    down[:] = False
    down[outage[0] : outage[1]] = True
    owd = 8.0 + (t_s % 15) * 1.3 + np.where((t_s // 15) % 2 == 1, 5.0, 0.0)
    owd = np.where(down, np.nan, owd)
    return Trace(
        terminal="test",
        to="pop",
        step_s=1.0,
        t_s=t_s,
        time=synthetic_trace_time(datetime(2026, 5, 30, 12, tzinfo=UTC), t_s),
        delay_up_ms=owd,
        delay_down_ms=owd * 0.9,
        jitter_up_ms=np.zeros(seconds),
        jitter_down_ms=np.zeros(seconds),
        rate_up_mbps=np.where(down, 0.0, 10.0),
        rate_down_mbps=np.where(down, 0.0, 50.0),
        loss=np.where(down, 1.0, 0.0),
        outage=down,
        cause=tuple("area-cut-off" if d else "" for d in down),
    )


def test_without_cap_net_admin_the_error_says_what_is_needed():
    status = "Name:\tleonet\nCapInh:\t0\nCapPrm:\t0\nCapEff:\t0000000000000000\n"
    with pytest.raises(EmulationPermissionError, match=r"CAP_NET_ADMIN and CAP_SYS_ADMIN.*root"):
        require_net_admin(status)
    require_net_admin("CapEff:\t000001ffffffffff\n")  # root's full set passes


@pytest.mark.usefixtures("net_admin")
def test_the_command_without_capabilities_fails_cleanly(tmp_path):
    trace = tmp_path / "t.csv"
    write_trace(stepped_trace(5, (2, 3)), trace)
    drop = ["setpriv", "--inh-caps=-all", "--bounding-set=-net_admin,-sys_admin", "--"]
    out = subprocess.run(
        [*drop, *LEONET, "emulate", str(trace), "--", "true"],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=120,
    )
    assert out.returncode == 2, out.stderr
    assert "needs CAP_NET_ADMIN" in out.stderr and "Traceback" not in out.stderr


@pytest.mark.usefixtures("net_admin")
def test_ping_reproduces_the_trace_and_its_outage_60s_at_10x(tmp_path):
    trace = stepped_trace()
    speed, interval_s = 10.0, 0.02
    result = tmp_path / "ping.json"
    with Emulation(trace, speed=speed) as emu:
        pinger = emu.spawn(
            [
                *PROBE,
                "ping",
                emu.link.pop_addr,
                "--count",
                str(int(6.0 / interval_s)),
                "--interval",
                str(interval_s),
                "--out",
                str(result),
            ]
        )
        report = emu.play(until_exit=None)
        pinger.wait(timeout=30)
    probes = json.loads(result.read_text())
    sent = np.array([p["sent_s"] for p in probes])
    rtt = np.array([np.nan if p["rtt_ms"] is None else p["rtt_ms"] for p in probes])
    expected = expected_rtt_ms(report, sent)
    start = report.steps[0].wall_s
    trace_t = (sent - start) * speed
    inside = (trace_t >= 0.5) & (trace_t < 59.0)

    # Served probes: RTT as the trace says, within 1 ms at the median and the 95th pct.
    served = inside & np.isfinite(expected)
    assert served.sum() > 200
    assert np.all(np.isfinite(rtt[served])), "a probe was lost while the trace was served"
    error = np.abs(rtt[served] - expected[served])
    assert np.percentile(error, 50) < 1.0, np.percentile(error, [50, 95])
    assert np.percentile(error, 95) < 1.0, np.percentile(error, [50, 95])
    # The distributions agree too.  The trace's RTT is a step function (1.17-ms steps here),
    # so a few outliers (a loaded machine) move a percentile by a whole step: the ping's
    # percentile is held within 1 ms of the trace's, one percentile point either side.
    for q in (50, 95):
        got = np.percentile(rtt[served], q)
        low, high = np.percentile(expected[served], [q - 1, q + 1])
        assert low - 1.0 < got < high + 1.0, (q, got, low, high)

    # The outage (trace seconds 20-30): every probe inside it lost, none outside it
    # (a step's slack at each edge: a probe's reply can cross the edge).
    lost = inside & ~np.isfinite(rtt)
    assert np.all(~np.isfinite(rtt[inside & (trace_t >= 20.0) & (trace_t < 29.0)]))
    assert lost.sum() > 0
    assert trace_t[lost].min() >= 19.0 and trace_t[lost].max() < 31.0
    # Each step applied well within its own step (100 ms of wall time at 10x).
    assert max(s.late_ms for s in report.steps) < 50.0
    assert report.counters["outage_up"] > 0 and report.counters["lost_up"] == 0


@pytest.mark.usefixtures("net_admin")
def test_tbf_holds_the_trace_s_rate_down(tmp_path):
    trace = stepped_trace(80, (78, 79))
    result = tmp_path / "sink.json"
    with Emulation(trace, speed=10.0) as emu:
        sink = emu.spawn(
            [*PROBE, "sink", "--port", "5301", "--seconds", "3.5", "--out", str(result)]
        )
        time.sleep(0.3)
        emu.spawn(
            [*PROBE, "send", emu.link.term_addr, "--port", "5301", "--seconds", "3.5"], side="pop"
        )
        emu.play(until_exit=sink)
    per_second = json.loads(result.read_text())
    steady = per_second[1:]  # after TCP's slow start
    assert steady, per_second
    # 50 Mb/s of trace rate.  tbf must hold it: no second above the rate (TCP/IP headers
    # take ~3 %).  And the path must carry it: the best steady second within 10 % of it.
    # (A second below that on a machine busy with other work is the userspace delay line
    # starved of CPU, not the rate limit: the goal itself is measured on an idle machine by
    # benchmarks/bench_emulate.py.)
    assert max(steady) <= 50.5, per_second
    assert max(steady) >= 45.0, per_second


def _wait_for_namespaces(before, timeout_s=60.0):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        new = set(leftover_namespaces()) - before
        if len(new) == 2:
            return new
        time.sleep(0.1)
    raise AssertionError("the emulation did not build its namespaces")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
@pytest.mark.usefixtures("net_admin")
def test_a_signal_removes_everything(tmp_path, signum):
    trace = tmp_path / "t.csv"
    write_trace(stepped_trace(), trace)
    marker = tmp_path / "alive"
    before = set(leftover_namespaces())
    proc = subprocess.Popen(
        [*LEONET, "emulate", str(trace), "--", "sh", "-c", f"touch {marker}; sleep 60"],
        env=ENV,
        stderr=subprocess.PIPE,
        text=True,
    )
    _wait_for_namespaces(before)
    deadline = time.monotonic() + 30
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode != 0
    assert set(leftover_namespaces()) == before, err
    assert "Traceback" not in err, err
    leftovers = subprocess.run(["pgrep", "-f", f"touch {marker}"], capture_output=True)
    assert leftovers.stdout == b""


@pytest.mark.usefixtures("net_admin")
def test_a_crashing_command_removes_everything(tmp_path):
    trace = tmp_path / "t.json"
    write_trace(stepped_trace(), trace)
    crash = "import os, signal; os.kill(os.getpid(), signal.SIGSEGV)"
    out = subprocess.run(
        [*LEONET, "emulate", str(trace), "--speed", "10x", "--", sys.executable, "-c", crash],
        env=ENV,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode != 0
    assert "step    1/60" in out.stderr


@pytest.mark.usefixtures("net_admin")
def test_two_emulations_at_once_do_not_collide():
    trace = stepped_trace(10, (8, 9))
    with Emulation(trace, speed=10.0) as one, Emulation(trace, speed=10.0) as two:
        assert {one.link.term_ns, one.link.pop_ns}.isdisjoint({two.link.term_ns, two.link.pop_ns})
        names = set(leftover_namespaces())
        assert {one.link.term_ns, two.link.term_ns} <= names


@pytest.mark.usefixtures("net_admin")
def test_loss_drops_the_trace_s_fraction_each_way(tmp_path):
    trace = stepped_trace(40, (38, 39))
    trace = Trace(
        **{
            **{
                c: getattr(trace, c)
                for c in (
                    "terminal",
                    "to",
                    "step_s",
                    "t_s",
                    "time",
                    "delay_up_ms",
                    "delay_down_ms",
                    "jitter_up_ms",
                    "jitter_down_ms",
                    "rate_up_mbps",
                    "rate_down_mbps",
                    "outage",
                    "cause",
                )
            },
            "loss": np.where(trace.outage, 1.0, 0.2),
        }
    )
    result = tmp_path / "ping.json"
    with Emulation(trace, speed=10.0, seed=7) as emu:
        pinger = emu.spawn(
            [
                *PROBE,
                "ping",
                emu.link.pop_addr,
                "--count",
                "300",
                "--interval",
                "0.01",
                "--out",
                str(result),
            ]
        )
        report = emu.play(until_exit=None)
        pinger.wait(timeout=30)
    replies = sum(p["rtt_ms"] is not None for p in json.loads(result.read_text()))
    # A round trip survives with 0.8 × 0.8 = 0.64: 192 of 300, binomial sd 8.3 (±4 sd).
    assert 159 <= replies <= 225, replies
    c = report.counters
    assert c["lost_up"] > 0 and c["lost_down"] > 0
    assert abs(c["lost_up"] / c["in_up"] - 0.2) < 0.1


@pytest.mark.usefixtures("net_admin")
def test_jitter_spreads_delay_within_its_bounds(tmp_path):
    base = stepped_trace(30, (28, 29))
    fields = {
        c: getattr(base, c)
        for c in (
            "terminal",
            "to",
            "step_s",
            "t_s",
            "time",
            "rate_up_mbps",
            "rate_down_mbps",
            "loss",
            "outage",
            "cause",
        )
    }
    # A constant 15 ms each way, so only the jitter varies the delay.
    flat = np.where(base.outage, np.nan, 15.0)
    trace = Trace(
        **fields,
        delay_up_ms=flat,
        delay_down_ms=flat,
        jitter_up_ms=np.full(30, 4.0),
        jitter_down_ms=np.full(30, 4.0),
    )
    result = tmp_path / "ping.json"
    with Emulation(trace, speed=10.0, jitter=True) as emu:
        pinger = emu.spawn(
            [
                *PROBE,
                "ping",
                emu.link.pop_addr,
                "--count",
                "120",
                "--interval",
                "0.02",
                "--out",
                str(result),
            ]
        )
        report = emu.play(until_exit=None)
        pinger.wait(timeout=30)
    probes = json.loads(result.read_text())
    sent = np.array([p["sent_s"] for p in probes])
    rtt = np.array([np.nan if p["rtt_ms"] is None else p["rtt_ms"] for p in probes])
    error = rtt - expected_rtt_ms(report, sent)
    error = error[np.isfinite(error)]
    assert error.size > 80
    # Uniform ±4 ms each way: an RTT within ±8 ms (+1 ms for the element and the machine),
    # spread with a standard deviation near 4·sqrt(2/3) = 3.3 ms.
    assert np.percentile(error, 2) > -8.0 and np.percentile(error, 98) < 9.0, error
    assert 1.5 < np.std(error) < 5.0, np.std(error)
