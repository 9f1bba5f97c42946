"""``confwarden serve`` on the example platform: a real process, real HTTP, stopped by PID."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from confwarden.cli.main import cli
from confwarden.cli.serve_cmd import banner

ROOT = Path(__file__).parents[2]
PLATFORM = ROOT / "examples" / "platform"


@pytest.fixture
def served() -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "confwarden.cli.main", "serve", "--project", str(PLATFORM),
         "--service", "backend", "--env-file", str(PLATFORM / ".env.development"),
         "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("confwarden serve: backend (development) on http://127.0.0.1:"), line
        yield line.rsplit(" on ", 1)[1].strip()
    finally:
        process.terminate()
        process.wait(10)
        assert process.stderr is not None
        process.stderr.close()
        process.stdout.close()  # type: ignore[union-attr]


@pytest.mark.integration
def test_serve_cmd_serves_the_example_platform(served: str) -> None:
    with urllib.request.urlopen(served + "health/live", timeout=10) as response:
        assert json.load(response) == {"status": "UP"}
    with urllib.request.urlopen(served + "config", timeout=10) as response:
        body = json.load(response)
    assert body["schema"] == "BackendDevelopmentConfig"
    with urllib.request.urlopen(served, timeout=10) as response:
        assert b'id="score"' in response.read()


def test_serve_cmd_refuses_a_public_bind_without_token() -> None:
    result = CliRunner().invoke(
        cli,
        ["serve", "--project", str(PLATFORM), "--service", "backend", "--host", "0.0.0.0"],
        env={"CONFWARDEN_SERVE_TOKEN": ""},
    )
    assert result.exit_code != 0
    assert result.exit_code == 2
    assert "refusing to serve on 0.0.0.0 without a token" in result.output


def test_serve_cmd_is_registered() -> None:
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0
    assert "--token" in result.output


def _serve(*args: str) -> Result:
    return CliRunner().invoke(
        cli,
        ["serve", "--project", str(PLATFORM), "--service", "backend", *args],
        env={"CONFWARDEN_SERVE_TOKEN": ""},
    )


@pytest.mark.parametrize("interval", ["0", "-1", "0.5"])
def test_serve_cmd_refuses_an_interval_below_one_second(interval: str) -> None:
    result = _serve("--interval", interval)
    assert result.exit_code == 2
    assert "Invalid value for '--interval'" in result.output
    assert ">=1" in result.output


@pytest.mark.parametrize("port", ["99999", "-5"])
def test_serve_cmd_refuses_a_port_out_of_range(port: str) -> None:
    result = _serve("--port", port)
    assert result.exit_code == 2
    assert "Invalid value for '--port'" in result.output
    assert "0<=x<=65535" in result.output


def test_serve_cmd_port_in_use_is_a_clear_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = _serve("--port", str(port))
    assert result.exit_code == 2
    assert f"127.0.0.1:{port} is already in use" in result.output
    assert "--port" in result.output
    assert "Traceback" not in result.output


def test_serve_cmd_unknown_host_is_a_clear_error() -> None:
    result = _serve("--host", "256.1.1.1", "--token", "a-long-enough-token-0123")
    assert result.exit_code == 2
    assert "cannot bind 256.1.1.1:8700" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("token", "expected"),
    [("   ", "without a token"), ("short-token", "at least 16 characters")],
)
def test_serve_cmd_refuses_a_weak_token(token: str, expected: str) -> None:
    result = _serve("--host", "0.0.0.0", "--token", token)
    assert result.exit_code == 2
    assert expected in result.output
    assert token not in result.output.replace("--token", "")


def test_serve_cmd_unknown_service_lists_the_projects_services() -> None:
    result = CliRunner().invoke(cli, ["--project", str(PLATFORM), "serve", "--service", "nope"])
    assert result.exit_code == 2
    assert "unknown service 'nope'" in result.output
    assert "backend, auth" in result.output


def test_serve_cmd_env_file_in_a_deployed_environment_is_refused_with_the_reason() -> None:
    result = _serve("--env", "staging", "--env-file", str(PLATFORM / ".env.staging"))
    assert result.exit_code == 2
    assert "--env-file is not read in staging" in result.output
    assert "confwarden validate --env staging --env-file" in result.output


def test_serve_cmd_token_on_the_command_line_is_warned_about() -> None:
    token = "a-long-enough-token-0123"
    result = _serve("--host", "256.1.1.1", "--token", token)
    assert "--token on the command line is readable" in result.output
    assert "CONFWARDEN_SERVE_TOKEN" in result.output
    from_env = CliRunner().invoke(
        cli,
        ["serve", "--project", str(PLATFORM), "--service", "backend", "--host", "256.1.1.1"],
        env={"CONFWARDEN_SERVE_TOKEN": token},
    )
    assert "cannot bind" in from_env.output
    assert "readable" not in from_env.output


def test_serve_cmd_banner_of_a_wildcard_bind_names_this_machine_not_the_token() -> None:
    text = banner("backend", "staging", "http://0.0.0.0:8123/", host="0.0.0.0", token=True)
    assert "0.0.0.0" not in text
    assert f"http://{socket.gethostname()}:8123/#token=<token>" in text
    assert "CONFWARDEN_SERVE_TOKEN" in text
