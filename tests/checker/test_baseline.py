"""The baseline: old findings hidden even after edits above them, new ones still shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from confwarden.checker import CheckerConfigError, run_check
from confwarden.checker.baseline import write_baseline


def test_baseline_survives_lines_added_above(tmp_path: Path) -> None:
    code = tmp_path / "a.py"
    code.write_text("import os\nx = os.getenv('A')\n")
    baseline = tmp_path / "baseline.json"
    assert write_baseline(baseline, run_check(tmp_path).findings) == 1
    code.write_text("import os\n\n# a comment\n\nx = os.getenv('A')\ny = os.getenv('B')\n")
    result = run_check(tmp_path, baseline=baseline)
    assert [(f.line, f.code) for f in result.findings] == [(6, "CW101")]
    assert result.baselined == 1


def test_baseline_counts_duplicates(tmp_path: Path) -> None:
    code = tmp_path / "a.py"
    code.write_text("import os\nx = os.getenv('A')\n")
    baseline = tmp_path / "baseline.json"
    write_baseline(baseline, run_check(tmp_path).findings)
    code.write_text("import os\nx = os.getenv('A')\nx = os.getenv('A')\n")
    assert len(run_check(tmp_path, baseline=baseline).findings) == 1


def test_baseline_unreadable_is_a_config_error(tmp_path: Path) -> None:
    bad = tmp_path / "baseline.json"
    bad.write_text("not json")
    with pytest.raises(CheckerConfigError, match="baseline"):
        run_check(tmp_path, baseline=bad)
