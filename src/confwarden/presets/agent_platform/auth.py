"""The spec platform's auth service: AuthEnvironment (the SSOT) and AuthConfig (a wrapper).

Part of the opt-in ``agent_platform`` preset.

spec/003 "Auth Service Configuration (SSOT Delegation Pattern)": every piece of auth
configuration logic lives in :class:`AuthEnvironment`, a schema like any other (loaded,
validated and cached by the same manager); :class:`AuthConfig` only delegates to it through
property accessors. The accessors have setters so a test can override one value without
building a whole environment; the override lives in the wrapper, the loaded configuration
stays immutable.

The auth service reads OAuth credentials by their environment-specific names first
(``GOOGLE_OAUTH_CLIENT_ID_STAGING``), the backend's simplified names second: both conventions
map to the same stored secret (the preset's ``SECRET_MAPPINGS``).
"""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

from pydantic import SecretStr

from confwarden.config.schema import Env
from confwarden.config.spec import DEPLOYED
from confwarden.presets.agent_platform.app import PlatformServiceConfig

__all__ = ["AuthConfig", "AuthEnvironment"]

_oauth = partial(Env, group="oauth")
_auth = partial(Env, group="auth")


class AuthEnvironment(PlatformServiceConfig):
    """All auth service configuration: the shared service fields plus OAuth and token policy."""

    port: int = 8081
    google_oauth_client_id: Annotated[
        str | None,
        _oauth(
            "GOOGLE_OAUTH_CLIENT_ID_{ENVIRONMENT}",
            "GOOGLE_CLIENT_ID",
            required_in=DEPLOYED,
            description="Google OAuth client id (environment-specific name first)",
            example="1234-abc.apps.googleusercontent.com",
        ),
    ] = None
    google_oauth_client_secret: Annotated[
        SecretStr | None,
        _oauth(
            "GOOGLE_OAUTH_CLIENT_SECRET_{ENVIRONMENT}",
            "GOOGLE_CLIENT_SECRET",
            sensitive=True,
            required_in=DEPLOYED,
            description="Google OAuth client secret (environment-specific name first)",
        ),
    ] = None
    oauth_redirect_path: Annotated[
        str, _oauth("OAUTH_REDIRECT_PATH", description="Path of the OAuth callback")
    ] = "/auth/callback"
    session_ttl_hours: Annotated[
        int, _auth("SESSION_TTL_HOURS", description="Login session lifetime in hours")
    ] = 24
    max_login_attempts: Annotated[
        int, _auth("MAX_LOGIN_ATTEMPTS", description="Failed logins before a lockout")
    ] = 5

    @property
    def oauth_redirect_uri(self) -> str:
        """The OAuth callback URL registered with Google (frontend URL + callback path)."""
        return self.frontend_url.rstrip("/") + self.oauth_redirect_path


def _delegate(name: str, doc: str) -> property:
    def getter(self: AuthConfig) -> Any:
        if name in self._overrides:
            return self._overrides[name]
        return getattr(self._environment, name)

    def setter(self: AuthConfig, value: Any) -> None:
        self._overrides[name] = value

    def deleter(self: AuthConfig) -> None:
        self._overrides.pop(name, None)

    return property(getter, setter, deleter, doc)


class AuthConfig:
    """Thin wrapper over :class:`AuthEnvironment`: accessors only, no configuration logic.

    Args:
        environment: the loaded auth environment (``bootstrap(service="auth")`` returns one).

    Example:
        >>> from confwarden.config.loader import load_config
        >>> from confwarden.config.sources import LoadContext
        >>> from confwarden.environment.detection import Environment
        >>> env = load_config(AuthEnvironment, LoadContext(Environment.TESTING, {})).config
        >>> config = AuthConfig(env)
        >>> config.service_id = "overridden-in-a-test"
        >>> config.service_id, env.service_id
        ('overridden-in-a-test', 'test-service')
    """

    def __init__(self, environment: AuthEnvironment) -> None:
        self._environment = environment
        self._overrides: dict[str, Any] = {}

    @property
    def auth_environment(self) -> AuthEnvironment:
        """The environment object this wrapper delegates to."""
        return self._environment

    environment = _delegate("environment", "The deployment environment.")
    service_id = _delegate("service_id", "SERVICE_ID.")
    service_secret = _delegate("service_secret", "SERVICE_SECRET (a SecretStr).")
    secret_key = _delegate("secret_key", "SECRET_KEY (a SecretStr).")
    frontend_url = _delegate("frontend_url", "FRONTEND_URL.")
    port = _delegate("port", "The auth service's HTTP port.")
    postgres_host = _delegate("postgres_host", "POSTGRES_HOST.")
    postgres_port = _delegate("postgres_port", "POSTGRES_PORT.")
    postgres_user = _delegate("postgres_user", "POSTGRES_USER.")
    postgres_db = _delegate("postgres_db", "POSTGRES_DB.")
    google_client_id = _delegate("google_oauth_client_id", "The Google OAuth client id.")
    google_client_secret = _delegate(
        "google_oauth_client_secret", "The Google OAuth client secret (a SecretStr)."
    )
    oauth_redirect_uri = _delegate("oauth_redirect_uri", "The OAuth callback URL.")
    jwt_algorithm = _delegate("jwt_algorithm", "JWT_ALGORITHM.")
    jwt_access_token_expire_minutes = _delegate(
        "jwt_access_token_expire_minutes", "Access token lifetime in minutes."
    )

    @property
    def jwt_secret_key(self) -> str:
        """The JWT secret, through SharedJWTSecretManager (or a test's override)."""
        override = self._overrides.get("jwt_secret_key")
        return str(override) if override is not None else self._environment.get_jwt_secret()

    @jwt_secret_key.setter
    def jwt_secret_key(self, value: str) -> None:
        self._overrides["jwt_secret_key"] = value

    @property
    def database_url(self) -> Any:
        """The database URL, built by DatabaseURLBuilder (or a test's override)."""
        if "database_url" in self._overrides:
            return self._overrides["database_url"]
        return self._environment.database_url

    @database_url.setter
    def database_url(self, value: Any) -> None:
        self._overrides["database_url"] = value

    def jwt_fingerprint(self) -> str:
        """The fingerprint of the JWT secret in use (never the secret)."""
        from confwarden.components.jwt_secret import fingerprint

        return fingerprint(self.jwt_secret_key)

    def __repr__(self) -> str:
        overridden = sorted(self._overrides)
        return (
            f"<AuthConfig environment={self._environment.environment.value} overrides={overridden}>"
        )
