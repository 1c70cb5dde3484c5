"""The trace format: exported from a run, it says what the run says, and round-trips."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from leonet.emulate import (
    TRACE_COLUMNS,
    Trace,
    read_trace,
    synthetic_trace_time,
    trace_from_run,
    write_trace,
)
from leonet.results import query


def synthetic(n: int = 8) -> Trace:
    t_s = np.arange(n) * 15.0
    outage = np.zeros(n, dtype=bool)
    outage[3:5] = True
    delay = np.where(outage, np.nan, 12.0 + np.arange(n) / 3.0)  # thirds: not exact decimals
    return Trace(
        terminal="Kyiv, UA",
        to="pop",
        step_s=15.0,
        t_s=t_s,
        time=synthetic_trace_time(datetime(2026, 5, 30, 12, tzinfo=UTC), t_s),
        delay_up_ms=delay,
        delay_down_ms=delay * 1.1,
        jitter_up_ms=np.full(n, 0.1),
        jitter_down_ms=np.full(n, 0.2),
        rate_up_mbps=np.where(outage, 0.0, 20.0 / 3),
        rate_down_mbps=np.where(outage, 0.0, 100.0),
        loss=np.where(outage, 1.0, 1e-3),
        outage=outage,
        cause=tuple("area-cut-off" if o else "" for o in outage),
    )


@pytest.mark.parametrize("suffix", ["csv", "json"])
def test_a_trace_round_trips_bit_for_bit(tmp_path, suffix):
    trace = synthetic()
    path = tmp_path / f"trace.{suffix}"
    write_trace(trace, path)
    back = read_trace(path)
    assert back.equals(trace)
    assert back.time[0] == "2026-05-30T12:00:00.000Z"
    assert back.cause[3] == "area-cut-off" and back.outage[3] and np.isnan(back.delay_up_ms[3])
    assert not back.equals(synthetic(7))


def test_csv_has_the_documented_header():
    text = write_trace(synthetic(), fmt="csv")
    lines = text.splitlines()
    assert lines[0] == "# format: leonet-trace/1"
    assert lines[5] == ",".join(TRACE_COLUMNS)
    assert lines[6].startswith("0.0,2026-05-30T12:00:00.000Z,12.0,13.200000000000001,")


def test_a_run_s_trace_says_what_the_run_says(tiny_run, tmp_path):
    trace = trace_from_run(tiny_run, "Kyiv")
    rows = query(
        tiny_run,
        "SELECT served, rtt_ms, throughput_down_mbps, throughput_up_mbps, "
        "reason FROM terminals WHERE terminal = 'Kyiv' ORDER BY time",
    )
    served = np.array(rows.column("served").to_pylist())
    rtt = np.array([np.nan if v is None else v for v in rows.column("rtt_ms").to_pylist()])
    assert len(trace) == 6 and trace.step_s == 10.0
    assert np.array_equal(trace.outage, ~(served & np.isfinite(rtt)))
    up = ~trace.outage
    assert up.any()
    # The model's path is symmetric: each way carries half the RTT, to the microsecond.
    np.testing.assert_allclose(trace.delay_up_ms[up] + trace.delay_down_ms[up], rtt[up], atol=1e-3)
    np.testing.assert_array_equal(
        trace.rate_down_mbps[up], np.array(rows.column("throughput_down_mbps"))[up]
    )
    assert np.all(trace.loss[up] == 0.0) and np.all(trace.loss[~up] == 1.0)
    d = trace.delay_up_ms
    expected_jitter = np.abs(np.diff(d))
    both = up[1:] & up[:-1]
    np.testing.assert_allclose(trace.jitter_up_ms[1:][both], expected_jitter[both], atol=1e-9)
    path = tmp_path / "kyiv.json"
    write_trace(trace, path)
    assert read_trace(path).equals(trace)


def test_a_trace_between_two_terminals_adds_both_legs(tiny_run):
    a = trace_from_run(tiny_run, "Kyiv")
    b = trace_from_run(tiny_run, "Lviv")
    ab = trace_from_run(tiny_run, "Kyiv", to="Lviv")
    up = ~ab.outage
    assert np.array_equal(ab.outage, a.outage | b.outage)
    # Both legs, plus fibre between their PoPs (0 when the same PoP; < 10 ms in Europe).
    extra = ab.delay_up_ms[up] - a.delay_up_ms[up] - b.delay_up_ms[up]
    assert np.all(extra >= -1e-9) and np.all(extra < 10.0)
    np.testing.assert_array_equal(
        ab.rate_up_mbps[up], np.minimum(a.rate_up_mbps, b.rate_down_mbps)[up]
    )


def test_unknown_terminal_names_the_ones_there(tiny_run):
    with pytest.raises(LookupError, match=r"no terminal named 'Nowhere'.*Kyiv"):
        trace_from_run(tiny_run, "Nowhere")


def test_a_bad_value_names_file_line_and_column(tmp_path):
    path = tmp_path / "bad.csv"
    lines = write_trace(synthetic()).splitlines()
    fields = lines[7].split(",")
    fields[2] = "fast"
    lines[7] = ",".join(fields)
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ValueError, match=r"bad\.csv:8: column 'delay_up_ms' must be a number"):
        read_trace(path)


def test_a_non_outage_step_needs_its_delays(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(
        write_trace(synthetic(), fmt="json").replace('"delay_up_ms": 12.0', '"delay_up_ms": null')
    )
    with pytest.raises(ValueError, match=r"bad\.json step 0: .*needs delay_up_ms"):
        read_trace(path)


def test_a_file_that_is_not_a_trace_says_so(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match="not a leonet trace"):
        read_trace(path)
    with pytest.raises(FileNotFoundError, match="leonet trace RUN"):
        read_trace(tmp_path / "missing.csv")
