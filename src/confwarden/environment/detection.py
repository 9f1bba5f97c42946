"""Which environment this process runs in: one implementation for every service.

spec/000: every service detected "staging" its own way and two of them disagreed. Here the
rules are explicit and ordered:

1. ``ENVIRONMENT`` decides, with aliases (``dev``/``local``, ``test``, ``stage``, ``prod``).
   An unknown value is an error, never a silent default; so is a blank one (an unset
   template variable, ``ENVIRONMENT=${ENV}``), wherever the variable is present.
2. Without it, a deployment marker (Kubernetes, Cloud Run, ECS, Lambda, Nomad, App Engine,
   Azure App Service, Fly, Heroku, Render: see ``markers.py``) is an error naming the marker.
   A deployment never silently becomes development, and never testing either: a marker beats
   every test signal (``K_SERVICE`` plus ``TESTING=true`` is a misconfigured deployment, not
   a test run).
3. Without either, a test context (``PYTEST_CURRENT_TEST``, ``TESTING``/``TEST_MODE`` truthy,
   pytest imported) means testing.
4. Otherwise: development. A container alone (devcontainer, CI, compose on a laptop) does
   not mean deployed.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import ModuleType

from confwarden.environment.markers import container_reason, deployment_marker
from confwarden.errors import EnvironmentDetectionError

__all__ = [
    "ENVIRONMENT_ALIASES",
    "Detection",
    "Environment",
    "EnvironmentDetector",
    "detect_environment",
]


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

# Every spelling of each environment (documented; ``JWT_SECRET_PROD`` spellings are checked
# against it by the configuration's ``variants`` rule).
ENVIRONMENT_ALIASES: Mapping[str, Environment] = _ALIASES

_TRUTHY = frozenset({"1", "true", "yes", "on"})


@dataclass(frozen=True, slots=True)
class Detection:
    """The outcome of detection and the reason for it, for logs and ``doctor``.

    Attributes:
        environment: the detected environment.
        reason: why (``ENVIRONMENT='prod'``, ``running under pytest``).
        is_test_context: a test signal was seen and no deployment marker overrides it.
        deployment_marker: the deployment marker seen (``K_SERVICE (Cloud Run service)``).
    """

    environment: Environment
    reason: str
    is_test_context: bool
    deployment_marker: str | None = None


class EnvironmentDetector:
    """Detect the environment from a mapping of variables (pass the world in).

    Args:
        environ: the variables to read; usually ``get_env().get_all()`` or ``os.environ``.
        modules: the loaded modules, to notice pytest; defaults to ``sys.modules``.
        variable: the name of the variable that decides (``ENVIRONMENT``).
        root: the file system root container detection looks under (a temporary directory
            in tests).

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
        root: str | os.PathLike[str] = "/",
    ) -> None:
        self._environ = environ
        self._modules = sys.modules if modules is None else modules
        self._variable = variable
        self._root = root

    def test_runner_reason(self) -> str | None:
        """Why a test runner (pytest) is running this process, or None.

        Stricter than :meth:`test_context_reason`: a ``TESTING=true`` flag or a
        ``PYTEST_CURRENT_TEST`` variable copied into a deployment is not a test runner;
        pytest must be imported in this process. Test defaults are only served under one.
        """
        if "pytest" in self._modules and "_pytest.main" in self._modules:
            return "running under pytest"
        return None

    def test_context_reason(self) -> str | None:
        """Why this looks like a test run, or None."""
        if self._environ.get("PYTEST_CURRENT_TEST"):
            return "PYTEST_CURRENT_TEST is set"
        for name in ("TESTING", "TEST_MODE"):
            if self._environ.get(name, "").strip().lower() in _TRUTHY:
                return f"{name} is set"
        return self.test_runner_reason()

    def deployment_marker(self) -> str | None:
        """The deployment marker seen (``KUBERNETES_SERVICE_HOST (Kubernetes)``), or None."""
        return deployment_marker(self._environ)

    def container_reason(self) -> str | None:
        """Why this looks like a container (``/.dockerenv exists (Docker)``), or None.

        Informational: a container is not a deployment.
        """
        return container_reason(self._environ, root=self._root)

    def detect(self) -> Detection:
        """Detect the environment.

        Raises:
            EnvironmentDetectionError: ``ENVIRONMENT`` is unknown or blank, or a deployment
                marker is present without ``ENVIRONMENT``.
        """
        test_reason = self.test_context_reason()
        marker = self.deployment_marker()
        raw = self._environ.get(self._variable)
        if raw is not None:
            explicit = raw.strip()
            if not explicit:
                raise EnvironmentDetectionError(
                    f"{self._variable} is set but blank (an unset template variable?). "
                    f"A blank {self._variable} is never read as unset: set it to development, "
                    f"testing, staging or production, or remove it."
                )
            environment = Environment.parse(explicit, variable=self._variable)
            in_test = environment is Environment.TESTING or (
                test_reason is not None and marker is None
            )
            return Detection(environment, f"{self._variable}={explicit!r}", in_test, marker)
        if marker is not None:
            ignored = f" The test signal ({test_reason}) is ignored there." if test_reason else ""
            raise EnvironmentDetectionError(
                f"{marker} says this process is deployed, but {self._variable} is not set. "
                f"A deployment is never treated as development or testing.{ignored} Set "
                f"{self._variable}=staging or {self._variable}=production in the deployment "
                f"(or {self._variable}=testing for a test job running on that platform)."
            )
        if test_reason is not None:
            return Detection(Environment.TESTING, test_reason, is_test_context=True)
        return Detection(Environment.DEVELOPMENT, f"{self._variable} is not set", False)


def detect_environment(environ: Mapping[str, str] | None = None) -> Environment:
    """Shortcut: the detected environment for ``environ`` (default: the process environment)."""
    if environ is None:
        environ = os.environ
    return EnvironmentDetector(environ).detect().environment
