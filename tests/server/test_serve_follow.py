"""``confwarden serve`` follows what it shows: a fixed ``.env``, a rotated secret file.

A real ``confwarden serve`` process on a small project; changes are awaited as the events the
server streams (no sleeps), then checked over HTTP.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import sys
import textwrap
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect

from confwarden.server.follow import DotenvFollower

pytestmark = pytest.mark.integration

ROOT = Path(__file__).parents[2]
SECRET = "CANARY-follow-5e6f7a8b9c0d1e2f"
ROTATED = "CANARY-rotated-0a1b2c3d4e5f6a7b"
SCHEMA = """
from typing import Annotated

from confwarden import ConfigSchema, Env, SecretStr


class SvcConfig(ConfigSchema, env_prefix="SVC_"):
    page_size: int = 50
    api_key: Annotated[SecretStr | None, Env(critical=True)] = None
    signing_key: Annotated[SecretStr | None, Env(restart_required=True)] = None
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "svc"\nversion = "0"\n\n'
        '[tool.confwarden.configs]\nsvc = "svc_schema:SvcConfig"\n'
    )
    (tmp_path / "svc_schema.py").write_text(textwrap.dedent(SCHEMA))
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "SVC_API_KEY").write_text(SECRET)
    (tmp_path / "secrets" / "SVC_SIGNING_KEY").write_text(SECRET + "-signing")
    return tmp_path


