"""defaults.library_value: the library's published defaults are refused where deployed."""

from __future__ import annotations

import pytest

from confwarden.config.fallbacks import TestDefaultsSource
from confwarden.config.spec import Severity
from confwarden.config.validation import ValidationContext
from confwarden.config.validation.defaults import LibraryDefaultRule
from confwarden.environment.detection import Environment


def _codes(environment: Environment, variables: dict[str, str]) -> list[tuple[str, Severity]]:
    ctx = ValidationContext.from_variables(environment, variables)
    return [(p.variable, p.severity) for p in LibraryDefaultRule().check(ctx)]


@pytest.mark.parametrize("environment", [Environment.STAGING, Environment.PRODUCTION])
@pytest.mark.parametrize("value", ["test-service", "dev-service"])
def test_library_default_refused_where_deployed(environment: Environment, value: str) -> None:
    assert _codes(environment, {"SERVICE_ID": value}) == [("SERVICE_ID", Severity.ERROR)]


def test_library_default_fine_in_development() -> None:
    assert _codes(Environment.DEVELOPMENT, {"SERVICE_ID": "dev-service"}) == []


def test_library_default_of_a_preset_table_refused_once_the_table_is_seen() -> None:
    value = "preset-test-client.example.invalid"
    assert _codes(Environment.PRODUCTION, {"ACME_CLIENT_ID": value}) == []
    TestDefaultsSource(Environment.PRODUCTION, {"ACME_CLIENT_ID": value})
    assert _codes(Environment.PRODUCTION, {"ACME_CLIENT_ID": value}) == [
        ("ACME_CLIENT_ID", Severity.ERROR)
    ]
