"""The JSON report: ``{"findings": [{"path", "line", "column", "code", "message", ...}], ...}``.

Paths are relative to the checked root, so the report is the same on every machine.
"""

from __future__ import annotations

import json as _json

from confwarden.checker.findings import CheckResult


def render(result: CheckResult) -> str:
    """The findings, the warnings and the run's counters as one JSON document."""
    payload = {
        "findings": [finding.as_dict() for finding in result.findings],
        "warnings": list(result.warnings),
        "notes": list(result.notes),
        "summary": result.summary(),
    }
    return _json.dumps(payload, indent=2)
