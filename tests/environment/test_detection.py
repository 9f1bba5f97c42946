"""EnvironmentDetector: explicit ENVIRONMENT, aliases, test context, Cloud Run."""

from __future__ import annotations

import sys
from types import ModuleType

import pytest

from confwarden.environment.detection import Environment, EnvironmentDetector, detect_environment
from confwarden.errors import EnvironmentDetectionError

NO_MODULES: dict[str, ModuleType] = {}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("development", Environment.DEVELOPMENT),
        ("dev", Environment.DEVELOPMENT),
        ("local", Environment.DEVELOPMENT),
        ("testing", Environment.TESTING),
        ("test", Environment.TESTING),
        ("staging", Environment.STAGING),
        ("stage", Environment.STAGING),
        ("production", Environment.PRODUCTION),
        ("prod", Environment.PRODUCTION),
        ("  PROD ", Environment.PRODUCTION),
        ("Staging", Environment.STAGING),
    ],
)
def test_detect_environment_variable_and_aliases(value: str, expected: Environment) -> None:
    detection = EnvironmentDetector({"ENVIRONMENT": value}, modules=NO_MODULES).detect()
    assert detection.environment is expected
    assert "ENVIRONMENT" in detection.reason


def test_detect_unknown_value_is_error_not_default() -> None:
    with pytest.raises(EnvironmentDetectionError, match="'prodution' is not a known") as exc:
        EnvironmentDetector({"ENVIRONMENT": "prodution"}, modules=NO_MODULES).detect()
    assert "production" in str(exc.value)
    assert exc.value.exit_code == 2


def test_detect_explicit_environment_wins_over_test_context() -> None:
    detection = EnvironmentDetector(
        {"ENVIRONMENT": "staging", "TESTING": "1"}, modules=NO_MODULES
    ).detect()
    assert detection.environment is Environment.STAGING
    assert detection.is_test_context


@pytest.mark.parametrize(
    "environ",
    [
        {"PYTEST_CURRENT_TEST": "tests/test_x.py::test_y (call)"},
        {"TESTING": "true"},
        {"TESTING": "1"},
        {"TEST_MODE": "yes"},
        {"ENVIRONMENT": "testing"},
    ],
)
def test_detect_test_context(environ: dict[str, str]) -> None:
    detection = EnvironmentDetector(environ, modules=NO_MODULES).detect()
    assert detection.environment is Environment.TESTING
    assert detection.is_test_context


def test_detect_testing_false_is_not_test_context() -> None:
    detection = EnvironmentDetector({"TESTING": "false"}, modules=NO_MODULES).detect()
    assert detection.environment is Environment.DEVELOPMENT


def test_detect_pytest_module_means_testing() -> None:
    detection = EnvironmentDetector({}, modules=sys.modules).detect()
    assert detection.environment is Environment.TESTING
    assert detection.reason == "running under pytest"


def test_detect_default_is_development() -> None:
    detection = EnvironmentDetector({}, modules=NO_MODULES).detect()
    assert detection.environment is Environment.DEVELOPMENT
    assert not detection.is_test_context


@pytest.mark.parametrize(
    ("service", "expected"),
    [
        ("api-staging", Environment.STAGING),
        ("backend-prod", Environment.PRODUCTION),
        ("auth-production-eu", Environment.PRODUCTION),
    ],
)
def test_detect_cloud_run_infers_unambiguous_name(service: str, expected: Environment) -> None:
    detection = EnvironmentDetector({"K_SERVICE": service}, modules=NO_MODULES).detect()
    assert detection.environment is expected


@pytest.mark.parametrize("service", ["backend", "api-staging-to-prod", "backend-dev"])
def test_detect_cloud_run_never_becomes_development(service: str) -> None:
    with pytest.raises(EnvironmentDetectionError, match="Set ENVIRONMENT=staging"):
        EnvironmentDetector({"K_SERVICE": service}, modules=NO_MODULES).detect()


def test_detect_cloud_run_with_environment_uses_it() -> None:
    detection = EnvironmentDetector(
        {"K_SERVICE": "backend", "ENVIRONMENT": "production"}, modules=NO_MODULES
    ).detect()
    assert detection.environment is Environment.PRODUCTION


def test_detect_custom_variable_name() -> None:
    detector = EnvironmentDetector({"APP_ENV": "prod"}, modules=NO_MODULES, variable="APP_ENV")
    assert detector.detect().environment is Environment.PRODUCTION


def test_detect_environment_shortcut() -> None:
    assert detect_environment({"ENVIRONMENT": "stage"}) is Environment.STAGING


def test_environment_is_deployed() -> None:
    assert [e for e in Environment if e.is_deployed] == [
        Environment.STAGING,
        Environment.PRODUCTION,
    ]
