"""confwarden check on a real corpus nobody here wrote: sympy and Django from PyPI.

Figures (issue "confwarden check", Speed):

* cold, all rules, 2 processes: at least 100,000 lines/s;
* warm (content-hash cache, nothing changed): under 0.3 s;
* incremental (one file changed): re-parses that file only;
* a side-by-side table with ruff (F821 + banned ``os.environ``), pyflakes, import-linter and
  semgrep on the same corpus, each run bounded by a timeout; a tool that cannot be run is
  reported as unavailable with the reason, never faked.

The corpus is downloaded once into ``bench/.data/`` (gitignored) with
``pip download --no-deps --no-binary :all: sympy django``; when that fails the virtualenv's
site-packages is used instead.
"""

from __future__ import annotations

import ast
import json
import resource
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from _harness import Measurement, per_run, report
from confwarden.checker import CheckerConfig, run_check

HERE = Path(__file__).resolve().parent
DATA = HERE / ".data"
CORPUS = DATA / "corpus"
TOOL_TIMEOUT_S = 600
BIN = Path(sys.executable).parent


def corpus() -> tuple[Path, str]:
    """The corpus directory and a description of it."""
    if not any(CORPUS.glob("*/")):
        download = DATA / "dl"
        download.mkdir(parents=True, exist_ok=True)
        try:
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "download",
                    "-q",
                    "--no-deps",
                    "--no-binary",
                    ":all:",
                    "-d",
                    str(download),
                    "sympy",
                    "django",
                ],
                check=True,
                timeout=TOOL_TIMEOUT_S,
                capture_output=True,
            )
            CORPUS.mkdir(parents=True, exist_ok=True)
            for archive in download.glob("*.tar.gz"):
                with tarfile.open(archive) as tar:
                    tar.extractall(CORPUS, filter="data")
        except (subprocess.SubprocessError, OSError, tarfile.TarError):
            shutil.rmtree(CORPUS, ignore_errors=True)
    if any(CORPUS.glob("*/")):
        names = ", ".join(
            sorted(p.name for p in CORPUS.iterdir() if p.is_dir() and not p.name.startswith("."))
        )
        return CORPUS, f"sdists from PyPI: {names}"
    return Path(sysconfig.get_paths()["purelib"]), "fallback: the virtualenv's site-packages"


def timed(cmd: list[str], **kwargs: object) -> tuple[float | None, str]:
    """Seconds one bounded run of ``cmd`` took, or None and why it could not run."""
    start = time.perf_counter()
    try:
        proc = subprocess.run(
            cmd, capture_output=True, text=True, timeout=TOOL_TIMEOUT_S, check=False, **kwargs
        )  # type: ignore[call-overload]
    except FileNotFoundError:
        return None, f"unavailable: {cmd[0]} is not installed (pip install 'confwarden[bench]')"
    except subprocess.TimeoutExpired:
        return None, f"did not finish within {TOOL_TIMEOUT_S} s"
    elapsed = time.perf_counter() - start
    tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or [""]
    crashed = "Traceback" in (proc.stderr or "") or "RecursionError" in (proc.stderr or "")
    # A crash (pyflakes on sympy's deeply nested files) may end the run early: the rate of a
    # crashed tool is an upper bound, not a comparable figure.
    note = f"exit {proc.returncode}" + (f", CRASHED: {tail[0][:120]}" if crashed else "")
    return elapsed, note


def _parse_chunk(paths: list[str]) -> int:
    for path in paths:
        try:
            ast.parse(Path(path).read_bytes())
        except (SyntaxError, ValueError, RecursionError):
            continue
    return len(paths)


