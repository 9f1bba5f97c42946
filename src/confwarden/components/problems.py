"""What every shared component reports: problems, results, and the environment it judges for.

The four components (database URL, JWT secret, ports, Redis/ClickHouse URLs) all validate a
mapping of variables against the rules of one environment. They share one vocabulary here so
that a ``validate()`` result reads the same whichever component produced it, and so that the
environment and its policy are resolved the same way everywhere (spec/000: four copies of
"which environment is this" disagreed). :class:`Problem` itself is ``confwarden.problems``'s,
the same class the configuration layer reports, re-exported here.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar

from confwarden.environment.detection import Environment, EnvironmentDetector
from confwarden.environment.policy import Severity
from confwarden.errors import ComponentConfigError
from confwarden.problems import Problem

__all__ = [
    "Problem",
    "ValidationResult",
    "class_or_instance",
    "is_truthy",
    "resolve_environment",
    "text_variables",
]

logger = logging.getLogger("confwarden.components")

_TRUTHY = frozenset({"1", "true", "yes", "on"})


def is_truthy(value: str | None) -> bool:
    """Tell whether a flag variable is set to a true value (``1``, ``true``, ``yes``, ``on``)."""
    return value is not None and value.strip().lower() in _TRUTHY


def text_variables(env_vars: Mapping[str, object]) -> Mapping[str, str]:
    """The variables as strings, as the process environment would hold them.

    A component reads a mapping of variables; callers building one in code pass numbers and
    flags (``{"POSTGRES_PORT": 5432}``), which used to crash deep inside with
    ``'int' object has no attribute 'isspace'``. ``int``, ``float``, ``bool`` (``true``/
    ``false``) and paths are converted; anything else is refused naming the variable. A mapping
    of strings (the usual ``get_env().get_all()``) is returned as it is, without a copy.

    Raises:
        TypeError: a value is not a string nor one of the converted scalar types.

    Example:
        >>> dict(text_variables({"POSTGRES_PORT": 5432, "REDIS_TLS": True}))
        {'POSTGRES_PORT': '5432', 'REDIS_TLS': 'true'}
    """
    if all(type(value) is str for value in env_vars.values()):
        return env_vars  # type: ignore[return-value]  # checked just above
    converted: dict[str, str] = {}
    for name, value in env_vars.items():
        if isinstance(value, str):
            converted[name] = str(value)
        elif isinstance(value, bool):
            converted[name] = "true" if value else "false"
        elif isinstance(value, int | float | os.PathLike):
            converted[name] = os.fspath(value) if isinstance(value, os.PathLike) else str(value)
        else:
            raise TypeError(
                f"{name} is a {type(value).__name__}, not a string: pass variables as strings "
                "(int, float, bool and paths are converted), e.g. "
                f"{{{name!r}: str(value)}}"
            )
    return converted


def resolve_environment(
    env_vars: Mapping[str, str], environment: Environment | str | None
) -> Environment:
    """The environment a component judges for.

    An explicit ``environment`` wins; otherwise bootstrap's detection
    (:class:`~confwarden.environment.detection.EnvironmentDetector`) reads ``env_vars``:
    ``ENVIRONMENT`` (aliases allowed), then a deployment marker (an error naming it, never
    development: a component built in a pod used to generate and write a development secret),
    then a test signal among the variables (``TESTING``, ``PYTEST_CURRENT_TEST``), then
    development. Components never guess from ``os.environ`` nor from loaded modules.

    Raises:
        EnvironmentDetectionError: ``ENVIRONMENT`` (or the given name) is not an environment,
            is set but blank, or a deployment marker is present without it.
    """
    if isinstance(environment, Environment):
        return environment
    if environment is not None:
        return Environment.parse(environment)
    # modules={}: only the variables passed in speak, not what this process imported.
    return EnvironmentDetector(env_vars, modules={}).detect().environment


@dataclass(frozen=True, slots=True)
class ValidationResult:
    """Every problem one validation found, errors and warnings together.

    ``bool(result)`` is ``result.ok`` (warnings alone do not make it false), so
    ``if builder.validate():`` reads the way it sounds; ``len(result)`` counts every problem.

    Example:
        >>> result = ValidationResult("DatabaseURLBuilder", Environment.STAGING, ())
        >>> result.ok, bool(result)
        (True, True)
    """

    component: str
    environment: Environment
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> tuple[Problem, ...]:
        """The problems that stop the component."""
        return tuple(p for p in self.problems if p.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        """The problems worth a log line only."""
        return tuple(p for p in self.problems if p.severity is Severity.WARNING)

    @property
    def ok(self) -> bool:
        """True when nothing stops the component."""
        return not self.errors

    def __bool__(self) -> bool:
        # ``if builder.validate():`` must read the way it sounds. Without this, ``__len__``
        # made a result with problems truthy, so the check read backwards.
        return self.ok

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.problems)

    def __len__(self) -> int:
        return len(self.problems)

    def raise_for_errors(self) -> None:
        """Raise one error listing every error-level problem, if there is any.

        Raises:
            ComponentConfigError: at least one problem is an error.
        """
        if self.errors:
            raise ComponentConfigError(
                self.component, self.errors, environment=self.environment.value
            )

    def log_warnings(self) -> None:
        """Log every warning once, on the ``confwarden.components`` logger."""
        for problem in self.warnings:
            logger.warning("%s: %s", self.component, problem)

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready form."""
        return {
            "component": self.component,
            "environment": self.environment.value,
            "ok": self.ok,
            "problems": [p.to_dict() for p in self.problems],
        }


def collect(
    component: str,
    environment: Environment,
    problems: Iterable[Problem],
    origins: Mapping[str, str] | None = None,
) -> ValidationResult:
    """Build a result, dropping problems whose severity is ``ignore`` in this environment.

    ``origins`` (variable -> where its value came from) fills in each problem's origin; a
    problem about several variables (``A/B``) takes the origin of the first one that has one.
    """
    kept = tuple(p for p in problems if p.severity is not Severity.IGNORE)
    if origins:
        kept = tuple(_with_origin(p, origins) for p in kept)
    return ValidationResult(component, environment, kept)


def _with_origin(problem: Problem, origins: Mapping[str, str]) -> Problem:
    if problem.origin is not None:
        return problem
    for name in problem.variable.split("/"):
        if name in origins:
            return replace(problem, origin=origins[name])
    return problem


_P = ParamSpec("_P")
_R = TypeVar("_R")
_S = TypeVar("_S")


class class_or_instance(Generic[_S, _P, _R]):
    """A method usable on an instance, or on the class with the process environment.

    spec/003 calls ``SharedJWTSecretManager.get_jwt_secret()`` and
    ``PortDiscovery.get_service_url("auth", environment=env)`` on the class; a service that
    passes its own variables calls them on an instance. On the class, the instance is built by
    the class's ``from_process_env()`` (which reads ``get_env()``, never ``os.environ``).
    """

    def __init__(self, func: Callable[Concatenate[_S, _P], _R]) -> None:
        self._func = func
        functools.update_wrapper(self, func)  # type: ignore[arg-type]

    def __get__(self, obj: _S | None, owner: type[Any]) -> Callable[_P, _R]:
        target: _S = obj if obj is not None else owner.from_process_env()
        func = self._func

        @functools.wraps(func)
        def bound(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            return func(target, *args, **kwargs)

        return bound
