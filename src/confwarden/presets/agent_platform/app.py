"""AppConfig: the spec platform's backend schema, every variable spec/003 names.

Part of the opt-in ``agent_platform`` preset: a project imports it on purpose. On top of
:class:`PlatformServiceConfig` (the core's ServiceConfig plus the platform's frontend and
auth service URLs), grouped as spec/003 "Configuration Validation" lists them: Redis,
ClickHouse, OAuth (both naming conventions), LLM keys, monitoring (Grafana, Prometheus,
Langfuse), feature flags, the WebSocket event monitor and agent execution tracking
("Monitoring Configuration Variables"). Secrets are ``SecretStr``: ``repr``/``str`` of a config
never show them.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import TYPE_CHECKING, Annotated, ClassVar

from pydantic import Field, SecretStr

from confwarden.config.common import LogLevel, SecurityConfig, ServiceConfig
from confwarden.config.schema import Env
from confwarden.config.spec import DEPLOYED
from confwarden.presets.agent_platform.llm import LlmKeyFormatRule
from confwarden.presets.agent_platform.oauth import OAuthRule

if TYPE_CHECKING:
    from confwarden.config.sources import LoadContext
    from confwarden.secrets.base import ValueSource

__all__ = ["AppConfig", "LogLevel", "PlatformServiceConfig", "SecurityConfig"]

_redis = partial(Env, group="redis")
_ch = partial(Env, group="clickhouse")
_oauth = partial(Env, group="oauth")
_llm = partial(Env, group="llm")
_mon = partial(Env, group="monitoring")
_flag = partial(Env, group="features")
_ws = partial(Env, group="websocket")
_agent = partial(Env, group="agents")
_general = partial(Env, group="general")


class PlatformServiceConfig(ServiceConfig):
    """What both services of the spec platform share beyond ServiceConfig: its public URLs.

    Its schemas add the platform's rule families (OAuth dual naming, LLM key shapes) to the
    core validator's built-in rules.
    """

    __confwarden_rules__ = (OAuthRule(), LlmKeyFormatRule())

    # The platform's test suite runs with no configuration: OAuth test clients. Public
    # values, served only in testing under a test runner (the core names no vendor variable).
    TEST_DEFAULTS: ClassVar[Mapping[str, str]] = {
        "GOOGLE_CLIENT_ID": "test-oauth-client-id.apps.googleusercontent.com",
        "GOOGLE_CLIENT_SECRET": "test-oauth-client-secret",
        "GOOGLE_OAUTH_CLIENT_ID_TESTING": "test-oauth-client-id.apps.googleusercontent.com",
        "GOOGLE_OAUTH_CLIENT_SECRET_TESTING": "test-oauth-client-secret",
    }

    @classmethod
    def config_sources(cls, context: LoadContext) -> tuple[ValueSource, ...]:
        """The default sources, then the platform's test defaults (testing only)."""
        from confwarden.config.fallbacks import TestDefaultsSource

        return (
            *super().config_sources(context),
            TestDefaultsSource(context.environment, cls.TEST_DEFAULTS),
        )

    frontend_url: Annotated[
        str,
        _general(
            "FRONTEND_URL",
            required_in=DEPLOYED,
            description="Public URL of the web frontend",
            example="https://app.example.com",
        ),
    ] = "http://localhost:3000"
    auth_service_url: Annotated[
        str,
        _general(
            "AUTH_SERVICE_URL",
            description="URL of the auth service",
            example="https://auth.example.com",
        ),
    ] = "http://localhost:8081"


