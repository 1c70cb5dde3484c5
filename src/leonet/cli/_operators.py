"""What ``--operator`` implies on the command line: the operator's constellation, and
whether its satellites can relay over lasers (else bent pipe only)."""

from __future__ import annotations

from leonet.ground.operator_sites import check_operator
from leonet.radio.parameters import RADIO_SYSTEMS, SATELLITES

__all__ = ["OPERATOR_CONSTELLATION", "has_lasers", "operator_constellation"]

#: The constellation ``--operator`` implies when ``--constellation`` is not given.
OPERATOR_CONSTELLATION = {"ka-sat": "geo:ka-sat", "oneweb": "oneweb-tle", "starlink": "starlink"}


def operator_constellation(operator: str, constellation: str | None) -> str:
    """``constellation`` if given, else the operator's (``operator`` checked, any case)."""
    return constellation or OPERATOR_CONSTELLATION[check_operator(operator)]


def has_lasers(operator: str) -> bool:
    """Whether the operator's satellite type carries laser terminals."""
    return SATELLITES[RADIO_SYSTEMS[check_operator(operator)].satellite].lasers > 0
