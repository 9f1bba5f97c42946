"""variants: an environment-specific variable name that is set but never read is an error."""

from __future__ import annotations

import pytest

from confwarden.config.common import ServiceConfig
from confwarden.config.schema import fields_of
from confwarden.config.spec import Severity
from confwarden.config.validation import ValidationContext
from confwarden.config.validation.variants import UnreadVariantRule
from confwarden.environment.detection import Environment

STRONG = "k9Xq2mV7rT4wZp8LbN3cH6yF1sJ5dG0a"


def _problems(environment: Environment, variables: dict[str, str]) -> dict[str, Severity]:
    ctx = ValidationContext.from_variables(environment, variables, fields_of(ServiceConfig))
    return {p.variable: p.severity for p in UnreadVariantRule().check(ctx)}


def test_variant_jwt_secret_prod_not_silently_ignored() -> None:
    # issue 10.11: ENVIRONMENT=prod, JWT_SECRET_PROD set, JWT_SECRET_KEY wins silently.
    variables = {"ENVIRONMENT": "prod", "JWT_SECRET_KEY": STRONG, "JWT_SECRET_PROD": STRONG[::-1]}
    ctx = ValidationContext.from_variables(
        Environment.PRODUCTION, variables, fields_of(ServiceConfig)
    )
    (problem,) = UnreadVariantRule().check(ctx)
    assert problem.variable == "JWT_SECRET_PROD"
    assert problem.severity is Severity.ERROR
    assert problem.critical
    assert "JWT_SECRET_PRODUCTION" in problem.message
    assert STRONG not in str(problem)


@pytest.mark.parametrize("name", ["SECRET_KEY_PROD", "SECRET_KEY_PRODUCTION", "POSTGRES_DB_PRD"])
def test_variant_suffix_of_current_environment_is_error(name: str) -> None:
    assert _problems(Environment.PRODUCTION, {name: "x"}) == {name: Severity.ERROR}


def test_variant_of_another_environment_is_warning() -> None:
    assert _problems(Environment.PRODUCTION, {"SECRET_KEY_STAGING": "x"}) == {
        "SECRET_KEY_STAGING": Severity.WARNING
    }


def test_variant_declared_names_are_not_reported() -> None:
    variables = {"JWT_SECRET_PRODUCTION": STRONG, "JWT_SECRET_STAGING": STRONG}
    assert _problems(Environment.PRODUCTION, variables) == {}
