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
from confwarden.config.validation.components import component_problems, component_variables

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

    Runs when the schema declares a database variable (without a schema: when one is set):
    a service without a database is not told to configure one. Judges only the variables the
    schema declares, an unset one as the schema's default (:func:`component_variables`). A
    missing value of a field required in the environment is left to ``required.missing``.
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
        # With a schema, the builder reads only the variables the schema declares, unset
        # ones as the schema's defaults: the service is judged on what it would use.
        names = _component_names(ctx)
        variables = component_variables(ctx, names)
        builder = DatabaseURLBuilder(variables, environment=ctx.environment, in_docker=False)
        result = builder.validate()
        skip = frozenset(
            p.variable.split("/")[-1]
            for p in result.problems
            if _left_to_required_rule(ctx, p.variable.split("/")[-1])
        )
        for problem in component_problems(self, ctx, result, skip=skip, variables=names):
            if problem.variable in _CRITICAL and not problem.critical:
                yield dataclasses.replace(problem, critical=True)
            else:
                yield problem


def _component_names(ctx: ValidationContext) -> tuple[str, ...]:
    # A DATABASE_URL the schema reads is the service's own field (``confwarden init`` writes
    # one from ``os.getenv("DATABASE_URL")``), never a legacy variable "set but not read".
    if ctx.fields and ctx.spec_for("DATABASE_URL") is not None:
        return tuple(name for name in DATABASE_VARIABLES if name != "DATABASE_URL")
    return DATABASE_VARIABLES


def _uses_database(ctx: ValidationContext) -> bool:
    # With a schema, only its own declaration counts: a neighbour's POSTGRES_* variables in
    # the same environment do not make this service a database client.
    names = _component_names(ctx)
    if ctx.fields:
        return any(name in ctx.index.current for name in names)
    return any(name in ctx.variables for name in names)


def _left_to_required_rule(ctx: ValidationContext, variable: str) -> bool:
    # One hole, one problem: a missing value of a required field is required.missing's.
    spec = ctx.spec_for(variable)
    if spec is None or not spec.is_required(ctx.environment):
        return False
    raw = ctx.get(variable)
    return raw is None or not raw.strip()
