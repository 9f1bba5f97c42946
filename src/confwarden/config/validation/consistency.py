"""Cross-field consistency: settings that are fine alone and wrong together.

spec/003 "Environment consistency checks" and "Separate concerns - different secrets for
different purposes". Three things no single-field rule can see:

* ``ENVIRONMENT`` says one environment while the configuration is judged for another (a
  staging ``.env`` deployed to production);
* two different secrets hold the same value (``SECRET_KEY`` reused as ``SERVICE_SECRET``: one
  leak opens both doors); aliases of one secret (``JWT_SECRET``/``JWT_SECRET_KEY``, the two
  OAuth naming conventions) are meant to agree and are left out;
* a URL of one deployed environment names the other (``staging`` in a production URL).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from functools import lru_cache

from confwarden.config.spec import Problem, Severity
from confwarden.config.validation.base import Rule, ValidationContext
from confwarden.config.validation.index import SENSITIVE, URL
from confwarden.config.validation.urls import parse_url
from confwarden.environment.detection import Environment
from confwarden.environment.provenance import SourceKind
from confwarden.errors import EnvironmentDetectionError

__all__ = ["ConsistencyRule", "secret_family"]

_MIN_COMPARED_LENGTH = 8
_LISTED = (
    5  # variables named in one reused-secret problem  # "true" in two flags is not a reused secret
)
_JWT = re.compile(r"^JWT_SECRET(_KEY|_[A-Z]+)?$")
_OAUTH_SECRET = re.compile(r"^(?P<provider>[A-Z]+)_(OAUTH_)?CLIENT_SECRET(_[A-Z]+)?$")
_TOKEN_SPLIT = re.compile(r"[^a-z0-9]+")
_ENV_WORDS: dict[Environment, frozenset[str]] = {
    Environment.STAGING: frozenset({"staging", "stage", "stg"}),
    Environment.PRODUCTION: frozenset({"production", "prod", "prd"}),
}


@lru_cache(maxsize=4096)
def secret_family(variable: str) -> str:
    """The secret a variable is an alias of (``JWT_SECRET`` for every JWT name).

    Example:
        >>> secret_family("GITHUB_OAUTH_CLIENT_SECRET_STAGING")
        'GITHUB_CLIENT_SECRET'
    """
    if _JWT.match(variable):
        return "JWT_SECRET"
    match = _OAUTH_SECRET.match(variable)
    if match:
        return f"{match.group('provider')}_CLIENT_SECRET"
    return variable


class ConsistencyRule(Rule):
    """Settings contradict each other: environment name, reused secrets, cross-env URLs."""

    code = "consistency"
    description = "ENVIRONMENT matches, secrets are not reused, URLs stay in their environment."

    def check(self, ctx: ValidationContext) -> Iterator[Problem]:
        """Yield every contradiction found."""
        yield from self._environment_name(ctx)
        yield from self._reused_secrets(ctx)
        yield from self._foreign_urls(ctx)

    def _environment_name(self, ctx: ValidationContext) -> Iterator[Problem]:
        raw = ctx.get("ENVIRONMENT")
        if raw is None:
            return
        if not raw.strip():
            # Blocking: it stops startup in every mode, development's WARN included (a
            # blank ENVIRONMENT= in a .env used to warn and start; detection refuses it).
            yield replace(
                self.problem(
                    ctx,
                    "ENVIRONMENT",
                    "is set but blank (an unset template variable?); a blank value is never "
                    "read as unset",
                    "Set ENVIRONMENT to development, testing, staging or production, or remove it",
                    critical=True,
                    code="consistency.environment",
                ),
                blocking=True,
            )
            return
        try:
            named = Environment.parse(raw)
        except EnvironmentDetectionError:
            yield self.problem(
                ctx,
                "ENVIRONMENT",
                "is not a known environment name",
                "Set ENVIRONMENT to development, testing, staging or production",
                critical=True,
                code="consistency.environment",
            )
            return
        if named is not ctx.environment:
            source = ctx.source("ENVIRONMENT")
            if source is not None and source.kind is SourceKind.DOTENV:
                # A .env never chooses the environment (detection reads the process only):
                # one that names another environment is a deployment mistake, so it blocks
                # even in development's WARN mode rather than start with the wrong rules.
                yield replace(
                    self.problem(
                        ctx,
                        "ENVIRONMENT",
                        f"says {named.value} in a .env file, but the environment was detected "
                        f"as {ctx.environment.value} from the process; a .env never chooses "
                        "the environment",
                        f"Set ENVIRONMENT={named.value} in the process environment (the "
                        f"deployment's settings), or remove ENVIRONMENT from {source.location}",
                        critical=True,
                        code="consistency.environment",
                    ),
                    blocking=True,
                )
                return
            yield self.problem(
                ctx,
                "ENVIRONMENT",
                f"says {named.value} but the configuration is judged for {ctx.environment.value}",
                f"Set ENVIRONMENT={ctx.environment.value}, or validate for {named.value}",
                critical=True,
                code="consistency.environment",
            )

    def _reused_secrets(self, ctx: ValidationContext) -> Iterator[Problem]:
        by_value: dict[str, list[str]] = {}
        for item in ctx.items(SENSITIVE):
            secret = item.raw.strip()
            if len(secret) >= _MIN_COMPARED_LENGTH:
                by_value.setdefault(secret, []).append(item.variable)
        for variables in by_value.values():
            if len(variables) < 2:
                continue
            families: dict[str, str] = {}
            for variable in sorted(variables):
                families.setdefault(secret_family(variable), variable)
            if len(families) < 2:
                continue
            # One problem per shared value: thirty copies of one secret are one finding.
            first, *others = families.values()
            shown = ", ".join(others[:_LISTED])
            more = f" and {len(others) - _LISTED} more" if len(others) > _LISTED else ""
            yield self.problem(
                ctx,
                first,
                f"holds the same secret as {shown}{more}: one leak exposes all of them",
                f"Generate a separate secret for each of {first}, {shown}{more}",
                code="consistency.reused_secret",
            )

    def _foreign_urls(self, ctx: ValidationContext) -> Iterator[Problem]:
        if not ctx.environment.is_deployed:
            return
        for item in ctx.items(URL):
            parsed = parse_url(item.raw)
            if parsed is None or not parsed.host:
                continue
            tokens = set(_TOKEN_SPLIT.split(parsed.host))
            for other, words in _ENV_WORDS.items():
                if other is not ctx.environment and tokens & words:
                    yield self.problem(
                        ctx,
                        item.variable,
                        f"points at a host named for {other.value} in {ctx.environment.value}",
                        f"Use the {ctx.environment.value} address for {item.variable}",
                        severity=Severity.WARNING,
                        code="consistency.foreign_environment",
                    )
