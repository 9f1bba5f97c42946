"""JWT rule: the shared JWT secret, judged by SharedJWTSecretManager only.

spec/000: four copies of the JWT rules disagreed on which variable wins and how strong a
secret must be. The validator and every service therefore ask
:class:`~confwarden.components.jwt_secret.SharedJWTSecretManager` and nothing else, so they
cannot disagree. The rule runs only for schemas that use JWT (a JWT field, a JWT variable
set, or an ``auth``/``jwt`` group): a service without tokens is not told to add a secret.
"""

from __future__ import annotations

from collections.abc import Iterator

from confwarden.config.spec import Problem, Severity
from confwarden.config.validation.base import Rule, ValidationContext

__all__ = ["JWT_VARIABLES", "JwtSecretRule"]

JWT_VARIABLES = ("JWT_SECRET_KEY", "JWT_SECRET", "JWT_ALGORITHM")


class JwtSecretRule(Rule):
    """The JWT secret fails ``SharedJWTSecretManager(...).validate()`` for the environment.

    Every JWT problem is critical: with a wrong secret, every authenticated request fails.
    A missing secret that a declared required field covers is left to ``required.missing``,
    so one hole costs one problem.

    Example:
        >>> from confwarden.environment.detection import Environment
        >>> ctx = ValidationContext.from_variables(
        ...     Environment.STAGING, {"JWT_SECRET_KEY": "short"})
        >>> [p.rule for p in JwtSecretRule().check(ctx)][:1]
        ['auth.jwt_secret']
    """

    code = "auth.jwt_secret"
    description = "SharedJWTSecretManager accepts the JWT secret and algorithm."

    def check(self, ctx: ValidationContext) -> Iterator[Problem]:
        """Yield the manager's problems, each with its variable's origin."""
        from confwarden.components.jwt_secret import SharedJWTSecretManager

        manager = SharedJWTSecretManager(ctx.merged_variables, environment=ctx.environment)
        if not _uses_jwt(ctx, manager.candidates):
            return
        missing = "/".join(manager.candidates)
        for found in manager.validate().problems:
            if found.severity is Severity.IGNORE:
                continue
            if found.variable == missing and _required_field_covers(ctx, manager.candidates):
                continue
            if found.variable in ctx.index.known and found.variable not in ctx.index.current:
                continue  # another environment's declared name: variants.other_environment
            yield self.adopt(ctx, found, variable=found.variable.split("/")[0], critical=True)


def _uses_jwt(ctx: ValidationContext, candidates: tuple[str, ...]) -> bool:
    names = set(candidates) | set(JWT_VARIABLES)
    if any(name in ctx.variables for name in names):
        return True
    return any(name in ctx.specs_by_variable for name in names) or bool(
        ctx.index.groups & {"auth", "jwt"}
    )


def _required_field_covers(ctx: ValidationContext, candidates: tuple[str, ...]) -> bool:
    for name in candidates:
        spec = ctx.spec_for(name)
        if spec is not None and spec.is_required(ctx.environment):
            return True
    return False
