"""resolve_environment: the environment a component judges for."""

from __future__ import annotations

import pytest

from confwarden.components.problems import resolve_environment
from confwarden.environment.detection import Environment
from confwarden.errors import EnvironmentDetectionError


def test_resolve_environment_blank_is_an_error_not_development() -> None:
    # issue 10.3: a blank ENVIRONMENT is an error wherever the variable is present.
    with pytest.raises(EnvironmentDetectionError, match="blank"):
        resolve_environment({"ENVIRONMENT": ""}, None)


def test_resolve_environment_unset_is_development() -> None:
    assert resolve_environment({}, None) is Environment.DEVELOPMENT


@pytest.mark.parametrize(
    ("variables", "marker"),
    [
        ({"KUBERNETES_SERVICE_HOST": "10.0.0.1"}, "KUBERNETES_SERVICE_HOST"),
        ({"K_SERVICE": "backend-prod", "TESTING": "true"}, "K_SERVICE"),
        ({"AWS_LAMBDA_FUNCTION_NAME": "fn"}, "AWS_LAMBDA_FUNCTION_NAME"),
    ],
)
def test_resolve_environment_deployment_marker_without_environment_is_an_error(
    variables: dict[str, str], marker: str
) -> None:
    with pytest.raises(EnvironmentDetectionError, match=marker):
        resolve_environment(variables, None)


def test_resolve_environment_explicit_environment_wins_over_a_marker() -> None:
    variables = {"KUBERNETES_SERVICE_HOST": "10.0.0.1", "ENVIRONMENT": "staging"}
    assert resolve_environment(variables, None) is Environment.STAGING
    assert resolve_environment(variables, "production") is Environment.PRODUCTION


def test_resolve_environment_test_signal_in_the_variables_is_testing() -> None:
    # The same detection as bootstrap: TESTING=true without a marker is a test run.
    assert resolve_environment({"TESTING": "true"}, None) is Environment.TESTING
