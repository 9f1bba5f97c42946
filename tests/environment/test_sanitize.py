"""Sanitizing values on the way in."""

from __future__ import annotations

import pytest

from confwarden.environment.sanitize import is_header_bound, sanitize_value


@pytest.mark.parametrize(
    ("name", "raw", "clean"),
    [
        ("SERVICE_SECRET", "  secret-value\n", "secret-value"),
        ("SERVICE_ID", "backend\r\n", "backend"),
        ("OPENAI_API_KEY", "sk-abc\n", "sk-abc"),
        ("JWT_SECRET_STAGING", " abc ", "abc"),
        ("SERVICE_SECRET", "multi\nline", "multiline"),
        ("DATABASE_URL", " postgres://db/app\n", "postgresql://db/app"),
        ("DATABASE_URL", "postgresql://db/app", "postgresql://db/app"),
        ("GREETING", "hello\x00\x07 world", "hello world"),
        ("PEM", "line1\nline2\n", "line1\nline2\n"),
        ("NOTE", "  spaces kept  ", "  spaces kept  "),
    ],
)
def test_sanitize_value(name: str, raw: str, clean: str) -> None:
    assert sanitize_value(name, raw) == clean


@pytest.mark.parametrize("value", ["$(rm -rf /)", "`id`", "${HOME}"])
def test_sanitize_never_evaluates(value: str) -> None:
    assert sanitize_value("CMD", value) == value


def test_is_header_bound() -> None:
    assert is_header_bound("SERVICE_SECRET")
    assert is_header_bound("GOOGLE_CLIENT_ID")
    assert not is_header_bound("LOG_LEVEL")
