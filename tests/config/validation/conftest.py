"""Helpers for the validation tests: declared fields and contexts built from plain dicts."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import pytest

from confwarden.config.spec import DEPLOYED, FieldSpec
from confwarden.config.validation import ValidationContext
from confwarden.environment.detection import Environment

CANARY = "CANARY-5f0e1d"
STRONG = "k9Xq2mV7rT4wZp8LbN3cH6yF1sJ5dG0a"  # 32 random-looking characters

FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec(
        "jwt_secret_key",
        ("JWT_SECRET_KEY",),
        deprecated_names=("JWT_SECRET",),
        sensitive=True,
        critical=True,
        required_in=DEPLOYED,
        group="auth",
    ),
    FieldSpec("secret_key", ("SECRET_KEY",), sensitive=True, critical=True, required_in=DEPLOYED),
    FieldSpec("service_secret", ("SERVICE_SECRET",), sensitive=True, critical=True),
    FieldSpec("frontend_url", ("FRONTEND_URL",), group="frontend"),
    FieldSpec("redis_url", ("REDIS_URL",), sensitive=True, group="redis"),
    FieldSpec("backend_port", ("BACKEND_PORT",)),
    FieldSpec("auth_port", ("AUTH_SERVICE_PORT",)),
    FieldSpec(
        "google_client_id",
        ("GOOGLE_OAUTH_CLIENT_ID_{ENVIRONMENT}", "GOOGLE_CLIENT_ID"),
        group="oauth",
        description="Google OAuth client id.",
    ),
)

MakeCtx = Callable[..., ValidationContext]


@pytest.fixture
def fields() -> tuple[FieldSpec, ...]:
    """The declared fields most tests use."""
    return FIELDS


@pytest.fixture
def strong() -> str:
    """A secret every strength rule accepts."""
    return STRONG


@pytest.fixture
def make_ctx() -> MakeCtx:
    """``make_ctx(environment, variables, fields=FIELDS, prefix=None)``."""

    def make(
        environment: Environment | str,
        variables: Mapping[str, str],
        fields: Sequence[FieldSpec] = FIELDS,
        prefix: str | None = None,
    ) -> ValidationContext:
        env = environment if isinstance(environment, Environment) else Environment(environment)
        return ValidationContext.from_variables(env, variables, fields, prefix=prefix)

    return make
