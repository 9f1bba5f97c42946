"""``confwarden explain`` and ``docs``: a field's provenance, the schema's docs.

Thin: the loader computes the chain (:func:`confwarden.config.inspection.inspect_service`,
reached through the same resolution path as ``bootstrap``) and :mod:`confwarden.config.docs`
renders the documentation; this module parses arguments and prints. Every value shown is
masked by the library before it gets here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from confwarden.cli._common import (
    Output,
    env_file_option,
    env_option,
    inspect_as_started,
    json_option,
    print_json,
    schema_option,
    secrets_dir_option,
    service_option,
    services_of,
)

__all__ = ["docs", "explain"]


@click.command("explain")
@click.argument("variable")
@service_option
@schema_option
@env_option
@env_file_option
@secrets_dir_option
@json_option
def explain(  # noqa: PLR0917 - click passes every option positionally
    variable: str,
    services: tuple[str, ...],
    schema: str | None,
    environment: str | None,
    env_files: tuple[Path, ...],
    secret_dirs: tuple[Path, ...],
    as_json: bool,
) -> None:
    """Where the config field bound to VARIABLE gets its value, and what it overrode.

    VARIABLE is a variable name (JWT_SECRET_KEY, any alias) or a field name, looked up in
    every service of the project (or the --service ones). Values are read as the service
    reads them at start (.env in development, the configured secrets directories) and
    masked. Exits with 1 when VARIABLE is not a field of any of them.
    """
    schemas = services_of(services, schema)
    found: list[dict[str, Any]] = []
    for name, schema_class in schemas.items():
        inspection = inspect_as_started(
            schema_class,
            env_files=env_files,
            environment=environment,
            secret_dirs=secret_dirs,
            full_chain=True,
        )
        description = inspection.load.describe(variable)
        if description is not None:
            found.append({"service": name, **description})
    if as_json:
        print_json({"variable": variable, "services": found})
    if not found:
        click.echo(
            f"{variable} is not a field of {', '.join(schemas)}. "
            "Run `confwarden docs` for the list of variables.",
            err=True,
        )
        raise click.exceptions.Exit(1)
    if not as_json:
        out = Output()
        for info in found:
            _print_explanation(out, info)


def _print_explanation(out: Output, info: dict[str, Any]) -> None:
    value = info["value"]
    shown = "(not set)" if value is None else repr(value) if value == "" else value
    out.plain(
        f"{info['variable']} -> {info['schema']}.{info['field']} in {info['environment']} "
        f"(service {info['service']})"
    )
    out.plain(f"  value:   {shown}")
    out.plain(f"  source:  {info['source']['description']}")
    flags = [f for f in ("sensitive", "critical", "required") if info[f]]
    if flags:
        out.plain(f"  flags:   {', '.join(flags)}")
    out.plain(f"  reads:   {', '.join(info['variables'])}")
    if info["deprecated_name_used"]:
        out.plain(f"  note:    {info['deprecated_name_used']} is a deprecated name")
    if info.get("blank_skipped"):
        out.plain("  blank (read as unset, the next name was used):")
        for item in info["blank_skipped"]:
            out.plain(f"    - {item['variable']} from {item['source']['description']}")
    if info["overridden"]:
        out.plain("  overrode (lower precedence, not used):")
        for item in info["overridden"]:
            out.plain(f"    - {item['variable']} from {item['source']['description']}")
    for problem in info["problems"]:
        out.plain(f"  problem: [{problem['rule']}] {problem['message']} Fix: {problem['fix']}")
    out.plain(f"  precedence: {' > '.join(info['precedence'])}")


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
def docs(
    services: tuple[str, ...], schema: str | None, output_format: str, output: Path | None
) -> None:
    """Documentation of every variable, generated from the schemas (never from values)."""
    from confwarden.config.docs import render_env_example, render_markdown

    render = render_markdown if output_format == "markdown" else render_env_example
    text = "\n".join(
        render(schema_class) for schema_class in services_of(services, schema).values()
    )
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)