class AppConfig(PlatformServiceConfig):
    """The backend platform configuration (base of the four environment profiles).

    Example:
        >>> from confwarden.config.loader import load_config
        >>> from confwarden.environment.detection import Environment
        >>> from confwarden.config.sources import LoadContext
        >>> config = load_config(AppConfig, LoadContext(Environment.TESTING, {})).config
        >>> config.websocket_event_timeout, config.max_concurrent_agents
        (30, 10)
    """

    # -- Redis ------------------------------------------------------------------------------------
    redis_url: Annotated[
        SecretStr | None,
        _redis("REDIS_URL", sensitive=True, description="Full Redis URL (wins over components)"),
    ] = None
    redis_host: Annotated[
        str, _redis("REDIS_HOST", description="Redis host", example="cache.internal")
    ] = "localhost"
    redis_port: Annotated[int, _redis("REDIS_PORT", description="Redis port")] = 6379
    redis_password: Annotated[
        SecretStr | None, _redis("REDIS_PASSWORD", sensitive=True, description="Redis password")
    ] = None
    redis_db: Annotated[int, _redis("REDIS_DB", description="Redis database number")] = 0

    # -- ClickHouse -------------------------------------------------------------------------------
    clickhouse_url: Annotated[
        SecretStr | None,
        _ch(
            "CLICKHOUSE_URL",
            sensitive=True,
            description="Full ClickHouse Cloud URL with credentials (staging/production)",
        ),
    ] = None
    clickhouse_host: Annotated[
        str, _ch("CLICKHOUSE_HOST", description="ClickHouse host (development)")
    ] = "localhost"
    clickhouse_port: Annotated[int, _ch("CLICKHOUSE_PORT", description="ClickHouse port")] = 8123
    clickhouse_user: Annotated[str, _ch("CLICKHOUSE_USER", description="ClickHouse user")] = (
        "default"
    )
    clickhouse_password: Annotated[
        SecretStr | None,
        _ch("CLICKHOUSE_PASSWORD", sensitive=True, description="ClickHouse password"),
    ] = None
    clickhouse_db: Annotated[str, _ch("CLICKHOUSE_DB", description="ClickHouse database")] = (
        "default"
    )

    # -- OAuth (spec/003 "OAuth Dual Naming Convention") ------------------------------------------
    google_client_id: Annotated[
        str | None,
        _oauth(
            "GOOGLE_CLIENT_ID",
            "GOOGLE_OAUTH_CLIENT_ID_{ENVIRONMENT}",
            required_in=DEPLOYED,
            description="Google OAuth client id (backend name; auth service name accepted)",
            example="1234-abc.apps.googleusercontent.com",
        ),
    ] = None
    google_client_secret: Annotated[
        SecretStr | None,
        _oauth(
            "GOOGLE_CLIENT_SECRET",
            "GOOGLE_OAUTH_CLIENT_SECRET_{ENVIRONMENT}",
            sensitive=True,
            required_in=DEPLOYED,
            description="Google OAuth client secret",
        ),
    ] = None
    github_client_id: Annotated[
        str | None, _oauth("GITHUB_CLIENT_ID", description="GitHub OAuth client id")
    ] = None
    github_client_secret: Annotated[
        SecretStr | None,
        _oauth("GITHUB_CLIENT_SECRET", sensitive=True, description="GitHub OAuth client secret"),
    ] = None

    # -- LLM providers ----------------------------------------------------------------------------
    anthropic_api_key: Annotated[
        SecretStr | None,
        _llm("ANTHROPIC_API_KEY", sensitive=True, description="Anthropic API key (sk-ant-...)"),
    ] = None
    openai_api_key: Annotated[
        SecretStr | None,
        _llm("OPENAI_API_KEY", sensitive=True, description="OpenAI API key (sk-...)"),
    ] = None
    gemini_api_key: Annotated[
        SecretStr | None,
        _llm("GEMINI_API_KEY", sensitive=True, description="Google Gemini API key (AIza...)"),
    ] = None
    llm_default_model: Annotated[
        str, _llm("LLM_DEFAULT_MODEL", description="Default model name", example="claude-sonnet")
    ] = "claude-sonnet"
    llm_request_timeout: Annotated[
        float, _llm("LLM_REQUEST_TIMEOUT", description="LLM request timeout in seconds")
    ] = 60.0

    # -- monitoring -------------------------------------------------------------------------------
    grafana_url: Annotated[
        str | None,
        _mon("GRAFANA_URL", description="Grafana URL", example="https://grafana.example.com"),
    ] = None
    grafana_api_key: Annotated[
        SecretStr | None, _mon("GRAFANA_API_KEY", sensitive=True, description="Grafana API key")
    ] = None
    prometheus_enabled: Annotated[
        bool, _mon("PROMETHEUS_ENABLED", description="Expose Prometheus metrics")
    ] = False
    prometheus_url: Annotated[
        str | None,
        _mon("PROMETHEUS_URL", description="Prometheus push/query URL", example="http://prom:9090"),
    ] = None
    langfuse_host: Annotated[
        str | None,
        _mon("LANGFUSE_HOST", description="Langfuse host", example="https://cloud.langfuse.com"),
    ] = None
    langfuse_public_key: Annotated[
        SecretStr | None,
        _mon("LANGFUSE_PUBLIC_KEY", sensitive=True, description="Langfuse public key"),
    ] = None
    langfuse_secret_key: Annotated[
        SecretStr | None,
        _mon("LANGFUSE_SECRET_KEY", sensitive=True, description="Langfuse secret key"),
    ] = None

    # -- feature flags ----------------------------------------------------------------------------
    enable_oauth: Annotated[bool, _flag("ENABLE_OAUTH", description="Google/GitHub login")] = True
    enable_llm: Annotated[bool, _flag("ENABLE_LLM", description="LLM-backed agents")] = True
    enable_analytics: Annotated[
        bool, _flag("ENABLE_ANALYTICS", description="ClickHouse analytics")
    ] = False
    enable_websocket_monitoring: Annotated[
        bool, _flag("ENABLE_WEBSOCKET_MONITORING", description="WebSocket event monitor")
    ] = True
    enable_agent_death_detection: Annotated[
        bool, _flag("ENABLE_AGENT_DEATH_DETECTION", description="Agent liveness tracking")
    ] = True

    # -- WebSocket event monitor (spec/003 "Monitoring Configuration Variables") ------------------
    websocket_event_timeout: Annotated[
        int, _ws("WEBSOCKET_EVENT_TIMEOUT", description="Seconds before an event counts as lost")
    ] = 30
    websocket_heartbeat_interval: Annotated[
        int, _ws("WEBSOCKET_HEARTBEAT_INTERVAL", description="Seconds between heartbeats")
    ] = 15
    websocket_health_check_interval: Annotated[
        int, _ws("WEBSOCKET_HEALTH_CHECK_INTERVAL", description="Seconds between health checks")
    ] = 10
    websocket_silent_failure_threshold: Annotated[
        int,
        _ws("WEBSOCKET_SILENT_FAILURE_THRESHOLD", description="Silent failures before an alert"),
    ] = 5

    # -- agent execution tracking -----------------------------------------------------------------
    agent_execution_timeout: Annotated[
        int, _agent("AGENT_EXECUTION_TIMEOUT", description="Maximum agent execution in seconds")
    ] = 30
    agent_heartbeat_timeout: Annotated[
        int,
        _agent("AGENT_HEARTBEAT_TIMEOUT", description="Seconds without heartbeat: agent is dead"),
    ] = 10
    agent_heartbeat_interval: Annotated[
        int, _agent("AGENT_HEARTBEAT_INTERVAL", description="Seconds between agent heartbeats")
    ] = 2
    execution_cleanup_interval: Annotated[
        int,
        _agent("EXECUTION_CLEANUP_INTERVAL", description="Seconds between execution cleanups"),
    ] = 60
    max_concurrent_agents: Annotated[
        int,
        # A bound declared on the field (pydantic constraint): 10**6 agents is a typo.
        Field(ge=1, le=1000),
        _agent("MAX_CONCURRENT_AGENTS", description="Maximum concurrent agent executions"),
    ] = 10
