"""Environment fallbacks: what fills a missing value in development and testing only.

DESIGN.md: development gets deterministic generated secrets (with a warning, so nobody
mistakes them for configuration), testing gets built-in test defaults (OAuth test
credentials, a test JWT secret, an in-memory database); staging and production get nothing
and fail fast. Generated values are derived from the variable name alone, so every service
of a development platform generates the *same* ``JWT_SECRET_KEY`` and tokens one service
issues verify in another (spec/003 "SharedJWTSecretManager").
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping

from confwarden.config.spec import FieldSpec
from confwarden.environment.detection import Environment
from confwarden.environment.policy import FallbackKind, policy_for
from confwarden.environment.provenance import Source, SourceKind
from confwarden.secrets.base import SourceHit, ValueSource

__all__ = ["DEVELOPMENT_DEFAULTS", "TEST_DEFAULTS", "FallbackSource", "generated_secret"]

# Never secrets anyone relies on: they exist so a test suite runs with no configuration.
TEST_DEFAULTS: Mapping[str, str] = {
    "JWT_SECRET_KEY": "test-jwt-secret-key-not-for-production-000000",
    "SECRET_KEY": "test-secret-key-not-for-production-0000000000",
    "SERVICE_SECRET": "test-service-secret-not-for-production-000000",
    "SERVICE_ID": "test-service",
    "GOOGLE_CLIENT_ID": "test-oauth-client-id.apps.googleusercontent.com",
    "GOOGLE_CLIENT_SECRET": "test-oauth-client-secret",
    "GOOGLE_OAUTH_CLIENT_ID_TESTING": "test-oauth-client-id.apps.googleusercontent.com",
    "GOOGLE_OAUTH_CLIENT_SECRET_TESTING": "test-oauth-client-secret",
    "USE_MEMORY_DB": "true",
}

DEVELOPMENT_DEFAULTS: Mapping[str, str] = {
    "SERVICE_ID": "dev-service",
}


def generated_secret(variable: str) -> str:
    """The deterministic development secret of ``variable`` (64 hex characters after a prefix).

    Example:
        >>> generated_secret("JWT_SECRET_KEY") == generated_secret("JWT_SECRET_KEY")
        True
    """
    digest = hashlib.sha256(f"confwarden-dev-fallback:{variable}".encode()).hexdigest()
    return f"dev-{digest}"


class FallbackSource(ValueSource):
    """Fallback values of one environment (none in staging and production).

    Args:
        environment: the environment; its policy says which fallbacks apply.
        fields: the schema's fields; sensitive fields that are critical or required
            somewhere (and allow fallbacks) get generated development secrets.
    """

    kind = SourceKind.FALLBACK
    consult_when_shadowed = False

    def __init__(self, environment: Environment, fields: Iterable[FieldSpec] = ()) -> None:
        self.environment = environment
        self.fallbacks = policy_for(environment).fallbacks
        self.name = f"{self.fallbacks.value} fallbacks"
        self._label = (
            "test default"
            if self.fallbacks is FallbackKind.TEST_DEFAULTS
            else "development default"
        )
        self._generated: set[str] = set()
        self._blocked: set[str] = set()
        for spec in fields:
            names = spec.variable_names(environment)
            if not spec.fallback_allowed:
                self._blocked.update(names)
            elif spec.sensitive and spec.critical:
                self._generated.add(names[0])

    def lookup(self, variable: str) -> SourceHit | None:
        """The fallback for ``variable`` in this environment, if it has one."""
        if self.fallbacks is FallbackKind.NONE or variable in self._blocked:
            return None
        table = (
            TEST_DEFAULTS if self.fallbacks is FallbackKind.TEST_DEFAULTS else DEVELOPMENT_DEFAULTS
        )
        value = table.get(variable)
        if value is not None:
            return SourceHit(variable, value, Source(SourceKind.FALLBACK, self._label))
        if variable in self._generated:
            return SourceHit(
                variable,
                generated_secret(variable),
                Source(SourceKind.FALLBACK, "generated development secret"),
            )
        return None
