"""``confwarden init``: a typed confwarden setup for the project in the current directory.

Thin: :func:`confwarden.scaffold.plan_init` plans, :func:`~confwarden.scaffold.apply_init`
writes; this module prints the plan (and, with ``--dry-run``, what would be written) and
picks the exit code: 2 when a file would lose edits (nothing is written then).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from confwarden.cli._common import json_option, print_json

if TYPE_CHECKING:
    from confwarden.scaffold import InitPlan

__all__ = ["init"]


@click.command("init")
@click.option("--service", default=None, help="Service name (default: the project's name).")
@click.option(
    "--module",
    default=None,
    help="Where to write the schema, relative to the project (default: <package>/config.py).",
)
@click.option("--dry-run", is_flag=True, help="Show what would be written; write nothing.")
@click.option("--force", is_flag=True, help="Overwrite a generated schema module that differs.")
@json_option
def init(
    service: str | None, module: str | None, dry_run: bool, force: bool, as_json: bool
) -> None:
    """Start using confwarden here: [tool.confwarden], a typed schema, .env.example, pre-commit.

    The schema is inferred from .env, .env.example and the os.getenv/os.environ calls of the
    code: types from the values (bool, int, float, URL, lists), secrets by name and value
    shape (typed SecretStr; their values are never copied anywhere). Running it again
    changes nothing; nothing is overwritten without --force.
    """
    from confwarden.scaffold import apply_init, plan_init

    start = click.get_current_context().find_root().meta.get("confwarden.project")
    root = Path(start) if start is not None else Path.cwd()
    plan = plan_init(root, service=service, module=module, force=force)
    written = [] if dry_run else apply_init(plan)
    if as_json:
        print_json({**plan.to_dict(), "dry_run": dry_run, "written": [f.path for f in written]})
    else:
        _print_plan(plan, dry_run)
    if plan.refused:
        raise click.exceptions.Exit(2)


def _print_plan(plan: InitPlan, dry_run: bool) -> None:
    secrets = sum(1 for v in plan.variables if v.secret)
    click.echo(
        f"{len(plan.variables)} variable(s) found ({secrets} secret(s), typed SecretStr); "
        f"service {plan.service} -> {plan.reference}"
    )
    for variable in plan.variables:
        click.echo(f"  {variable.name}: {variable.type}  ({', '.join(variable.found_in[:3])})")
    verb = "would " if dry_run else ""
    for planned in plan.files:
        action = planned.action if not planned.writes else f"{verb}{planned.action}"
        click.echo(
            f"{action:>16}  {planned.path}" + (f": {planned.reason}" if planned.reason else "")
        )
        if dry_run and planned.writes:
            for line in planned.content.splitlines():
                click.echo(f"                  | {line}")
    if plan.refused:
        click.echo(
            "nothing was written: pass --force to overwrite, or --module elsewhere.", err=True
        )
    elif not dry_run:
        click.echo("next: confwarden validate, then bootstrap() in your service (docs/cli.md).")
