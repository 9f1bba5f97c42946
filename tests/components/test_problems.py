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
