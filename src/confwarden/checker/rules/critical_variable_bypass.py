"""CW104 critical-variable-bypass: a critical or secret variable read around the config layer.

What it does:
    Reports a read of a critical variable (``SERVICE_SECRET``, ``SERVICE_ID``,
    ``JWT_SECRET_KEY``, ``JWT_SECRET``, ``SECRET_KEY``, ``DATABASE_URL``,
    ``POSTGRES_PASSWORD``, the ``critical`` list of ``[tool.confwarden]``) or of any
    secret-looking name (``*SECRET*``, ``*PASSWORD*``, ``*TOKEN*``, ``*_KEY``..., but not a
    flag, duration, count, path or directory about one: ``TOKEN_VALIDATION_ENABLED``,
    ``ACCESS_TOKEN_EXPIRE_MINUTES``, ``*_SECRETS_DIR``) outside the configuration layer,
    through any accessor, the sanctioned ``get_env()`` included. Inside the modules listed
    in ``config_layer``, reads through the environment layer are the layer's job; reads
    through ``os.environ`` are still reported there (there is no default configuration
    layer: spec 001 happened in ``core/configuration/base.py``).

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

from confwarden.checker.facts import VIA_OS, FileFacts
from confwarden.checker.findings import Finding, Rule
from confwarden.checker.names import is_secret_variable

if TYPE_CHECKING:
    from confwarden.checker.rules import FileContext

RULE = Rule(
    "CW104", "critical-variable-bypass", "critical variable read outside the configuration layer"
)


def is_critical(name: str, critical: frozenset[str]) -> bool:
    """Critical by the list, or a secret by its name."""
    return name in critical or is_secret_variable(name)


def check(facts: FileFacts, ctx: FileContext) -> Iterator[Finding]:
    """Yield a finding for each critical read outside the configuration layer."""
    if ctx.env_access_allowed:
        return
    config_layer = ctx.in_config_layer
    for access in facts.env:
        if config_layer and access.via != VIA_OS:
            continue
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
                f"{'critical' if access.name in ctx.critical else 'secret-looking'} variable "
                f"{access.name} read with `{access.form}`"
                f"{' ' + access.indirect if access.indirect else ''} "
                + (
                    "around the environment layer; read it with get_env() here"
                    if config_layer
                    else "outside the configuration layer; take it from the validated "
                    "configuration object"
                ),
                RULE.name,
            )
