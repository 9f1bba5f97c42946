"""OAuth rule of the agent platform preset: both naming conventions, per environment.

The spec platform's OAuth follows spec/003 "OAuth Dual Naming Convention": the backend reads
``GOOGLE_CLIENT_ID``/``GOOGLE_CLIENT_SECRET``, the auth service
``GOOGLE_OAUTH_CLIENT_ID_{ENVIRONMENT}``/``GOOGLE_OAUTH_CLIENT_SECRET_{ENVIRONMENT}``. Both must
map to the same credentials, a client id without its secret is half a configuration, and
staging credentials must never serve production. Development may lack OAuth entirely.

The rule belongs to the preset, not the core: it runs for schemas that list it in
``__confwarden_rules__`` (:class:`~confwarden.presets.agent_platform.AppConfig` and
:class:`~confwarden.presets.agent_platform.AuthEnvironment` do).
"""

from __future__ import annotations

from collections.abc import Iterator

from confwarden.config.spec import Problem, Severity
from confwarden.config.validation.base import Rule, ValidationContext, policy_severity
from confwarden.environment.detection import Environment

__all__ = ["OAUTH_PROVIDERS", "OAuthRule", "oauth_names"]

OAUTH_PROVIDERS = ("GOOGLE", "GITHUB")


def oauth_names(provider: str, environment: Environment) -> dict[str, tuple[str, str]]:
    """The two naming conventions of ``provider``: ``{convention: (id_var, secret_var)}``.

    Example:
        >>> oauth_names("GOOGLE", Environment.STAGING)["environment-specific"]
        ('GOOGLE_OAUTH_CLIENT_ID_STAGING', 'GOOGLE_OAUTH_CLIENT_SECRET_STAGING')
    """
    upper = environment.value.upper()
    return {
        "simplified": (f"{provider}_CLIENT_ID", f"{provider}_CLIENT_SECRET"),
        "environment-specific": (
            f"{provider}_OAUTH_CLIENT_ID_{upper}",
            f"{provider}_OAUTH_CLIENT_SECRET_{upper}",
        ),
    }


class OAuthRule(Rule):
    """OAuth credentials are incomplete, disagree between naming conventions, or cross
    environments."""

    code = "auth.oauth"
    description = "OAuth credentials are complete, agree across conventions, stay in their env."

    def check(self, ctx: ValidationContext) -> Iterator[Problem]:
        """Yield every OAuth problem for every provider."""
        for provider in OAUTH_PROVIDERS:
            yield from self._check_provider(ctx, provider)

    def _check_provider(self, ctx: ValidationContext, provider: str) -> Iterator[Problem]:
        conventions = oauth_names(provider, ctx.environment)
        complete: list[tuple[str, str]] = []
        for convention, (id_var, secret_var) in conventions.items():
            if not (_value(ctx, id_var) or _value(ctx, secret_var)):
                # Nothing is set under this convention's own names: whatever its fields hold
                # came through the other convention's names, which is judged there; judging
                # it here too would report one hole twice.
                continue
            has_id, has_secret = _supplied(ctx, id_var), _supplied(ctx, secret_var)
            if has_id and has_secret:
                if _value(ctx, id_var) and _value(ctx, secret_var):
                    complete.append((id_var, secret_var))
            elif has_id or has_secret:
                present, absent = (id_var, secret_var) if has_id else (secret_var, id_var)
                if _required_and_missing(ctx, absent):
                    continue  # required.missing reports it: one hole, one problem
                yield self.problem(
                    ctx,
                    present,
                    f"is set but {absent} is not: half an OAuth client ({convention} names)",
                    f"Set {absent} too, or unset {present}",
                )
        if len(complete) == 2:
            (id_a, secret_a), (id_b, secret_b) = complete
            for left, right, what in ((id_a, id_b, "client ids"), (secret_a, secret_b, "secrets")):
                if _value(ctx, left) != _value(ctx, right):
                    yield self.problem(
                        ctx,
                        right,
                        f"differs from {left}: the two OAuth naming conventions hold different "
                        f"{what}, so the backend and the auth service use different clients",
                        f"Map {left} and {right} to the same secret in the deployment",
                    )
        yield from self._check_isolation(ctx, provider)

    def _check_isolation(self, ctx: ValidationContext, provider: str) -> Iterator[Problem]:
        if not ctx.environment.is_deployed:
            return
        own_id, own_secret = oauth_names(provider, ctx.environment)["environment-specific"]
        severity = policy_severity(ctx.policy.localhost_urls) or Severity.WARNING
        for other in Environment:
            if other is ctx.environment:
                continue
            other_id, other_secret = oauth_names(provider, other)["environment-specific"]
            for mine, theirs in ((own_id, other_id), (own_secret, other_secret)):
                value = _value(ctx, mine)
                if value and value == _value(ctx, theirs):
                    yield self.problem(
                        ctx,
                        mine,
                        f"holds the same credential as {theirs}: {ctx.environment.value} "
                        f"uses the {other.value} OAuth client",
                        f"Create a separate OAuth client for {ctx.environment.value} and store "
                        f"it under {mine}",
                        severity=severity,
                    )
            if other.is_deployed and _value(ctx, other_secret):
                yield self.problem(
                    ctx,
                    other_secret,
                    f"{other.value} OAuth credentials are present in {ctx.environment.value}",
                    f"Remove {other_secret} from the {ctx.environment.value} deployment; "
                    "each environment gets only its own credentials",
                    severity=Severity.WARNING,
                )


def _value(ctx: ValidationContext, variable: str) -> str | None:
    raw = ctx.get(variable)
    return raw.strip() if raw is not None and raw.strip() else None


def _supplied(ctx: ValidationContext, variable: str) -> bool:
    """Whether ``variable`` has a value, or the field bound to it got one through an alias
    (a secret store is asked only for the first name of a field that it has)."""
    if _value(ctx, variable):
        return True
    spec = ctx.spec_for(variable)
    if spec is None:
        return False
    resolved = ctx.values.get(spec.name)
    return resolved is not None and bool((resolved.raw or "").strip())


def _required_and_missing(ctx: ValidationContext, variable: str) -> bool:
    spec = ctx.spec_for(variable)
    if spec is None or not spec.is_required(ctx.environment):
        return False
    resolved = ctx.values.get(spec.name)
    return resolved is None or not (resolved.raw or "").strip()
