"""Canary sweep over every CLI command: no secret in stdout, stderr or the log, whatever it does.

Commands are enumerated from the click group, so a command added later is swept with the
defaults below without touching this file: an argument gets a value by its type (a file:
the canary .env file; a directory: the project; text: a secret variable's name), and every
option that feeds secrets in (``--env-file``, ``--secrets-dir``) is given, with and without
``--json`` and for each ``--env``. Only options whose purpose is to reveal a secret on
request (``--show-password``) are left out. A command with a ``--port`` option serves until
stopped: it runs in a child process on a free port, every page of :data:`SERVED_PATHS` is
fetched, then the process is stopped by its PID.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from tests.security import canaries

from confwarden.cli.main import cli
from confwarden.config.manager import reset_unified_config
from confwarden.environment.process import reset_env

# Arguments a command cannot guess from its types; every other command uses the defaults.
ARGUMENTS: dict[str, list[list[str]]] = {
    "env explain": [["POSTGRES_PASSWORD"], ["COPY_OF_PASSWORD"], ["DATABASE_URL"], ["GH_PAT"]],
    "explain": [["POSTGRES_PASSWORD"], ["REDIS_PASSWORD"], ["JWT_SECRET_KEY"]],
    "impact": [["JWT_SECRET_KEY"], ["DATABASE_URL"]],
}
REVEALING_OPTIONS = frozenset({"--show-password"})
WRITING_OPTIONS = frozenset({"--write-baseline", "-o", "--output"})
ENVIRONMENTS = ("staging", "development")
SERVED_PATHS = ("", "health", "metrics", "config")
STARTUP_DEADLINE = 60.0


def _commands(
    group: click.Group, prefix: tuple[str, ...] = ()
) -> Iterator[tuple[str, click.Command]]:
    for name in sorted(group.commands):
        command = group.commands[name]
        path = (*prefix, name)
        if isinstance(command, click.Group):
            yield from _commands(command, path)
        else:
            yield " ".join(path), command


COMMANDS = dict(_commands(cli))
SERVERS = {
    name: command
    for name, command in COMMANDS.items()
    if "--port" in {opt for param in command.params for opt in param.opts}
}


def _default_arguments(command: click.Command, files: dict[str, Path]) -> list[str]:
    values: list[str] = []
    for param in command.params:
        if not isinstance(param, click.Argument):
            continue
        kind = param.type
        if isinstance(kind, click.Path) and kind.dir_okay and not kind.file_okay:
            values.append(str(files["root"]))
        elif isinstance(kind, click.Path | click.File):
            values.append(str(files["dotenv"] if not values else files["after"]))
        else:
            values.append("POSTGRES_PASSWORD")
    return values


def _invocations(name: str, command: click.Command, files: dict[str, Path]) -> list[list[str]]:
    options = {opt for param in command.params for opt in param.opts}
    feeding: list[str] = []
    if "--env-file" in options:
        feeding += ["--env-file", str(files["dotenv"])]
    if "--secrets-dir" in options:
        feeding += ["--secrets-dir", str(files["secrets"])]
    argument_sets = ARGUMENTS.get(name) or [_default_arguments(command, files)]
    runs: list[list[str]] = []
    for arguments in argument_sets:
        for as_json in ([], ["--json"]) if "--json" in options else ([],):
            for environment in ENVIRONMENTS if "--env" in options else (None,):
                chosen = ["--env", environment] if environment else []
                runs.append([*name.split(), *arguments, *feeding, *chosen, *as_json])
        if "--format" in options and name == "check":
            runs.append([*name.split(), *arguments, "--format", "json"])
    return runs


def test_sweep_detects_a_secret_shown_on_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The control: the one option meant to reveal does show the canary, so the check works.
    files = canaries.write_project(tmp_path / "project")
    monkeypatch.chdir(files["root"])
    reset_env()
    result = CliRunner().invoke(
        cli, ["db", "url", "--show-password", "--env", "development"], env=canaries.environ()
    )
    assert canaries.leaks(result.stdout) != []


def test_sweep_covers_every_command() -> None:
    # A group with no command, or an option we never pass, would make the sweep hollow.
    assert {"env show", "env explain", "validate", "explain", "doctor", "diff"} <= set(COMMANDS)
    for command in COMMANDS.values():
        assert not ({opt for p in command.params for opt in p.opts} & REVEALING_OPTIONS) or (
            command.name == "url"
        )


@pytest.mark.parametrize("name", sorted(set(COMMANDS) - set(SERVERS)))
def test_cli_command_never_shows_a_canary(
    name: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    files = canaries.write_project(tmp_path / "project")
    monkeypatch.chdir(files["root"])
    caplog.set_level(logging.DEBUG)
    runs = _invocations(name, COMMANDS[name], files)
    assert runs
    for args in runs:
        reset_env()
        reset_unified_config()
        result = CliRunner().invoke(cli, args, env=canaries.environ(), catch_exceptions=True)
        shown = result.stdout + result.stderr + caplog.text
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            import traceback

            shown += "".join(traceback.format_exception(result.exception))
        assert canaries.leaks(shown) == [], f"confwarden {' '.join(args)} leaked"
        caplog.clear()


def _fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # 127.0.0.1 only
            return str(response.read().decode("utf-8", "replace"))
    except urllib.error.HTTPError as error:
        return str(error.read().decode("utf-8", "replace"))
    except (urllib.error.URLError, TimeoutError) as error:
        return f"<{type(error).__name__}>"


@pytest.mark.parametrize("name", sorted(SERVERS))
def test_served_command_never_shows_a_canary(name: str, tmp_path: Path) -> None:
    files = canaries.write_project(tmp_path / "project")
    args = [
        *name.split(),
        "--port",
        "0",
        # development: the environment that reads .env files, so the file's canaries reach
        # the pages (serve refuses --env-file where a service never reads one).
        "--env",
        "development",
        "--env-file",
        str(files["dotenv"]),
    ]
    process = subprocess.Popen(
        [sys.executable, "-m", "confwarden.cli.main", *args],
        cwd=files["root"],
        env={**os.environ, **canaries.environ()},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    ready = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            if re.search(r"https?://\S+", line):
                ready.set()
        ready.set()  # the process ended

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    pages: list[str] = []
    try:
        assert ready.wait(STARTUP_DEADLINE), f"confwarden {name} did not start"
        urls = [m.group() for line in lines if (m := re.search(r"https?://[^\s#]+", line))]
        assert urls, "".join(lines)
        base = urls[0].rstrip("/")
        pages = [_fetch(f"{base}/{path}") for path in SERVED_PATHS]
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)
        reader.join(timeout=15)
        assert process.stdout is not None
        process.stdout.close()
    assert any(page and not page.startswith("<") for page in pages), pages
    assert canaries.leaks("".join(lines) + "\n".join(pages)) == []
