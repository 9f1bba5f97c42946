"""The ``confwarden`` command group and the one place errors become exit codes.

Exit codes (documented in docs/cli.md):

* 0: success, nothing to report.
* 1: the command ran and found problems (invalid configuration, checker findings, a
  breaking change, a deployment that would fail).
* 2: bad input: a usage error, no project found, an unknown service or environment, an
  unreadable file, a schema that cannot be imported, a missing optional dependency.
* 3: internal error (a bug in confwarden: please report it).

Every library error carries its exit code (:attr:`confwarden.errors.ConfwardenError.exit_code`);
:class:`ConfwardenGroup` turns it into the process exit code, for the installed script, for
``python -m confwarden`` and for ``CliRunner`` alike.
"""

from __future__ import annotations

import logging
import sys
from importlib import import_module
from pathlib import Path
from typing import Any

import click

from confwarden.errors import ConfwardenError

__all__ = ["EXIT_INTERNAL", "EXIT_OK", "EXIT_PROBLEMS", "EXIT_USAGE", "cli", "main"]

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3

# (module, attribute) of every command; each module owns one area of the CLI.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("confwarden.cli.init_cmd", "init"),
    ("confwarden.cli.env_cmd", "env"),
    ("confwarden.cli.check_cmd", "check"),
    ("confwarden.cli.db_cmd", "db"),
    ("confwarden.cli.jwt_cmd", "jwt"),
    ("confwarden.cli.config_cmd", "explain"),
    ("confwarden.cli.config_cmd", "docs"),
    ("confwarden.cli.schema_cmd", "schema"),
    ("confwarden.cli.validate_cmd", "validate"),
    ("confwarden.cli.validate_cmd", "diff"),
    ("confwarden.cli.validate_cmd", "impact"),
    ("confwarden.cli.doctor_cmd", "doctor"),
    ("confwarden.cli.secrets_cmd", "secrets"),
    ("confwarden.cli.serve_cmd", "serve"),
)


class ConfwardenGroup(click.Group):
    """A click group that maps library errors to exit codes, once, for every command."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; a library error prints one line and exits with its code."""
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.Abort):
            raise
        except click.ClickException as exc:
            if exc.exit_code == EXIT_USAGE:
                raise
            exc.show()
            raise click.exceptions.Exit(EXIT_USAGE) from None
        except ConfwardenError as exc:
            click.echo(f"error: {exc}", err=True)
            raise click.exceptions.Exit(exc.exit_code) from None
        except BrokenPipeError:
            # `confwarden ... | head`: the reader left. Not a bug: stop quietly (the
            # interpreter would otherwise complain again while flushing stdout at exit).
            _silence_stdout()
            raise click.exceptions.Exit(EXIT_PROBLEMS) from None
        except Exception:
            import traceback

            click.echo("internal error in confwarden (please report it):", err=True)
            click.echo(traceback.format_exc(), err=True)
            raise click.exceptions.Exit(EXIT_INTERNAL) from None


def _silence_stdout() -> None:
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


@click.group(cls=ConfwardenGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="confwarden")
@click.option(
    "--project",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Start looking for pyproject.toml's [tool.confwarden] here (default: the current "
    "directory, then its parents).",
)
@click.pass_context
def cli(ctx: click.Context, project: Path | None) -> None:
    """confwarden: one trusted path from environment to configuration.

    Every command acts on the project it stands in: the nearest pyproject.toml with a
    [tool.confwarden] table. Start one with `confwarden init`.
    """
    ctx.meta["confwarden.project"] = project
    _show_library_warnings()


class _StderrHandler(logging.Handler):
    """Writes to the ``sys.stderr`` of the moment, like logging's own last-resort handler."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(self.format(record) + "\n")
        except Exception:
            self.handleError(record)


def _show_library_warnings() -> None:
    # The library logs to a NullHandler (the application decides where logs go); the command
    # line is the application here, so its warnings reach stderr as they did before.
    library = logging.getLogger("confwarden")
    if not any(isinstance(h, _StderrHandler) for h in library.handlers):
        handler = _StderrHandler(logging.WARNING)
        handler.setFormatter(logging.Formatter("%(message)s"))
        library.addHandler(handler)


for _module, _attr in COMMANDS:
    cli.add_command(getattr(import_module(_module), _attr))


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return its exit code."""
    try:
        # Without standalone mode click returns the code of a click.exceptions.Exit.
        result = cli.main(args=argv, prog_name="confwarden", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return EXIT_USAGE
    except click.Abort:
        click.echo("Aborted.", err=True)
        return EXIT_USAGE
    return result if isinstance(result, int) else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
