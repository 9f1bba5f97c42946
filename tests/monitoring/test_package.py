"""The monitoring package's public API: __all__ complete, sorted, importable, and light."""

from __future__ import annotations

import json
import subprocess
import sys

from confwarden import monitoring


def test_monitoring_all_is_sorted_and_resolves() -> None:
    assert monitoring.__all__ == sorted(set(monitoring.__all__))
    for name in monitoring.__all__:
        assert getattr(monitoring, name) is not None, name


def test_monitoring_import_loads_no_web_server() -> None:
    code = (
        "import sys, json, confwarden.monitoring; "
        "print(json.dumps([m for m in ('starlette', 'uvicorn', 'websockets') if m in sys.modules]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []
