"""AuthConfig delegates to AuthEnvironment; accessors are overridable; both OAuth names work."""

from __future__ import annotations

from pydantic import SecretStr

from confwarden.config.loader import load_config
from confwarden.config.sources import LoadContext
from confwarden.environment.detection import Environment
from confwarden.presets.agent_platform import AuthConfig, AuthEnvironment

CANARY = "CANARY-5f0e1d-0123456789abcdef0123456789abcdef"


def _auth(environment: Environment, variables: dict[str, str]) -> AuthEnvironment:
    config = load_config(AuthEnvironment, LoadContext(environment, variables)).config
    assert isinstance(config, AuthEnvironment)
    return config


def test_auth_config_delegates_every_accessor() -> None:
    env = _auth(Environment.STAGING, {"SERVICE_ID": "auth", "POSTGRES_HOST": "db.example"})
    config = AuthConfig(env)
    assert config.service_id == "auth"
    assert config.postgres_host == "db.example"
    assert config.port == 8081
    assert config.environment is Environment.STAGING
    assert config.auth_environment is env


def test_auth_config_setters_override_without_touching_the_environment() -> None:
    env = _auth(Environment.TESTING, {})
    config = AuthConfig(env)
    config.postgres_host = "test-db"
    config.jwt_secret_key = "overridden-secret"
    assert (config.postgres_host, config.jwt_secret_key) == ("test-db", "overridden-secret")
    assert env.postgres_host is None
    del config.postgres_host
    assert config.postgres_host is None


def test_auth_prefers_environment_specific_oauth_names() -> None:
    env = _auth(
        Environment.STAGING,
        {"GOOGLE_OAUTH_CLIENT_ID_STAGING": "specific", "GOOGLE_CLIENT_ID": "simplified"},
    )
    assert AuthConfig(env).google_client_id == "specific"


def test_auth_accepts_backend_oauth_names() -> None:
    env = _auth(Environment.PRODUCTION, {"GOOGLE_CLIENT_ID": "simplified"})
    assert AuthConfig(env).google_client_id == "simplified"


def test_auth_config_repr_never_shows_secrets() -> None:
    env = _auth(Environment.STAGING, {"SERVICE_SECRET": CANARY})
    config = AuthConfig(env)
    config.google_client_secret = SecretStr(CANARY)
    assert CANARY not in repr(config)
    assert CANARY not in repr(env)
    assert isinstance(config.service_secret, SecretStr)


def test_oauth_redirect_uri_joins_frontend_and_path() -> None:
    env = _auth(Environment.STAGING, {"FRONTEND_URL": "https://app.example.com/"})
    assert AuthConfig(env).oauth_redirect_uri == "https://app.example.com/auth/callback"
