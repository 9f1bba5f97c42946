"""CW107 undeclared-env-var: a variable read in code but not declared in the schema.

What it does:
    When ``schema = "pkg.module:Obj"`` is configured, reports each read of a variable (by
    any accessor) whose name the schema does not declare.

Why is this bad:
    An undeclared variable escapes validation, documentation, the health score and the
    dependency map: nobody knows the service needs it until it is missing in production.

Example:
    .. code-block:: python

        retries = int(get_env().get("HTTP_RETRIES", "3"))  # not in the schema

Use instead:
    Declare ``HTTP_RETRIES`` in the schema and read it from the configuration object.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from confwarden.checker.facts import EnvAccess
from confwarden.checker.findings import Finding, Rule

RULE = Rule("CW107", "undeclared-env-var", "variable read in code but not declared in the schema")


def check_project(
    reads: Iterable[tuple[str, EnvAccess]], declared: Callable[[str], bool], schema: str
) -> Iterator[Finding]:
    """Yield a finding for each read of a name the schema does not declare (``declared``
    also knows nested-group variables and case-insensitive schemas)."""
    for path, access in reads:
        if not declared(access.name):
            yield Finding(
                path,
                access.line,
                access.column,
                RULE.code,
                f"{access.name} is read here but not declared in the schema {schema}; "
                "declare it there (or stop reading it)",
                RULE.name,
            )
