"""examples/shop: a FastAPI service written from the public docs, tested with its own suite.

The shop's tests run as its developers run them (``python -m pytest`` in its directory, the
confwarden plugin active because its pyproject.toml has ``[tool.confwarden]``), against a
real PostgreSQL and Redis given through the variables a CI job would set.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
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


@contextmanager
def _uvicorn(tmp_path: Path, monitoring_token: str) -> Iterator[subprocess.Popen[str]]:
    """The shop as its README starts it: ``cp .env.example .env``, POSTGRES_PASSWORD filled."""
    shop = tmp_path / "shop"
    shutil.copytree(SHOP, shop, ignore=shutil.ignore_patterns("__pycache__", ".env"))
    lines = (shop / ".env.example").read_text().splitlines()
    fills = {"POSTGRES_PASSWORD": "CANARY-pg-9f8e7d6c", "SHOP_MONITORING_TOKEN": monitoring_token}
    lines = [
        f"{line.split('=')[0]}={fills[line.split('=')[0]]}" if line.split("=")[0] in fills else line
        for line in lines
    ]
    (shop / ".env").write_text("\n".join(lines) + "\n")
    env = _clean_environ()
    env["ENVIRONMENT"] = "development"
    env["PYTHONPATH"] = os.pathsep.join([str(shop), str(SHOP.parents[1] / "src")])
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "shop.app:create_app", "--port", "0"],
        cwd=shop, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    try:
        yield process
    finally:
        process.terminate()
        process.wait(10)
        assert process.stderr is not None
        process.stderr.close()


def _started_url(process: subprocess.Popen[str]) -> str:
    assert process.stderr is not None
    seen = []
    for line in process.stderr:
        seen.append(line)
        if "Uvicorn running on " in line:
            return line.split("Uvicorn running on ", 1)[1].split()[0] + "/"
    raise AssertionError("".join(seen))


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def test_shop_blank_monitoring_token_serves_this_machine_only(tmp_path: Path) -> None:
    with _uvicorn(tmp_path, "") as process:
        url = _started_url(process)
        assert _status(url + "confwarden/health/live") == 200
        assert _status(url + "confwarden/config") == 200  # loopback: served without a token
        assert _status(url + "confwarden/metrics") == 200


def test_shop_short_monitoring_token_fails_at_start(tmp_path: Path) -> None:
    with _uvicorn(tmp_path, "short") as process:
        assert process.wait(30) != 0
        assert process.stderr is not None
        error = process.stderr.read()
    assert "at least 16 characters" in error
