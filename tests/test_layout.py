"""The source layout rules of STYLE.md that a test can hold: module size."""

from __future__ import annotations

from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "confwarden"
MAX_LINES = 500


def test_layout_no_module_is_over_500_lines() -> None:
    too_long = {
        str(path.relative_to(SRC)): count
        for path in sorted(SRC.rglob("*.py"))
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert too_long == {}, "split these along a real seam (one concept per module)"
