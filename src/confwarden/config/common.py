"""ServiceConfig: an opt-in base for services that share identity, secrets, JWT and a database.

:class:`~confwarden.config.schema.ConfigSchema` is the documented base of a project's schema.
Services of a platform that authenticate each other usually share more: a service identity,
the inter-service secret, the JWT secret and PostgreSQL components. ``ServiceConfig``
declares those once (one binding, one fallback rule and one accessor each) and names no
vendor and no service; a project derives from it only when it wants them.

Critical values (``SERVICE_SECRET``, the JWT secret, the database URL) are reached through
accessors on the config object (:meth:`ServiceConfig.get_security_config`,
:meth:`ServiceConfig.get_jwt_secret`, :attr:`ServiceConfig.database_url`), never through a
second path around the manager (spec/001). The JWT secret goes through
:class:`~confwarden.components.jwt_secret.SharedJWTSecretManager` and the database URL through
:class:`~confwarden.components.database_url.DatabaseURLBuilder`, the one path each.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache, partial
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BeforeValidator, SecretStr

from confwarden.components.jwt_secret import JWT_SECRET_DEPRECATED, JWT_SECRET_VARIABLES
from confwarden.config.schema import ConfigSchema, Env
from confwarden.config.spec import DEPLOYED
from confwarden.environment.detection import Environment
from confwarden.environment.policy import EnvironmentPolicy, policy_for

if TYPE_CHECKING:
    from confwarden.components.url import SecretURL

__all__ = ["LogLevel", "SecurityConfig", "ServiceConfig"]

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]

_general = partial(Env, group="general")
_security = partial(Env, group="security")
_jwt = partial(Env, group="jwt")
_db = partial(Env, group="database")


@dataclass(frozen=True, slots=True)
class SecurityConfig:
    """The inter-service security values, handed out by the config object only (spec/001).

    ``repr`` never shows a secret: every secret is a ``SecretStr``.
    """

    service_id: str | None
    service_secret: SecretStr | None = field(repr=False)
    secret_key: SecretStr | None = field(repr=False)
    jwt_secret_key: SecretStr | None = field(repr=False)
    environment: Environment = Environment.DEVELOPMENT


def _upper(value: object) -> object:
    return value.strip().upper() if isinstance(value, str) else value


def _secret_text(value: SecretStr | None) -> str | None:
    return None if value is None else value.get_secret_value()


@lru_cache(maxsize=32)
def _jwt_secret(variables: tuple[tuple[str, str], ...], environment: Environment) -> str:
    from confwarden.components.jwt_secret import SharedJWTSecretManager

    # A failure is not cached (lru_cache does not store exceptions): it is raised each time.
    manager = SharedJWTSecretManager(dict(variables), environment=environment)
    return manager.get_jwt_secret(log_warnings=False)


class ServiceConfig(ConfigSchema):
    """Fields and accessors shared by every service (identity, secrets, JWT, database)."""

    # -- service identity -------------------------------------------------------------------------
    environment: Annotated[
        Environment,
        _general("ENVIRONMENT", description="Runtime environment", example="development"),
    ] = Environment.DEVELOPMENT
    service_id: Annotated[
        str | None,
        _general(
            "SERVICE_ID",
            critical=True,
            required_in=DEPLOYED,
            description="Identity of this service in inter-service calls",
            example="backend",
        ),
    ] = None
    app_name: Annotated[str, _general("APP_NAME", description="Display name")] = "confwarden-app"
    log_level: Annotated[
        LogLevel,
        BeforeValidator(_upper),
        _general("LOG_LEVEL", description="Root log level (any case)", example="INFO"),
    ] = "INFO"
    debug: Annotated[bool, _general("DEBUG", description="Debug mode (never in production)")] = (
        False
    )
    host: Annotated[str, _general("HOST", description="Bind address")] = "0.0.0.0"
    port: Annotated[
        int, _general("PORT", restart_required=True, description="HTTP port", example="8000")
    ] = 8000
    cors_origins: Annotated[
        tuple[str, ...],
        _general(
            "CORS_ORIGINS",
            description="Allowed CORS origins, comma-separated",
            example="https://app.example.com",
        ),
    ] = ()

    # -- security ---------------------------------------------------------------------------------
    secret_key: Annotated[
        SecretStr | None,
        _security(
            "SECRET_KEY",
            sensitive=True,
            critical=True,
            required_in=DEPLOYED,
            description="Application secret (sessions, CSRF); at least 32 characters",
        ),
    ] = None
    service_secret: Annotated[
        SecretStr | None,
        _security(
            "SERVICE_SECRET",
            sensitive=True,
            critical=True,
            required_in=DEPLOYED,
            restart_required=True,
            description="Shared secret of inter-service authentication",
        ),
    ] = None

    # -- JWT (resolved through SharedJWTSecretManager) --------------------------------------------
    jwt_secret_key: Annotated[
        SecretStr | None,
        _jwt(
            # The manager's order, from the manager: one order for config and manager.
            *JWT_SECRET_VARIABLES,
            deprecated=JWT_SECRET_DEPRECATED,
            sensitive=True,
            critical=True,
            required_in=DEPLOYED,
            restart_required=True,
            # The JWT fallback belongs to SharedJWTSecretManager, the one JWT path.
            fallback_allowed=False,
            description="JWT signing secret shared by every service; at least 32 characters",
        ),
    ] = None
    jwt_algorithm: Annotated[
        str, _jwt("JWT_ALGORITHM", description="JWT signing algorithm", example="HS256")
    ] = "HS256"
    jwt_access_token_expire_minutes: Annotated[
        int, _jwt("JWT_ACCESS_TOKEN_EXPIRE_MINUTES", description="Access token lifetime")
    ] = 15
    jwt_refresh_token_expire_days: Annotated[
        int, _jwt("JWT_REFRESH_TOKEN_EXPIRE_DAYS", description="Refresh token lifetime")
    ] = 7

    # -- database (components only; the URL comes from DatabaseURLBuilder) ------------------------
    postgres_host: Annotated[
        str | None,
        _db(
            "POSTGRES_HOST",
            critical=True,
            required_in=DEPLOYED,
            description="PostgreSQL host or Cloud SQL socket directory",
            example="db.internal",
        ),
    ] = None
    postgres_port: Annotated[
        int | None, _db("POSTGRES_PORT", description="PostgreSQL port", example="5432")
    ] = None
    postgres_user: Annotated[
        str | None,
        _db(
            "POSTGRES_USER",
            critical=True,
            required_in=DEPLOYED,
            description="PostgreSQL user",
            example="app",
        ),
    ] = None
    postgres_password: Annotated[
        SecretStr | None,
        _db(
            "POSTGRES_PASSWORD",
            sensitive=True,
            # A generated password never matches a local database: the builder's rules apply.
            fallback_allowed=False,
            critical=True,
            required_in=DEPLOYED,
            description="PostgreSQL password",
        ),
    ] = None
    postgres_db: Annotated[
        str | None,
        _db(
            "POSTGRES_DB",
            critical=True,
            required_in=DEPLOYED,
            description="PostgreSQL database name",
            example="app",
        ),
    ] = None
    postgres_sslmode: Annotated[
        str | None,
        _db("POSTGRES_SSLMODE", description="libpq sslmode", example="require"),
    ] = None
    use_memory_db: Annotated[
        bool, _db("USE_MEMORY_DB", description="In-memory SQLite (development/testing only)")
    ] = False
    postgres_docker_service: Annotated[
        str | None,
        _db(
            "POSTGRES_DOCKER_SERVICE",
            description="Inside a container, the host used when POSTGRES_HOST is unset "
            "(development/testing)",
            example="postgres",
        ),
    ] = None

    # -- accessors --------------------------------------------------------------------------------

    @property
    def policy(self) -> EnvironmentPolicy:
        """The environment policy (validation mode, fallbacks, cache) of this config."""
        return policy_for(self.environment)

    def get_security_config(self) -> SecurityConfig:
        """The inter-service security values: the one way to reach ``SERVICE_SECRET`` (spec/001)."""
        return SecurityConfig(
            service_id=self.service_id,
            service_secret=self.service_secret,
            secret_key=self.secret_key,
            jwt_secret_key=self.jwt_secret_key,
            environment=self.environment,
        )

    def jwt_variables(self) -> dict[str, str]:
        """The variables :class:`SharedJWTSecretManager` needs, from this config's values."""
        values = {"JWT_ALGORITHM": self.jwt_algorithm}
        secret = _secret_text(self.jwt_secret_key)
        if secret is not None:
            values["JWT_SECRET_KEY"] = secret
        return values

    def get_jwt_secret(self) -> str:
        """The JWT signing secret, through :class:`SharedJWTSecretManager` (the one JWT path).

        Resolved once per distinct JWT settings in a process (a service asks for it on every
        request). The manager's warnings (a short development secret...) are not logged
        again here: validating this configuration reported them (``bootstrap`` logs them once
        per start, with every other warning).

        Raises:
            ComponentConfigError: the secret is missing, weak or a placeholder where that is
                an error in this environment.
        """
        return _jwt_secret(tuple(sorted(self.jwt_variables().items())), self.environment)

    def jwt_fingerprint(self) -> str:
        """The fingerprint of the JWT secret: equal across services that agree, never the secret."""
        from confwarden.components.jwt_secret import fingerprint

        return fingerprint(self.get_jwt_secret())

    def database_variables(self) -> dict[str, str]:
        """The component variables :class:`DatabaseURLBuilder` reads, from this config's values."""
        values: dict[str, str] = {"ENVIRONMENT": self.environment.value}
        parts: dict[str, object] = {
            "POSTGRES_HOST": self.postgres_host,
            "POSTGRES_PORT": self.postgres_port,
            "POSTGRES_USER": self.postgres_user,
            "POSTGRES_PASSWORD": _secret_text(self.postgres_password),
            "POSTGRES_DB": self.postgres_db,
            "POSTGRES_SSLMODE": self.postgres_sslmode,
            "POSTGRES_DOCKER_SERVICE": self.postgres_docker_service,
        }
        values.update({key: str(value) for key, value in parts.items() if value is not None})
        if self.use_memory_db:
            values["USE_MEMORY_DB"] = "true"
        return values

    def get_database_url(self, sync: bool = False) -> SecretURL:
        """The database URL, built by :class:`DatabaseURLBuilder` from the components.

        ``str()`` of the result masks the password; ``render(hide_password=False)`` is for
        the engine only.

        Raises:
            ComponentConfigError: the components are invalid in this environment.
        """
        from confwarden.components.database_url import DatabaseURLBuilder

        builder = DatabaseURLBuilder(self.database_variables(), environment=self.environment)
        return builder.get_url_for_environment(sync=sync)

    @property
    def database_url(self) -> SecretURL:
        """The async database URL (a computed property; ``DATABASE_URL`` is never read)."""
        return self.get_database_url()
