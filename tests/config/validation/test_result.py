"""ValidationResult: one error listing everything, summaries and JSON, never a value."""

from __future__ import annotations

import io
import json

import pytest

from confwarden.config.spec import Problem, Severity, ValidationMode
from confwarden.config.validation import ValidationResult
from confwarden.environment.detection import Environment
from confwarden.errors import ConfigurationError


def _result(errors: list[Problem], warnings: list[Problem]) -> ValidationResult:
    return ValidationResult(
        errors, warnings, ValidationMode.ENFORCE_ALL, Environment.PRODUCTION, 65
    )


_ERROR = Problem(
    variable="SECRET_KEY",
    origin="os environment",
    message="is 12 characters, needs at least 32",
    fix="Use a longer secret",
    rule="secrets.length",
    critical=True,
)
_WARNING = Problem(
    variable="FRONTEND_URL",
    origin=".env file .env:3",
    message="uses unencrypted http://",
    fix="Use https://",
    rule="environment.https_only",
    severity=Severity.WARNING,
)


def test_result_raise_for_errors_lists_every_error_in_one_exception() -> None:
    other = Problem(
        variable="REDIS_URL",
        origin="os environment",
        message="has no host",
        fix="Add a host",
        rule="urls.format",
    )
    with pytest.raises(ConfigurationError) as info:
        _result([_ERROR, other], [_WARNING]).raise_for_errors()
    text = str(info.value)
    for part in (
        "SECRET_KEY",
        "os environment",
        "needs at least 32",
        "Use a longer secret",
        "REDIS_URL",
        "has no host",
        "1 warning(s): FRONTEND_URL",
    ):
        assert part in text


def test_result_raise_for_errors_is_silent_when_valid() -> None:
    result = _result([], [_WARNING])
    result.raise_for_errors()
    assert result.is_valid


def test_result_summary_names_origin_problem_fix_and_deduction() -> None:
    out = io.StringIO()
    _result([_ERROR], [_WARNING]).print_validation_summary(file=out)
    text = out.getvalue()
    assert "INVALID for production" in text
    assert "origin: .env file .env:3" in text
    assert "fix: Use https://" in text
    assert "health 65/100" in text


def test_result_to_dict_is_json_ready() -> None:
    data = _result([_ERROR], [_WARNING]).to_dict()
    parsed = json.loads(json.dumps(data))
    assert parsed["valid"] is False
    assert parsed["errors"][0]["rule"] == "secrets.length"
    assert parsed["warnings"][0]["severity"] == "warning"
    assert parsed["health_status"] == "degraded"
