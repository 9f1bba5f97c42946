"""The spec platform's secret mappings (spec/003 "OAuth Dual Naming Convention Rationale").

The backend reads ``GOOGLE_CLIENT_ID``, the auth service ``GOOGLE_OAUTH_CLIENT_ID_{ENVIRONMENT}``;
both map to the same stored secret, or the two services silently use different OAuth
clients. A project using this platform's layout passes :data:`PLATFORM_SECRET_MAPPINGS` to
its sources (``LoadContext(secret_mappings=...)``, ``GoogleSecretManagerSource(mappings=...)``)
or copies the table into ``[tool.confwarden.secret_mappings]``.

Example:
    >>> from confwarden.environment.detection import Environment
    >>> PLATFORM_SECRET_MAPPINGS.resolve("GOOGLE_CLIENT_ID", Environment.STAGING).name
    'google-oauth-client-id-staging'
"""

from __future__ import annotations

from confwarden.secrets.mapping import SecretMappings

__all__ = ["PLATFORM_SECRET_MAPPINGS", "SECRET_MAPPINGS"]

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

PLATFORM_SECRET_MAPPINGS = SecretMappings(SECRET_MAPPINGS)
