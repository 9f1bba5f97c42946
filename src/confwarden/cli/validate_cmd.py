"""``confwarden validate``, ``diff`` and ``impact``: judge a configuration.

Thin, like every command module: the validator (:mod:`confwarden.config.validation`),
:func:`~confwarden.config.changes.check_change` and the
:class:`~confwarden.config.dependencies.ConfigDependencyMap` do the work and mask every
value; this module parses arguments, prints (rich on a terminal, whole lines in a pipe, or
JSON) and picks the exit code: 1 when a configuration is invalid or a change is breaking.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from confwarden.cli._common import (
    Output,
    env_file_option,
    env_option,
    esc,
    inspect_as_started,
    json_option,
    parse_environment,
    print_json,
    project_secret_names,
    schema_option,
    secrets_dir_option,
    service_option,
    services_of,
)

if TYPE_CHECKING:
    from confwarden.config.changes import ChangeReport
    from confwarden.config.validation import ValidationResult

__all__ = ["diff", "impact", "validate"]

_MODES = ("warn", "enforce_critical", "enforce_all")


@click.command("validate")
@env_option
@click.option(
    "--mode",
    type=click.Choice(_MODES),
    default=None,
    help="Validation mode (default: the environment's: warn, enforce_critical, enforce_all).",
)
@env_file_option
@secrets_dir_option
@service_option
@schema_option
@json_option
def validate(  # noqa: PLR0917 - click passes every option positionally
    environment: str | None,
    mode: str | None,
    env_files: tuple[Path, ...],
    secret_dirs: tuple[Path, ...],
    services: tuple[str, ...],
    schema: str | None,
    as_json: bool,
) -> None:
    """Validate the project's services for an environment; exit 1 when one is invalid.

    Reads what each service reads at start (the process environment, the project's .env
    files in development, its [tool.confwarden.secrets_dirs]) plus --env-file files (read
    even for a deployed --env, to judge what that file would do there). Every problem is
    reported at once, with its origin and fix; values are never shown.
    """
    from confwarden.config.inspection import summarize

    reports: list[dict[str, object]] = []
    results: dict[str, ValidationResult] = {}
    for name, schema_class in services_of(services, schema).items():
        inspection = inspect_as_started(
            schema_class,
            env_files=env_files,
            environment=environment,
            secret_dirs=secret_dirs,
            mode=mode,
        )
        results[name] = inspection.validation
        if as_json:
            summary = summarize(inspection, service=name)
            reports.append(
                {
                    "service": name,
                    "schema": summary["schema"],
                    **inspection.validation.to_dict(),
                    "fields": summary["fields"],
                }
            )
    valid = all(result.is_valid for result in results.values())
    if as_json:
        print_json({"valid": valid, "services": reports})
    else:
        out = Output()
        for name, result in results.items():
            _print_validation(out, name, result)
    if not valid:
        raise click.exceptions.Exit(1)


def _print_validation(out: Output, service: str, result: ValidationResult) -> None:
    status = "[green]valid[/]" if result.is_valid else "[red]INVALID[/]"
    out.print(
        f"[bold]{esc(service)}[/] in [bold]{result.environment.value}[/] "
        f"(mode {result.mode.value}): {status}, {len(result.errors)} error(s), "
        f"{len(result.warnings)} warning(s), health {result.health_score}/100 "
        f"({result.health_status})"
    )
    for kind, problems in (("error", result.errors), ("warning", result.warnings)):
        colour = "red" if kind == "error" else "yellow"
        for problem in problems:
            critical = " (critical)" if problem.critical else ""
            out.print(
                f"[{colour}]{kind:<7}[/] [bold]{esc(problem.variable)}[/]{critical} "
                f"[dim]{esc(problem.rule)}[/]"
            )
            out.plain(f"        origin:  {problem.origin}")
            out.plain(f"        problem: {problem.message}")
            out.plain(f"        fix:     {problem.fix}")
    for deduction in result.deductions:
        out.plain(f"  health {deduction}")


@click.command("diff")
@click.argument("before", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("after", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@env_option
@json_option
def diff(before: Path, after: Path, environment: str | None, as_json: bool) -> None:
    """Classify every change from BEFORE to AFTER (.env files) as breaking, risky or safe.

    --env is the environment AFTER is deployed to (localhost and other environments'
    credentials are judged by its rules). Exits with 1 when a change is breaking. Values are
    masked: secrets by name, the variables the project's schemas type as secrets, and every
    copy of a secret of either file.
    """
    from confwarden.config.changes import check_change

    target = parse_environment(environment, {}) if environment else None
    report = check_change(
        _read(before), _read(after), environment=target, sensitive=project_secret_names()
    )
    if as_json:
        print_json({"before": str(before), "after": str(after), **report.to_dict()})
    else:
        _print_changes(Output(), report)
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


def _print_changes(out: Output, report: ChangeReport) -> None:
    out.plain(
        f"{len(report.changes)} change(s): {len(report.breaking)} breaking, "
        f"{len(report.risky)} risky, {len(report.safe)} safe"
    )
    if not report.changes:
        return
    colours = {"breaking": "red", "risky": "yellow", "safe": "green"}
    rows = []
    for change in sorted(report.changes, key=lambda c: (-c.classification, c.variable)):
        label = change.classification.label
        rows.append(
            [
                f"[{colours[label]}]{label}[/]",
                esc(change.variable),
                change.kind.value,
                esc(_shown(change.before)),
                esc(_shown(change.after)),
                esc("; ".join(change.reasons) or "-"),
            ]
        )
    out.table(["class", "variable", "change", "before", "after", "why"], rows)


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
    variable: str,
    environment: str | None,
    services: tuple[str, ...],
    schema: str | None,
    as_json: bool,
) -> None:
    """What depends on VARIABLE in this project, and whether deleting it breaks anything.

    The critical and required fields of every service of the project (or the --service
    ones), on top of the generic critical dependencies (SERVICE_SECRET, the POSTGRES_*
    components, JWT_SECRET_KEY, SECRET_KEY). Without --env, judged as for a deployment
    (no fallbacks).
    """
    from confwarden.config.dependencies import ConfigDependencyMap

    schemas = services_of(services, schema)
    target = parse_environment(environment, {}) if environment else None
    answer = ConfigDependencyMap.from_services(schemas).impact(variable, environment=target)
    if as_json:
        print_json(answer.to_dict())
        return
    out = Output()
    verdict = "[green]can be deleted[/]" if answer.can_delete else "[red]must not be deleted[/]"
    out.print(f"[bold]{esc(variable)}[/]: impact {answer.impact.label}, {verdict}")
    out.plain(f"  {answer.reason}")
    dependency = answer.dependency
    if dependency is not None:
        out.plain(f"  required by: {', '.join(dependency.required_by) or '-'}")
        out.plain(f"  fallback allowed: {'yes' if dependency.fallback_allowed else 'no'}")
        if dependency.alternatives:
            out.plain(f"  also supplied by: {', '.join(dependency.alternatives)}")
