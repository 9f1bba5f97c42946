"""CW109 secret-logged: a secret's value passed to ``print`` or a logger.

What it does:
    Reports a ``print(...)`` or ``logger.<level>(...)`` call whose arguments contain a
    value read from a sensitive variable in the same function: either the read itself
    (``print(get_env().get("JWT_SECRET"))``) or a local name it was assigned to
    (``secret = os.environ["SERVICE_SECRET"]`` then ``log.info("secret=%s", secret)``).
    Arguments passed through a ``mask*`` function or ``len()`` are fine.

Why is this bad:
    Logs are shipped, indexed and kept; a secret printed once is a secret leaked.

Example:
    .. code-block:: python

        secret = get_env().get("SERVICE_SECRET")
        logger.info("using secret %s", secret)

Use instead:
    .. code-block:: python

        logger.info("using secret %s", mask_value("SERVICE_SECRET", secret))
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from confwarden.checker.facts import FileFacts
from confwarden.checker.findings import Finding, Rule
from confwarden.checker.names import is_secret_variable

if TYPE_CHECKING:
    from confwarden.checker.rules import FileContext

RULE = Rule("CW109", "secret-logged", "a secret value printed or logged")

_SECRET_URLS = frozenset({"DATABASE_URL", "REDIS_URL", "CLICKHOUSE_URL"})


def _sensitive(name: str) -> bool:
    return is_secret_variable(name) or name in _SECRET_URLS


def check(facts: FileFacts, ctx: FileContext) -> Iterator[Finding]:
    """Yield a finding for each output call that carries a secret read in the same scope."""
    if not facts.outputs:
        return
    secret_locals: dict[tuple[int, str], str] = {}
    for access in facts.env:
        if access.target and access.name and _sensitive(access.name):
            secret_locals[(access.scope, access.target)] = access.name
    for call in facts.outputs:
        leaked = sorted({n for n in call.env_names if _sensitive(n)})
        leaked += sorted(
            f"{secret_locals[(call.scope, name)]} (via `{name}`)"
            for name in call.names
            if (call.scope, name) in secret_locals
        )
        if leaked:
            yield Finding(
                ctx.path,
                call.line,
                call.column,
                RULE.code,
                f"`{call.func}` outputs the value of {', '.join(leaked)}; "
                "mask it with mask_value() or leave it out",
                RULE.name,
            )
