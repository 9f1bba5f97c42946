"""``confwarden db``: the database URL DatabaseURLBuilder builds for an environment, masked."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from confwarden.cli._common import (
    build_env,
    complete_environment,
    env_file_option,
    inspect_as_started,
    json_option,
    print_json,
    refuse_blank,
    secrets_dir_option,
    service_option,
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
    shell_complete=complete_environment,
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
@secrets_dir_option
@service_option
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
    secret_dirs: tuple[Path, ...],
    services: tuple[str, ...],
    as_json: bool,
) -> None:
    """Print the database URL for an environment, password masked.

    In a project, the URL is built from what the service's config resolves, exactly as
    ``DatabaseURLBuilder.from_config(bootstrap(...))`` does at runtime: the project's .env
    files in development, its [tool.confwarden.secrets_dirs], the schema's defaults.
    Outside one, from the process environment and --env-file files.

    Exits with 1 when the variables have errors for that environment (all listed).
    """
    builder = _builder(environment, env_files, secret_dirs, services, parse_legacy_url)
    # Only where every secret is a local stand-in anyway may a password reach a terminal.
    if show_password and policy_for(builder.environment).fallbacks is not FallbackKind.GENERATED:
        raise click.UsageError(
            f"--show-password is refused in {builder.environment.value}: "
            "passwords are printed in development only."
        )
    try:
        # The command prints every problem itself (below): the builder's own warning log
        # would repeat each one on stderr.
        with _quiet_component_log():
            built = (
                builder.get_dsn() if dsn else builder.get_url_for_environment(sync, driver=driver)
            )
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


def _builder(
    environment: str | None,
    env_files: tuple[Path, ...],
    secret_dirs: tuple[Path, ...],
    services: tuple[str, ...],
    parse_legacy_url: bool,
) -> DatabaseURLBuilder:
    from confwarden.cli._common import project_of
    from confwarden.config.variables import load_variables
    from confwarden.project import find_project

    ctx = click.get_current_context()
    if find_project(ctx.find_root().meta.get("confwarden.project")) is None:
        env = build_env(env_files)
        return DatabaseURLBuilder(
            env.get_all(),
            environment=environment,
            parse_legacy_url=parse_legacy_url,
            origins=origins_of(env),
        )
    schemas = project_of(ctx).schemas(services)
    if len(schemas) > 1:
        raise click.UsageError(
            f"the project has several services ({', '.join(schemas)}): pick one with --service"
        )
    inspection = inspect_as_started(
        next(iter(schemas.values())),
        env_files=env_files,
        environment=environment,
        secret_dirs=secret_dirs,
    )
    variables = load_variables(inspection.load)
    return DatabaseURLBuilder(
        variables,
        environment=inspection.load.environment,
        parse_legacy_url=parse_legacy_url,
        origins=variables.origins,
    )


@contextmanager
def _quiet_component_log() -> Iterator[None]:
    log = logging.getLogger("confwarden.components")
    disabled, log.disabled = log.disabled, True
    try:
        yield
    finally:
        log.disabled = disabled


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
