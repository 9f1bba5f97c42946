"""``confwarden doctor``: every service of the project, here and if deployed.

Thin: :func:`~confwarden.config.doctor.diagnose_platform` does the work and masks every
value; this module prints it (rich on a terminal, whole lines in a pipe, or JSON) and picks
the exit code: 1 when a service would not start here, the services disagree on a shared
secret, or a ``--target`` deployment would fail (so CI can gate a release on it).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from confwarden.cli._common import (
    Output,
    complete_environment,
    esc,
    json_option,
    print_json,
    refuse_blank,
)

if TYPE_CHECKING:
    from confwarden.config.doctor import (
        DeploymentCheck,
        DoctorReport,
        SecretConsistency,
        ServiceDiagnosis,
    )
    from confwarden.environment.detection import Environment

__all__ = ["doctor"]


@click.command("doctor")
@click.argument(
    "path", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path)
)
@click.option(
    "--target",
    "targets",
    multiple=True,
    callback=refuse_blank,
    shell_complete=complete_environment,
    help="Simulate a deployment to this environment and exit 1 if it would fail "
    "(repeatable; default: show staging and production without gating on them).",
)
@json_option
def doctor(path: Path | None, targets: tuple[str, ...], as_json: bool) -> None:
    """Diagnose the project: environment, each service's config, health, shared secrets, and
    what would fail in staging and production.

    PATH is a directory of the project (default: --project, else the current directory);
    its pyproject.toml names the services' schemas in [tool.confwarden.configs]. Exits with
    1 when a service would not start in the detected environment, the services disagree on
    a shared secret, or a --target deployment would fail.
    """
    from confwarden.config.doctor import DEPLOYED_TARGETS, diagnose_platform
    from confwarden.environment.detection import Environment
    from confwarden.project import require_project

    start = path or click.get_current_context().find_root().meta.get("confwarden.project")
    project = require_project(start)
    wanted = tuple(dict.fromkeys(Environment.parse(t, variable="--target") for t in targets))
    report = diagnose_platform(project.root, targets=wanted or DEPLOYED_TARGETS)
    failed = _failed_targets(report, wanted)
    if as_json:
        data = report.to_dict()
        data["targets"] = {t.value: t not in failed for t in wanted}
        print_json(data)
    else:
        _print_doctor(Output(), report, failed)
    if not report.ok or failed:
        raise click.exceptions.Exit(1)


def _failed_targets(report: DoctorReport, wanted: tuple[Environment, ...]) -> list[Environment]:
    simulated = {d.environment: d.would_start for d in report.deployments}
    here = report.detection.environment
    return [
        target
        for target in wanted
        if not (report.ok if target is here else simulated.get(target, False))
    ]


def _print_doctor(out: Output, report: DoctorReport, failed: list[Environment]) -> None:
    detection = report.detection
    out.heading(f"[bold]confwarden doctor[/]: {esc(report.root)}")
    out.plain(
        f"Environment: {detection.environment.value} ({detection.reason})"
        + (
            f" - deployment marker: {detection.deployment_marker}"
            if detection.deployment_marker
            else ""
        )
        + (" - test context" if detection.is_test_context else "")
    )
    for diagnosis in report.services:
        _print_service(out, diagnosis)
    if report.secrets:
        out.print()
        out.print("[bold]Shared secrets[/] (compared by fingerprint, never by value)")
        for check in report.secrets:
            _print_secret(out, check)
    for deployment in report.deployments:
        _print_deployment(out, deployment)
    out.print()
    here = detection.environment.value
    if report.ok:
        out.print(
            f"[green]OK[/]: every service starts in {here} and the services agree on their "
            "shared secrets."
        )
    else:
        out.print(
            f"[red]NOT OK[/]: a service would not start in {here}, or the services disagree "
            "on a shared secret (see above)."
        )
    for target in failed:
        out.print(f"[red]FAIL[/]: the {target.value} deployment would fail.")


def _print_service(out: Output, diagnosis: ServiceDiagnosis) -> None:
    result = diagnosis.validation
    verdict = "[green]starts[/]" if diagnosis.starts else "[red]would NOT start[/]"
    out.print()
    out.heading(f"[bold]{esc(diagnosis.service)}[/] ({esc(diagnosis.schema)})")
    out.print(
        f"{verdict} in {result.environment.value} (mode {result.mode.value}); "
        f"health [bold]{result.health_score}/100[/] ({result.health_status})"
    )
    out.plain(f".env files read: {', '.join(diagnosis.env_files) or 'none'}")
    shown = [row for row in diagnosis.fields if not row.is_default]
    rows = [
        [
            esc(row.field) + (" [red]*[/]" if row.critical else ""),
            esc(row.variable),
            esc(_shown(row.value)),
            esc(row.source),
        ]
        for row in shown
    ]
    out.table(["field", "variable", "value (masked)", "source"], rows)
    defaults = len(diagnosis.fields) - len(shown)
    out.print(f"{defaults} more field(s) at their schema defaults; [red]*[/] critical")
    modes = ", ".join(
        f"{mode.value}: {'valid' if r.is_valid else 'INVALID'} "
        f"({len(r.errors)} error(s), {len(r.warnings)} warning(s))"
        for mode, r in diagnosis.modes.items()
    )
    out.plain(f"Validation per mode: {modes}")
    for problem in result.problems:
        kind = "[red]error[/]  " if problem in result.errors else "[yellow]warning[/]"
        out.print(
            f"  {kind} {esc(problem.variable)} ({esc(problem.origin)}): {esc(problem.message)}"
        )
        out.plain(f"          fix: {problem.fix}  [{problem.rule}]")


def _print_secret(out: Output, check: SecretConsistency) -> None:
    if check.consistent:
        verdict = "[green]same in every service[/]"
    elif None in check.fingerprints.values():
        verdict = "[red]not compared[/] (refused where no fingerprint is shown)"
    else:
        verdict = "[red]DIFFERS[/]"
    prints = ", ".join(f"{name}={fp or 'unresolved'}" for name, fp in check.fingerprints.items())
    out.print(f"  {esc(check.name)}: {verdict} ({esc(prints)})")
    for name, problems in check.problems.items():
        for problem in problems:
            out.plain(f"    {name}: {problem}")


def _print_deployment(out: Output, deployment: DeploymentCheck) -> None:
    out.print()
    verdict = "[green]would start[/]" if deployment.would_start else "[red]would FAIL[/]"
    out.heading(f"If deployed to {deployment.environment.value}")
    out.print(f"{verdict} (simulated from {esc(deployment.basis)})")
    for name, result in deployment.results.items():
        state = "[green]starts[/]" if result.is_valid else "[red]fails[/]"
        out.print(
            f"  {esc(name)}: {state} (mode {result.mode.value}, {len(result.errors)} error(s), "
            f"{len(result.warnings)} warning(s), health {result.health_score}/100)"
        )
        for problem in result.errors:
            out.plain(f"    - {problem.variable} ({problem.origin}): {problem.message}")
            out.plain(f"      fix: {problem.fix}")
    for check in deployment.secrets:
        _print_secret(out, check)


def _shown(value: str | None) -> str:
    if value is None:
        return "<unset>"
    return value.replace("\n", "\\n")
