"""CW103 database-url-read: ``DATABASE_URL`` read directly, by any accessor.

What it does:
    Reports every read of ``DATABASE_URL``, through ``os.environ`` or the sanctioned
    ``get_env()`` alike, outside the configuration layer's URL builder.

Why is this bad:
    spec 003's golden rule: the database URL is built from its parts (host, port, user,
    password, database, SSL mode) by one builder, per environment, with every part encoded.
    A hand-read URL bypasses the builder, the Cloud SQL socket handling and the masking
    of the password in logs.

Example:
    .. code-block:: python

        engine = create_engine(get_env().get("DATABASE_URL"))

Use instead:
    .. code-block:: python

        from confwarden.components import DatabaseURLBuilder
        url = DatabaseURLBuilder(get_env().get_all()).get_url_for_environment(sync=True)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from confwarden.checker.facts import FileFacts
from confwarden.checker.findings import Finding, Rule

if TYPE_CHECKING:
    from confwarden.checker.rules import FileContext

RULE = Rule("CW103", "database-url-read", "DATABASE_URL read directly instead of built")


def check(facts: FileFacts, ctx: FileContext) -> Iterator[Finding]:
    """Yield a finding for each read of ``DATABASE_URL`` outside the allowed modules."""
    if ctx.env_access_allowed:
        return
    for access in facts.env:
        if access.name == "DATABASE_URL" and access.op == "read":
            yield Finding(
                ctx.path,
                access.line,
                access.column,
                RULE.code,
                f"DATABASE_URL read directly with `{access.form}`"
                f"{' ' + access.indirect if access.indirect else ''}; build it with "
                "DatabaseURLBuilder(...).get_url_for_environment() in the configuration layer",
                RULE.name,
            )
