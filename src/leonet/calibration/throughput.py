"""Download and upload the way Starlink measures them: a speed test per terminal-step.

A country's sample (:class:`~leonet.calibration.simulate.CountrySample`) keeps, for its
terminal-steps with service, the link's MODCOD rate down and up on the serving
satellite's beam (the twin's radio, every beam of that satellite lit: the busy hour).
The speed test of one terminal is :func:`leonet.capacity.speedtest.speed_tests` (the
function `leonet run`'s speed-test columns come from too): it saturates its link while
the rest of its beam carries the beam's busy-hour background load.  The
background is what the calibration cannot see (subscribers per beam, their demand, the
share of a beam's time a cell gets under beam hopping) and is therefore **fitted**, as
five free parameters (:class:`ThroughputParameters`):

``beam_background_down_mbps`` / ``beam_background_up_mbps``
    the mean load the beam's other terminals carry during a test where
    :data:`REFERENCE_IN_VIEW` satellites are in view, Mb/s at the test terminal's own
    MODCOD (so a test gets its link rate less the load, while that is more than its
    fair share).  Where ``n`` satellites are in view the load is ``× (REFERENCE_IN_VIEW /
    n) ** in_view_exponent``: an area's busy-hour demand is shared by the satellites that
    can serve it (Starlink's satellites crowd at the shells' turning latitudes, ~50°, and
    are fewest near the equator, where the published speeds are lowest); the exponent
    (fitted, 1 were demand per km² alike everywhere) lets the data say how strongly;
``load_cv_down`` / ``load_cv_up``
    the spread of that load from one terminal-step to the next (a factor ``max(1 +
    cv·z, 0)``, ``z`` standard normal): how busy a beam is varies with the cell, the
    evening minute and the satellite.  Each sample holds its own standard-normal draws
    (``load_z``, several per terminal-step, pooled: ``simulate.CountrySample``), so the
    percentiles are a smooth function of the parameters.

The fitted values live with their provenance in ``data/latency_calibration.json``
(key ``throughput``), read by :mod:`leonet.defaults`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

# The model itself lives with the run's capacity model, so `leonet run` and `leonet
# calibrate` call the one function; re-exported here, where the fit meets it.
from leonet.capacity.speedtest import REFERENCE_IN_VIEW, ThroughputParameters, speed_tests

__all__ = [
    "REFERENCE_IN_VIEW",
    "THROUGHPUT_FREE",
    "ThroughputParameters",
    "speed_tests",
    "throughput_percentiles",
]

F64 = NDArray[np.float64]

#: The fitted throughput parameters and their bounds.
THROUGHPUT_FREE: dict[str, tuple[float, float]] = {
    "beam_background_down_mbps": (0.0, 2000.0),
    "beam_background_up_mbps": (0.0, 200.0),
    "load_cv_down": (0.0, 3.0),
    "load_cv_up": (0.0, 3.0),
    "in_view_exponent": (0.0, 2.0),
}


def throughput_percentiles(rate_mbps: F64) -> tuple[float, float, float]:
    """``(p20, p50, p80)`` of a rate, the usual way round (p20 the slow end, as Starlink
    labels download and upload too)."""
    if rate_mbps.size == 0:
        return (float("nan"),) * 3
    p20, p50, p80 = np.percentile(rate_mbps, [20.0, 50.0, 80.0])
    return float(p20), float(p50), float(p80)
