"""Environment layer: the cost of reading and writing through IsolatedEnvironment.

Targets (issue 2):
* ``env.get(key)`` in isolation: at most 2.5x a plain ``dict.get``, also while a scope is open
  in another thread (reads then look at the context's overlay: issue 11) and inside a scope;
* ``env.get(key)`` without isolation: at most 1.2x ``os.environ.get``;
* ``env.set(key, value, source=...)`` with one callback: at most 5x ``os.environ[key] = value``;
* ``import confwarden``: at most 60 ms (a fresh interpreter, ``-X importtime``).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

from _harness import Measurement, absolute, per_call, ratio, report
from confwarden.environment.isolated import IsolatedEnvironment

N = 200_000
KEY = "CONFWARDEN_BENCH_KEY"


def bench_get() -> list[Measurement]:
    os.environ[KEY] = "value"
    plain = dict(os.environ)
    isolated = IsolatedEnvironment(isolated=True)
    passthrough = IsolatedEnvironment()
    dict_get = plain.get
    t_dict = per_call(lambda: dict_get(KEY), number=N)
    t_iso = per_call(lambda: isolated.get(KEY), number=N)
    os_get = os.environ.get
    t_os = per_call(lambda: os_get(KEY), number=N)
    t_pass = per_call(lambda: passthrough.get(KEY), number=N)
    # The lambda wrapper is in both sides of each ratio, as a caller's own call would be.
    return [
        ratio(
            "env.get() isolated / dict.get",
            t_iso,
            t_dict,
            at_most=2.5,
            detail=f"{t_iso * 1e9:.0f} ns vs {t_dict * 1e9:.0f} ns",
        ),
        ratio(
            "env.get() without isolation / os.environ.get",
            t_pass,
            t_os,
            at_most=1.2,
            detail=f"{t_pass * 1e9:.0f} ns vs {t_os * 1e9:.0f} ns",
        ),
    ]


def bench_get_with_scopes() -> list[Measurement]:
    """Reads with contextvars scopes about: one open elsewhere, and one open here."""
    import threading

    os.environ[KEY] = "value"
    plain = dict(os.environ)
    env = IsolatedEnvironment(isolated=True)
    dict_get = plain.get
    t_dict = per_call(lambda: dict_get(KEY), number=N)
    opened, release = threading.Event(), threading.Event()

    def hold_scope() -> None:
        with env.scoped():
            opened.set()
            release.wait()

    holder = threading.Thread(target=hold_scope)
    holder.start()
    opened.wait()
    try:
        t_elsewhere = per_call(lambda: env.get(KEY), number=N)
        with env.scoped():
            env.set(KEY, "scoped", source="bench")
            t_inside = per_call(lambda: env.get(KEY), number=N)
    finally:
        release.set()
        holder.join()
    return [
        ratio(
            "env.get() isolated, a scope open in another thread / dict.get",
            t_elsewhere,
            t_dict,
            at_most=2.5,
            detail=f"{t_elsewhere * 1e9:.0f} ns vs {t_dict * 1e9:.0f} ns",
        ),
        ratio(
            "env.get() isolated, inside a scope (overlay hit) / dict.get",
            t_inside,
            t_dict,
            at_most=2.5,
            detail=f"{t_inside * 1e9:.0f} ns vs {t_dict * 1e9:.0f} ns",
        ),
    ]


def bench_set() -> list[Measurement]:
    seen: list[str] = []

    def callback(key: str, old: str | None, new: str | None, source: str) -> None:
        seen.append(key)

    isolated = IsolatedEnvironment(isolated=True)
    isolated.add_change_callback(callback)
    passthrough = IsolatedEnvironment()
    passthrough.add_change_callback(callback)
    values = [str(i) for i in range(64)]
    counter = iter(range(10**9))

    def os_set() -> None:
        os.environ[KEY] = values[next(counter) & 63]

    def iso_set() -> None:
        isolated.set(KEY, values[next(counter) & 63], source="bench")

    def pass_set() -> None:
        passthrough.set(KEY, values[next(counter) & 63], source="bench")

    n = N // 4
    t_os = per_call(os_set, number=n)
    t_iso = per_call(iso_set, number=n)
    t_pass = per_call(pass_set, number=n)
    seen.clear()
    return [
        ratio(
            "env.set() isolated, one callback / os.environ[k] = v",
            t_iso,
            t_os,
            at_most=5,
            detail=f"{t_iso * 1e9:.0f} ns vs {t_os * 1e9:.0f} ns",
        ),
        ratio(
            "env.set() without isolation, one callback / os.environ[k] = v",
            t_pass,
            t_os,
            at_most=5,
            detail=f"{t_pass * 1e9:.0f} ns vs {t_os * 1e9:.0f} ns",
        ),
    ]


def bench_import() -> list[Measurement]:
    best = float("inf")
    for _ in range(7):
        proc = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", "import confwarden"],
            capture_output=True,
            text=True,
            check=True,
        )
        for line in proc.stderr.splitlines():
            match = re.match(r"import time:\s+\d+ \|\s+(\d+) \| confwarden$", line)
            if match:
                best = min(best, int(match.group(1)) / 1000)
    full = float("inf")
    for _ in range(7):
        proc = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", "import confwarden; confwarden.get_env()"],
            capture_output=True,
            text=True,
            check=True,
        )
        total = sum(
            int(m.group(1))
            # Top-level entries only (one space after the bar): a nested module's time is
            # already inside its parent's cumulative figure.
            for m in re.finditer(
                r"import time:\s+\d+ \|\s+(\d+) \| confwarden\S*$", proc.stderr, re.M
            )
        )
        full = min(full, total / 1000)
    return [
        absolute("import confwarden (cumulative, -X importtime)", best, "ms", at_most=60),
        absolute(
            "import confwarden + first get_env() (the stdlib modules it pulls in included)",
            full,
            "ms",
            at_most=60,
        ),
    ]


if __name__ == "__main__":
    report(
        "Environment layer",
        bench_get() + bench_get_with_scopes() + bench_set() + bench_import(),
    )
