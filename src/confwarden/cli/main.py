"""Entry point of the ``confwarden`` command and the one place errors become exit codes.

Exit codes (documented in docs/cli.md):

* 0: success, nothing to report.
* 1: the command ran and found problems (invalid configuration, checker findings, a
  breaking change, an unknown variable).
* 2: usage error, or an input the command cannot work with (unknown environment, unreadable
  file, missing optional dependency).
* 3: internal error (a bug in confwarden: please report it).
"""

from __future__ import annotations

import sys
from importlib import import_module

import click

from confwarden.errors import ConfwardenError

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3

# (module, attribute) of every command group; each module owns one area of the CLI.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("confwarden.cli.env_cmd", "env"),
    ("confwarden.cli.check_cmd", "check"),
    ("confwarden.cli.db_cmd", "db"),
    ("confwarden.cli.jwt_cmd", "jwt"),
    ("confwarden.cli.config_cmd", "explain"),
    ("confwarden.cli.config_cmd", "docs"),
    ("confwarden.cli.validate_cmd", "validate"),
    ("confwarden.cli.validate_cmd", "diff"),
    ("confwarden.cli.validate_cmd", "impact"),
    ("confwarden.cli.validate_cmd", "doctor"),
    ("confwarden.cli.secrets_cmd", "secrets"),
    ("confwarden.cli.serve_cmd", "serve"),
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="confwarden")
def cli() -> None:
    """confwarden: one trusted path from environment to configuration."""


for _module, _attr in COMMANDS:
    cli.add_command(getattr(import_module(_module), _attr))


def main(argv: list[str] | None = None) -> int:
    """Run the command line; library errors become exit codes here and nowhere else."""
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
    except ConfwardenError as exc:
        click.echo(f"error: {exc}", err=True)
        return exc.exit_code
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    except Exception:
        import traceback

        click.echo("internal error in confwarden (please report it):", err=True)
        click.echo(traceback.format_exc(), err=True)
        return EXIT_INTERNAL
    return result if isinstance(result, int) else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
