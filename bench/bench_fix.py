"""confwarden check --fix on a generated 1,000-file tree with 10 findings per file.

Figures (issue "confwarden check on a real platform", Speed):

* ``--fix`` end to end (check, rewrite with libcst, atomic writes, the check again with
  ruff): the whole tree, 10,000 direct reads, in one run;
* ``--diff`` (check and rewrite in memory, nothing written);
* every read rewritten and nothing left, so the figure is the full migration.

The tree is generated fresh in a temporary directory for each run (the fix changes it).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from _harness import Measurement, report
from confwarden.checker import CheckerConfig, run_check
from confwarden.checker.fix import fix_tree

FILES = 1_000
PER_FILE = 10

_TEMPLATE = '''"""Generated module {index}: settings read the old way."""

import logging
import os

log = logging.getLogger(__name__)

# Timeouts and flags, read at import.
{reads}


def describe() -> dict[str, object]:
    """What the module would log."""
    return {{"module": {index}, "values": [{names}]}}
'''


def generate(root: Path) -> int:
    """Write the tree; return its number of lines."""
    (root / "pyproject.toml").write_text("[tool.confwarden]\n")
    lines = 0
    for index in range(FILES):
        package = root / f"pkg{index // 100}"
        package.mkdir(exist_ok=True)
        (package / "__init__.py").touch()
        reads = []
        for n in range(PER_FILE):
            name = f"SETTING_{index}_{n}"
            if n % 2:
                reads.append(f'V{n} = os.getenv("{name}", "{n}")  # default {n}')
            else:
                reads.append(f'V{n} = os.environ.get(\n    "{name}",\n    "{n}",\n)')
        text = _TEMPLATE.format(
            index=index,
            reads="\n".join(reads),
            names=", ".join(f"V{n}" for n in range(PER_FILE)),
        )
        (package / f"module_{index}.py").write_text(text)
        lines += text.count("\n")
    return lines


def timed_fix(write: bool) -> tuple[float, int, int, int, int]:
    """(seconds, lines, files changed, accesses rewritten, direct accesses left)."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        lines = generate(root)
        config = CheckerConfig()
        start = time.perf_counter()
        fixed = fix_tree(root, config, root=root, write=write, jobs=2)
        seconds = time.perf_counter() - start
        left = sum(1 for f in run_check(root, config, root=root).findings if f.code == "CW101")
        return seconds, lines, len(fixed.changed), fixed.rewritten, left


def main() -> None:
    fix_s, lines, changed, rewritten, left = timed_fix(write=True)
    diff_s, _, would, _, _ = timed_fix(write=False)
    expected = FILES * PER_FILE
    measurements = [
        Measurement(
            "--fix, 1,000 files x 10 findings (check, rewrite, write, check again)",
            round(fix_s, 2),
            "s",
            "all rewritten",
            changed == FILES and rewritten == expected and left == 0,
            f"{changed} files, {rewritten} reads rewritten, {left} direct accesses left; "
            f"{lines} lines; {FILES / fix_s:.0f} files/s",
        ),
        Measurement(
            "--diff, same tree (check and rewrite in memory)",
            round(diff_s, 2),
            "s",
            "no write",
            would == FILES,
            f"{would} files would change; {FILES / diff_s:.0f} files/s",
        ),
    ]
    report("confwarden check --fix (libcst rewrite)", measurements)


if __name__ == "__main__":
    main()
