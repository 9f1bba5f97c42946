"""The configuration layer (spec/003 "Layer 2"): typed schemas, precedence, provenance, validation.

The names are loaded lazily (PEP 562), so importing a light module such as
:mod:`confwarden.config.spec` does not import pydantic.

Example:
    >>> from confwarden.config import ServiceConfig, fields_of
    >>> any(f.canonical == "SERVICE_SECRET" for f in fields_of(ServiceConfig))
    True
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from confwarden._lazy import lazy_exports

# public name -> module that defines it
_EXPORTS: dict[str, str] = {
    "Change": "confwarden.config.changes",
    "ChangeClass": "confwarden.config.changes",
    "ChangeReport": "confwarden.config.changes",
    "ChangeTracker": "confwarden.config.change_tracker",
    "ConfigDependency": "confwarden.config.dependencies",
    "ConfigDependencyMap": "confwarden.config.dependencies",
    "ConfigInspection": "confwarden.config.inspection",
    "ConfigLoadResult": "confwarden.config.loader",
    "ConfigSchema": "confwarden.config.schema",
    "ConfigurationValidator": "confwarden.config.validation",
    "DoctorReport": "confwarden.config.doctor",
    "Env": "confwarden.config.schema",
    "EnvironmentSource": "confwarden.config.sources",
    "FallbackSource": "confwarden.config.fallbacks",
    "FieldSpec": "confwarden.config.spec",
    "HealthScore": "confwarden.config.health",
    "Impact": "confwarden.config.dependencies",
    "LoadContext": "confwarden.config.sources",
    "OverridesSource": "confwarden.config.sources",
    "Problem": "confwarden.config.spec",
    "ResolvedValue": "confwarden.config.spec",
    "Rule": "confwarden.config.validation",
    "SecretStr": "confwarden.config.convert",
    "SecurityConfig": "confwarden.config.common",
    "ServiceConfig": "confwarden.config.common",
    "Severity": "confwarden.config.spec",
    "UnifiedConfigManager": "confwarden.config.manager",
    "ValidationContext": "confwarden.config.validation",
    "ValidationMode": "confwarden.config.spec",
    "ValidationResult": "confwarden.config.validation",
    "check_change": "confwarden.config.changes",
    "compute_health": "confwarden.config.health",
    "default_rules": "confwarden.config.validation",
    "default_sources": "confwarden.config.sources",
    "diagnose_platform": "confwarden.config.doctor",
    "fields_of": "confwarden.config.schema",
    "get_config_summary": "confwarden.config.manager",
    "get_unified_config": "confwarden.config.manager",
    "inspect_service": "confwarden.config.inspection",
    "load_config": "confwarden.config.loader",
    "LastKnownGood": "confwarden.config.last_known_good",
    "LiveConfig": "confwarden.config.live",
    "register_service": "confwarden.config.services",
    "reset_unified_config": "confwarden.config.manager",
}

__all__ = [
    "Change",
    "ChangeClass",
    "ChangeReport",
    "ChangeTracker",
    "ConfigDependency",
    "ConfigDependencyMap",
    "ConfigInspection",
    "ConfigLoadResult",
    "ConfigSchema",
    "ConfigurationValidator",
    "DoctorReport",
    "Env",
    "EnvironmentSource",
    "FallbackSource",
    "FieldSpec",
    "HealthScore",
    "Impact",
    "LastKnownGood",
    "LiveConfig",
    "LoadContext",
    "OverridesSource",
    "Problem",
    "ResolvedValue",
    "Rule",
    "SecretStr",
    "SecurityConfig",
    "ServiceConfig",
    "Severity",
    "UnifiedConfigManager",
    "ValidationContext",
    "ValidationMode",
    "ValidationResult",
    "check_change",
    "compute_health",
    "default_rules",
    "default_sources",
    "diagnose_platform",
    "fields_of",
    "get_config_summary",
    "get_unified_config",
    "inspect_service",
    "load_config",
    "register_service",
    "reset_unified_config",
]


__getattr__, __dir__ = lazy_exports(__name__, globals(), _EXPORTS)


if TYPE_CHECKING:
    # Explicit re-exports ("import X as X"): mypy --strict in a user's project accepts
    # "from confwarden import get_env" only for names re-exported this way.
    from confwarden.config.change_tracker import ChangeTracker as ChangeTracker
    from confwarden.config.changes import Change as Change
    from confwarden.config.changes import ChangeClass as ChangeClass
    from confwarden.config.changes import ChangeReport as ChangeReport
    from confwarden.config.changes import check_change as check_change
    from confwarden.config.common import SecurityConfig as SecurityConfig
    from confwarden.config.common import ServiceConfig as ServiceConfig
    from confwarden.config.convert import SecretStr as SecretStr
    from confwarden.config.dependencies import ConfigDependency as ConfigDependency
    from confwarden.config.dependencies import ConfigDependencyMap as ConfigDependencyMap
    from confwarden.config.dependencies import Impact as Impact
    from confwarden.config.doctor import DoctorReport as DoctorReport
    from confwarden.config.doctor import diagnose_platform as diagnose_platform
    from confwarden.config.fallbacks import FallbackSource as FallbackSource
    from confwarden.config.health import HealthScore as HealthScore
    from confwarden.config.health import compute_health as compute_health
    from confwarden.config.inspection import ConfigInspection as ConfigInspection
    from confwarden.config.inspection import inspect_service as inspect_service
    from confwarden.config.last_known_good import LastKnownGood as LastKnownGood
    from confwarden.config.live import LiveConfig as LiveConfig
    from confwarden.config.loader import ConfigLoadResult as ConfigLoadResult
    from confwarden.config.loader import load_config as load_config
    from confwarden.config.manager import UnifiedConfigManager as UnifiedConfigManager
    from confwarden.config.manager import get_config_summary as get_config_summary
    from confwarden.config.manager import get_unified_config as get_unified_config
    from confwarden.config.manager import reset_unified_config as reset_unified_config
    from confwarden.config.schema import ConfigSchema as ConfigSchema
    from confwarden.config.schema import Env as Env
    from confwarden.config.schema import fields_of as fields_of
    from confwarden.config.services import register_service as register_service
    from confwarden.config.sources import EnvironmentSource as EnvironmentSource
    from confwarden.config.sources import LoadContext as LoadContext
    from confwarden.config.sources import OverridesSource as OverridesSource
    from confwarden.config.sources import default_sources as default_sources
    from confwarden.config.spec import FieldSpec as FieldSpec
    from confwarden.config.spec import Problem as Problem
    from confwarden.config.spec import ResolvedValue as ResolvedValue
    from confwarden.config.spec import Severity as Severity
    from confwarden.config.spec import ValidationMode as ValidationMode
    from confwarden.config.validation import ConfigurationValidator as ConfigurationValidator
    from confwarden.config.validation import Rule as Rule
    from confwarden.config.validation import ValidationContext as ValidationContext
    from confwarden.config.validation import ValidationResult as ValidationResult
    from confwarden.config.validation import default_rules as default_rules
