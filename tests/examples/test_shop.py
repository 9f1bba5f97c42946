"""examples/shop: a FastAPI service written from the public docs, tested with its own suite.

The shop's tests run as its developers run them (``python -m pytest`` in its directory, the
confwarden plugin active because its pyproject.toml has ``[tool.confwarden]``), against a
real PostgreSQL and Redis given through the variables a CI job would set.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

SHOP = Path(__file__).resolve().parents[2] / "examples" / "shop"

pytestmark = pytest.mark.integration


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=SHOP, env=env, capture_output=True, text=True, check=False
    )


def _clean_environ() -> dict[str, str]:
    # The shop's suite is its own pytest session: none of this session's pytest or
    # confwarden variables may leak into it.
    return {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST_", "POSTGRES_", "REDIS_", "SHOP_", "ENVIRONMENT"))
    }


def test_shop_suite_passes_against_real_postgres_and_redis(
    postgres_server: Any, redis_server: Any
) -> None:
    env = _clean_environ()
    env.update(postgres_server.component_vars())
    redis = redis_server.component_vars()
    env.update({k: redis[k] for k in ("REDIS_HOST", "REDIS_PORT", "REDIS_PASSWORD")})
    result = _run(["-m", "pytest", "-q"], env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "9 passed" in result.stdout
    assert postgres_server.password not in result.stdout + result.stderr
    assert redis_server.password not in result.stdout + result.stderr


def test_shop_cli_finds_its_project(tmp_path: Path) -> None:
    env = _clean_environ()
    result = _run(["-m", "confwarden", "explain", "SHOP_PAGE_SIZE", "--env", "testing"], env)
    assert result.returncode == 0, result.stderr
    assert "ShopConfig.page_size" in result.stdout
    result = _run(["-m", "confwarden", "validate", "--env", "production", "--json"], env)
    assert result.returncode == 1
    assert "SHOP_STRIPE_API_KEY" in result.stdout
