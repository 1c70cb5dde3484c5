"""Bundled measuring tools, so checks need neither ``ping`` nor ``iperf3`` installed.

* ``ping``: ICMP echo (a raw socket, root) at a fixed interval; writes per probe the send
  time (monotonic s) and RTT (ms, null if lost) as JSON.
* ``sink`` / ``send``: a TCP bulk sender and receiver measuring goodput (Mb/s) per second.

Run with ``python -c 'from leonet.emulate import probe_main; probe_main()' ping|sink|send
...`` (see ``--help``).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import select
import socket
import struct
import sys
import time
from typing import Any

__all__ = ["checksum", "ping", "probe_main", "send_bulk", "sink"]

_SO_TIMESTAMPNS = 35


def checksum(data: bytes) -> int:
    """The Internet checksum (RFC 1071) of ``data``."""
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    total = (total >> 16) + (total & 0xFFFF)
    total += total >> 16
    return int(~total & 0xFFFF)


def ping(
    addr: str,
    count: int,
    interval_s: float,
    timeout_s: float = 2.0,
) -> list[dict[str, Any]]:
    """Send ``count`` ICMP echo requests to ``addr``, one every ``interval_s``; return per
    probe ``{"sent_s": monotonic send time, "rtt_ms": RTT or None if no reply}``."""
    with contextlib.suppress(OSError, AttributeError):
        # A measuring tool: as root, not preempted between its send timestamp and sendto.
        os.sched_setscheduler(0, os.SCHED_FIFO | os.SCHED_RESET_ON_FORK, os.sched_param(10))
    sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    # The kernel's receive timestamp (as ping's SO_TIMESTAMP): a busy machine's wake-up
    # delay of this process is not counted as network delay.
    sock.setsockopt(socket.SOL_SOCKET, _SO_TIMESTAMPNS, 1)
    ident = os.getpid() & 0xFFFF
    sent: dict[int, float] = {}
    sent_wall: dict[int, float] = {}
    rtt: dict[int, float] = {}
    start = time.monotonic()
    deadline_last = start + (count - 1) * interval_s + timeout_s
    seq = 0
    while True:
        now = time.monotonic()
        if seq < count and now >= start + seq * interval_s:
            payload = struct.pack("!d", now) + bytes(48)
            header = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
            packet = struct.pack("!BBHHH", 8, 0, checksum(header + payload), ident, seq) + payload
            sent[seq] = time.monotonic()
            sent_wall[seq] = time.time()
            sock.sendto(packet, (addr, 0))
            seq += 1
            continue
        if now > deadline_last or (seq == count and len(rtt) == count):
            break
        wake = start + seq * interval_s if seq < count else deadline_last
        ready, _, _ = select.select([sock], [], [], max(0.0, wake - now))
        if ready:
            data, ancillary, _, _ = sock.recvmsg(2048, 64)
            got = time.time()
            for level, kind_, value in ancillary:
                if level == socket.SOL_SOCKET and kind_ == _SO_TIMESTAMPNS:
                    sec, nsec = struct.unpack("qq", value[:16])
                    got = sec + nsec / 1e9
            header_len = (data[0] & 0x0F) * 4
            kind, _, _, rid, rseq = struct.unpack("!BBHHH", data[header_len : header_len + 8])
            if kind == 0 and rid == ident and rseq in sent and rseq not in rtt:
                rtt[rseq] = (got - sent_wall[rseq]) * 1e3
    sock.close()
    return [{"sent_s": sent[i], "rtt_ms": rtt.get(i)} for i in range(count)]


def sink(port: int, seconds: float) -> list[float]:
    """Accept one TCP connection on ``port`` and return its goodput per second, Mb/s."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("0.0.0.0", port))
    server.listen(1)
    conn, _ = server.accept()
    start = time.monotonic()
    per_second: list[float] = []
    got = 0
    mark = start + 1.0
    buffer = bytearray(1 << 20)
    conn.settimeout(0.2)
    while time.monotonic() < start + seconds:
        try:
            n = conn.recv_into(buffer)
        except TimeoutError:
            n = -1
        if n == 0:
            break
        got += max(n, 0)
        if time.monotonic() >= mark:
            per_second.append(got * 8 / 1e6)
            got = 0
            mark += 1.0
    conn.close()
    server.close()
    return per_second


def send_bulk(addr: str, port: int, seconds: float) -> None:
    """Connect to ``addr:port`` and send as fast as TCP allows for ``seconds``."""
    deadline = time.monotonic() + 5.0
    while True:
        try:
            conn = socket.create_connection((addr, port), timeout=2.0)
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    block = bytes(1 << 16)
    end = time.monotonic() + seconds
    try:
        while time.monotonic() < end:
            conn.sendall(block)
    except OSError:
        pass
    conn.close()


def probe_main(argv: list[str] | None = None) -> None:
    """``python -m leonet.emulate.probe ping ADDR --count N --interval S [--out FILE]`` |
    ``sink --port P --seconds S [--out FILE]`` | ``send ADDR --port P --seconds S``."""
    parser = argparse.ArgumentParser(prog="python -m leonet.emulate.probe")
    sub = parser.add_subparsers(dest="tool", required=True)
    p = sub.add_parser("ping")
    p.add_argument("addr")
    p.add_argument("--count", type=int, default=10)
    p.add_argument("--interval", type=float, default=0.1)
    p.add_argument("--out")
    s = sub.add_parser("sink")
    s.add_argument("--port", type=int, default=5201)
    s.add_argument("--seconds", type=float, default=10.0)
    s.add_argument("--out")
    b = sub.add_parser("send")
    b.add_argument("addr")
    b.add_argument("--port", type=int, default=5201)
    b.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args(argv)
    result: Any = None
    if args.tool == "ping":
        result = ping(args.addr, args.count, args.interval)
    elif args.tool == "sink":
        result = sink(args.port, args.seconds)
    else:
        send_bulk(args.addr, args.port, args.seconds)
        return
    text = json.dumps(result)
    if args.out:
        with open(args.out, "w") as handle:
            handle.write(text)
    else:
        sys.stdout.write(text + "\n")


if __name__ == "__main__":
    probe_main()
