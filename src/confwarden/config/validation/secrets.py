"""Secret strength: signing and encryption secrets are long and not placeholders.

spec/003 "Validation Rules" 2: secret keys need at least 32 characters where the platform is
deployed. ``SECRET_KEY=changeme`` works on a laptop and is a forged session in production.
The severity comes from the environment policy's ``short_secret`` column (a warning in
development, nothing under test, an error in staging and production). The JWT secret is
judged by SharedJWTSecretManager (``auth.jwt_secret``), database passwords by
DatabaseURLBuilder, API keys and OAuth client secrets by their own rules: each has its own
idea of "strong enough".
"""

from __future__ import annotations

from collections.abc import Iterator

from confwarden.components.weak_secrets import placeholder_reason
from confwarden.config.spec import Problem
from confwarden.config.validation.base import (
    ConfigItem,
    Rule,
    ValidationContext,
    policy_severity,
)
from confwarden.config.validation.index import SIGNING, name_kind

__all__ = ["MIN_SECRET_LENGTH", "SecretStrengthRule", "is_signing_secret"]

MIN_SECRET_LENGTH = 32


def is_signing_secret(item: ConfigItem) -> bool:
    """Whether ``item`` is a signing or encryption secret this rule judges."""
    return bool(name_kind(item.variable) & SIGNING)


class SecretStrengthRule(Rule):
    """A signing secret is shorter than 32 characters or a known placeholder."""

    code = "secrets.strength"
    description = "Signing secrets have at least 32 characters and are not placeholders."

    def check(self, ctx: ValidationContext) -> Iterator[Problem]:
        """Yield one problem per weak secret, with the policy's severity."""
        severity = policy_severity(ctx.policy.short_secret)
        if severity is None:
            return
        for item in ctx.items(SIGNING):
            secret = item.raw.strip()
            if not secret:
                continue  # required.missing reports empty required values
            reason = placeholder_reason(secret)
            if reason is not None:
                yield self.problem(
                    ctx,
                    item.variable,
                    f"{reason} (value not shown)",
                    f"Generate a random secret for {item.variable}, e.g. "
                    "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`",
                    severity=severity,
                    code="secrets.placeholder",
                )
            elif len(secret) < MIN_SECRET_LENGTH:
                yield self.problem(
                    ctx,
                    item.variable,
                    f"is {len(secret)} characters, needs at least {MIN_SECRET_LENGTH}",
                    f"Use a random secret of at least {MIN_SECRET_LENGTH} characters for "
                    f"{item.variable}",
                    severity=severity,
                    code="secrets.length",
                )
