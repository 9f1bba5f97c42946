"""The one masking function: by name and by value."""

from __future__ import annotations

import pytest

from confwarden.environment.masking import (
    MASK,
    is_sensitive_name,
    mask_text,
    mask_url,
    mask_value,
    value_is_sensitive,
)

CANARY = "CANARY-5f0e1d"


@pytest.mark.parametrize(
    "name",
    [
        "SERVICE_SECRET",
        "JWT_SECRET_KEY",
        "POSTGRES_PASSWORD",
        "GITHUB_TOKEN",
        "OPENAI_API_KEY",
        "GOOGLE_APPLICATION_CREDENTIALS",
        "TLS_PRIVATE_PEM",
        "secret_key",
        "SENTRY_DSN",
    ],
)
def test_sensitive_names(name: str) -> None:
    assert is_sensitive_name(name)
    assert mask_value(name, CANARY) == MASK


@pytest.mark.parametrize("name", ["POSTGRES_HOST", "LOG_LEVEL", "KEYBOARD", "MONKEY", "PORT"])
def test_plain_names(name: str) -> None:
    assert not is_sensitive_name(name)
    assert mask_value(name, "value") == "value"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql://app:pw@db:5432/app", "postgresql://app:***@db:5432/app"),
        ("redis://:pw@cache:6379/0", "redis://:***@cache:6379/0"),
        ("https://user@host/path", "https://user@host/path"),
        ("https://host/?token=abc&x=1", "https://host/?token=***&x=1"),
        ("postgresql://u:p@a@db/app", "postgresql://u:***@db/app"),
    ],
)
def test_mask_url(url: str, expected: str) -> None:
    assert mask_url(url) == expected


def test_mask_value_masks_url_credentials_under_any_name() -> None:
    masked = mask_value("CACHE", f"redis://default:{CANARY}@cache:6379")
    assert masked is not None
    assert CANARY not in masked
    assert masked.startswith("redis://default:")


def test_mask_value_masks_pem_private_key() -> None:
    pem = f"-----BEGIN RSA PRIVATE KEY-----\n{CANARY}\n-----END RSA PRIVATE KEY-----"
    assert mask_value("TLS_MATERIAL", pem) == MASK
    assert value_is_sensitive(pem)


def test_mask_value_keeps_none_and_empty() -> None:
    assert mask_value("SECRET", None) is None
    assert mask_value("SECRET", "") == ""


def test_value_is_sensitive_detects_credentials() -> None:
    assert value_is_sensitive("postgresql://a:b@h/d")
    assert not value_is_sensitive("postgresql://h/d")


def test_mask_text_replaces_known_secrets_longest_first() -> None:
    text = f"failed with {CANARY}-extended and {CANARY}"
    assert mask_text(text, [CANARY, f"{CANARY}-extended", "ab"]) == f"failed with {MASK} and {MASK}"
