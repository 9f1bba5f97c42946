"""WindowCounts: exact counts over a sliding window, in bounded memory."""

from __future__ import annotations

from confwarden.monitoring._window import WindowCounts


def test_window_counts_merge_one_instant_into_one_slot() -> None:
    counts = WindowCounts(horizon=300)
    for _ in range(20_000):
        counts.add(1000.0, "no_heartbeat")
    counts.add(1000.0, "timeout")
    assert counts.since(0) == {"no_heartbeat": 20_000, "timeout": 1}
    assert len(counts) == 1


def test_window_counts_forget_what_left_the_horizon() -> None:
    counts = WindowCounts(horizon=10)
    counts.add(0.0, "a")
    counts.add(5.0, "a")
    assert counts.since(-1) == {"a": 2}
    counts.add(12.0, "a")
    assert counts.since(-1) == {"a": 2}  # the one at 0 s is gone
    assert counts.since(5.0) == {"a": 1}  # "since" is exclusive


def test_window_counts_stay_bounded_and_lose_no_count() -> None:
    counts = WindowCounts(horizon=1e9, max_slots=100)
    for i in range(10_000):
        counts.add(float(i), "a")
    assert len(counts) <= 100
    assert counts.since(-1) == {"a": 10_000}
