"""Emulation: a run's path for one terminal as a trace, replayed in Linux network namespaces.

``trace`` exports and reads traces; ``netns`` builds the two namespaces and their veth;
``delayline`` is the delay/loss element (a userspace delay line on TUN devices; netem is
used instead only where the kernel has it); ``applier`` applies a trace step by step.
"""

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
    "TRACE_COLUMNS",
    "TRACE_FORMAT",
    "Trace",
    "read_trace",
    "synthetic_trace_time",
    "trace_from_run",
    "write_trace",
]
