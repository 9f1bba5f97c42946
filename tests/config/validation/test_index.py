"""Field index and name kinds: computed once per schema and per name."""

from __future__ import annotations

import pytest

from confwarden.config.spec import FieldSpec
from confwarden.config.validation.index import (
    HOST,
    PORT,
    SENSITIVE,
    SIGNING,
    URL,
    field_index,
    is_url_item,
    name_kind,
)
from confwarden.environment.detection import Environment

FIELDS = (
    FieldSpec("jwt", ("JWT_SECRET_KEY",), deprecated_names=("JWT_SECRET",), group="auth"),
    FieldSpec("client_id", ("GOOGLE_OAUTH_CLIENT_ID_{ENVIRONMENT}", "GOOGLE_CLIENT_ID")),
    FieldSpec("license", ("LICENSE_BLOB",), sensitive=True),
    FieldSpec("frontend", ("FRONTEND_URL",)),
)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("FRONTEND_URL", URL),
        ("REDIS_HOST", HOST),
        ("BACKEND_PORT", PORT),
        ("SECRET_KEY", SIGNING | SENSITIVE),
        ("JWT_SECRET_KEY", SENSITIVE),
        ("CACHE_HOST", HOST),
        ("DATABASE_URL", 0),
        ("LOG_LEVEL", 0),
    ],
)
def test_name_kind_flags(name: str, kind: int) -> None:
    assert name_kind(name) == kind


def test_is_url_item_by_name_or_value() -> None:
    assert is_url_item("CALLBACK", "https://x")
    assert is_url_item("API_URL", "not-a-url")
    assert not is_url_item("DATABASE_URL", "postgresql://x")


def test_field_index_resolves_names_for_environment() -> None:
    index = field_index(FIELDS, Environment.STAGING)
    assert index.names["client_id"] == ("GOOGLE_OAUTH_CLIENT_ID_STAGING", "GOOGLE_CLIENT_ID")
    assert index.by_variable["JWT_SECRET"].name == "jwt"
    assert index.deprecated["jwt"] == frozenset({"JWT_SECRET"})
    assert "GOOGLE_OAUTH_CLIENT_ID_PRODUCTION" in index.known
    assert "GOOGLE_OAUTH_CLIENT_ID_PRODUCTION" not in index.current
    assert index.groups == {"auth", "general"}
    assert [s.name for s in index.fields_by_kind[SENSITIVE]] == ["jwt", "license"]
    assert [s.name for s in index.fields_by_kind[URL]] == ["frontend"]


def test_field_index_is_cached_for_the_same_tuple_only() -> None:
    assert field_index(FIELDS, Environment.STAGING) is field_index(FIELDS, Environment.STAGING)
    assert field_index(FIELDS, Environment.STAGING) is not field_index(
        FIELDS, Environment.PRODUCTION
    )
    as_list = list(FIELDS)
    assert field_index(as_list, Environment.STAGING) is not field_index(
        as_list, Environment.STAGING
    )
