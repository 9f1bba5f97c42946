"""The execution liveness tracker: a check costs O(expired · log n), flat in the tracked count.

Target (issue 14): time per check at 100, 1k, 10k and 100k tracked executions stays flat;
reported as the ratio of the 100k figure to the 100 figure: at most 5x while n grows 1000x
(log n alone gives 2.5x between 100 and 100k heap entries; cache misses on a 100k heap and
dict add the rest), against 1000x for a full scan of every record (what a naive tracker does,
shown beside each figure). Each check finds 10 executions past their heartbeat deadline among
n running ones, and 10 new ones replace them, so n stays constant.
"""

from __future__ import annotations

import logging
import statistics
import time

from _harness import Measurement, absolute, ratio, report
from confwarden.monitoring import ExecutionTracker, MonitoringSettings

SIZES = (100, 1_000, 10_000, 100_000)
EXPIRING_PER_CHECK = 10
CHECKS = 1_000


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


def time_per_check(n: int) -> tuple[float, float]:
    """(median seconds per check, median seconds per full scan) with ``n`` tracked."""
    clock = Clock()
    settings = MonitoringSettings(
        max_concurrent_agents=n + EXPIRING_PER_CHECK,
        agent_execution_timeout=10**9,
        execution_cleanup_interval=1.0,
    )
    tracker = ExecutionTracker(settings, clock=clock)
    step = settings.agent_heartbeat_timeout / n  # deadlines spread evenly over one timeout
    for _ in range(n):
        tracker.start(tracker.create("agent"))
        clock.now += step
    checks: list[float] = []
    scans: list[float] = []
    records = tracker._records
    for _ in range(CHECKS):
        clock.now += step * EXPIRING_PER_CHECK
        start = time.perf_counter()
        dead = tracker.check()
        checks.append(time.perf_counter() - start)
        start = time.perf_counter()
        deadline = clock.now - settings.agent_heartbeat_timeout
        _ = [r for r in records.values() if r.state.is_active and r.last_heartbeat < deadline]
        scans.append(time.perf_counter() - start)
        for _ in dead:
            tracker.start(tracker.create("agent"))
    return statistics.median(checks), statistics.median(scans)


def main() -> None:
    logging.disable(logging.CRITICAL)  # each death is logged; the log handler is not measured
    measurements: list[Measurement] = []
    figures = {n: time_per_check(n) for n in SIZES}
    for n, (check, scan) in figures.items():
        measurements.append(
            absolute(
                f"check with {n:,} tracked ({EXPIRING_PER_CHECK} expiring)",
                check * 1e6,
                "µs",
                at_most=100,
                detail=f"a full scan of the records: {scan * 1e6:,.0f} µs",
            )
        )
    measurements.append(
        ratio(
            "check time 100k / 100 tracked (flat)",
            figures[SIZES[-1]][0],
            figures[SIZES[0]][0],
            at_most=5.0,
        )
    )
    report("Execution liveness tracker (bench/bench_liveness.py)", measurements)


if __name__ == "__main__":
    main()
