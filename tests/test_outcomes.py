"""One outcome vocabulary: codes, the words in result tables, the sentences in route tables."""

from __future__ import annotations

import numpy as np
import pytest

from leonet.outcomes import OUTCOME_CODE_LIMIT, Outcome, outcome_texts, outcome_words

#: The reason words the run has always written to terminals.parquet and cells.parquet, by
#: code (engine/run.py's REASONS at a567e5b): they must not change.
RUN_WORDS = {
    1: "no-satellite",
    2: "no-gateway",
    3: "lost-mid-slot",
    4: "no-beam",
    11: "outside-service-area",
    12: "area-cut-off",
    13: "not-authorised",
    14: "deny-listed",
    15: "over-speed-limit",
    20: "satellite-fault",
    21: "jammed",
    22: "radio-outage",
    23: "awaiting-slot",
}
#: The reason sentences `leonet route` has always written, by what they mean (network
#: routing's NO_PATH_REASONS and engine/route.py's ROUTE_REASONS at a567e5b).
ROUTE_TEXTS = {
    Outcome.SERVED: "ok",
    Outcome.NO_SATELLITE: "no satellite in view",
    Outcome.NO_GATEWAY: "no gateway reachable",
    Outcome.DISCONNECTED: "disconnected",
    Outcome.LOST_MID_SLOT: "serving satellite lost, waiting for the next scheduler slot",
    Outcome.NO_BEAM: "no free beam",
}


def test_run_words_and_codes_are_unchanged() -> None:
    for code, word in RUN_WORDS.items():
        assert Outcome(code).word == word
    assert Outcome.SERVED == 0 and Outcome.SERVED.word == ""


def test_route_sentences_are_unchanged() -> None:
    for outcome, text in ROUTE_TEXTS.items():
        assert outcome.text == text


def test_every_outcome_has_its_own_word_and_text_and_fits_int8() -> None:
    words = [o.word for o in Outcome if o != Outcome.SERVED]
    texts = [o.text for o in Outcome]
    assert len(set(words)) == len(words) and all(words)
    assert len(set(texts)) == len(texts) and all(texts)
    assert all(w == w.lower() and " " not in w for w in words)
    assert max(Outcome) < OUTCOME_CODE_LIMIT <= np.iinfo(np.int8).max


def test_vectorised_words_keep_the_shape_and_reject_unknown_codes() -> None:
    codes = np.array([[0, 1], [12, 21]], dtype=np.uint8)
    assert outcome_words(codes).tolist() == [["", "no-satellite"], ["area-cut-off", "jammed"]]
    assert outcome_texts(np.array([5], dtype=np.int8)).tolist() == ["disconnected"]
    with pytest.raises(ValueError, match="outcome code 99 is not an Outcome"):
        outcome_words([1, 99])
