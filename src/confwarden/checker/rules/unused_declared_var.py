"""CW108 unused-declared-var: a variable declared in the schema that no code reads.

What it does:
    When a schema is configured, reports each declared variable that no file of the tree
    reads through any accessor. The finding points at the schema's module.

Why is this bad:
    A dead declaration is still validated, still required in staging and production, and
    still asked of every operator deploying the platform.

Example:
    ``LEGACY_REDIS_DB`` stays in the schema after the last reader was removed.

Use instead:
    Remove the declaration, or read the variable where it is needed.
"""

from __future__ import annotations

from collections.abc import Iterator

from confwarden.checker.findings import Finding, Rule

RULE = Rule("CW108", "unused-declared-var", "variable declared in the schema but never read")


def check_project(
    declared: frozenset[str], read: set[str], schema: str, location: dict[str, tuple[str, int]]
) -> Iterator[Finding]:
    """Yield a finding for each declared name nobody reads.

    ``location`` maps a name to where it is declared (path, line), when known.
    """
    for name in sorted(declared - read):
        path, line = location.get(name, ("", 0))
        yield Finding(
            path,
            line,
            1,
            RULE.code,
            f"{name} is declared in the schema {schema} but no code reads it; "
            "remove it from the schema or use it",
            RULE.name,
        )
