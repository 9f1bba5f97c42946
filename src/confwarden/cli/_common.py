"""Options and helpers shared by several commands (kept tiny: the CLI stays thin)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from confwarden.environment.isolated import IsolatedEnvironment

F = TypeVar("F", bound=Callable[..., Any])


def env_file_option(func: F) -> F:
    """``--env-file PATH`` (repeatable): .env files to load, in order, never overriding."""
    return click.option(
        "--env-file",
        "env_files",
        multiple=True,
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="Load this .env file (repeatable). The process environment still wins.",
    )(func)


def json_option(func: F) -> F:
    """``--json``: machine-readable output on stdout."""
    return click.option("--json", "as_json", is_flag=True, help="Print JSON.")(func)


def build_env(env_files: Sequence[Path] = (), *, override: bool = False) -> IsolatedEnvironment:
    """An isolated copy of the process environment with ``env_files`` loaded.

    Commands never change the real process environment.
    """
    env = IsolatedEnvironment(isolated=True)
    for path in env_files:
        env.load_from_file(path, override=override)
    return env


def print_json(data: object) -> None:
    """Write ``data`` as indented JSON to stdout."""
    json.dump(data, sys.stdout, indent=2, sort_keys=False, default=str)
    sys.stdout.write("\n")


service_option = click.option(
    "--service",
    default="backend",
    show_default=True,
    help="Service name (built-in, registered, or in [tool.confwarden.configs]).",
)
schema_option = click.option(
    "--schema", default=None, help="Schema class as 'package.module:Class' (wins over --service)."
)
