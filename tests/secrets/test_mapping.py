"""Secret mappings: templates, environments, the schema's Env(secret=...), the platform preset."""

from __future__ import annotations

from typing import Annotated

import pytest
from pydantic import SecretStr

from confwarden.config.schema import ConfigSchema, Env, fields_of
from confwarden.config.spec import DEPLOYED
from confwarden.environment.detection import Environment
from confwarden.errors import ConfigurationError
from confwarden.presets.agent_platform.secret_mappings import (
    PLATFORM_SECRET_MAPPINGS,
    SECRET_MAPPINGS,
)
from confwarden.secrets.mapping import (
    SecretMappings,
    SecretRef,
    environments_named_in,
    variable_is_for_other_environment,
)


class OAuthConfig(ConfigSchema):
    client_secret: Annotated[
        SecretStr | None,
        Env(
            "GOOGLE_OAUTH_CLIENT_SECRET_{ENVIRONMENT}",
            "GOOGLE_CLIENT_SECRET",
            deprecated=("OAUTH_SECRET",),
            sensitive=True,
            required_in=DEPLOYED,
            secret="google-oauth-client-secret-{environment}",
        ),
    ] = None
    log_level: Annotated[str, Env("LOG_LEVEL")] = "INFO"


def test_secret_mappings_fill_in_the_environment_and_versions() -> None:
    mappings = SecretMappings(
        {
            "JWT_SECRET_KEY": "jwt-secret-key-{environment}",
            "KEY_{ENVIRONMENT}": "key-{environment}",
        },
        versions={"jwt-secret-key-production": "7"},
    )
    assert mappings.resolve("JWT_SECRET_KEY", Environment.PRODUCTION) == SecretRef(
        "jwt-secret-key-production", "7"
    )
    assert mappings.resolve("JWT_SECRET_KEY", Environment.STAGING) == SecretRef(
        "jwt-secret-key-staging", "latest"
    )
    assert mappings.resolve("KEY_STAGING", Environment.STAGING) == SecretRef("key-staging")
    assert mappings.resolve("KEY_PRODUCTION", Environment.STAGING) is None
    assert mappings.resolve("UNMAPPED", Environment.STAGING) is None


def test_secret_mappings_leave_out_other_environments_names() -> None:
    table = PLATFORM_SECRET_MAPPINGS.for_environment(Environment.PRODUCTION)
    assert "GOOGLE_OAUTH_CLIENT_ID_PRODUCTION" in table
    assert "GOOGLE_OAUTH_CLIENT_ID_STAGING" not in table
    assert variable_is_for_other_environment("X_STAGING", Environment.PRODUCTION)
    assert not variable_is_for_other_environment("X_STAGING", Environment.STAGING)
    assert environments_named_in("db-prod-password") == {Environment.PRODUCTION}


def test_secret_mappings_refuse_malformed_names_and_versions_all_at_once() -> None:
    with pytest.raises(ConfigurationError) as info:
        SecretMappings({"A": "bad name!", "B": ""}, versions={"x": "v1"})
    message = str(info.value)
    assert "A = 'bad name!'" in message
    assert "B = ''" in message
    assert "x = 'v1'" in message


def test_secret_mappings_from_schema_map_every_name_of_a_field() -> None:
    mappings = SecretMappings.from_fields(fields_of(OAuthConfig))
    for name in ("GOOGLE_OAUTH_CLIENT_SECRET_STAGING", "GOOGLE_CLIENT_SECRET", "OAUTH_SECRET"):
        assert mappings.resolve(name, Environment.STAGING) == SecretRef(
            "google-oauth-client-secret-staging"
        )
    assert mappings.resolve("LOG_LEVEL", Environment.STAGING) is None
    assert next(f for f in fields_of(OAuthConfig) if f.name == "client_secret").secret == (
        "google-oauth-client-secret-{environment}"
    )


def test_secret_mappings_from_settings_read_the_project_tables() -> None:
    mappings = SecretMappings.from_settings(
        {
            "secret_mappings": {"CLICKHOUSE_URL": "clickhouse-url-{environment}"},
            "secret_versions": {"clickhouse-url-production": "3"},
        },
        where="pyproject.toml",
    )
    assert str(mappings.resolve("CLICKHOUSE_URL", Environment.PRODUCTION)) == (
        "clickhouse-url-production:3"
    )
    with pytest.raises(ConfigurationError, match=r"secret_mappings\] must be a table of strings"):
        SecretMappings.from_settings({"secret_mappings": {"A": 1}}, where="pyproject.toml")


def test_preset_maps_both_oauth_conventions_to_the_same_secret() -> None:
    for environment in (Environment.STAGING, Environment.PRODUCTION):
        upper = environment.value.upper()
        for kind in ("ID", "SECRET"):
            simple = PLATFORM_SECRET_MAPPINGS.resolve(f"GOOGLE_CLIENT_{kind}", environment)
            explicit = PLATFORM_SECRET_MAPPINGS.resolve(
                f"GOOGLE_OAUTH_CLIENT_{kind}_{upper}", environment
            )
            assert simple is not None
            assert simple == explicit
    assert SECRET_MAPPINGS["GOOGLE_CLIENT_ID"] == "google-oauth-client-id-{environment}"


def test_secret_mappings_merge_and_aliases() -> None:
    merged = SecretMappings({"A": "a-{environment}"}).merged(SecretMappings({"A": "other"}))
    assert merged.resolve("A", Environment.STAGING) == SecretRef("other")
    assert merged.aliases(Environment.STAGING)("A") == ("other",)
    assert merged.aliases(Environment.STAGING)("B") == ()
    assert not SecretMappings()
