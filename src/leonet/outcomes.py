"""Outcomes: why a terminal is (not) served at a step — one vocabulary for every layer.

Each :class:`Outcome` is a small integer code (stored as ``uint8``/``int8`` in the
``(time, terminal)`` arrays; 0 is served) with a **word**, the string written to the
``reason`` columns of a run's tables (``no-satellite``, ``area-cut-off``, …), and a
**text**, the sentence that route tables and messages show (``no satellite in view``).

Who decides which:

- the scheduler (:mod:`leonet.access.scheduler`): ``SERVED``, ``NO_SATELLITE``,
  ``NO_GATEWAY``, ``LOST_MID_SLOT``, ``NO_BEAM``;
- routing (:mod:`leonet.network.routing`): ``SERVED`` (a path), ``NO_SATELLITE``,
  ``NO_GATEWAY``, ``DISCONNECTED``;
- the service policy (:mod:`leonet.policy`): ``OUTSIDE_SERVICE_AREA``,
  ``AREA_CUT_OFF``, ``NOT_AUTHORISED``, ``DENY_LISTED``, ``OVER_SPEED_LIMIT``;
- the run (:mod:`leonet.engine`), explaining the others better: ``SATELLITE_FAULT``,
  ``JAMMED``, ``RADIO_OUTAGE``, ``AWAITING_SLOT``;
- several systems in one run (:mod:`leonet.engine.failover`): ``SWITCHING_OVER``.

The codes keep the values the run has always used (scheduler 0-4, policy 11-15, run
20-23), so the words in result tables do not change.

>>> Outcome.AREA_CUT_OFF.word, int(Outcome.AREA_CUT_OFF)
('area-cut-off', 12)
>>> outcome_words([0, 1, 21]).tolist()
['', 'no-satellite', 'jammed']
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["OUTCOME_CODE_LIMIT", "Outcome", "outcome_texts", "outcome_words"]


class Outcome(IntEnum):
    """Why a terminal is (not) served at a step; 0 means served."""

    #: served (routing: a path exists)
    SERVED = 0
    #: no satellite above the terminal's mask
    NO_SATELLITE = 1
    #: satellites above the mask, but none reaches a gateway
    NO_GATEWAY = 2
    #: the serving satellite was lost inside the slot; waiting for the next boundary
    LOST_MID_SLOT = 3
    #: usable satellites, but all of their beams are taken
    NO_BEAM = 4
    #: routing: access and a gateway, but no path through the network
    DISCONNECTED = 5
    #: outside every enabled service area, or inside a disabled one
    OUTSIDE_SERVICE_AREA = 11
    #: inside an area the operator has cut off (timed)
    AREA_CUT_OFF = 12
    #: whitelist-only is in force and the terminal is not on the allow-list
    NOT_AUTHORISED = 13
    #: the terminal's name is on the deny-list
    DENY_LISTED = 14
    #: moving faster than the speed limit in force
    OVER_SPEED_LIMIT = 15
    #: the satellites that would serve it are down (a fault)
    SATELLITE_FAULT = 20
    #: served geometrically, but a jammer drowns the link
    JAMMED = 21
    #: served geometrically, but the link budget closes no MODCOD
    RADIO_OUTAGE = 22
    #: usable satellites, waiting for the scheduler's next slot boundary
    AWAITING_SLOT = 23
    #: several systems: the system in use stopped serving; switching to the next one
    SWITCHING_OVER = 24

    @property
    def word(self) -> str:
        """The word in the ``reason`` columns of a run's tables (``''`` for served)."""
        return _WORDS[self]

    @property
    def text(self) -> str:
        """The sentence route tables and messages show."""
        return _TEXTS[self]


_WORDS: dict[Outcome, str] = {
    Outcome.SERVED: "",
    Outcome.NO_SATELLITE: "no-satellite",
    Outcome.NO_GATEWAY: "no-gateway",
    Outcome.LOST_MID_SLOT: "lost-mid-slot",
    Outcome.NO_BEAM: "no-beam",
    Outcome.DISCONNECTED: "disconnected",
    Outcome.OUTSIDE_SERVICE_AREA: "outside-service-area",
    Outcome.AREA_CUT_OFF: "area-cut-off",
    Outcome.NOT_AUTHORISED: "not-authorised",
    Outcome.DENY_LISTED: "deny-listed",
    Outcome.OVER_SPEED_LIMIT: "over-speed-limit",
    Outcome.SATELLITE_FAULT: "satellite-fault",
    Outcome.JAMMED: "jammed",
    Outcome.RADIO_OUTAGE: "radio-outage",
    Outcome.AWAITING_SLOT: "awaiting-slot",
    Outcome.SWITCHING_OVER: "switching-over",
}
_TEXTS: dict[Outcome, str] = {
    Outcome.SERVED: "ok",
    Outcome.NO_SATELLITE: "no satellite in view",
    Outcome.NO_GATEWAY: "no gateway reachable",
    Outcome.LOST_MID_SLOT: "serving satellite lost, waiting for the next scheduler slot",
    Outcome.NO_BEAM: "no free beam",
    Outcome.DISCONNECTED: "disconnected",
    Outcome.OUTSIDE_SERVICE_AREA: "outside the service area",
    Outcome.AREA_CUT_OFF: "in an area cut off by the operator",
    Outcome.NOT_AUTHORISED: "not on the allow-list while whitelist-only is in force",
    Outcome.DENY_LISTED: "on the deny-list",
    Outcome.OVER_SPEED_LIMIT: "over the speed limit",
    Outcome.SATELLITE_FAULT: "serving satellites down (fault)",
    Outcome.JAMMED: "jammed",
    Outcome.RADIO_OUTAGE: "link budget closes no MODCOD",
    Outcome.AWAITING_SLOT: "waiting for the next scheduler slot",
    Outcome.SWITCHING_OVER: "switching over to another subscribed system",
}

#: One more than the largest code: the length of an array indexed by outcome code.
OUTCOME_CODE_LIMIT = max(int(o) for o in Outcome) + 1


def _table(names: dict[Outcome, str]) -> NDArray[np.object_]:
    out = np.array([f"code-{c}" for c in range(OUTCOME_CODE_LIMIT)], dtype=object)
    for outcome, name in names.items():
        out[int(outcome)] = name
    return out


_WORD_TABLE, _TEXT_TABLE = _table(_WORDS), _table(_TEXTS)


def _lookup(table: NDArray[np.object_], codes: ArrayLike) -> NDArray[np.object_]:
    c = np.asarray(codes, dtype=np.int64)
    bad = (c < 0) | (c >= OUTCOME_CODE_LIMIT)
    if bad.any():
        raise ValueError(
            f"outcome code {int(c[bad].flat[0])} is not an Outcome (0.."
            f"{OUTCOME_CODE_LIMIT - 1}); see leonet.outcomes.Outcome"
        )
    return table[c]


def outcome_words(codes: ArrayLike) -> NDArray[np.object_]:
    """The :attr:`Outcome.word` of each code, shaped like ``codes`` (object array of str;
    ``''`` for served)."""
    return _lookup(_WORD_TABLE, codes)


def outcome_texts(codes: ArrayLike) -> NDArray[np.object_]:
    """The :attr:`Outcome.text` of each code, shaped like ``codes`` (object array of str)."""
    return _lookup(_TEXT_TABLE, codes)
