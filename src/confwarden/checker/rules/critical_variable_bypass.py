"""CW104 critical-variable-bypass: a critical or secret variable read around the config layer.

What it does:
    Reports a read of a critical variable (``SERVICE_SECRET``, ``SERVICE_ID``,
    ``JWT_SECRET_KEY``, ``JWT_SECRET``, ``SECRET_KEY``, ``DATABASE_URL``,
    ``POSTGRES_PASSWORD``, the ``critical`` list of ``[tool.confwarden]``) or of any
    sensitive-looking name (``*SECRET*``, ``*PASSWORD*``, ``*TOKEN*``, ``*_KEY``...) outside
    the configuration layer, through any accessor, the sanctioned ``get_env()`` included.

Why is this bad:
    spec 001: the configuration base layer read ``SERVICE_SECRET`` with ``get_env()``
    around the configuration manager. The value then skipped validation, the per-environment
    fallback policy and the shared secret manager, and services disagreed about it.

Example:
    .. code-block:: python

        env = get_env()
        service_secret = env.get("SERVICE_SECRET")

Use instead:
    .. code-block:: python

        service_secret = get_unified_config().service_secret
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from confwarden.checker.facts import FileFacts
from confwarden.checker.findings import Finding, Rule
from confwarden.environment.masking import is_sensitive_name

if TYPE_CHECKING:
    from confwarden.checker.rules import FileContext

RULE = Rule(
    "CW104", "critical-variable-bypass", "critical variable read outside the configuration layer"
)


def is_critical(name: str, critical: frozenset[str]) -> bool:
    """Critical by the list, or sensitive by its name."""
    return name in critical or is_sensitive_name(name)


def check(facts: FileFacts, ctx: FileContext) -> Iterator[Finding]:
    """Yield a finding for each critical read outside the configuration layer."""
    if ctx.in_config_layer:
        return
    for access in facts.env:
        # DATABASE_URL has its own, more precise rule (CW103).
        if (
            access.name
            and access.name != "DATABASE_URL"
            and access.op == "read"
            and is_critical(access.name, ctx.critical)
        ):
            yield Finding(
                ctx.path,
                access.line,
                access.column,
                RULE.code,
                f"critical variable {access.name} read with `{access.form}` outside the "
                "configuration layer; take it from the validated configuration object",
                RULE.name,
            )
