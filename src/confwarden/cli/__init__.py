"""The ``confwarden`` command line: a thin layer over the library.

The only package importing click and rich (the ``cli`` extra: the core depends on pydantic
alone). Each command turns its arguments into one library call and prints the result; no
logic lives here that a library user lacks. :func:`main` is the script's entry point: without
the extra it prints the one command that installs it and exits with 2, never a traceback.
"""

from __future__ import annotations

import sys

__all__ = ["main"]

MISSING_EXTRA = (
    "confwarden: the command line needs click and rich, which are not installed. "
    "Install them with: pip install 'confwarden[cli]'"
)


def main(argv: list[str] | None = None) -> int:
    """Run the ``confwarden`` command; exit code 2 when the ``cli`` extra is missing."""
    try:
        import click  # noqa: F401
        import rich  # noqa: F401
    except ImportError:
        sys.stderr.write(MISSING_EXTRA + "\n")
        return 2
    from confwarden.cli.main import main as run

    return run(argv)