@contextlib.contextmanager
def _serve(project: Path, dotenv: str, name: str = "local.env") -> Iterator[str]:
    (project / name).write_text(dotenv)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SVC_", "CONFWARDEN_"))}
    env["PYTHONPATH"] = os.pathsep.join([str(project), str(ROOT / "src")])
    process = subprocess.Popen(
        [sys.executable, "-m", "confwarden.cli.main", "serve", "--project", str(project),
         "--service", "svc", "--env", "development", "--env-file", str(project / name),
         "--secrets-dir", str(project / "secrets"), "--port", "0", "--interval", "600"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=project, env=env,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert " on http://127.0.0.1:" in line, line + process.stderr.read()  # type: ignore[union-attr]
        yield line.rsplit(" on ", 1)[1].strip()
    finally:
        process.terminate()
        process.wait(10)
        process.stdout.close()  # type: ignore[union-attr]
        process.stderr.close()  # type: ignore[union-attr]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


async def _until(ws: ClientConnection, wanted: Any) -> list[dict[str, Any]]:
    """Events up to and including the first one ``wanted`` accepts (the backlog first)."""
    seen: list[dict[str, Any]] = []
    while True:
        event = json.loads(await asyncio.wait_for(ws.recv(), 20))
        seen.append(event)
        if wanted(event):
            return seen


def test_serve_follow_a_fixed_dotenv_brings_health_back(project: Path) -> None:
    with _serve(project, "SVC_PAGE_SIZE=abc\n") as url:
        assert _get(url + "health")[0] == 503

        async def main() -> list[dict[str, Any]]:
            async with connect(url.replace("http", "ws", 1) + "events") as ws:
                (project / "local.env").write_text("SVC_PAGE_SIZE=20\n")
                return await _until(
                    ws, lambda e: e["type"] == "health_change" and e["status"] == "UP"
                )

        events = asyncio.run(main())
        status, body = _get(url + "health")
        config = json.loads(_get(url + "config")[1])
    assert status == 200, body
    assert any(e.get("kind") == "validation_recovered" for e in events), events
    page_size = next(f for f in config["fields"] if f["variable"] == "SVC_PAGE_SIZE")
    assert page_size["value"] == "20"


def test_serve_follow_a_fixed_env_file_that_is_also_a_default_file(project: Path) -> None:
    # docs/server.md: --env-file .env.development, which startup also reads by default.
    with _serve(project, "SVC_PAGE_SIZE=abc\n", ".env.development") as url:
        assert _get(url + "health")[0] == 503

        async def main() -> list[dict[str, Any]]:
            async with connect(url.replace("http", "ws", 1) + "events") as ws:
                (project / ".env.development").write_text("SVC_PAGE_SIZE=20\n")
                return await _until(
                    ws, lambda e: e["type"] == "health_change" and e["status"] == "UP"
                )

        asyncio.run(main())
        assert _get(url + "health")[0] == 200


def _events_after_writing(url: str, path: Path, kind: str) -> list[dict[str, Any]]:
    """The events received after writing ``ROTATED`` to ``path``, up to one of ``kind``."""

    async def main() -> list[dict[str, Any]]:
        async with connect(url.replace("http", "ws", 1) + "events") as ws:
            path.write_text(ROTATED)
            return await _until(ws, lambda e: e.get("kind") == kind)

    return asyncio.run(main())


def test_serve_follow_a_rotated_secret_file_is_a_reload(project: Path) -> None:
    with _serve(project, "SVC_PAGE_SIZE=20\n") as url:
        events = _events_after_writing(url, project / "secrets" / "SVC_API_KEY", "reload")
        metrics = _get(url + "metrics")[1]
        _, config = _get(url + "config")
    assert "api_key" in events[-1]["message"]
    assert "confwarden_config_reloads_total 1.0" in metrics
    assert 'confwarden_source_reloads_total{source="secret"} 1.0' in metrics
    assert 'confwarden_source_last_reload_age_seconds{source="secret"}' in metrics
    for text in (json.dumps(events), metrics, config):
        assert SECRET not in text
        assert ROTATED not in text


def test_serve_follow_a_rotated_secret_that_needs_a_restart_says_so(project: Path) -> None:
    with _serve(project, "SVC_PAGE_SIZE=20\n") as url:
        secret = project / "secrets" / "SVC_SIGNING_KEY"
        events = _events_after_writing(url, secret, "restart_required")
        metrics = _get(url + "metrics")[1]
        status, health = _get(url + "health")
    held = events[-1]
    assert held["detail"] == {"fields": ["signing_key"]}
    assert held["message"].startswith("restart required for: signing_key")
    assert not [e for e in events if e.get("kind") == "reload"], events
    assert "confwarden_config_restart_required 1.0" in metrics
    assert "confwarden_config_reloads_total 0.0" in metrics
    assert 'confwarden_source_reloads_total{source="secret"} 1.0' in metrics
    config = json.loads(health)["components"]["config"]
    assert (status, config["status"]) == (200, "DEGRADED")
    assert config["reason"] == "restart required for: signing_key"
    for text in (json.dumps(events), metrics, health):
        assert "CANARY" not in text


def test_serve_follow_dotenv_keeps_the_process_environment_first(tmp_path: Path) -> None:
    from confwarden.environment.isolated import IsolatedEnvironment

    path = tmp_path / ".env"
    path.write_text("A=1\nB=2\nC=3\n")
    env = IsolatedEnvironment(environ={"B": "process"}, isolated=True)
    follower = DotenvFollower(env, [env.load_from_file(path)])
    path.write_text("A=10\nB=20\nD=4\n")
    assert follower.poll() == ["A", "D", "C"]
    assert (env.get("A"), env.get("B"), env.get("C"), env.get("D")) == ("10", "process", None, "4")
    assert follower.poll() == []


def test_serve_follow_dotenv_first_file_wins_and_later_files_still_follow(tmp_path: Path) -> None:
    from confwarden.environment.isolated import IsolatedEnvironment

    first, second = tmp_path / ".env.development", tmp_path / ".env"
    first.write_text("PORT=notaport\n")
    second.write_text("PORT=1\nHOST=a\n")
    env = IsolatedEnvironment(environ={}, isolated=True)
    follower = DotenvFollower(env, [env.load_from_file(first), env.load_from_file(second)])
    first.write_text("PORT=5433\n")
    assert follower.poll() == ["PORT"]
    second.write_text("PORT=2\nHOST=b\n")
    assert follower.poll() == ["HOST"]
    assert (env.get("PORT"), env.get("HOST")) == ("5433", "b")
