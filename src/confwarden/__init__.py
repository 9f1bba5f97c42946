"""confwarden: one trusted path from environment to configuration.

The public API is the names in ``__all__``. They are loaded lazily (PEP 562) so that
``import confwarden`` stays cheap: a service that only needs ``get_env()`` never pays for
pydantic, and no optional backend is imported until it is used.

Example:
    >>> from confwarden import get_env
    >>> env = get_env()
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from confwarden._lazy import lazy_exports

__version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS: dict[str, str] = {
    # errors
    "ConfigurationError": "confwarden.errors",
    "ConfwardenError": "confwarden.errors",
    "DotenvError": "confwarden.errors",
    "EnvironmentDetectionError": "confwarden.errors",
    "EnvironmentLayerError": "confwarden.errors",
    "MissingDependencyError": "confwarden.errors",
    "ProtectedVariableError": "confwarden.errors",
    # environment layer
    "Environment": "confwarden.environment.detection",
    "EnvironmentDetector": "confwarden.environment.detection",
    "EnvironmentPolicy": "confwarden.environment.policy",
    "IsolatedEnvironment": "confwarden.environment.isolated",
    "Source": "confwarden.environment.provenance",
    "SourceKind": "confwarden.environment.provenance",
    "detect_environment": "confwarden.environment.detection",
    "get_env": "confwarden.environment.process",
    "load_env_files": "confwarden.environment.process",
    "mask_value": "confwarden.environment.masking",
    "parse_dotenv": "confwarden.environment.dotenv",
    "policy_for": "confwarden.environment.policy",
    "read_dotenv": "confwarden.environment.dotenv",
    "reset_env": "confwarden.environment.process",
    # shared components, configuration layer, startup (pydantic loads only when used)
    "ChangeTracker": "confwarden.config.change_tracker",
    "ClickHouseURLBuilder": "confwarden.components.clickhouse_url",
    "ConfigDependencyMap": "confwarden.config.dependencies",
    "ConfigSchema": "confwarden.config.schema",
    "ConfigurationValidator": "confwarden.config.validation",
    "DatabaseURLBuilder": "confwarden.components.database_url",
    "Env": "confwarden.config.schema",
    "PortDiscovery": "confwarden.components.ports",
    "RedisURLBuilder": "confwarden.components.redis_url",
    "SecretURL": "confwarden.components.url",
    "SharedJWTSecretManager": "confwarden.components.jwt_secret",
    "UnifiedConfigManager": "confwarden.config.manager",
    "ValidationMode": "confwarden.config.spec",
    "ValidationResult": "confwarden.config.validation",
    "bootstrap": "confwarden.startup",
    "check_change": "confwarden.config.changes",
    "get_config_summary": "confwarden.config.manager",
    "get_unified_config": "confwarden.config.manager",
    "inspect_service": "confwarden.config.inspection",
    "reset_unified_config": "confwarden.config.manager",
}

__all__ = sorted(_EXPORTS)  # noqa: PLE0605 - computed once; tests pin it sorted and complete


__getattr__, __dir__ = lazy_exports(__name__, globals(), _EXPORTS)


if TYPE_CHECKING:
    from confwarden.components.clickhouse_url import ClickHouseURLBuilder
    from confwarden.components.database_url import DatabaseURLBuilder
    from confwarden.components.jwt_secret import SharedJWTSecretManager
    from confwarden.components.ports import PortDiscovery
    from confwarden.components.redis_url import RedisURLBuilder
    from confwarden.components.url import SecretURL
    from confwarden.config.change_tracker import ChangeTracker
    from confwarden.config.changes import check_change
    from confwarden.config.dependencies import ConfigDependencyMap
    from confwarden.config.inspection import inspect_service
    from confwarden.config.manager import (
        UnifiedConfigManager,
        get_config_summary,
        get_unified_config,
        reset_unified_config,
    )
    from confwarden.config.schema import ConfigSchema, Env
    from confwarden.config.spec import ValidationMode
    from confwarden.config.validation import ConfigurationValidator, ValidationResult
    from confwarden.environment.detection import (
        Environment,
        EnvironmentDetector,
        detect_environment,
    )
    from confwarden.environment.dotenv import parse_dotenv, read_dotenv
    from confwarden.environment.isolated import IsolatedEnvironment
    from confwarden.environment.masking import mask_value
    from confwarden.environment.policy import EnvironmentPolicy, policy_for
    from confwarden.environment.process import get_env, load_env_files, reset_env
    from confwarden.environment.provenance import Source, SourceKind
    from confwarden.errors import (
        ConfigurationError,
        ConfwardenError,
        DotenvError,
        EnvironmentDetectionError,
        EnvironmentLayerError,
        MissingDependencyError,
        ProtectedVariableError,
    )
    from confwarden.startup import bootstrap
