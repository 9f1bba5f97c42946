"""Variable names to secret-store names: one table, both OAuth naming conventions.

spec/003 "OAuth Dual Naming Convention": the backend reads ``GOOGLE_CLIENT_ID`` and the auth
service ``GOOGLE_OAUTH_CLIENT_ID_{ENVIRONMENT}``; both must map to the same stored secret, or
the two services silently use different OAuth clients. The deployment scripts, the mounted
secrets source and (later) the remote stores all read this one table.
"""

from __future__ import annotations

from collections.abc import Callable

from confwarden.environment.detection import Environment

__all__ = ["SECRET_MAPPINGS", "secret_name_for", "secret_names_for"]

SECRET_MAPPINGS: dict[str, str] = {
    # Backend service uses simplified names; the store name carries the environment.
    "GOOGLE_CLIENT_ID": "google-oauth-client-id-{environment}",
    "GOOGLE_CLIENT_SECRET": "google-oauth-client-secret-{environment}",
    # Auth service uses explicit environment names, mapped to the same secrets.
    "GOOGLE_OAUTH_CLIENT_ID_STAGING": "google-oauth-client-id-staging",
    "GOOGLE_OAUTH_CLIENT_SECRET_STAGING": "google-oauth-client-secret-staging",
    "GOOGLE_OAUTH_CLIENT_ID_PRODUCTION": "google-oauth-client-id-production",
    "GOOGLE_OAUTH_CLIENT_SECRET_PRODUCTION": "google-oauth-client-secret-production",
    # Shared secrets: one stored value per environment, read by every service.
    "JWT_SECRET_KEY": "jwt-secret-key-{environment}",
    "SECRET_KEY": "secret-key-{environment}",
    "SERVICE_SECRET": "service-secret-{environment}",
    "POSTGRES_PASSWORD": "postgres-password-{environment}",
    "REDIS_PASSWORD": "redis-password-{environment}",
    "CLICKHOUSE_URL": "clickhouse-url-{environment}",
    "ANTHROPIC_API_KEY": "anthropic-api-key-{environment}",
    "OPENAI_API_KEY": "openai-api-key-{environment}",
    "GEMINI_API_KEY": "gemini-api-key-{environment}",
    "LANGFUSE_SECRET_KEY": "langfuse-secret-key-{environment}",
    "GRAFANA_API_KEY": "grafana-api-key-{environment}",
}


def secret_name_for(variable: str, environment: Environment) -> str | None:
    """The secret-store name of ``variable`` in ``environment``, or None when unmapped.

    Example:
        >>> secret_name_for("GOOGLE_CLIENT_ID", Environment.STAGING)
        'google-oauth-client-id-staging'
    """
    template = SECRET_MAPPINGS.get(variable)
    return None if template is None else template.replace("{environment}", environment.value)


def secret_names_for(environment: Environment) -> Callable[[str], tuple[str, ...]]:
    """A callable giving the store names of a variable, for ``SecretsDirSource(aliases=...)``."""

    def aliases(variable: str) -> tuple[str, ...]:
        name = secret_name_for(variable, environment)
        return () if name is None else (name,)

    return aliases
