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


COMMON_TYPES_SERVICE = """
from pathlib import Path
from typing import Literal
from confwarden import ConfigSchema, SecretStr, bootstrap
from confwarden.environment.isolated import IsolatedEnvironment

class ShopConfig(ConfigSchema, env_prefix="SHOP_"):
    page_size: int = 50
    ratio: float = 0.5
    debug: bool = False
    log_level: Literal["debug", "info"] = "info"
    hosts: list[str] = []
    data_dir: Path = Path("/var/lib/shop")
    stripe_api_key: SecretStr
    timeout: int | None = None

env = IsolatedEnvironment(
    environ={"SHOP_STRIPE_API_KEY": "sk_live_0123456789abcdef", "SHOP_HOSTS": "a,b"},
    isolated=True,
)
config = bootstrap(ShopConfig, env=env, environment="production", install=False)
assert config.hosts == ["a", "b"]
"""


def test_bootstrap_of_common_types_loads_no_pydantic() -> None:
    # Cold start (issue 9 item 11): pydantic's import and model building cost a fresh
    # process more than the rest of the load; common field types do without it.
    loaded = _modules_after(f"exec({COMMON_TYPES_SERVICE!r})")
    assert not [m for m in loaded if m.split(".")[0] in {"pydantic", "pydantic_core"}]
    assert "importlib.metadata" not in loaded
