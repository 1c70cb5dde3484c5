"""Two network namespaces joined by a veth pair, built through netlink (pyroute2).

Nothing here touches the host's own interfaces or routes: the veth is created inside the
terminal's namespace with its peer inside the PoP's, and removing the two namespaces
removes the veth and its qdiscs with them.  Names carry a random token, so two emulations
at once never collide.
"""

from __future__ import annotations

import ctypes
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "NS_PREFIX",
    "EmulationPermissionError",
    "LinkNamespaces",
    "enter_netns",
    "leftover_namespaces",
    "netlink_in",
    "require_net_admin",
    "setns_for_child",
]

#: Every namespace leonet creates starts with this, followed by a random token.
NS_PREFIX = "leonet-"
_CAP_NET_ADMIN = 12
_CAP_SYS_ADMIN = 21
_CLONE_NEWNET = 0x40000000
_NETNS_DIR = Path("/var/run/netns")


class EmulationPermissionError(PermissionError):
    """The process lacks the capabilities to build network namespaces."""


def require_net_admin(status_text: str | None = None) -> None:
    """Raise :class:`EmulationPermissionError`, saying what is needed, unless this process
    has CAP_NET_ADMIN and CAP_SYS_ADMIN (``status_text``: a ``/proc/self/status`` to read
    instead of this process's own, for tests)."""
    text = status_text if status_text is not None else Path("/proc/self/status").read_text()
    effective = 0
    for line in text.splitlines():
        if line.startswith("CapEff:"):
            effective = int(line.split()[1], 16)
    missing = [
        name
        for bit, name in ((_CAP_NET_ADMIN, "CAP_NET_ADMIN"), (_CAP_SYS_ADMIN, "CAP_SYS_ADMIN"))
        if not effective >> bit & 1
    ]
    if missing:
        raise EmulationPermissionError(
            f"leonet emulate builds network namespaces and needs {' and '.join(missing)}, "
            "which this process lacks: run it as root (sudo leonet emulate ...) or in a "
            "container started with --cap-add NET_ADMIN --cap-add SYS_ADMIN"
        )
    if not Path("/dev/net/tun").exists():
        raise EmulationPermissionError(
            "leonet emulate needs the TUN device /dev/net/tun (modprobe tun, or start the "
            "container with --device /dev/net/tun)"
        )


_libc = ctypes.CDLL(None, use_errno=True)


def _setns(fd: int) -> None:
    if _libc.setns(fd, _CLONE_NEWNET) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"setns: {os.strerror(errno)}")


@contextmanager
def enter_netns(name: str) -> Iterator[None]:
    """Move the calling thread into network namespace ``name`` for the ``with`` block (and
    back).  Sockets and TUN devices opened inside stay in that namespace."""
    with open("/proc/thread-self/ns/net", "rb") as home, open(_NETNS_DIR / name, "rb") as ns:
        _setns(ns.fileno())
        try:
            yield
        finally:
            _setns(home.fileno())


def netlink_in(name: str) -> Any:
    """A pyroute2 ``IPRoute`` whose netlink socket lives in namespace ``name`` (opened
    there by this thread; no helper process is forked, unlike pyroute2's ``NetNS``)."""
    from pyroute2 import IPRoute

    with enter_netns(name):
        return IPRoute()


def setns_for_child(name: str) -> None:
    """For ``subprocess.Popen(preexec_fn=...)``: enter namespace ``name`` in the child."""
    with open(_NETNS_DIR / name, "rb") as ns:
        _setns(ns.fileno())


def leftover_namespaces() -> list[str]:
    """Namespaces named by leonet that exist now (normally none outside an emulation)."""
    from pyroute2 import netns

    return sorted(n for n in netns.listnetns() if n.startswith(NS_PREFIX))


@dataclass(frozen=True)
class LinkNamespaces:
    """The names and addresses of one emulation's two namespaces and veth."""

    token: str
    term_ns: str
    pop_ns: str
    term_veth: str = "veth-term"
    pop_veth: str = "veth-pop"
    term_mac: str = "02:6c:65:6f:00:01"
    pop_mac: str = "02:6c:65:6f:00:02"
    term_addr: str = "10.77.0.1"
    pop_addr: str = "10.77.0.2"
    prefixlen: int = 24
    tun: str = "leonet-tun"

    @classmethod
    def fresh(cls) -> LinkNamespaces:
        """New unique names (a random token not used by any namespace now)."""
        existing = set(leftover_namespaces())
        while True:
            token = secrets.token_hex(3)
            term, pop = f"{NS_PREFIX}{token}-term", f"{NS_PREFIX}{token}-pop"
            if term not in existing and pop not in existing:
                return cls(token=token, term_ns=term, pop_ns=pop)

    def create(self) -> None:
        """Create both namespaces, the veth between them (addressed, up, lo up), with
        reverse-path filtering off (packets come back over the delay line's TUN) and
        IPv6 off (the emulated path is IPv4)."""
        from pyroute2 import netns

        netns.create(self.term_ns)
        netns.create(self.pop_ns)
        with netlink_in(self.term_ns) as ns:
            ns.link(
                "add",
                ifname=self.term_veth,
                kind="veth",
                address=self.term_mac,
                peer={"ifname": self.pop_veth, "net_ns_fd": self.pop_ns, "address": self.pop_mac},
            )
        for name, veth, addr in (
            (self.term_ns, self.term_veth, self.term_addr),
            (self.pop_ns, self.pop_veth, self.pop_addr),
        ):
            with netlink_in(name) as ns:
                index = ns.link_lookup(ifname=veth)[0]
                ns.addr("add", index=index, address=addr, prefixlen=self.prefixlen)
                ns.link("set", index=index, state="up", txqlen=10000)
                ns.link("set", index=ns.link_lookup(ifname="lo")[0], state="up")
            with enter_netns(name):
                for path in (
                    "ipv4/conf/all/rp_filter",
                    "ipv4/conf/default/rp_filter",
                    f"ipv4/conf/{veth}/rp_filter",
                    "ipv6/conf/all/disable_ipv6",
                    "ipv6/conf/default/disable_ipv6",
                ):
                    value = "1" if "ipv6" in path else "0"
                    Path("/proc/sys/net", path).write_text(value)

    def route_through_tun(self) -> None:
        """Send each side's traffic for the other side into the delay line's TUN (which the
        delay line has created in both namespaces)."""
        for name, peer, own in (
            (self.term_ns, self.pop_addr, self.term_addr),
            (self.pop_ns, self.term_addr, self.pop_addr),
        ):
            with netlink_in(name) as ns:
                index = ns.link_lookup(ifname=self.tun)[0]
                ns.link("set", index=index, state="up", mtu=1500, txqlen=10000)
                ns.route("add", dst=f"{peer}/32", oif=index, prefsrc=own)

    def remove(self) -> None:
        """Remove both namespaces (and with them the veth and its qdiscs).  Idempotent."""
        from pyroute2 import netns

        for name in (self.term_ns, self.pop_ns):
            if (_NETNS_DIR / name).exists():
                netns.remove(name)
