"""Secret strength: no weak value in any secret, and signing secrets long enough.

spec/003 "Validation Rules" 2: secret keys need at least 32 characters where the platform is
deployed. ``SECRET_KEY=changeme`` works on a laptop and is a forged session in production.
Two findings:

* ``secrets.weak_value``: every sensitive value (schema-sensitive or named like a secret; for
  a URL, its password) is judged by the one weak-value table of
  :mod:`confwarden.components.weak_secrets`: placeholders everywhere, development/test
  values and confwarden's own defaults in staging and production, where the problem is
  critical (staging refuses it too). The same table serves the components, so their findings
  and this rule's read alike and are reported once.
* ``secrets.length``: signing secrets shorter than 32 characters, with the policy's
  ``short_secret`` severity (a warning in development, nothing under test, an error in
  staging and production).
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import unquote, urlsplit

from confwarden.components.weak_secrets import short_reason, weak_value_reason
from confwarden.config.spec import Problem, Severity
from confwarden.config.validation.base import (
    ConfigItem,
    Rule,
    ValidationContext,
    policy_severity,
)
from confwarden.config.validation.index import SENSITIVE, SIGNING, URL, name_kind

__all__ = ["MIN_SECRET_LENGTH", "SecretStrengthRule", "is_signing_secret"]

MIN_SECRET_LENGTH = 32


def is_signing_secret(item: ConfigItem) -> bool:
    """Whether ``item`` is a signing or encryption secret this rule judges."""
    return bool(name_kind(item.variable) & SIGNING)


class SecretStrengthRule(Rule):
    """A secret holds a weak value, or a signing secret is shorter than 32 characters."""

    code = "secrets.strength"
    description = (
        "Secrets hold no placeholder, development, test or library value; signing secrets "
        "have at least 32 characters."
    )

    def check(self, ctx: ValidationContext) -> Iterator[Problem]:
        """Yield one problem per weak secret, with the policy's severity."""
        deployed = ctx.environment.is_deployed
        severity = Severity.ERROR if deployed else policy_severity(ctx.policy.short_secret)
        if severity is None:
            return
        weak: set[str] = set()
        # Secrets by name or schema, and every URL carrying a password (REDIS_URL...).
        urls = [i for i in ctx.items(URL) if "@" in i.raw and not i.kind & SENSITIVE]
        for item in (*ctx.items(SENSITIVE), *urls):
            secret = _secret_part(item.raw)
            if not secret:
                continue  # required.missing reports empty required values
            reason = weak_value_reason(secret, deployed=deployed)
            if reason is not None:
                weak.add(item.variable)
                yield self.problem(
                    ctx,
                    item.variable,
                    f"{reason} (value not shown)",
                    f"Generate a random secret for {item.variable} and keep it in the secret "
                    "store, e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`",
                    severity=severity,
                    critical=True if deployed else None,
                    code="secrets.weak_value",
                )
        length_severity = policy_severity(ctx.policy.short_secret)
        if length_severity is None:
            return
        for item in ctx.items(SIGNING):
            secret = item.raw.strip()
            if not secret or item.variable in weak:
                continue
            if len(secret) < MIN_SECRET_LENGTH:
                yield self.problem(
                    ctx,
                    item.variable,
                    f"{short_reason(MIN_SECRET_LENGTH)} (value not shown)",
                    f"Use a random secret of at least {MIN_SECRET_LENGTH} characters for "
                    f"{item.variable}",
                    severity=length_severity,
                    code="secrets.length",
                )


def _secret_part(raw: str) -> str:
    """The value to judge: the password of a URL (None-safe), else the whole value."""
    text = raw.strip()
    if "://" not in text:
        return text
    try:
        password = urlsplit(text).password
    except ValueError:
        return ""
    return unquote(password) if password else ""
