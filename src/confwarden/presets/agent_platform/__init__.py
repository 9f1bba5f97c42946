"""The spec platform preset: the backend's ``AppConfig``, its profiles and the auth service.

spec/003 documents one platform: an API backend and an auth service sharing a JWT secret,
with Google/GitHub OAuth under two naming conventions, LLM provider keys, Langfuse and
Grafana monitoring, a WebSocket event monitor and agent execution tracking. This preset is
that platform's configuration, kept out of the core so that a project of another shape
starts from :class:`~confwarden.config.schema.ConfigSchema` and meets none of it.

Example:
    >>> from confwarden.presets.agent_platform import AppConfig, ProductionConfig
    >>> from confwarden.environment.detection import Environment
    >>> AppConfig.for_environment(Environment.PRODUCTION) is ProductionConfig
    True
"""

from __future__ import annotations

from confwarden.presets.agent_platform.app import PlatformServiceConfig as PlatformServiceConfig
from confwarden.presets.agent_platform.auth import AuthConfig as AuthConfig
from confwarden.presets.agent_platform.auth import AuthEnvironment as AuthEnvironment
from confwarden.presets.agent_platform.dependencies import (
    PLATFORM_DEPENDENCIES as PLATFORM_DEPENDENCIES,
)
from confwarden.presets.agent_platform.llm import LLM_KEYS as LLM_KEYS
from confwarden.presets.agent_platform.llm import KeyFormat as KeyFormat
from confwarden.presets.agent_platform.llm import LlmKeyFormatRule as LlmKeyFormatRule
from confwarden.presets.agent_platform.oauth import OAUTH_PROVIDERS as OAUTH_PROVIDERS
from confwarden.presets.agent_platform.oauth import OAuthRule as OAuthRule
from confwarden.presets.agent_platform.oauth import oauth_names as oauth_names
from confwarden.presets.agent_platform.ports import SERVICE_PORTS as SERVICE_PORTS
from confwarden.presets.agent_platform.profiles import AppConfig as AppConfig
from confwarden.presets.agent_platform.profiles import DevelopmentConfig as DevelopmentConfig
from confwarden.presets.agent_platform.profiles import ProductionConfig as ProductionConfig
from confwarden.presets.agent_platform.profiles import StagingConfig as StagingConfig
from confwarden.presets.agent_platform.profiles import TestingConfig as TestingConfig
from confwarden.presets.agent_platform.profiles import profile_for as profile_for
from confwarden.presets.agent_platform.secret_mappings import (
    PLATFORM_SECRET_MAPPINGS as PLATFORM_SECRET_MAPPINGS,
)
from confwarden.presets.agent_platform.secret_mappings import SECRET_MAPPINGS as SECRET_MAPPINGS
from confwarden.presets.agent_platform.services import SERVICES as SERVICES
from confwarden.presets.agent_platform.services import register_services as register_services

__all__ = [
    "LLM_KEYS",
    "OAUTH_PROVIDERS",
    "PLATFORM_DEPENDENCIES",
    "PLATFORM_SECRET_MAPPINGS",
    "SECRET_MAPPINGS",
    "SERVICES",
    "SERVICE_PORTS",
    "AppConfig",
    "AuthConfig",
    "AuthEnvironment",
    "DevelopmentConfig",
    "KeyFormat",
    "LlmKeyFormatRule",
    "OAuthRule",
    "PlatformServiceConfig",
    "ProductionConfig",
    "StagingConfig",
    "TestingConfig",
    "oauth_names",
    "profile_for",
    "register_services",
]
