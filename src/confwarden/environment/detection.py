"""Which environment this process runs in: one implementation for every service.

spec/000: every service detected "staging" its own way and two of them disagreed. Here the
rules are explicit and ordered:

1. ``ENVIRONMENT`` decides, with aliases (``dev``/``local``, ``test``, ``stage``, ``prod``).
   An unknown value is an error, never a silent default.
2. Without it, a test context (``PYTEST_CURRENT_TEST``, ``TESTING``/``TEST_MODE`` truthy,
   pytest imported) means testing.
3. Without it, a Cloud Run deployment (``K_SERVICE`` set) is inferred from the service name
   only when exactly one environment is named in it; otherwise detection fails with an error
   saying what to set. A cloud deployment never silently becomes development.
4. Otherwise: development.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import ModuleType

from confwarden.errors import EnvironmentDetectionError

__all__ = ["Detection", "Environment", "EnvironmentDetector", "detect_environment"]


class Environment(StrEnum):
    """The four deployment environments."""

    DEVELOPMENT = "development"
    TESTING = "testing"
    STAGING = "staging"
    PRODUCTION = "production"

    @classmethod
    def parse(cls, value: str, *, variable: str = "ENVIRONMENT") -> Environment:
        """Parse a name or alias, case-insensitively.

        Raises:
            EnvironmentDetectionError: the value is not a known name or alias.

        Example:
            >>> Environment.parse("prod")
            <Environment.PRODUCTION: 'production'>
        """
        normalized = value.strip().lower()
        try:
            return _ALIASES[normalized]
        except KeyError:
            known = ", ".join(sorted(_ALIASES))
            raise EnvironmentDetectionError(
                f"{variable}={value!r} is not a known environment. "
                f"Set {variable} to one of: {known}."
            ) from None

    @property
    def is_deployed(self) -> bool:
        """True for staging and production, where no development shortcut is allowed."""
        return self in (Environment.STAGING, Environment.PRODUCTION)


_ALIASES: dict[str, Environment] = {
    "development": Environment.DEVELOPMENT,
    "dev": Environment.DEVELOPMENT,
    "local": Environment.DEVELOPMENT,
    "testing": Environment.TESTING,
    "test": Environment.TESTING,
    "staging": Environment.STAGING,
    "stage": Environment.STAGING,
    "production": Environment.PRODUCTION,
    "prod": Environment.PRODUCTION,
}

_TRUTHY = frozenset({"1", "true", "yes", "on"})
# Words in a Cloud Run service name that point to one environment.
_SERVICE_NAME_HINTS: dict[Environment, tuple[str, ...]] = {
    Environment.STAGING: ("staging", "stage", "stg"),
    Environment.PRODUCTION: ("production", "prod", "prd"),
    Environment.DEVELOPMENT: ("development", "dev"),
    Environment.TESTING: ("testing", "test"),
}
_TOKEN_SPLIT = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True, slots=True)
class Detection:
    """The outcome of detection and the reason for it, for logs and ``doctor``."""

    environment: Environment
    reason: str
    is_test_context: bool


class EnvironmentDetector:
    """Detect the environment from a mapping of variables (pass the world in).

    Args:
        environ: the variables to read; usually ``get_env().get_all()`` or ``os.environ``.
        modules: the loaded modules, to notice pytest; defaults to ``sys.modules``.
        variable: the name of the variable that decides (``ENVIRONMENT``).

    Example:
        >>> EnvironmentDetector({"ENVIRONMENT": "stage"}).detect().environment
        <Environment.STAGING: 'staging'>
    """

    def __init__(
        self,
        environ: Mapping[str, str],
        *,
        modules: Mapping[str, ModuleType] | None = None,
        variable: str = "ENVIRONMENT",
    ) -> None:
        self._environ = environ
        self._modules = sys.modules if modules is None else modules
        self._variable = variable

    def test_context_reason(self) -> str | None:
        """Why this looks like a test run, or None."""
        if self._environ.get("PYTEST_CURRENT_TEST"):
            return "PYTEST_CURRENT_TEST is set"
        for name in ("TESTING", "TEST_MODE"):
            if self._environ.get(name, "").strip().lower() in _TRUTHY:
                return f"{name} is set"
        if "pytest" in self._modules and "_pytest.main" in self._modules:
            return "running under pytest"
        return None

    def detect(self) -> Detection:
        """Detect the environment.

        Raises:
            EnvironmentDetectionError: ``ENVIRONMENT`` is unknown, or a cloud deployment
                cannot be mapped to exactly one environment.
        """
        test_reason = self.test_context_reason()
        explicit = self._environ.get(self._variable, "").strip()
        if explicit:
            environment = Environment.parse(explicit, variable=self._variable)
            return Detection(
                environment,
                f"{self._variable}={explicit!r}",
                is_test_context=test_reason is not None or environment is Environment.TESTING,
            )
        if test_reason is not None:
            return Detection(Environment.TESTING, test_reason, is_test_context=True)
        service = self._environ.get("K_SERVICE", "").strip()
        if service:
            return Detection(self._from_service_name(service), f"K_SERVICE={service!r}", False)
        return Detection(Environment.DEVELOPMENT, f"{self._variable} is not set", False)

    def _from_service_name(self, service: str) -> Environment:
        tokens = set(_TOKEN_SPLIT.split(service.lower()))
        matches = [
            env
            for env, hints in _SERVICE_NAME_HINTS.items()
            if any(hint in tokens for hint in hints)
        ]
        if len(matches) == 1 and matches[0].is_deployed:
            return matches[0]
        found = ", ".join(m.value for m in matches) or "no environment"
        raise EnvironmentDetectionError(
            f"K_SERVICE={service!r} says this is a cloud deployment, but {self._variable} is "
            f"not set and the service name names {found}. A cloud deployment is never "
            f"treated as development. Set {self._variable}=staging or "
            f"{self._variable}=production in the service's deployment."
        )


def detect_environment(environ: Mapping[str, str] | None = None) -> Environment:
    """Shortcut: the detected environment for ``environ`` (default: the process environment)."""
    if environ is None:
        import os

        environ = os.environ
    return EnvironmentDetector(environ).detect().environment