def cpu_seconds() -> float:
    """CPU time of this process and its waited-for children (workers, ruff)."""
    me, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def best(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of the fastest of ``repeat`` runs.

    The machine is shared with other sessions: wall time varies with their load, CPU time
    much less, so both are reported.
    """
    runs = []
    for _ in range(repeat):
        cpu, start = cpu_seconds(), time.perf_counter()
        fn()
        runs.append((time.perf_counter() - start, cpu_seconds() - cpu))
    return min(runs)


def parse_floor(root: Path) -> tuple[float, float]:
    """Seconds for bare ``ast.parse`` of every file on 2 processes: the floor any AST-based
    checker stands on, measured at the same moment as ours (the machine is shared)."""
    files = sorted(root.rglob("*.py"), key=lambda p: -p.stat().st_size)
    paths = [str(p) for p in files if ".confwarden-cache" not in p.parts]
    chunks = [paths[i : i + 20] for i in range(0, len(paths), 20)]

    def run() -> None:
        with ProcessPoolExecutor(max_workers=2) as pool:
            list(pool.map(_parse_chunk, chunks))

    return best(run, repeat=3)


def comparisons(root: Path, lines: int, work: Path) -> list[Measurement]:
    rows: list[Measurement] = []

    def row(tool: str, seconds: float | None, note: str) -> None:
        if seconds is None:
            rows.append(Measurement(f"{tool} (lines/s)", 0.0, "lines/s", "reference", True, note))
        else:
            rate = round(lines / seconds)
            detail = f"{seconds:.2f} s; {note}"
            rows.append(
                Measurement(f"{tool} (lines/s)", rate, "lines/s", "reference", True, detail)
            )

    banned = 'lint.flake8-tidy-imports.banned-api."os.environ".msg = "use get_env()"'
    row(
        "ruff F821 + TID251 banned os.environ",
        *timed(
            [
                str(BIN / "ruff"),
                "check",
                "--isolated",
                "--select",
                "F821,TID251",
                "--config",
                banned,
                "--no-cache",
                "--no-respect-gitignore",
                "--exit-zero",
                "--quiet",
                str(root),
            ]
        ),
    )
    row(
        "pyflakes (undefined names and more)",
        *timed([str(BIN / "python"), "-m", "pyflakes", str(root)]),
    )
    packages = sorted(p for p in root.glob("*/*") if (p / "__init__.py").is_file())
    if len(packages) >= 2:
        config = work / "importlinter.ini"
        names = [p.name for p in packages[:2]]
        config.write_text(
            "[importlinter]\nroot_packages =\n    " + "\n    ".join(names) + "\n\n"
            "[importlinter:contract:independence]\nname = packages are independent\n"
            "type = independence\nmodules =\n    " + "\n    ".join(names) + "\n"
        )
        env_path = ":".join(str(p.parent) for p in packages[:2])
        row(
            f"import-linter ({' vs '.join(names)} independence)",
            *timed(
                [str(BIN / "lint-imports"), "--no-cache", "--config", str(config)],
                env={"PYTHONPATH": env_path, "PATH": str(BIN)},
            ),
        )
    else:
        row("import-linter", None, "unavailable: no two top-level packages in the corpus")
    rules = work / "semgrep.yml"
    rules.write_text(
        "rules:\n"
        "  - id: os-environ-access\n    languages: [python]\n    severity: ERROR\n"
        "    message: direct environment access\n    pattern-either:\n"
        "      - pattern: os.environ\n      - pattern: os.getenv(...)\n"
        "      - pattern: os.putenv(...)\n"
        "  - id: database-url-read\n    languages: [python]\n    severity: ERROR\n"
        "    message: DATABASE_URL read\n    pattern-either:\n"
        '      - pattern: $E.get("DATABASE_URL", ...)\n      - pattern: $E["DATABASE_URL"]\n'
    )
    # semgrep skips gitignored paths (bench/.data is), files over 1 MB and, without a
    # .semgrepignore of the project's own, test directories: switch all of that off.
    (root / ".semgrepignore").write_text("# scan everything\n")
    semgrep_out = work / "semgrep.json"
    seconds, note = timed(
        [
            str(BIN / "semgrep"),
            "scan",
            "--config",
            str(rules),
            "--metrics",
            "off",
            "--quiet",
            "-j",
            "2",
            "--disable-version-check",
            "--no-git-ignore",
            "--max-target-bytes",
            "0",
            "--json",
            "--output",
            str(semgrep_out),
            ".",
        ],
        cwd=root,
    )
    if seconds is not None and semgrep_out.is_file():
        data = json.loads(semgrep_out.read_text())
        scanned = len(data.get("paths", {}).get("scanned", []))
        note += f", {scanned} files scanned, {len(data.get('results', []))} results"
    row("semgrep (os.environ + DATABASE_URL pack)", seconds, note)
    return rows


def main() -> None:
    root, description = corpus()
    config = CheckerConfig()
    cache = root / ".confwarden-cache"

    def cold() -> None:
        shutil.rmtree(cache, ignore_errors=True)
        run_check(root, config, root=root, jobs=2)

    cold_s, cold_cpu = best(cold, repeat=3)
    floor_s, floor_cpu = parse_floor(root)
    first = run_check(root, config, root=root, jobs=2)
    lines = first.lines
    warm_s = per_run(lambda: run_check(root, config, root=root, jobs=2), repeat=5)

    victim = next(p for p in sorted(root.rglob("*.py")) if p.stat().st_size > 2000)
    original = victim.read_bytes()
    checked: list[int] = []
    counter = [0]

    def incremental() -> None:
        counter[0] += 1
        victim.write_bytes(original + f"\n# edit {counter[0]}\n".encode())
        checked.append(run_check(root, config, root=root, jobs=2).files_checked)

    try:
        incremental_s = per_run(incremental, repeat=3)
    finally:
        victim.write_bytes(original)
        run_check(root, config, root=root, jobs=2)

    rate = lines / cold_s
    measurements = [
        Measurement(
            "cold, all rules, 2 processes",
            round(rate),
            "lines/s",
            ">= 100000",
            rate >= 100_000,
            f"{lines} lines, {first.files} files in {cold_s:.2f} s; corpus: {description}",
        ),
        Measurement(
            "cold, CPU-normalised (lines / (CPU s / 2))",
            round(2 * lines / cold_cpu),
            "lines/s",
            ">= 100000",
            2 * lines / cold_cpu >= 100_000,
            f"{cold_cpu:.1f} CPU s incl. ruff; what 2 uncontended cores would give",
        ),
        Measurement(
            "cold vs bare ast.parse on 2 processes, by CPU (same corpus)",
            round(floor_cpu / cold_cpu, 2),
            "x floor",
            ">= 0.55",
            floor_cpu / cold_cpu >= 0.55,
            f"ast.parse alone: {floor_cpu:.1f} CPU s, {lines / floor_s:.0f} lines/s wall; "
            "the issue's 100k target is 0.55x its 180k floor",
        ),
        Measurement(
            "warm (cache, nothing changed)",
            round(warm_s, 3),
            "s",
            "<= 0.3",
            warm_s <= 0.3,
            "library call; stat of every file, no read, no ruff",
        ),
        Measurement(
            "incremental (one file changed)",
            round(incremental_s, 3),
            "s",
            "re-parse 1 file",
            set(checked) == {1},
            f"files re-parsed per run: {sorted(set(checked))}",
        ),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        measurements += comparisons(root, lines, Path(tmp))
    report("confwarden check (static checker) on sympy + Django", measurements)


if __name__ == "__main__":
    main()
