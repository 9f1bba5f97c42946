"""Shared helpers for the benchmarks: time a callable, compare with a baseline, report.

Each ``bench/bench_*.py`` compares confwarden with a baseline *in one process* and prints
ratios, because absolute times differ from machine to machine and ratios do not (much).
``bench/run.py`` runs every script in its own process and writes ``docs/benchmarks.md``.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass


@dataclass
class Measurement:
    """One benchmark figure and its target.

    ``value`` is what was measured (a ratio, a time or a rate, see ``unit``); ``ok`` tells
    whether ``target`` (a human-readable condition, e.g. "<= 2.5x") is met.
    """

    name: str
    value: float
    unit: str
    target: str
    ok: bool
    detail: str = ""


def per_call(fn: Callable[[], object], *, number: int, repeat: int = 7) -> float:
    """Seconds per call of ``fn``: the minimum over ``repeat`` runs of ``number`` calls.

    The minimum is the figure least disturbed by the rest of the machine.
    """
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - start) / number)
    return best


def per_run(fn: Callable[[], object], *, repeat: int = 5) -> float:
    """Seconds for one run of a long operation: the minimum over ``repeat`` runs."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def ratio(
    name: str, ours: float, baseline: float, *, at_most: float, detail: str = ""
) -> Measurement:
    """A "ours / baseline must be at most N" measurement."""
    value = ours / baseline
    return Measurement(name, round(value, 3), "x", f"<= {at_most}x", value <= at_most, detail)


def speedup(
    name: str, ours: float, baseline: float, *, at_least: float, detail: str = ""
) -> Measurement:
    """A "baseline / ours must be at least N" measurement."""
    value = baseline / ours
    return Measurement(
        name, round(value, 2), "x faster", f">= {at_least}x", value >= at_least, detail
    )


def absolute(
    name: str, value: float, unit: str, *, at_most: float, detail: str = ""
) -> Measurement:
    """An absolute figure with an upper bound (e.g. import time in ms)."""
    return Measurement(
        name, round(value, 3), unit, f"<= {at_most} {unit}", value <= at_most, detail
    )


def report(title: str, measurements: list[Measurement]) -> None:
    """Print the measurements: JSON with ``--json`` (for bench/run.py), a table otherwise."""
    if "--json" in sys.argv:
        json.dump({"title": title, "measurements": [asdict(m) for m in measurements]}, sys.stdout)
        return
    print(f"## {title}")
    for m in measurements:
        status = "ok" if m.ok else "MISSED"
        print(f"  {m.name:<60} {m.value:>10} {m.unit:<9} target {m.target:<12} {status}")
        if m.detail:
            print(f"      {m.detail}")
