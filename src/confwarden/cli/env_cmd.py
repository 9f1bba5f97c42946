"""``confwarden env``: what the environment layer sees, masked, with sources."""

from __future__ import annotations

from pathlib import Path

import click

from confwarden.cli._common import (
    Output,
    build_env,
    env_file_option,
    esc,
    json_option,
    print_json,
)
from confwarden.environment.provenance import Source

__all__ = ["env"]


@click.group()
def env() -> None:
    """Inspect environment variables as the environment layer sees them."""


@env.command("show")
@env_file_option
@click.option("--override", is_flag=True, help="Let --env-file values replace existing ones.")
@click.option(
    "--source",
    "source_kinds",
    multiple=True,
    type=click.Choice(["os", "dotenv", "set"]),
    help="Only variables from this kind of source (repeatable).",
)
@json_option
def show(
    env_files: tuple[Path, ...], override: bool, source_kinds: tuple[str, ...], as_json: bool
) -> None:
    """Every variable, masked, with its source."""
    environment = build_env(env_files, override=override)
    rows = [
        (key, value, source)
        for key, value, source in environment.iter_variables()
        if not source_kinds or source.kind.value in source_kinds
    ]
    if as_json:
        print_json(
            {
                "isolated": environment.is_isolated(),
                "variables": [{"key": k, "value": v, "source": s.to_dict()} for k, v, s in rows],
            }
        )
        return
    out = Output()
    out.plain(f"{len(rows)} variables")
    out.table(
        ["variable", "value (masked)", "source"],
        [[esc(key), esc(_printable(value)), esc(source)] for key, value, source in rows],
    )


@env.command("explain")
@click.argument("variable")
@env_file_option
@click.option("--override", is_flag=True, help="Let --env-file values replace existing ones.")
@json_option
def explain(variable: str, env_files: tuple[Path, ...], override: bool, as_json: bool) -> None:
    """Where VARIABLE's value comes from, and what it overrode.

    Exits with 1 when VARIABLE is not set.
    """
    environment = build_env(env_files, override=override)
    info = environment.explain(variable)
    if as_json:
        print_json(info.to_dict())
    else:
        if info.source is None:
            click.echo(f"{variable} is not set.")
        else:
            click.echo(f"{variable} = {_printable(info.value)}")
            click.echo(f"  source: {info.source}")
            if info.source.location:
                click.echo(f"  at:     {info.source.location}")
            if info.sensitive:
                click.echo("  sensitive: value masked")
            if info.protected:
                click.echo("  protected: changes are refused")
        for source, old in info.overridden:
            click.echo(f"  overrode: {_printable(old)} from {source}")
        for shadowed in info.shadowed:
            click.echo(f"  shadows:  {_describe(shadowed)} (not applied: already set)")
    if info.source is None:
        raise click.exceptions.Exit(1)


def _printable(value: str | None) -> str:
    if value is None:
        return "<unset>"
    return value.replace("\n", "\\n")


def _describe(source: Source) -> str:
    return str(source)
