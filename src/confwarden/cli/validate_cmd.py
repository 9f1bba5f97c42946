"""``confwarden validate``, ``diff``, ``impact`` and ``doctor``: judge a configuration.

Thin, like every command module: the validator (:mod:`confwarden.config.validation`),
:func:`~confwarden.config.changes.check_change`, the
:class:`~confwarden.config.dependencies.ConfigDependencyMap` and
:func:`~confwarden.config.doctor.diagnose_platform` do the work and mask every value; this
module parses arguments, prints with rich (or JSON) and picks the exit code: 1 when the
configuration is invalid, a change is breaking or the platform would not start.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from confwarden.cli._common import (
    build_env,
    env_file_option,
    json_option,
    print_json,
    schema_option,
    service_option,
)

if TYPE_CHECKING:
    from rich.console import Console

    from confwarden.config.changes import ChangeReport
    from confwarden.config.doctor import (
        DeploymentCheck,
        DoctorReport,
        SecretConsistency,
        ServiceDiagnosis,
    )
    from confwarden.config.validation import ValidationResult
    from confwarden.environment.detection import Environment

_MODES = ("warn", "enforce_critical", "enforce_all")

env_option = click.option(
    "--env", "environment", default=None, help="Target environment (default: detected)."
)


def _schema(service: str, schema: str | None) -> tuple[str, Any]:
    from confwarden.config.services import find_service, load_schema_reference

    if schema:
        return schema, load_schema_reference(schema, Path.cwd())
    return find_service(service, Path.cwd())


def _environment(name: str | None, variables: dict[str, str]) -> Environment:
    from confwarden.environment.detection import Environment, EnvironmentDetector

    if name:
        return Environment.parse(name, variable="--env")
    return EnvironmentDetector(variables).detect().environment


def _esc(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def _console() -> Console:
    from rich.console import Console

    # soft_wrap: long origins (paths) and fixes stay on one line, whole and copyable.
    return Console(highlight=False, soft_wrap=True)


@click.command("validate")
@env_option
@click.option(
    "--mode",
    type=click.Choice(_MODES),
    default=None,
    help="Validation mode (default: the environment's: warn, enforce_critical, enforce_all).",
)
@env_file_option
@service_option
@schema_option
@json_option
def validate(  # noqa: PLR0917 - click passes every option positionally
    environment: str | None,
    mode: str | None,
    env_files: tuple[Path, ...],
    service: str,
    schema: str | None,
    as_json: bool,
) -> None:
    """Validate a service's configuration for an environment; exit 1 when it is invalid.

    Reads the process environment plus --env-file files (read even for a deployed --env, to
    judge what that file would do there). Every problem is reported at once, with its
    origin and fix; values are never shown.
    """
    from confwarden.config.inspection import inspect_service
    from confwarden.config.manager import summarize
    from confwarden.config.spec import ValidationMode

    name, schema_class = _schema(service, schema)
    env = build_env(env_files)
    target = _environment(environment, env.get_all())
    inspection = inspect_service(
        schema_class,
        env,
        target,
        mode=ValidationMode(mode) if mode else None,
        include_dotenv=bool(env_files),
    )
    result = inspection.validation
    if as_json:
        summary = summarize(inspection, service=name)
        print_json(
            {
                "service": name,
                "schema": summary["schema"],
                **result.to_dict(),
                "fields": summary["fields"],
            }
        )
    else:
        _print_validation(_console(), name, result)
    if not result.is_valid:
        raise click.exceptions.Exit(1)


def _print_validation(console: Console, service: str, result: ValidationResult) -> None:
    status = "[green]valid[/]" if result.is_valid else "[red]INVALID[/]"
    console.print(
        f"[bold]{service}[/] in [bold]{result.environment.value}[/] "
        f"(mode {result.mode.value}): {status}, {len(result.errors)} error(s), "
        f"{len(result.warnings)} warning(s), health {result.health_score}/100 "
        f"({result.health_status})"
    )
    for kind, problems in (("error", result.errors), ("warning", result.warnings)):
        colour = "red" if kind == "error" else "yellow"
        for problem in problems:
            critical = " (critical)" if problem.critical else ""
            console.print(
                f"[{colour}]{kind:<7}[/] [bold]{_esc(problem.variable)}[/]{critical} "
                f"[dim]{_esc(problem.rule)}[/]"
            )
            console.print(f"        origin:  {problem.origin}", markup=False)
            console.print(f"        problem: {problem.message}", markup=False)
            console.print(f"        fix:     {problem.fix}", markup=False)
    for deduction in result.deductions:
        console.print(f"  health {deduction}", markup=False)


@click.command("diff")
@click.argument("before", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("after", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@env_option
@json_option
def diff(before: Path, after: Path, environment: str | None, as_json: bool) -> None:
    """Classify every change from BEFORE to AFTER (.env files) as breaking, risky or safe.

    --env is the environment AFTER is deployed to (localhost and other environments'
    credentials are judged by its rules). Exits with 1 when a change is breaking. Values are
    masked.
    """
    from confwarden.config.changes import check_change

    target = None
    if environment:
        from confwarden.environment.detection import Environment

        target = Environment.parse(environment, variable="--env")
    report = check_change(_read(before), _read(after), environment=target)
    if as_json:
        print_json({"before": str(before), "after": str(after), **report.to_dict()})
    else:
        _print_changes(_console(), report)
    if report.has_breaking:
        raise click.exceptions.Exit(1)


def _read(path: Path) -> dict[str, str]:
    from confwarden.environment.dotenv import read_dotenv
    from confwarden.errors import DotenvError

    try:
        return read_dotenv(path, environ={}, interpolate=True).as_dict()
    except DotenvError as exc:
        raise click.BadParameter(str(exc), param_hint=str(path)) from None
    except OSError as exc:
        raise click.BadParameter(f"cannot read: {exc.strerror}", param_hint=str(path)) from None


def _print_changes(console: Console, report: ChangeReport) -> None:
    from rich.table import Table

    console.print(
        f"{len(report.changes)} change(s): {len(report.breaking)} breaking, "
        f"{len(report.risky)} risky, {len(report.safe)} safe"
    )
    if not report.changes:
        return
    colours = {"breaking": "red", "risky": "yellow", "safe": "green"}
    table = Table("class", "variable", "change", "before", "after", "why")
    for change in sorted(report.changes, key=lambda c: (-c.classification, c.variable)):
        label = change.classification.label
        table.add_row(
            f"[{colours[label]}]{label}[/]",
            _esc(change.variable),
            change.kind.value,
            _esc(_shown(change.before)),
            _esc(_shown(change.after)),
            _esc("; ".join(change.reasons) or "-"),
        )
    console.print(table)


def _shown(value: str | None) -> str:
    if value is None:
        return "<unset>"
    return value.replace("\n", "\\n")


@click.command("impact")
@click.argument("variable")
@env_option
@service_option
@schema_option
@json_option
def impact(
    variable: str, environment: str | None, service: str, schema: str | None, as_json: bool
) -> None:
    """What depends on VARIABLE, and whether deleting it breaks anything.

    Built-in critical dependencies (SERVICE_SECRET, the POSTGRES_* components,
    JWT_SECRET_KEY, SECRET_KEY, OAuth) plus the critical and required fields of the
    service's schema. Without --env, judged as for a deployment (no fallbacks).
    """
    from confwarden.config.dependencies import ConfigDependencyMap
    from confwarden.config.schema import fields_of

    _, schema_class = _schema(service, schema)
    target = None
    if environment:
        from confwarden.environment.detection import Environment

        target = Environment.parse(environment, variable="--env")
    deps = ConfigDependencyMap.from_fields(fields_of(schema_class))
    answer = deps.impact(variable, environment=target)
    if as_json:
        print_json(answer.to_dict())
        return
    console = _console()
    verdict = "[green]can be deleted[/]" if answer.can_delete else "[red]must not be deleted[/]"
    console.print(f"[bold]{_esc(variable)}[/]: impact {answer.impact.label}, {verdict}")
    console.print(f"  {answer.reason}", markup=False)
    dependency = answer.dependency
    if dependency is not None:
        console.print(f"  required by: {', '.join(dependency.required_by) or '-'}", markup=False)
        console.print(f"  fallback allowed: {'yes' if dependency.fallback_allowed else 'no'}")
        if dependency.alternatives:
            console.print(f"  also supplied by: {', '.join(dependency.alternatives)}", markup=False)


@click.command("doctor")
@click.argument(
    "path",
    required=False,
    default="examples/platform",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
)
@json_option
def doctor(path: Path, as_json: bool) -> None:
    """Diagnose a platform: environment, each service's config, health, shared secrets, and
    what would fail in staging and production.

    PATH is the platform's root (its pyproject.toml names the services' schemas in
    [tool.confwarden.configs]). Exits with 1 when a service would not start in the detected
    environment or the services disagree on a shared secret.
    """
    from confwarden.config.doctor import diagnose_platform

    report = diagnose_platform(path)
    if as_json:
        print_json(report.to_dict())
    else:
        _print_doctor(_console(), report)
    if not report.ok:
        raise click.exceptions.Exit(1)


def _print_doctor(console: Console, report: DoctorReport) -> None:
    detection = report.detection
    console.rule(f"[bold]confwarden doctor[/]: {report.root}")
    console.print(
        f"Environment: [bold]{detection.environment.value}[/] ({detection.reason})"
        + (" - test context" if detection.is_test_context else "")
    )
    for diagnosis in report.services:
        _print_service(console, diagnosis)
    if report.secrets:
        console.print()
        console.print("[bold]Shared secrets[/] (compared by fingerprint, never by value)")
        for check in report.secrets:
            _print_secret(console, check)
    for deployment in report.deployments:
        _print_deployment(console, deployment)
    console.print()
    if report.ok:
        console.print(
            f"[green]OK[/]: every service starts in {detection.environment.value} and the "
            "services agree on their shared secrets."
        )
    else:
        console.print(
            f"[red]NOT OK[/]: a service would not start in {detection.environment.value}, or "
            "the services disagree on a shared secret (see above)."
        )


def _print_service(console: Console, diagnosis: ServiceDiagnosis) -> None:
    from rich.table import Table

    result = diagnosis.validation
    verdict = "[green]starts[/]" if diagnosis.starts else "[red]would NOT start[/]"
    console.print()
    console.rule(f"[bold]{diagnosis.service}[/] ({diagnosis.schema})", align="left")
    console.print(
        f"{verdict} in {result.environment.value} (mode {result.mode.value}); "
        f"health [bold]{result.health_score}/100[/] ({result.health_status})"
    )
    console.print(f".env files read: {', '.join(diagnosis.env_files) or 'none'}")
    shown = [row for row in diagnosis.fields if not row.is_default]
    table = Table("field", "variable", "value (masked)", "source", title_justify="left")
    for row in shown:
        name = _esc(row.field) + (" [red]*[/]" if row.critical else "")
        table.add_row(name, _esc(row.variable), _esc(_shown(row.value)), _esc(row.source))
    console.print(table)
    defaults = len(diagnosis.fields) - len(shown)
    console.print(f"{defaults} more field(s) at their schema defaults; [red]*[/] critical")
    modes = ", ".join(
        f"{mode.value}: {'valid' if r.is_valid else 'INVALID'} "
        f"({len(r.errors)} error(s), {len(r.warnings)} warning(s))"
        for mode, r in diagnosis.modes.items()
    )
    console.print(f"Validation per mode: {modes}")
    for problem in result.problems:
        kind = "[red]error[/]  " if problem in result.errors else "[yellow]warning[/]"
        console.print(
            f"  {kind} {_esc(problem.variable)} ({_esc(problem.origin)}): {_esc(problem.message)}"
        )
        console.print(f"          fix: {problem.fix}  [{problem.rule}]", markup=False)


def _print_secret(console: Console, check: SecretConsistency) -> None:
    verdict = "[green]same in every service[/]" if check.consistent else "[red]DIFFERS[/]"
    prints = ", ".join(f"{name}={fp or 'unresolved'}" for name, fp in check.fingerprints.items())
    console.print(f"  {check.name}: {verdict} ({prints})")
    for name, problems in check.problems.items():
        for problem in problems:
            console.print(f"    {name}: {problem}", markup=False)


def _print_deployment(console: Console, deployment: DeploymentCheck) -> None:
    console.print()
    verdict = "[green]would start[/]" if deployment.would_start else "[red]would FAIL[/]"
    console.rule(f"If deployed to {deployment.environment.value}", align="left")
    console.print(f"{verdict} (simulated from {deployment.basis})")
    for name, result in deployment.results.items():
        state = "[green]starts[/]" if result.is_valid else "[red]fails[/]"
        console.print(
            f"  {name}: {state} (mode {result.mode.value}, {len(result.errors)} error(s), "
            f"{len(result.warnings)} warning(s), health {result.health_score}/100)"
        )
        for problem in result.errors:
            console.print(
                f"    - {problem.variable} ({problem.origin}): {problem.message}", markup=False
            )
            console.print(f"      fix: {problem.fix}", markup=False)
    for check in deployment.secrets:
        _print_secret(console, check)
