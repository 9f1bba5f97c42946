"""Database rules: the PostgreSQL settings, judged by DatabaseURLBuilder and nothing else.

spec/003 "Database URL SSOT": there is one implementation of "is this database configuration
right for this environment" (localhost, credentials, TLS, weak passwords, a stale
``DATABASE_URL``), and it is :class:`~confwarden.components.database_url.DatabaseURLBuilder`.
This rule reports the builder's own problems (one ``Problem`` class for both), adding only
origins, its code and criticality, so the two can never disagree; what the builder would
refuse on first use (``POSTGRES_SSLMODE=disable`` or ``USE_MEMORY_DB`` in staging) is a
critical problem, so startup refuses it first.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from confwarden.config.spec import Problem
from confwarden.config.validation.base import Rule, ValidationContext
from confwarden.config.validation.components import component_problems

__all__ = ["DATABASE_VARIABLES", "DatabaseRule"]

DATABASE_VARIABLES = (
    "POSTGRES_HOST",
    "POSTGRES_PORT",
    "POSTGRES_USER",
    "POSTGRES_PASSWORD",
    "POSTGRES_DB",
    "POSTGRES_SSLMODE",
    "DATABASE_URL",
    "USE_MEMORY_DB",
)
# Without these the backend has no data access at all (spec/003 ConfigDependencyMap).
_CRITICAL = frozenset({"POSTGRES_HOST", "POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB"})


class DatabaseRule(Rule):
    """The database settings fail ``DatabaseURLBuilder(...).validate()`` for the environment.

    Runs when a declared field belongs to the ``database`` group or any database variable
    is set: a service without a database is not told to configure one. A missing value of a
    field required in the environment is left to ``required.missing``.
    """

    code = "database.url_builder"
    description = "DatabaseURLBuilder accepts the POSTGRES_* settings for the environment."

    def check(self, ctx: ValidationContext) -> Iterator[Problem]:
        """Yield the builder's problems, each with its variable's origin."""
        if not _uses_database(ctx):
            return
        from confwarden.components.database_url import DatabaseURLBuilder

        # in_docker=False: the container rewrite of localhost changes the URL, not whether
        # the settings are valid, and validation must not depend on the machine it runs on.
        builder = DatabaseURLBuilder(
            ctx.merged_variables, environment=ctx.environment, in_docker=False
        )
        result = builder.validate()
        skip = frozenset(
            p.variable.split("/")[-1]
            for p in result.problems
            if _left_to_required_rule(ctx, p.variable.split("/")[-1])
        )
        for problem in component_problems(self, ctx, result, skip=skip):
            if problem.variable in _CRITICAL and not problem.critical:
                yield dataclasses.replace(problem, critical=True)
            else:
                yield problem


def _uses_database(ctx: ValidationContext) -> bool:
    if "database" in ctx.index.groups:
        return True
    return any(name in ctx.variables for name in DATABASE_VARIABLES)


def _left_to_required_rule(ctx: ValidationContext, variable: str) -> bool:
    # One hole, one problem: a missing value of a required field is required.missing's.
    spec = ctx.spec_for(variable)
    if spec is None or not spec.is_required(ctx.environment):
        return False
    raw = ctx.get(variable)
    return raw is None or not raw.strip()
