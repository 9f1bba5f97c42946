"""`import confwarden` stays light: no pydantic, no CLI framework, no backend."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = [
    "pydantic",
    "click",
    "rich",
    "google",
    "hvac",
    "etcd3",
    "starlette",
    "uvicorn",
    "sqlalchemy",
    "asyncpg",
    "psycopg",
    "psycopg2",
    "redis",
    "dotenv",
]


def _modules_after(statement: str) -> set[str]:
    code = f"import sys, json; {statement}; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout))


def test_import_confwarden_loads_no_heavy_dependency() -> None:
    loaded = _modules_after("import confwarden")
    assert not [m for m in HEAVY if m in loaded]


def test_get_env_loads_no_heavy_dependency() -> None:
    loaded = _modules_after("from confwarden import get_env; get_env().get('HOME')")
    assert not [m for m in HEAVY if m in loaded]
