"""Emulation fidelity and the delay line's capacity (issue 14).  Needs root.

1. RTT: the bundled ``quick`` run (10 min of Kyiv's path at 10-s steps) replayed at
   ``--speed`` with the bundled ICMP ping every ``--ping-interval-s``; per-probe error
   against the trace (p50, p95) and the ping vs trace RTT percentiles (target: 1 ms).
2. Throughput: a constant trace at ``--down-mbps`` / ``--up-mbps``; the bundled TCP
   sender's goodput each way (target: within 10 %), then higher rates down until the
   goodput falls below 90 % of the rate: the highest rate the delay element holds.
3. Packet rate: 64-byte UDP datagrams sent flat out through the delay line for 3 s; the
   packets per second it forwards.
4. Timing: a ``--drift-s`` trace of 1-s steps at 1x; lateness of each step's update
   (target: < 10 ms drift over 10 min; shorter windows are extrapolated, which the
   output says).

    sudo python benchmarks/bench_emulate.py [--speed 10] [--drift-s 120] [--skip-rtt]

CPU timing on a shared machine is noisy: run it on a quiet one and state the load.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from leonet.emulate import (
    Emulation,
    EmulationPermissionError,
    Trace,
    expected_rtt_ms,
    require_net_admin,
    synthetic_trace_time,
    trace_from_run,
)

PROBE = [sys.executable, "-c", "from leonet.emulate import probe_main; probe_main()"]


def constant_trace(seconds: int, down_mbps: float, up_mbps: float, owd_ms: float = 15.0) -> Trace:
    t_s = np.arange(seconds, dtype=float)
    zeros = np.zeros(seconds)
    return Trace(
        terminal="bench",
        to="pop",
        step_s=1.0,
        t_s=t_s,
        time=synthetic_trace_time(datetime(2026, 5, 30, 12, tzinfo=UTC), t_s),
        delay_up_ms=zeros + owd_ms,
        delay_down_ms=zeros + owd_ms,
        jitter_up_ms=zeros,
        jitter_down_ms=zeros,
        rate_up_mbps=zeros + up_mbps,
        rate_down_mbps=zeros + down_mbps,
        loss=zeros,
        outage=zeros.astype(bool),
        cause=("",) * seconds,
    )


def bench_rtt(speed: float, interval_s: float, work: Path) -> None:
    from leonet.engine import run_scenario
    from leonet.scenario import load_scenario

    run = work / "run"
    run_scenario(load_scenario("quick"), run, workers=1)
    trace = trace_from_run(run, "Kyiv")
    wall_s = (trace.t_s[-1] - trace.t_s[0] + trace.step_s) / speed
    out = work / "ping.json"
    with Emulation(trace, speed=speed) as emu:
        assert emu.link is not None
        pinger = emu.spawn(
            [
                *PROBE,
                "ping",
                emu.link.pop_addr,
                "--count",
                str(int(wall_s / interval_s) - 5),
                "--interval",
                str(interval_s),
                "--out",
                str(out),
            ]
        )
        report = emu.play()
        pinger.wait(timeout=60)
    probes = json.loads(out.read_text())
    sent = np.array([p["sent_s"] for p in probes])
    rtt = np.array([np.nan if p["rtt_ms"] is None else p["rtt_ms"] for p in probes])
    expected = expected_rtt_ms(report, sent)
    np.savez(
        work / "rtt.npz",
        sent=sent,
        rtt=rtt,
        expected=expected,
        wall=np.array([s.wall_s for s in report.steps]),
    )
    ok = np.isfinite(expected) & np.isfinite(rtt)
    err = rtt[ok] - expected[ok]
    print(
        f"RTT: {len(trace)} steps ({trace.t_s[-1] + trace.step_s:.0f} s of trace) at "
        f"{speed:g}x, {len(probes)} probes, {int(ok.sum())} compared, "
        f"{int((np.isfinite(expected) & ~np.isfinite(rtt)).sum())} lost while served"
    )
    print(
        f"  per-probe |error| ms: p50 {np.percentile(np.abs(err), 50):.3f}, p95 "
        f"{np.percentile(np.abs(err), 95):.3f}, max {np.abs(err).max():.3f}; mean "
        f"(the element's own latency) {err.mean():+.3f}"
    )
    for q in (50, 95):
        print(
            f"  p{q}: ping {np.percentile(rtt[ok], q):.3f} ms, trace "
            f"{np.percentile(expected[ok], q):.3f} ms"
        )
    late = np.array([s.late_ms for s in report.steps])
    print(
        f"  step updates late by p50 {np.median(late):.2f} ms, max {late.max():.2f} ms, "
        f"last {late[-1]:.2f} ms over {wall_s:.0f} s of wall time"
    )
    print(f"  delay line: {report.counters}")


def goodput(down_mbps: float, up_mbps: float, direction: str, seconds: float = 6.0) -> float:
    trace = constant_trace(int(seconds) + 4, down_mbps, up_mbps)
    with tempfile.TemporaryDirectory() as tmp, Emulation(trace, speed=1.0) as emu:
        assert emu.link is not None
        out = Path(tmp) / "sink.json"
        receiver, sender, addr = (
            ("term", "pop", emu.link.term_addr)
            if direction == "down"
            else ("pop", "term", emu.link.pop_addr)
        )
        sink = emu.spawn(
            [*PROBE, "sink", "--port", "5201", "--seconds", str(seconds), "--out", str(out)],
            side=receiver,
        )
        time.sleep(0.3)
        emu.spawn([*PROBE, "send", addr, "--port", "5201", "--seconds", str(seconds)], side=sender)
        emu.play(until_exit=sink)
        per_second = json.loads(out.read_text())
    return float(np.mean(per_second[1:]))


def bench_throughput(down_mbps: float, up_mbps: float) -> None:
    down = goodput(down_mbps, up_mbps, "down")
    up = goodput(down_mbps, up_mbps, "up")
    print(
        f"throughput: down {down:.1f} of {down_mbps:g} Mb/s ({down / down_mbps:.1%}), "
        f"up {up:.1f} of {up_mbps:g} Mb/s ({up / up_mbps:.1%}) (TCP goodput, bundled "
        "sender; headers take ~3 %)"
    )
    for rate in (200.0, 400.0, 800.0):
        got = goodput(rate, up_mbps, "down", seconds=4.0)
        print(f"  down at {rate:g} Mb/s: {got:.1f} Mb/s ({got / rate:.1%})")
        if got < 0.9 * rate:
            break


def bench_packet_rate(seconds: float = 3.0) -> None:
    trace = constant_trace(int(seconds) + 3, 10_000.0, 10_000.0, owd_ms=1.0)
    with Emulation(trace, speed=1.0) as emu:
        assert emu.link is not None
        flood = (
            f"import socket,time;s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);"
            f"e=time.monotonic()+{seconds};b=bytes(36)\n"
            f"while time.monotonic()<e:\n"
            f" try: s.sendto(b,('{emu.link.pop_addr}',9))\n"
            f" except OSError: pass"
        )
        proc = emu.spawn([sys.executable, "-c", flood])
        report = emu.play(until_exit=proc)
    c = report.counters
    print(
        f"packet rate: {c.get('in_up', 0) / seconds:,.0f} packets/s into the delay line, "
        f"{c.get('out_up', 0) / seconds:,.0f}/s forwarded (64-byte IP packets, "
        f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f})"
    )


def bench_drift(seconds: int) -> None:
    trace = constant_trace(seconds, 50.0, 10.0)
    with Emulation(trace, speed=1.0) as emu:
        report = emu.play()
    late = np.array([s.late_ms for s in report.steps])
    slope = np.polyfit(np.arange(len(late)), late, 1)[0] if len(late) > 2 else 0.0
    print(
        f"timing at 1x over {seconds} s: step updates late by p50 {np.median(late):.2f} ms, "
        f"max {late.max():.2f} ms; trend {slope * 600:+.3f} ms per 10 min "
        f"{'(extrapolated from ' + str(seconds) + ' s)' if seconds < 600 else ''}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--speed", type=float, default=10.0)
    parser.add_argument("--ping-interval-s", type=float, default=0.02)
    parser.add_argument("--down-mbps", type=float, default=100.0)
    parser.add_argument("--up-mbps", type=float, default=20.0)
    parser.add_argument("--drift-s", type=int, default=120)
    parser.add_argument("--skip-rtt", action="store_true")
    args = parser.parse_args()
    try:
        require_net_admin()
    except EmulationPermissionError as exc:
        sys.exit(f"bench_emulate: {exc}")
    print(f"{socket.gethostname()}: {os.cpu_count()} CPUs, load {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as tmp:
        if not args.skip_rtt:
            bench_rtt(args.speed, args.ping_interval_s, Path(tmp))
    bench_throughput(args.down_mbps, args.up_mbps)
    bench_packet_rate()
    bench_drift(args.drift_s)


if __name__ == "__main__":
    main()
