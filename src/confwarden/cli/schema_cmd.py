"""``confwarden schema``: the project's configuration schema, as JSON Schema or a field list.

pydantic-settings users get a schema from ``model_json_schema()``; here it is one command,
for editors, documentation sites and CI checks. Thin: ``ConfigSchema.json_schema()`` builds
it (each property naming its variables and whether it is a secret); no value is ever read.
"""

from __future__ import annotations

from typing import Any

import click

from confwarden.cli._common import (
    json_option,
    print_json,
    schema_option,
    service_option,
    services_of,
)

__all__ = ["schema"]


@click.command("schema")
@service_option
@schema_option
@json_option
def schema(services: tuple[str, ...], schema: str | None, as_json: bool) -> None:
    """The schema of the project's configuration (JSON Schema with --json).

    Each field with its variables, type, default and whether it is a secret; never a value.
    With --json and one service (the only one, --service NAME or --schema), the output is that
    service's JSON Schema document; with several, an object of service -> document.
    """
    from confwarden.config.docs import json_schema_of

    documents = {name: json_schema_of(cls) for name, cls in services_of(services, schema).items()}
    if as_json:
        print_json(next(iter(documents.values())) if len(documents) == 1 else documents)
        return
    for document in documents.values():
        _print_document(document)


def _print_document(document: dict[str, Any]) -> None:
    required = set(document.get("required", ()))
    click.echo(f"{document.get('title', 'schema')}:")
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
