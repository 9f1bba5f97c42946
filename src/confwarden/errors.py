"""The errors confwarden raises, under one base class.

Every error message names the variable, where its value came from, what is wrong and what
to do, and never contains a secret value. Each error class knows the exit code the command
line uses for it, so the CLI maps library errors to exit codes in one place.

Hierarchy::

    ConfwardenError
     +-- EnvironmentLayerError
     |    +-- ProtectedVariableError      a protected variable refused a change
     |    +-- EnvironmentDetectionError   ENVIRONMENT is unknown or cannot be inferred
     |    +-- DotenvError                 a .env file could not be parsed (strict mode)
     +-- ConfigurationError               configuration is invalid (every problem listed)
     |    +-- ComponentConfigError        a shared component (database URL, JWT secret,
     |    |                               ports, Redis, ClickHouse) was misconfigured
     |    +-- ProjectError                no [tool.confwarden] project, an unknown service,
     |                                    or a schema reference that cannot be imported
     +-- MissingDependencyError           an optional extra is not installed
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "ComponentConfigError",
    "ConfigurationError",
    "ConfwardenError",
    "DotenvError",
    "DotenvProblem",
    "EnvironmentDetectionError",
    "EnvironmentFileError",
    "EnvironmentLayerError",
    "MissingDependencyError",
    "ProjectError",
    "ProtectedVariableError",
]


class ConfwardenError(Exception):
    """Base class of every error confwarden raises.

    Attributes:
        exit_code: the process exit code the command line uses for this error.
    """

    exit_code: int = 1


class EnvironmentLayerError(ConfwardenError):
    """A problem in the environment layer (reading, writing or loading variables)."""


class ProtectedVariableError(EnvironmentLayerError):
    """A change to a protected variable was refused."""

    def __init__(self, key: str, *, operation: str, protected_by: str) -> None:
        self.key = key
        self.operation = operation
        self.protected_by = protected_by
        super().__init__(
            f"{key}: refused to {operation} a protected variable "
            f"(protected by {protected_by}). "
            f"Call unprotect_variable({key!r}) first if the change is intended."
        )


class EnvironmentDetectionError(EnvironmentLayerError):
    """The deployment environment is unknown or ambiguous."""

    exit_code = 2


class EnvironmentFileError(EnvironmentLayerError):
    """A ``.env`` file given as input cannot be read: missing, unreadable, not a regular file
    (a FIFO, a device) or too large. Bad input, like a malformed file (exit code 2)."""

    exit_code = 2


@dataclass(frozen=True, slots=True)
class DotenvProblem:
    """One problem found while parsing a .env file.

    The message never contains the value of the offending line, only its shape.
    """

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class DotenvError(EnvironmentLayerError):
    """A .env file contained malformed lines (strict mode); every one is listed."""

    exit_code = 2

    def __init__(self, problems: Sequence[DotenvProblem]) -> None:
        self.problems = tuple(problems)
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(
            f"{len(self.problems)} malformed line(s) in .env input:\n{lines}\n"
            "Fix the lines above, or load the file with strict=False to skip them with warnings."
        )


class ConfigurationError(ConfwardenError):
    """The configuration is invalid; the message lists every problem at once."""


class ComponentConfigError(ConfigurationError):
    """A shared component cannot be built from its variables; every problem is listed.

    Attributes:
        component: the component that refused (``DatabaseURLBuilder``, ...).
        problems: the problems, each naming a variable, what is wrong and what to do.
    """

    def __init__(self, component: str, problems: Sequence[object], *, environment: str) -> None:
        self.component = component
        self.problems = tuple(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{component}: {len(self.problems)} problem(s) in {environment}:\n{lines}")


class ProjectError(ConfigurationError):
    """The project cannot be used as given: no ``[tool.confwarden]`` found, an unknown service,
    or a schema reference that cannot be imported (bad input: exit code 2)."""

    exit_code = 2


class MissingDependencyError(ConfwardenError, ImportError):
    """An optional dependency is missing; the message gives the exact install command."""

    exit_code = 2

    def __init__(self, feature: str, extra: str, module: str) -> None:
        self.feature = feature
        self.extra = extra
        super().__init__(
            f"{feature} needs the optional dependency {module!r}, which is not installed. "
            f"Install it with: pip install 'confwarden[{extra}]'"
        )
