"""Emulation: a run's path for one terminal as a trace, replayed in Linux network namespaces.

``trace`` exports and reads traces; ``netns`` builds the two namespaces and their veth;
``delayline`` is the delay/loss element (a userspace delay line on TUN devices: the kernel
need not have netem); ``session`` applies a trace step by step and runs commands;
``probe`` holds bundled ping and bulk-TCP tools for checks.  See ``docs/emulation.md``.
"""

from leonet.emulate.delayline import (
    DelayLineState,
    delay_line_main,
    parse_control,
    run_delay_line,
)
from leonet.emulate.netns import (
    NS_PREFIX,
    EmulationPermissionError,
    LinkNamespaces,
    enter_netns,
    leftover_namespaces,
    netlink_in,
    require_net_admin,
    setns_for_child,
)
from leonet.emulate.probe import checksum, ping, probe_main, send_bulk, sink
from leonet.emulate.session import (
    Emulation,
    EmulationReport,
    EmulationStopped,
    StepApplied,
    expected_rtt_ms,
    kernel_has_netem,
)
from leonet.emulate.trace import (
    TRACE_COLUMNS,
    TRACE_FORMAT,
    Trace,
    read_trace,
    synthetic_trace_time,
    trace_from_run,
    write_trace,
)

__all__ = [
    "NS_PREFIX",
    "TRACE_COLUMNS",
    "TRACE_FORMAT",
    "DelayLineState",
    "Emulation",
    "EmulationPermissionError",
    "EmulationReport",
    "EmulationStopped",
    "LinkNamespaces",
    "StepApplied",
    "Trace",
    "checksum",
    "delay_line_main",
    "enter_netns",
    "expected_rtt_ms",
    "kernel_has_netem",
    "leftover_namespaces",
    "netlink_in",
    "parse_control",
    "ping",
    "probe_main",
    "read_trace",
    "require_net_admin",
    "run_delay_line",
    "send_bulk",
    "setns_for_child",
    "sink",
    "synthetic_trace_time",
    "trace_from_run",
    "write_trace",
]
