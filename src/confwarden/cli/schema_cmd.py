"""``confwarden schema``: the project's configuration schema, as JSON Schema or a field list.

pydantic-settings users get a schema from ``model_json_schema()``; here it is one command,
for editors, documentation sites and CI checks. Thin:
:func:`~confwarden.config.docs.json_schema_of` builds it (each property naming its variables
and whether it is a secret) and :func:`~confwarden.config.docs.describe_fields` lists the
fields; no value is ever read.
"""

from __future__ import annotations

import click

from confwarden.cli._common import (
    Output,
    esc,
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
    """The schema of the project's configuration: its fields, or a JSON Schema (--json).

    With --json and one service (the only one, or --service NAME), the output is that
    service's JSON Schema document; with several, an object of service -> JSON Schema.
    Each property carries its variables in "env" and "sensitive"; no value is shown.
    """
    from confwarden.config.docs import json_schema_of

    schemas = services_of(services, schema)
    if as_json:
        documents = {name: json_schema_of(cls) for name, cls in schemas.items()}
        print_json(next(iter(documents.values())) if len(documents) == 1 else documents)
        return
    from confwarden.config.docs import describe_fields

    out = Output()
    for name, schema_class in schemas.items():
        out.heading(f"[bold]{esc(name)}[/] ({esc(schema_class.__name__)})")
        rows = [[esc(cell) for cell in row] for row in describe_fields(schema_class)]
        out.table(["variable", "type", "default", "required in", "sensitive"], rows)
