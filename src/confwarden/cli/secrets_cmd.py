"""``confwarden secrets plan|check``: the secret side of a deploy, checked before it happens.

Thin: :mod:`confwarden.config.secret_checks` does the work, the sources come from
:mod:`confwarden.secrets.registry`. ``plan`` prints which stored secret every service reads
and the Cloud Run ``--set-secrets`` argument; ``check`` reads every required secret from a
store and judges it. Neither ever prints a value. Exit code 1 lists every problem; 2 says
the store is not configured (no project, no credentials, wrong settings).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import click

from confwarden.cli._common import (
    json_option,
    print_json,
    project_of,
    project_option,
    refuse_blank,
)
from confwarden.secrets.registry import SOURCES

if TYPE_CHECKING:
    from confwarden.config.schema import ConfigSchema
    from confwarden.config.secret_checks import PlannedSecret
    from confwarden.config.spec import Problem
    from confwarden.environment.detection import Environment
    from confwarden.secrets.base import ValueSource
    from confwarden.secrets.mapping import SecretMappings

_env_option = click.option(
    "--env",
    "environment",
    required=True,
    callback=refuse_blank,
    help="Target environment (staging, production...).",
)
_service_option = click.option(
    "--service",
    "services",
    multiple=True,
    help="Only this service (repeatable; default: every service of the project).",
)
# --root was this group's own spelling before it followed the global --project.
_project_option = project_option("--root")


def _project(
    names: tuple[str, ...],
) -> tuple[dict[str, Any], dict[str, type[ConfigSchema]], SecretMappings]:
    """(settings, services, mappings) of this invocation's project (``--project``, else
    discovered from the working directory)."""
    from confwarden.config.secret_checks import project_mappings
    from confwarden.secrets.mapping import SecretMappings

    found = project_of()
    settings = dict(found.settings)
    services = found.schemas(names)
    configured = SecretMappings.from_settings(settings, where=str(found.pyproject))
    return settings, services, project_mappings(services, configured)


def _source(
    kind: str, settings: dict[str, Any], mappings: SecretMappings, environment: Environment
) -> ValueSource:
    from confwarden.secrets.base import SecretSourceError
    from confwarden.secrets.registry import build_source, source_settings

    try:
        table = settings.get("secret_sources", {})
        return build_source(
            kind,
            source_settings(table if isinstance(table, dict) else {}, kind, environment),
            mappings=mappings,
            environment=environment,
            environ=os.environ,
        )
    except SecretSourceError as exc:
        raise click.UsageError(str(exc)) from None


def _print_problems(problems: list[Problem]) -> None:
    if not problems:
        return
    click.echo(f"\n{len(problems)} problem(s):")
    for problem in problems:
        click.echo(f"  - {problem}")


def _finish(problems: list[Problem]) -> None:
    if problems:
        raise click.exceptions.Exit(1)


def _by_service(rows: list[PlannedSecret]) -> dict[str, list[PlannedSecret]]:
    grouped: dict[str, list[PlannedSecret]] = {}
    for row in rows:
        grouped.setdefault(row.service, []).append(row)
    return grouped


@click.group("secrets")
def secrets() -> None:
    """Secret mappings and deploy checks (never prints a secret value)."""


@secrets.command("plan")
@_env_option
@_service_option
@click.option(
    "--source",
    "kind",
    type=click.Choice(sorted(SOURCES)),
    default=None,
    help="Ask this store for the current version of each 'latest' secret, to pin it.",
)
@_project_option
@json_option
def plan(environment: str, services: tuple[str, ...], kind: str | None, as_json: bool) -> None:
    """Print the secrets every service reads and the Cloud Run --set-secrets argument."""
    from confwarden.config.secret_checks import mapping_problems, secret_plan, set_secrets_argument
    from confwarden.environment.detection import Environment

    target = Environment.parse(environment, variable="--env")
    settings, schemas, mappings = _project(services)
    resolve = None
    if kind is not None:
        store = _source(kind, settings, mappings, target)
        if store.key_of("X") is not None:
            raise click.UsageError(
                f"--source {kind}: its keys are the variable names and carry no versions, so "
                f"there is nothing to map or pin. Run `confwarden secrets check --source "
                f"{kind} --env {target.value}` to verify what the store holds."
            )
        resolve = getattr(store, "current_version", None)
    from confwarden.secrets.base import SecretSourceError, SourceNotConfigured

    try:
        rows = secret_plan(schemas, mappings, target, resolve_version=resolve)
    except SourceNotConfigured as exc:
        raise click.UsageError(str(exc)) from None
    except SecretSourceError as exc:  # a version could not be resolved: nothing to pin
        raise click.ClickException(str(exc)) from None
    problems = mapping_problems(schemas, mappings, [target])
    grouped = _by_service(rows)
    if as_json:
        print_json(
            {
                "environment": target.value,
                "ok": not problems,
                "services": {
                    name: {
                        "secrets": [row.to_dict() for row in mine],
                        "set_secrets": set_secrets_argument(mine),
                    }
                    for name, mine in grouped.items()
                },
                "problems": [p.to_dict() for p in problems],
            }
        )
        _finish(problems)
        return
    click.echo(f"Secret mappings for {target.value}:")
    for name, mine in grouped.items():
        click.echo(f"\n  {name}")
        width = max(len(row.variable) for row in mine)
        for row in mine:
            flag = "" if row.required else "  (optional)"
            click.echo(f"    {row.variable:<{width}}  <- {row.secret}{flag}")
        click.echo(f"    gcloud run deploy {name} {set_secrets_argument(mine)}")
    if not grouped:
        click.echo("  (no mapped secret)")
    unpinned = sorted({str(row.secret.name) for row in rows if not row.secret.pinned})
    if unpinned:
        click.echo(
            f"\nnote: {len(unpinned)} secret(s) read 'latest'; pin them in "
            "[tool.confwarden.secret_versions] or with --source to resolve the current version."
        )
    _print_problems(problems)
    _finish(problems)


@secrets.command("check")
@_env_option
@click.option(
    "--source",
    "kind",
    type=click.Choice(sorted(SOURCES)),
    required=True,
    help="The store to read the secrets from.",
)
@_service_option
@_project_option
@json_option
def check(environment: str, kind: str, services: tuple[str, ...], as_json: bool) -> None:
    """Verify every required secret exists, is not empty and passes validation.

    Secret Manager and Vault are read through the mappings; etcd by variable name under
    the project's prefix (no mapping needed).
    """
    from confwarden.config.secret_checks import check_secrets
    from confwarden.environment.detection import Environment

    target = Environment.parse(environment, variable="--env")
    settings, schemas, mappings = _project(services)
    store = _source(kind, settings, mappings, target)
    from confwarden.secrets.base import SourceNotConfigured

    try:
        rows, problems = check_secrets(schemas, mappings, target, store)
    except SourceNotConfigured as exc:
        raise click.UsageError(str(exc)) from None
    failed = {p.variable for p in problems}
    if as_json:
        print_json(
            {
                "environment": target.value,
                "source": store.name,
                "ok": not problems,
                "secrets": [{**row.to_dict(), "ok": row.variable not in failed} for row in rows],
                "problems": [p.to_dict() for p in problems],
            }
        )
        _finish(problems)
        return
    click.echo(f"Checking {len(rows)} secret(s) for {target.value} in {store.name}:")
    for row in rows:
        mark = "FAIL" if row.variable in failed else "ok"
        click.echo(f"  {mark:<4}  {row.service}: {row.variable} <- {row.stored}")
    _print_problems(problems)
    if not problems:
        click.echo("\nAll secrets are present and valid.")
    _finish(problems)
