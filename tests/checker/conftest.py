"""Fixture trees for the checker tests, copied to a temporary directory per test.

Each tree under ``fixtures/`` marks the lines where a finding is expected with a trailing
``# expect: CW101`` (several codes comma-separated). Every other line is a negative case:
the tests compare the full set of findings with the full set of marks.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
# The fixture trees are input to the checker, not tests of this project (broken_platform has
# its own tests, run by test_fix.py in a child process).
collect_ignore = ["fixtures"]
_EXPECT = re.compile(r"#\s*expect:\s*([A-Z0-9, ]+)")


def expected_findings(root: Path) -> set[tuple[str, int, str]]:
    """(path, line, code) of every ``# expect:`` mark under ``root``."""
    marks: set[tuple[str, int, str]] = set()
    for file in sorted(root.rglob("*.py")):
        rel = file.relative_to(root).as_posix()
        for number, line in enumerate(file.read_text().splitlines(), start=1):
            match = _EXPECT.search(line)
            if match:
                for code in match.group(1).split(","):
                    marks.add((rel, number, code.strip()))
    return marks


@pytest.fixture
def copy_tree(tmp_path: Path):
    """Copy a fixture tree into this test's temporary directory and return its path."""

    def _copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(FIXTURES / name, target)
        return target

    return _copy


@pytest.fixture
def expected():
    """The :func:`expected_findings` helper."""
    return expected_findings
