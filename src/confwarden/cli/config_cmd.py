"""``confwarden explain`` and ``confwarden docs``: a field's provenance, the schema's docs.

Thin: the loader computes the chain (:func:`confwarden.config.inspection.inspect_service`)
and :mod:`confwarden.config.docs` renders the documentation; this module parses arguments
and prints. Every value shown is masked by the library before it gets here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from confwarden.cli._common import (
    build_env,
    env_file_option,
    json_option,
    print_json,
    schema_option,
    service_option,
)


def _schema(service: str, schema: str | None) -> tuple[str, Any]:
    from confwarden.config.services import find_service, load_schema_reference

    if schema:
        return schema, load_schema_reference(schema, Path.cwd())
    return find_service(service, Path.cwd())


@click.command("explain")
@click.argument("variable")
@service_option
@schema_option
@click.option("--env", "environment", default=None, help="Target environment (default: detected).")
@env_file_option
@click.option(
    "--secrets-dir",
    "secret_dirs",
    multiple=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="A mounted secrets directory to read (repeatable).",
)
@json_option
def explain(  # noqa: PLR0917 - click passes every option positionally
    variable: str,
    service: str,
    schema: str | None,
    environment: str | None,
    env_files: tuple[Path, ...],
    secret_dirs: tuple[Path, ...],
    as_json: bool,
) -> None:
    """Where the config field bound to VARIABLE gets its value, and what it overrode.

    VARIABLE is a variable name (JWT_SECRET_KEY, any alias) or a field name. Values are
    masked. --env-file files are read even for a deployed --env, to show what that file
    would do there. Exits with 1 when VARIABLE is not a configuration field.
    """
    from confwarden.config.inspection import inspect_service
    from confwarden.environment.detection import Environment, EnvironmentDetector

    name, schema_class = _schema(service, schema)
    env = build_env(env_files)
    target = (
        Environment.parse(environment, variable="--env")
        if environment
        else EnvironmentDetector(env.get_all()).detect().environment
    )
    inspection = inspect_service(
        schema_class,
        env,
        target,
        secret_dirs=secret_dirs,
        full_chain=True,
        include_dotenv=bool(env_files),
    )
    description = inspection.load.describe(variable)
    if description is None:
        click.echo(
            f"{variable} is not a field of {inspection.load.schema.__name__} ({name}). "
            "Run `confwarden docs` for the list of variables.",
            err=True,
        )
        raise click.exceptions.Exit(1)
    if as_json:
        print_json(description)
        return
    _print_explanation(description)


def _print_explanation(info: dict[str, Any]) -> None:
    value = info["value"]
    shown = "(not set)" if value is None else repr(value) if value == "" else value
    click.echo(f"{info['variable']} -> {info['schema']}.{info['field']} in {info['environment']}")
    click.echo(f"  value:   {shown}")
    click.echo(f"  source:  {info['source']['description']}")
    flags = [f for f in ("sensitive", "critical", "required") if info[f]]
    if flags:
        click.echo(f"  flags:   {', '.join(flags)}")
    click.echo(f"  reads:   {', '.join(info['variables'])}")
    if info["deprecated_name_used"]:
        click.echo(f"  note:    {info['deprecated_name_used']} is a deprecated name")
    if info["overridden"]:
        click.echo("  overrode (lower precedence, not used):")
        for item in info["overridden"]:
            click.echo(f"    - {item['variable']} from {item['source']['description']}")
    for problem in info["problems"]:
        click.echo(f"  problem: [{problem['rule']}] {problem['message']} Fix: {problem['fix']}")
    click.echo(f"  precedence: {' > '.join(info['precedence'])}")


@click.command("docs")
@service_option
@schema_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["markdown", "env-example"]),
    default="markdown",
    show_default=True,
    help="A Markdown reference or a .env.example file.",
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file."
)
def docs(service: str, schema: str | None, output_format: str, output: Path | None) -> None:
    """Documentation of every variable, generated from the schema (never from values)."""
    from confwarden.config.docs import render_env_example, render_markdown

    _, schema_class = _schema(service, schema)
    text = (
        render_markdown(schema_class)
        if output_format == "markdown"
        else render_env_example(schema_class)
    )
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)


__all__ = ["docs", "explain"]
