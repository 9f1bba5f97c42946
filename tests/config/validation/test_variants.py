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


def test_variant_of_another_environment_is_error_where_deployed() -> None:
    assert _problems(Environment.PRODUCTION, {"SECRET_KEY_STAGING": "x"}) == {
        "SECRET_KEY_STAGING": Severity.ERROR
    }
    assert _problems(Environment.DEVELOPMENT, {"SECRET_KEY_STAGING": "x"}) == {
        "SECRET_KEY_STAGING": Severity.WARNING
    }


def test_variant_declared_names_of_this_environment_are_not_reported() -> None:
    variables = {"JWT_SECRET_PRODUCTION": STRONG}
    assert _problems(Environment.PRODUCTION, variables) == {}


@pytest.mark.parametrize(
    ("environment", "name"),
    [
        (Environment.PRODUCTION, "JWT_SECRET_STAGING"),
        (Environment.PRODUCTION, "JWT_SECRET_DEVELOPMENT"),
        (Environment.STAGING, "JWT_SECRET_PRODUCTION"),
    ],
)
def test_variant_declared_name_of_another_environment_is_error_where_deployed(
    environment: Environment, name: str
) -> None:
    ctx = ValidationContext.from_variables(
        environment, {"JWT_SECRET_KEY": STRONG, name: STRONG[::-1]}, fields_of(ServiceConfig)
    )
    (problem,) = UnreadVariantRule().check(ctx)
    other = name.removeprefix("JWT_SECRET_").lower()
    assert problem.variable == name
    assert (problem.severity, problem.critical) == (Severity.ERROR, True)
    assert f"is {other}'s secret, set in {environment.value}" in problem.message
    assert STRONG[::-1] not in str(problem)


def test_variant_declared_name_of_another_environment_is_fine_in_development() -> None:
    variables = {"JWT_SECRET_KEY": STRONG, "JWT_SECRET_PRODUCTION": STRONG[::-1]}
    assert _problems(Environment.DEVELOPMENT, variables) == {}


def test_variant_of_current_environment_fix_names_the_variable_already_set() -> None:
    # The fix used to read "Rename JWT_SECRET_PROD to JWT_SECRET_KEY and unset it" while
    # JWT_SECRET_KEY was set: renaming would overwrite it.
    variables = {"JWT_SECRET_KEY": STRONG, "JWT_SECRET_PROD": STRONG[::-1]}
    ctx = ValidationContext.from_variables(
        Environment.PRODUCTION, variables, fields_of(ServiceConfig)
    )
    (problem,) = UnreadVariantRule().check(ctx)
    assert problem.fix.startswith("Unset JWT_SECRET_PROD: JWT_SECRET_KEY is already set")
    alone = ValidationContext.from_variables(
        Environment.PRODUCTION, {"JWT_SECRET_PROD": STRONG}, fields_of(ServiceConfig)
    )
    (problem,) = UnreadVariantRule().check(alone)
    assert problem.fix == "Rename JWT_SECRET_PROD to JWT_SECRET_KEY"
