"""docs/monitoring.md's complete example runs as written and prints what the page says."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

DOC = Path(__file__).parents[2] / "docs" / "monitoring.md"


def _example() -> str:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## A complete example", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match is not None
    return match.group(1)


def test_docs_monitoring_example_runs_and_reports_the_death() -> None:
    out = subprocess.run(
        [sys.executable, "-c", _example()], capture_output=True, text=True, check=True, timeout=60
    )
    lines = out.stdout.strip().splitlines()
    assert lines[-1] == "DEGRADED 1 execution(s) died in the last 300 s (no_heartbeat: 1)"
    event = json.loads("\n".join(lines[:-1]))
    assert event["type"] == "agent_death"
    assert event["agent_name"] == "stuck_agent"
    assert event["payload"]["death_cause"] == "no_heartbeat"
