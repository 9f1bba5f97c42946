"""Issue 11 item 8: FIFOs and devices never hang a read nor fill memory, wherever they come in.

Every read runs under a deadline (a daemon thread, or a child process with a timeout) so that
a regression fails here instead of hanging the suite.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from confwarden.environment.isolated import IsolatedEnvironment
from confwarden.errors import EnvironmentLayerError
from confwarden.secrets.base import SecretSourceError
from confwarden.secrets.files import FileReferenceSource, SecretsDirSource

DEADLINE = 15.0


def _raises_within_deadline(call: Callable[[], object]) -> BaseException:
    outcome: list[BaseException] = []

    def run() -> None:
        try:
            call()
        except BaseException as exc:  # handed to the test thread
            outcome.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout=DEADLINE)
    assert not thread.is_alive(), "the read blocked"
    assert outcome, "a special file was read as if it were a regular file"
    return outcome[0]


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "fifo"
    os.mkfifo(path)
    return path


def test_load_from_file_refuses_a_fifo(fifo: Path) -> None:
    env = IsolatedEnvironment(environ={}, isolated=True)
    error = _raises_within_deadline(lambda: env.load_from_file(fifo))
    assert isinstance(error, EnvironmentLayerError)
    assert "not a regular file" in str(error)


@pytest.mark.parametrize("special", ["fifo", "/dev/zero"])
def test_var_file_refuses_special_files(special: str, fifo: Path) -> None:
    target = str(fifo) if special == "fifo" else special
    source = FileReferenceSource({"API_TOKEN_FILE": target}.get)
    error = _raises_within_deadline(lambda: source.lookup("API_TOKEN"))
    assert isinstance(error, SecretSourceError)
    assert "API_TOKEN" in str(error)
    assert "not a regular file" in str(error)


def test_secrets_dir_entry_refuses_a_fifo(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "API_TOKEN")
    source = SecretsDirSource(tmp_path)
    error = _raises_within_deadline(lambda: source.lookup("API_TOKEN"))
    assert isinstance(error, SecretSourceError)
    assert "not a regular file" in str(error)


@pytest.mark.parametrize("special", ["fifo", "/dev/zero"])
def test_cli_env_file_refuses_special_files(special: str, fifo: Path) -> None:
    target = str(fifo) if special == "fifo" else special
    proc = subprocess.run(
        [sys.executable, "-m", "confwarden.cli.main", "env", "show", "--env-file", target],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2  # EnvironmentFileError: bad input, like a malformed file
    assert "not a regular file" in proc.stderr
    assert "Traceback" not in proc.stderr
