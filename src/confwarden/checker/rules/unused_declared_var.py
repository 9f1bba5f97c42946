"""CW108 unused-declared-var: a variable declared in the schema that no code reads.

What it does:
    When a schema is configured, reports each field the tree's schema declares that no code
    reads: not its variable by name (through any accessor), not its attribute
    (``config.worker_count``, ``getattr(config, "worker_count")``), and the schema class is
    not loaded through ``bootstrap()``/``load_config()`` (the loader reads every field). The
    fields a schema inherits from a library (confwarden's presets) are the library's
    business and never reported. The finding points at the declaration.

Why is this bad:
    A dead declaration is still validated, still required in staging and production, and
    still asked of every operator deploying the platform.

Example:
    ``LEGACY_REDIS_DB`` stays in the schema after the last reader was removed.

Use instead:
    Remove the declaration, or read the variable where it is needed.
"""

from __future__ import annotations

from collections.abc import Iterator, Set
from typing import TYPE_CHECKING

from confwarden.checker.findings import Finding, Rule

if TYPE_CHECKING:
    from confwarden.checker.schema import SchemaInfo

RULE = Rule("CW108", "unused-declared-var", "variable declared in the schema but never read")


def check_project(
    schema: SchemaInfo,
    read: Set[str],
    attributes: Set[str],
    loaded: Set[str],
    spec: str,
) -> Iterator[Finding]:
    """Yield a finding for each own field nobody reads.

    Args:
        schema: what the schema declares.
        read: variables read by name anywhere in the tree.
        attributes: attribute names read anywhere in the tree.
        loaded: classes of the tree loaded through ``bootstrap()``, with their bases.
        spec: the ``schema`` setting, for the message.
    """
    if schema.classes & loaded:
        return
    nested = schema.nested
    if not schema.case_sensitive:
        read = {name.upper() for name in read}
        nested = tuple(prefix.upper() for prefix in nested)
    nested_reads = [name for name in read if name.startswith(nested)]
    for field, names in sorted(schema.own.items()):
        folded = names if schema.case_sensitive else tuple(name.upper() for name in names)
        if field in attributes or any(name in read for name in folded):
            continue
        prefixes = tuple(p for p in nested if p.startswith(folded))
        if prefixes and any(name.startswith(prefixes) for name in nested_reads):
            continue
        name = names[0] if names else field
        shown = name if name == field else f"{name} (field {field})"
        path, line = schema.where(field, name)
        yield Finding(
            path,
            line,
            1,
            RULE.code,
            f"{shown} is declared in the schema {spec} but no code reads it; "
            "remove it from the schema or use it",
            RULE.name,
        )
