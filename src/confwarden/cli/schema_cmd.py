"""``confwarden schema``: the configuration schema as JSON Schema, or as a list of variables.

pydantic-settings users get a schema from ``model_json_schema()``; here it is one command,
for editors, documentation sites and CI checks. Thin: ``ConfigSchema.json_schema()`` builds
it (each property naming its variables and whether it is a secret); no value is ever read.
"""

from __future__ import annotations

from typing import Any

import click

from confwarden.cli._common import json_option, print_json, schema_option, service_option

__all__ = ["schema"]


@click.command("schema")
@service_option
@schema_option
@json_option
def schema(service: str, schema: str | None, as_json: bool) -> None:
    """The schema of a service's configuration (JSON Schema with --json).

    Each field with its variables, type, default and whether it is a secret; never a value.
    """
    from confwarden.cli.config_cmd import _schema

    _, schema_class = _schema(service, schema)
    document = schema_class.json_schema()
    if as_json:
        print_json(document)
        return
    required = set(document.get("required", ()))
    click.echo(f"{document.get('title', schema_class.__name__)}:")
    for name, entry in document.get("properties", {}).items():
        click.echo(f"  {', '.join(entry.get('env', [name]))}")
        click.echo(f"    field {name}: {_type(entry)}{_default(entry, name in required)}")
        if entry.get("sensitive"):
            click.echo("    secret: masked everywhere")
        if entry.get("description"):
            click.echo(f"    {entry['description']}")


def _type(entry: dict[str, Any]) -> str:
    if "enum" in entry:
        return " | ".join(repr(value) for value in entry["enum"])
    if "anyOf" in entry:
        return " | ".join(_type(option) for option in entry["anyOf"])
    if entry.get("type") == "array":
        return f"list of {_type(entry.get('items', {}))}"
    if "$ref" in entry:
        return str(entry["$ref"]).rsplit("/", 1)[-1]
    return str(entry.get("type", "any"))


def _default(entry: dict[str, Any], required: bool) -> str:
    if required:
        return " (required)"
    if entry.get("sensitive") or "default" not in entry:
        return ""
    return f" = {entry['default']!r}"
