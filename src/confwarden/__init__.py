"""confwarden: one trusted path from environment to configuration.

The public API is the names in ``__all__``. They are loaded lazily (PEP 562) so that
``import confwarden`` stays cheap: a service that only needs ``get_env()`` never pays for
pydantic, and no optional backend is imported until it is used.

Example:
    >>> from confwarden import get_env
    >>> env = get_env()
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from confwarden._lazy import lazy_exports

__version__ = "0.1.0"

# A library never decides where its logs go: without this, Python's last-resort handler would
# print confwarden's warnings to stderr in an application that configured no logging.
logging.getLogger("confwarden").addHandler(logging.NullHandler())

# public name -> module that defines it
_EXPORTS: dict[str, str] = {
    # errors
    "ConfigurationError": "confwarden.errors",
    "ConfwardenError": "confwarden.errors",
    "DotenvError": "confwarden.errors",
    "EnvironmentDetectionError": "confwarden.errors",
    "EnvironmentFileError": "confwarden.errors",
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
    "LastKnownGood": "confwarden.config.last_known_good",
    "LiveConfig": "confwarden.config.live",
    "PortDiscovery": "confwarden.components.ports",
    "RedisURLBuilder": "confwarden.components.redis_url",
    "SecretStr": "confwarden.config.convert",
    "SecretURL": "confwarden.components.url",
    "SharedJWTSecretManager": "confwarden.components.jwt_secret",
    "UnifiedConfigManager": "confwarden.config.manager",
    "ALL_ENVIRONMENTS": "confwarden.config.spec",
    "DEPLOYED": "confwarden.config.spec",
    "ValidationMode": "confwarden.config.spec",
    "ValidationResult": "confwarden.config.validation",
    "bootstrap": "confwarden.startup",
    "check_change": "confwarden.config.changes",
    "get_config_summary": "confwarden.config.manager",
    "get_unified_config": "confwarden.config.manager",
    "get_unified_manager": "confwarden.config.manager",
    "inspect_service": "confwarden.config.inspection",
    "reset_unified_config": "confwarden.config.manager",
}

__all__ = [
    "ALL_ENVIRONMENTS",
    "DEPLOYED",
    "ChangeTracker",
    "ClickHouseURLBuilder",
    "ConfigDependencyMap",
    "ConfigSchema",
    "ConfigurationError",
    "ConfigurationValidator",
    "ConfwardenError",
    "DatabaseURLBuilder",
    "DotenvError",
    "Env",
    "Environment",
    "EnvironmentDetectionError",
    "EnvironmentDetector",
    "EnvironmentFileError",
    "EnvironmentLayerError",
    "EnvironmentPolicy",
    "IsolatedEnvironment",
    "LastKnownGood",
    "LiveConfig",
    "MissingDependencyError",
    "PortDiscovery",
    "ProtectedVariableError",
    "RedisURLBuilder",
    "SecretStr",
    "SecretURL",
    "SharedJWTSecretManager",
    "Source",
    "SourceKind",
    "UnifiedConfigManager",
    "ValidationMode",
    "ValidationResult",
    "bootstrap",
    "check_change",
    "detect_environment",
    "get_config_summary",
    "get_env",
    "get_unified_config",
    "get_unified_manager",
    "inspect_service",
    "load_env_files",
    "mask_value",
    "parse_dotenv",
    "policy_for",
    "read_dotenv",
    "reset_env",
    "reset_unified_config",
]


__getattr__, __dir__ = lazy_exports(__name__, globals(), _EXPORTS)


if TYPE_CHECKING:
    # Explicit re-exports ("import X as X"): mypy --strict in a user's project accepts
    # "from confwarden import get_env" only for names re-exported this way.
    from confwarden.components.clickhouse_url import ClickHouseURLBuilder as ClickHouseURLBuilder
    from confwarden.components.database_url import DatabaseURLBuilder as DatabaseURLBuilder
    from confwarden.components.jwt_secret import SharedJWTSecretManager as SharedJWTSecretManager
    from confwarden.components.ports import PortDiscovery as PortDiscovery
    from confwarden.components.redis_url import RedisURLBuilder as RedisURLBuilder
    from confwarden.components.url import SecretURL as SecretURL
    from confwarden.config.change_tracker import ChangeTracker as ChangeTracker
    from confwarden.config.changes import check_change as check_change
    from confwarden.config.convert import SecretStr as SecretStr
    from confwarden.config.dependencies import ConfigDependencyMap as ConfigDependencyMap
    from confwarden.config.inspection import inspect_service as inspect_service
    from confwarden.config.last_known_good import LastKnownGood as LastKnownGood
    from confwarden.config.live import LiveConfig as LiveConfig
    from confwarden.config.manager import UnifiedConfigManager as UnifiedConfigManager
    from confwarden.config.manager import get_config_summary as get_config_summary
    from confwarden.config.manager import get_unified_config as get_unified_config
    from confwarden.config.manager import get_unified_manager as get_unified_manager
    from confwarden.config.manager import reset_unified_config as reset_unified_config
    from confwarden.config.schema import ConfigSchema as ConfigSchema
    from confwarden.config.schema import Env as Env
    from confwarden.config.spec import ALL_ENVIRONMENTS as ALL_ENVIRONMENTS
    from confwarden.config.spec import DEPLOYED as DEPLOYED
    from confwarden.config.spec import ValidationMode as ValidationMode
    from confwarden.config.validation import ConfigurationValidator as ConfigurationValidator
    from confwarden.config.validation import ValidationResult as ValidationResult
    from confwarden.environment.detection import Environment as Environment
    from confwarden.environment.detection import EnvironmentDetector as EnvironmentDetector
    from confwarden.environment.detection import detect_environment as detect_environment
    from confwarden.environment.dotenv import parse_dotenv as parse_dotenv
    from confwarden.environment.dotenv import read_dotenv as read_dotenv
    from confwarden.environment.isolated import IsolatedEnvironment as IsolatedEnvironment
    from confwarden.environment.masking import mask_value as mask_value
    from confwarden.environment.policy import EnvironmentPolicy as EnvironmentPolicy
    from confwarden.environment.policy import policy_for as policy_for
    from confwarden.environment.process import get_env as get_env
    from confwarden.environment.process import load_env_files as load_env_files
    from confwarden.environment.process import reset_env as reset_env
    from confwarden.environment.provenance import Source as Source
    from confwarden.environment.provenance import SourceKind as SourceKind
    from confwarden.errors import ConfigurationError as ConfigurationError
    from confwarden.errors import ConfwardenError as ConfwardenError
    from confwarden.errors import DotenvError as DotenvError
    from confwarden.errors import EnvironmentDetectionError as EnvironmentDetectionError
    from confwarden.errors import EnvironmentFileError as EnvironmentFileError
    from confwarden.errors import EnvironmentLayerError as EnvironmentLayerError
    from confwarden.errors import MissingDependencyError as MissingDependencyError
    from confwarden.errors import ProtectedVariableError as ProtectedVariableError
    from confwarden.startup import bootstrap as bootstrap
