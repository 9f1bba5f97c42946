"""pytest plugin: the overhead of isolation and leak detection on a whole test suite.

Target (issue 6): a generated 2,000-test suite runs at most 5% slower with the plugin than with
``-p no:confwarden``. Both runs are full ``python -m pytest`` processes (startup, collection,
the plugin's import, every hook), alternated several times; the minimum of each side is kept.

The suite is the plugin's worst case: tests that do almost nothing, so the per-test cost of the
checks is not hidden behind test work. A quarter of the tests use ``monkeypatch.setenv`` (the
fixture hooks then see a change), a tenth use ``tmp_path``; none leaks. Wall time is the
target; CPU time (user + system of the pytest process) is reported beside it because it varies
less when other work shares the machine.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from importlib.metadata import entry_points
from pathlib import Path

from _harness import Measurement, ratio, report

TESTS = 2_000
FILES = 20
RUNS = 11


def write_suite(root: Path) -> None:
    (root / "pytest.ini").write_text("[pytest]\nfilterwarnings = error\n")
    # A confwarden project that opts into failing leaks: the plugin acts on projects only.
    (root / "pyproject.toml").write_text('[tool.confwarden]\nleaks = "fail"\n')
    per_file = TESTS // FILES
    for f in range(FILES):
        lines = ["import os", ""]
        for t in range(per_file):
            n = f * per_file + t
            if n % 4 == 0:
                lines += [
                    f"def test_{n}(monkeypatch):",
                    f"    monkeypatch.setenv('BENCH_{n}', '1')",
                    f"    assert os.environ['BENCH_{n}'] == '1'",
                ]
            elif n % 10 == 1:
                lines += [f"def test_{n}(tmp_path):", "    assert tmp_path.is_dir()"]
            else:
                lines += [f"def test_{n}():", f"    assert {n} + 1 > {n}"]
            lines.append("")
        (root / f"test_gen_{f:02d}.py").write_text("\n".join(lines))


def run_suite(root: Path, *args: str) -> tuple[float, float]:
    """Run the suite once: (wall seconds, CPU seconds of the pytest process)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "CONFWARDEN"))}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # a normal run: test modules' bytecode is cached
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0 or f"{TESTS} passed" not in proc.stdout:
        raise SystemExit(f"the generated suite did not pass ({args}):\n{proc.stdout[-2000:]}")
    return wall, cpu


def bench_suite() -> list[Measurement]:
    if not any(ep.name == "confwarden" for ep in entry_points(group="pytest11")):
        raise SystemExit("the plugin is not registered: run pip install -e . first")
    with_plugin: tuple[str, ...] = ()
    without_plugin = ("-p", "no:confwarden")
    with tempfile.TemporaryDirectory(prefix="confwarden-bench-") as tmp:
        root = Path(tmp)
        write_suite(root)
        run_suite(root, *with_plugin)  # warm the file system cache and the bytecode
        run_suite(root, *without_plugin)
        ours: list[tuple[float, float]] = []
        baseline: list[tuple[float, float]] = []
        for i in range(RUNS):
            # Alternate which side goes first: on a shared machine a slow spell then hits
            # both sides alike instead of always the same one.
            if i % 2:
                ours.append(run_suite(root, *with_plugin))
                baseline.append(run_suite(root, *without_plugin))
            else:
                baseline.append(run_suite(root, *without_plugin))
                ours.append(run_suite(root, *with_plugin))
    wall_ours, wall_base = min(w for w, _ in ours), min(w for w, _ in baseline)
    cpu_ours, cpu_base = min(c for _, c in ours), min(c for _, c in baseline)
    return [
        ratio(
            f"{TESTS}-test suite with the plugin / with -p no:confwarden (wall time)",
            wall_ours,
            wall_base,
            at_most=1.05,
            detail=f"{wall_ours:.2f} s vs {wall_base:.2f} s (min of {RUNS} alternated runs, "
            "leak detection in fail mode)",
        ),
        ratio(
            f"{TESTS}-test suite with the plugin / with -p no:confwarden (CPU time)",
            cpu_ours,
            cpu_base,
            at_most=1.05,
            detail=f"{cpu_ours:.2f} s vs {cpu_base:.2f} s of user+system time; steadier than "
            "wall time on a shared machine",
        ),
    ]


if __name__ == "__main__":
    report("pytest plugin", bench_suite())
