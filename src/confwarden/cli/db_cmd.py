"""``confwarden db``: the database URL DatabaseURLBuilder builds for an environment, masked."""

from __future__ import annotations

from pathlib import Path

import click

from confwarden.cli._common import (
    build_env,
    env_file_option,
    json_option,
    print_json,
    refuse_blank,
)
from confwarden.components.database_url import DatabaseURLBuilder, Driver
from confwarden.components.problems import Problem
from confwarden.environment.isolated import IsolatedEnvironment
from confwarden.environment.policy import FallbackKind, policy_for
from confwarden.errors import ComponentConfigError

__all__ = ["db", "origins_of"]


@click.group()
def db() -> None:
    """Database URLs, built the one way (DatabaseURLBuilder)."""


@db.command("url")
@click.option(
    "--env",
    "environment",
    callback=refuse_blank,
    help="Environment to build for (default: ENVIRONMENT).",
)
@click.option("--sync", is_flag=True, help="A URL for create_engine instead of the async one.")
@click.option(
    "--driver",
    type=click.Choice([d.value for d in Driver]),
    help="asyncpg (async), psycopg (sync or async) or psycopg2 (sync).",
)
@click.option("--dsn", is_flag=True, help="The plain DSN for the drivers' own connect().")
@click.option("--show-password", is_flag=True, help="Print the real password (development only).")
@click.option(
    "--parse-legacy-url", is_flag=True, help="Parse a legacy DATABASE_URL into components."
)
@env_file_option
@json_option
def url(
    *,
    environment: str | None,
    sync: bool,
    driver: str | None,
    dsn: bool,
    show_password: bool,
    parse_legacy_url: bool,
    env_files: tuple[Path, ...],
    as_json: bool,
) -> None:
    """Print the database URL for an environment, password masked.

    Exits with 1 when the variables have errors for that environment (all listed).
    """
    env = build_env(env_files)
    builder = DatabaseURLBuilder(
        env.get_all(),
        environment=environment,
        parse_legacy_url=parse_legacy_url,
        origins=origins_of(env),
    )
    # Only where every secret is a local stand-in anyway may a password reach a terminal.
    if show_password and policy_for(builder.environment).fallbacks is not FallbackKind.GENERATED:
        raise click.UsageError(
            f"--show-password is refused in {builder.environment.value}: "
            "passwords are printed in development only."
        )
    try:
        built = builder.get_dsn() if dsn else builder.get_url_for_environment(sync, driver=driver)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--driver") from None
    except ComponentConfigError:
        if as_json:
            print_json(_report(builder, None))
        raise
    shown = built.render(hide_password=not show_password)
    problems = builder.validate().problems
    if as_json:
        print_json(_report(builder, shown))
        return
    click.echo(shown)
    _print_problems(problems)


def origins_of(env: IsolatedEnvironment) -> dict[str, str]:
    """Where each variable came from (``.env file .env:3``), for the problems to quote."""
    origins: dict[str, str] = {}
    for key in env.get_all():
        source = env.get_variable_source(key)
        if source is not None:
            origins[key] = str(source)
    return origins


def _report(builder: DatabaseURLBuilder, shown: str | None) -> dict[str, object]:
    return {
        "environment": builder.environment.value,
        "transport": builder.transport.value,
        "url": shown,
        "problems": [p.to_dict() for p in builder.validate().problems],
    }


def _print_problems(problems: tuple[Problem, ...]) -> None:
    if not problems:
        return
    # Plain lines, not a table: whole messages whatever the width, and no markup to escape.
    for problem in problems:
        click.echo(
            f"{problem.severity.value}: {problem.variable}: {problem.message} Fix: {problem.fix}",
            err=True,
        )
