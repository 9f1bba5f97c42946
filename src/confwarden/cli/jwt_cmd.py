"""``confwarden jwt``: which JWT secret a service resolves, shown only as a fingerprint."""

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
from confwarden.cli.db_cmd import origins_of
from confwarden.components.jwt_secret import SharedJWTSecretManager

__all__ = ["jwt"]


@click.group()
def jwt() -> None:
    """The shared JWT secret (SharedJWTSecretManager), never shown, only fingerprinted."""


@jwt.command("fingerprint")
@click.option(
    "--env",
    "environment",
    callback=refuse_blank,
    help="Environment to resolve for (default: ENVIRONMENT).",
)
@env_file_option
@json_option
def fingerprint(environment: str | None, env_files: tuple[Path, ...], as_json: bool) -> None:
    """Print the fingerprint of the JWT secret, to compare services without the secret.

    Exits with 1 when the secret is missing, weak or a placeholder where that is an error.
    """
    env = build_env(env_files)
    manager = SharedJWTSecretManager(
        env.get_all(), environment=environment, origins=origins_of(env)
    )
    resolution = manager.resolve()
    if as_json:
        print_json(resolution.to_dict())
    else:
        origin = "generated fallback" if resolution.generated else resolution.variable
        click.echo(f"fingerprint: {resolution.fingerprint or '-'}")
        click.echo(f"environment: {manager.environment.value}")
        click.echo(f"source:      {origin or '-'}")
        click.echo(f"algorithm:   {resolution.algorithm}")
        for problem in resolution.result.problems:
            click.echo(f"{problem.severity.value}: {problem}", err=True)
    # Errors end the command with the library's exit code, after the report was printed.
    resolution.result.raise_for_errors()
