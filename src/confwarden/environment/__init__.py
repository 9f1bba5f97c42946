"""Layer 1: the environment. Reading, writing and loading variables; detection; masking.

This layer knows nothing of configuration, the CLI or the checker.
"""

from confwarden.environment.detection import (
    Detection,
    Environment,
    EnvironmentDetector,
    detect_environment,
)
from confwarden.environment.dev_secrets import DevSecretStore
from confwarden.environment.dotenv import DotenvEntry, DotenvResult, parse_dotenv, read_dotenv
from confwarden.environment.isolated import (
    ChangeCallback,
    EnvValidationResult,
    IsolatedEnvironment,
    LoadResult,
    VariableExplanation,
)
from confwarden.environment.markers import (
    DeploymentMarker,
    container_reason,
    deployment_marker,
    in_container,
)
from confwarden.environment.masking import is_sensitive_name, mask_url, mask_value
from confwarden.environment.policy import EnvironmentPolicy, policy_for
from confwarden.environment.process import DotenvLoadReport, get_env, load_env_files, reset_env
from confwarden.environment.provenance import Source, SourceKind
from confwarden.environment.sanitize import sanitize_value

__all__ = [
    "ChangeCallback",
    "DeploymentMarker",
    "Detection",
    "DevSecretStore",
    "DotenvEntry",
    "DotenvLoadReport",
    "DotenvResult",
    "EnvValidationResult",
    "Environment",
    "EnvironmentDetector",
    "EnvironmentPolicy",
    "IsolatedEnvironment",
    "LoadResult",
    "Source",
    "SourceKind",
    "VariableExplanation",
    "container_reason",
    "deployment_marker",
    "detect_environment",
    "get_env",
    "in_container",
    "is_sensitive_name",
    "load_env_files",
    "mask_url",
    "mask_value",
    "parse_dotenv",
    "policy_for",
    "read_dotenv",
    "reset_env",
    "sanitize_value",
]
