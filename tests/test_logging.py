"""confwarden leaves the destination of its logs to the application (a NullHandler)."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import logging
import confwarden
logging.getLogger("confwarden.config").warning("a library warning")
logging.getLogger("app").warning("an app warning")
"""

CONFIGURED = """
import logging
import confwarden
logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
logging.getLogger("confwarden.config").warning("a library warning")
"""


def _stderr(script: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return result.stderr


def test_logging_library_warnings_stay_silent_without_application_logging() -> None:
    stderr = _stderr(SCRIPT)
    assert "a library warning" not in stderr
    assert "an app warning" in stderr  # Python's last-resort handler still serves the app


def test_logging_reaches_the_handlers_the_application_configures() -> None:
    assert "confwarden.config: a library warning" in _stderr(CONFIGURED)


def test_cli_shows_library_warnings_on_stderr() -> None:
    # The library is silent by default (NullHandler); the command line is an application and
    # shows confwarden's warnings on stderr, as Python's last-resort handler did before.
    code = (
        "import logging, sys\n"
        "from confwarden.cli.main import main\n"
        "main(['schema', '--help'])\n"
        "logging.getLogger('confwarden.components').warning('library warning shown')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "library warning shown" in out.stderr
