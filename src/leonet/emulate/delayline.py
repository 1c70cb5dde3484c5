"""The delay/loss element: a userspace delay line on TUN devices (no netem needed).

Each namespace routes the other side's address into a TUN device.  This process reads a
packet from the TUN, drops it (outage, or loss with the step's probability) or holds it
for the direction's one-way delay (plus jitter, never reordering a direction), then sends
it with an Ethernet header through an AF_PACKET socket on that namespace's veth — so the
veth's tbf qdisc (the rate) and the veth itself carry it to the other namespace, whose
stack receives it as from a neighbour.

Run as its own process (:func:`delay_line_main`, given ``CONFIG_JSON``), so the
emulation's printing and process handling never delay a packet.  It reads control lines
on stdin, one per step::

    UP_MS DOWN_MS JITTER_UP_MS JITTER_DOWN_MS LOSS_UP LOSS_DOWN OUTAGE(0|1)

writes ``ready`` when its TUNs exist, and on exit (stdin closed, or SIGTERM) one JSON line
of counters.  It asks for SCHED_FIFO (where allowed) so a busy machine does not add
scheduling delay to packets.  TUN devices are not persistent: they vanish with the process.
"""

from __future__ import annotations

import fcntl
import json
import os
import random
import select
import signal
import socket
import struct
import sys
import time
from collections import deque
from dataclasses import dataclass, field

from leonet.emulate.netns import LinkNamespaces, enter_netns

__all__ = ["DelayLineState", "delay_line_main", "parse_control", "run_delay_line"]

_TUNSETIFF = 0x400454CA
_IFF_TUN = 0x0001
_IFF_NO_PI = 0x1000
_ETH_P_IP = 0x0800
_BATCH = 256


@dataclass
class DelayLineState:
    """The element's settings for the current step: per direction (0 up = terminal → PoP,
    1 down) the one-way delay and jitter in seconds and the loss probability; ``outage``
    drops everything."""

    delay_s: list[float] = field(default_factory=lambda: [0.0, 0.0])
    jitter_s: list[float] = field(default_factory=lambda: [0.0, 0.0])
    loss: list[float] = field(default_factory=lambda: [0.0, 0.0])
    outage: bool = False


def parse_control(line: str) -> DelayLineState:
    """One control line (see the module docstring) as a state; ``ValueError`` if bad."""
    parts = line.split()
    if len(parts) != 7:
        raise ValueError(f"control line needs 7 fields, got {line!r}")
    up, down, jit_up, jit_down, loss_up, loss_down = (float(p) for p in parts[:6])
    return DelayLineState(
        delay_s=[up / 1e3, down / 1e3],
        jitter_s=[jit_up / 1e3, jit_down / 1e3],
        loss=[loss_up, loss_down],
        outage=parts[6] == "1",
    )


def _open_tun(name: str) -> int:
    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
    fcntl.ioctl(fd, _TUNSETIFF, struct.pack("16sH", name.encode(), _IFF_TUN | _IFF_NO_PI))
    return fd


def _open_packet(ifname: str) -> socket.socket:
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
    sock.bind((ifname, 0))
    # Packets waiting in the veth's tbf queue count against this socket's send buffer.
    sock.setsockopt(socket.SOL_SOCKET, 32, 64 << 20)  # SO_SNDBUFFORCE
    sock.setblocking(False)
    return sock


def _mac(text: str) -> bytes:
    return bytes(int(x, 16) for x in text.split(":"))


def _realtime() -> bool:
    try:
        os.sched_setscheduler(0, os.SCHED_FIFO | os.SCHED_RESET_ON_FORK, os.sched_param(10))
    except (OSError, AttributeError):
        return False
    return True


def run_delay_line(link: LinkNamespaces, seed: int) -> dict[str, int | bool]:
    """Open the TUNs and packet sockets, report ``ready``, and relay until stdin closes."""
    tuns, outs = [], []
    for ns, veth in ((link.term_ns, link.term_veth), (link.pop_ns, link.pop_veth)):
        with enter_netns(ns):
            tuns.append(_open_tun(link.tun))
            outs.append(_open_packet(veth))
    # direction 0: terminal → PoP (read in the terminal's namespace, sent on its veth)
    headers = [
        _mac(link.pop_mac) + _mac(link.term_mac) + struct.pack("!H", _ETH_P_IP),
        _mac(link.term_mac) + _mac(link.pop_mac) + struct.pack("!H", _ETH_P_IP),
    ]
    realtime = _realtime()
    state = DelayLineState(outage=True)
    queues: list[deque[tuple[float, bytes]]] = [deque(), deque()]
    last_release = [0.0, 0.0]
    counts = {
        "in_up": 0,
        "in_down": 0,
        "out_up": 0,
        "out_down": 0,
        "lost_up": 0,
        "lost_down": 0,
        "outage_up": 0,
        "outage_down": 0,
        "queue_full_up": 0,
        "queue_full_down": 0,
        "late_max_us": 0,
    }
    names = ("up", "down")
    rng = random.Random(seed)
    control = sys.stdin.fileno()
    os.set_blocking(control, False)
    pending = b""
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    readers = [tuns[0], tuns[1], control]
    monotonic, read, send_flags = time.monotonic, os.read, 0
    late_max = 0.0
    while True:
        now = monotonic()
        timeout = None
        for d in (0, 1):
            q = queues[d]
            while q and q[0][0] <= now:
                due, packet = q.popleft()
                late_max = max(late_max, now - due)
                try:
                    outs[d].send(headers[d] + packet, send_flags)
                    counts[f"out_{names[d]}"] += 1
                except (BlockingIOError, OSError):
                    counts[f"queue_full_{names[d]}"] += 1
            if q:
                wait = q[0][0] - now
                timeout = wait if timeout is None else min(timeout, wait)
        ready, _, _ = select.select(readers, [], [], timeout)
        now = monotonic()
        for fd in ready:
            if fd == control:
                chunk = read(control, 4096)
                if not chunk:
                    counts["late_max_us"] = int(late_max * 1e6)
                    return {**counts, "realtime": realtime}
                pending += chunk
                *lines, pending = pending.split(b"\n")
                for line in lines:
                    if line.strip():
                        state = parse_control(line.decode())
                continue
            d = 0 if fd == tuns[0] else 1
            q = queues[d]
            delay, jitter, loss = state.delay_s[d], state.jitter_s[d], state.loss[d]
            for _ in range(_BATCH):
                try:
                    packet = read(fd, 65536)
                except BlockingIOError:
                    break
                counts[f"in_{names[d]}"] += 1
                if packet[0] >> 4 != 4:  # IPv4 only (IPv6 is off in the namespaces)
                    continue
                if state.outage:
                    counts[f"outage_{names[d]}"] += 1
                    continue
                if loss > 0.0 and rng.random() < loss:
                    counts[f"lost_{names[d]}"] += 1
                    continue
                due = now + delay
                if jitter > 0.0:
                    due += rng.uniform(-jitter, jitter)
                due = max(due, last_release[d], now)
                last_release[d] = due
                q.append((due, packet))


def delay_line_main() -> None:
    """Entry point of the delay line process: ``argv[1]`` is ``{"link": {...}, "seed": 0}``."""
    config = json.loads(sys.argv[1])
    link = LinkNamespaces(**config["link"])
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the emulation stops us via stdin/SIGTERM
    counts = run_delay_line(link, int(config.get("seed", 0)))
    sys.stdout.write(json.dumps(counts) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    delay_line_main()
