"""unknown.*: unknown prefixed variables and near misses of declared names."""

from __future__ import annotations

import pytest

from confwarden.config.spec import FieldSpec, Severity
from confwarden.config.validation import ValidationContext
from confwarden.config.validation.unknown import UnknownVariableRule, suggest
from confwarden.environment.detection import Environment

FIELDS = (
    FieldSpec("jwt_secret_key", ("JWT_SECRET_KEY",)),
    FieldSpec("service_id", ("APP_SERVICE_ID",)),
    FieldSpec("client_id", ("GOOGLE_OAUTH_CLIENT_ID_{ENVIRONMENT}",)),
    FieldSpec("redis_url", ("REDIS_URL",)),
)


def _messages(variables: dict[str, str], prefix: str | None = "APP_") -> list[str]:
    ctx = ValidationContext.from_variables(Environment.STAGING, variables, FIELDS, prefix=prefix)
    problems = list(UnknownVariableRule().check(ctx))
    assert all(p.severity is Severity.WARNING and not p.critical for p in problems)
    return [f"{p.variable} [{p.rule}]: {p.message}" for p in problems]


def test_unknown_rule_suggests_declared_name_for_typo() -> None:
    assert _messages({"JWT_SECRET_KY": "x"}) == [
        "JWT_SECRET_KY [unknown.near_miss]: is not a known variable; did you mean JWT_SECRET_KEY?"
    ]


def test_unknown_rule_suggests_for_separator_typo() -> None:
    (message,) = _messages({"REDISURL": "redis://x"})
    assert "did you mean REDIS_URL?" in message


def test_unknown_rule_reports_prefixed_unknown_variable() -> None:
    assert _messages({"APP_FEATURE_Z": "1"}) == [
        "APP_FEATURE_Z [unknown.prefixed]: has the project prefix APP_ but no field declares it"
    ]


def test_unknown_rule_prefixed_typo_gets_suggestion() -> None:
    (message,) = _messages({"APP_SERVICE_IDD": "x", "APP_SERVICE_ID": "backend"})
    assert "did you mean APP_SERVICE_ID?" in message


def test_unknown_rule_ignores_known_component_and_system_variables() -> None:
    variables = {
        "PATH": "/bin",
        "HOME": "/root",
        "POSTGRES_HOST": "db",
        "ENVIRONMENT": "staging",
        "GOOGLE_OAUTH_CLIENT_ID_PRODUCTION": "other-env",
        "JWT_SECRET_KEY": "x",
        "LC_ALL": "C",
    }
    assert _messages(variables) == []


def test_unknown_rule_no_near_miss_when_declared_name_already_set() -> None:
    assert _messages({"JWT_SECRET_KEY": "x", "JWT_SECRET_KY": "y"}, prefix=None) == []


def test_unknown_rule_silent_without_schema() -> None:
    ctx = ValidationContext.from_variables(Environment.STAGING, {"JWT_SECRET_KY": "x"})
    assert list(UnknownVariableRule().check(ctx)) == []


def test_suggest_returns_none_for_unrelated_name() -> None:
    assert suggest("KUBERNETES_SERVICE_HOST", {"JWT_SECRET_KEY", "REDIS_URL"}) is None


def test_unknown_rule_suggests_for_lowercase_name() -> None:
    (message,) = _messages({"redis_url": "redis://x"})
    assert "did you mean REDIS_URL?" in message


@pytest.mark.parametrize(
    ("name", "meant"),
    [
        ("\u0420OSTGRES_USER", "POSTGRES_USER"),  # Cyrillic Er
        ("POSTGRES\u200b_DB", "POSTGRES_DB"),  # zero-width space
        ("JWT_SECR\u0415T_KEY", "JWT_SECRET_KEY"),  # Cyrillic Ie
        ("\ufeffSERVICE_ID", "SERVICE_ID"),  # byte order mark
    ],
)
def test_unknown_rule_reports_look_alike_names(name: str, meant: str) -> None:
    from confwarden.config.common import ServiceConfig
    from confwarden.config.schema import fields_of

    ctx = ValidationContext.from_variables(
        Environment.PRODUCTION, {name: "value"}, fields_of(ServiceConfig)
    )
    problems = [p for p in UnknownVariableRule().check(ctx) if p.rule == "unknown.look_alike"]
    assert len(problems) == 1
    assert f"did you mean {meant}?" in problems[0].message
    assert problems[0].severity is Severity.ERROR
    assert "\\u" in problems[0].message  # the odd character is shown escaped
    # The header too: a raw zero-width space or BOM printed in a terminal is invisible.
    assert problems[0].variable == ascii(name)[1:-1]
    assert str(problems[0]).isascii()


def test_unknown_rule_file_reference_of_a_declared_variable_is_not_a_near_miss() -> None:
    variables = {"APP_SERVICE_ID_FILE": "/run/secrets/id", "JWT_SECRET_KEY_FILE": "/run/jwt"}
    assert _messages(variables) == []
    assert _messages({**variables, "APP_SERVICE_ID": "backend"}) == []
    assert _messages({"APP_FEATURE_Z_FILE": "/run/z"}) == [
        "APP_FEATURE_Z_FILE [unknown.prefixed]: has the project prefix APP_ but no field "
        "declares it"
    ]
