"""What every URL component shares: the variables, the environment, Docker, problems.

``DatabaseURLBuilder``, ``RedisURLBuilder`` and ``ClickHouseURLBuilder`` take the same
arguments, detect Docker the same way and report problems the same way; this base class is
that common part, so a rule about it is fixed once.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, ClassVar, Protocol, Self

from confwarden.components.problems import (
    Problem,
    ValidationResult,
    collect,
    resolve_environment,
    text_variables,
)
from confwarden.components.url import SecretURL
from confwarden.environment.detection import Environment
from confwarden.environment.markers import in_container as detect_container
from confwarden.environment.policy import Severity, policy_for

__all__ = ["ComponentBuilder", "SingleURLBuilder", "container_alias", "is_local_host"]

_LOCAL_HOSTS = frozenset({"localhost", "::1", "0.0.0.0", "::"})


def is_local_host(host: str) -> bool:
    """Tell whether ``host`` names this machine (localhost, the loopback range, ``0.0.0.0``).

    Example:
        >>> is_local_host("127.0.0.2"), is_local_host("db.internal")
        (True, False)
    """
    lowered = host.strip().lower().strip("[]")
    return lowered in _LOCAL_HOSTS or lowered.startswith("127.") or lowered.endswith(".localhost")


def container_alias(
    *,
    host_variable: str,
    alias_variable: str,
    alias: str | None,
    default_host: str,
    in_container: Callable[[], bool],
) -> tuple[str, Problem | None]:
    """The host to use when ``host_variable`` is **not set**: the default, or a container alias.

    An explicitly set host is never rewritten (a ``127.0.0.1`` set on purpose inside a container
    is a sidecar or a tunnel, and silently turning it into ``postgres`` made a service fail at
    connect with an address nobody configured). Only a *defaulted* host is replaced, only when
    the project configured the alias (``alias_variable``, e.g. ``POSTGRES_DOCKER_SERVICE``), and
    only inside a container; the warning shows both names so the log says what happened.
    Callers use it only where the environment allows localhost (development, testing).

    Example:
        >>> container_alias(host_variable="REDIS_HOST", alias_variable="REDIS_DOCKER_SERVICE",
        ...     alias="cache", default_host="localhost", in_container=lambda: True)[0]
        'cache'
    """
    if not alias or not in_container():
        return default_host, None
    return alias, Problem(
        variable=host_variable,
        message=f"is not set; inside a container {alias_variable}={alias!r} replaces the default "
        f"{default_host!r}",
        fix=f"Set {host_variable} to choose the host yourself "
        "(an explicit host is never rewritten)",
        severity=Severity.WARNING,
    )


class ResolvedConfig(Protocol):
    """What :meth:`ComponentBuilder.from_config` needs: a loaded configuration
    (:meth:`confwarden.ConfigSchema.variables`)."""

    def variables(self) -> Mapping[str, str]:
        """The variables the configuration resolved (secrets dirs, ``.env`` included)."""
        ...


class ComponentBuilder(ABC):
    """Base of the component builders.

    Args:
        env_vars: the variables (``get_env().get_all()``, a test's dict); never
            ``os.environ`` behind the caller's back.
        environment: the environment; by default ``ENVIRONMENT`` from ``env_vars``, else
            development.
        in_docker: running in a container; None detects it from ``dockerenv_path``. Only used
            to apply a configured container alias to a *defaulted* host
            (:func:`container_alias`); an explicit host is never rewritten.
        dockerenv_path: the Docker marker file (injectable for tests); when it is named
            ``.dockerenv``, its directory is the root under which Podman's marker and the
            cgroup are looked for too (``environment.markers.in_container``).
        origins: variable -> where its value came from (e.g. from
            ``IsolatedEnvironment.get_variable_source``), quoted in every problem.
    """

    component: ClassVar[str]

    @classmethod
    def from_config(cls, config: ResolvedConfig, **options: Any) -> Self:
        """A builder on the variables ``config`` resolved: the one documented way.

        ``bootstrap(ShopConfig)`` reads mounted secrets, ``*_FILE`` files, remote stores and
        (in development) ``.env``; ``get_env().get_all()`` holds only some of them. This
        reads :meth:`~confwarden.ConfigSchema.variables` (values, schema defaults, the
        config's environment) and quotes each value's origin in problems.

        Args:
            config: a loaded configuration (``bootstrap(...)``'s result).
            **options: the constructor's other arguments (``in_docker=``, ``sync_driver=``).

        Example:
            >>> from confwarden import ConfigSchema, DatabaseURLBuilder
            >>> class Demo(ConfigSchema):
            ...     postgres_host: str = "db.internal"
            ...     postgres_password: str = "pw"
            >>> builder = DatabaseURLBuilder.from_config(Demo(), in_docker=False)
            >>> builder.get_url_for_environment().host
            'db.internal'
        """
        variables = config.variables()
        options.setdefault("origins", getattr(variables, "origins", None))
        return cls(variables, **options)

    def __init__(
        self,
        env_vars: Mapping[str, object],
        *,
        environment: Environment | str | None = None,
        in_docker: bool | None = None,
        dockerenv_path: Path | str = "/.dockerenv",
        origins: Mapping[str, str] | None = None,
    ) -> None:
        self._vars = text_variables(env_vars)
        self._origins = origins
        self.environment = resolve_environment(self._vars, environment)
        self.policy = policy_for(self.environment)
        self._in_docker = in_docker
        self._dockerenv_path = dockerenv_path

    @property
    def in_docker(self) -> bool:
        """Whether Docker hostname resolution may apply (explicit flag, else the marker file)."""
        if self._in_docker is None:
            self._in_docker = detect_container(self._vars, dockerenv_path=self._dockerenv_path)
        return self._in_docker

    @abstractmethod
    def _problems(self) -> list[Problem]:
        """Every problem found while building, errors and warnings."""

    def validate(self) -> ValidationResult:
        """Every problem with the variables in this environment; never raises, never a secret."""
        return collect(self.component, self.environment, self._problems(), self._origins)

    @abstractmethod
    def get_safe_log_message(self) -> str:
        """One log line describing what is in use, password masked."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.get_safe_log_message()!r})"


class SingleURLBuilder(ComponentBuilder):
    """A component that builds exactly one URL (Redis, ClickHouse)."""

    label: ClassVar[str]  # "Redis", for log lines
    password_variable: ClassVar[str]  # kept verbatim: a password's spaces are its own

    # Built on first use and kept: the variables of a builder never change.
    _built: tuple[SecretURL | None, list[Problem]] | None = None

    @abstractmethod
    def _do_build(self) -> tuple[SecretURL | None, list[Problem]]:
        """Build the URL once; problems are collected, never raised."""

    def _build(self) -> tuple[SecretURL | None, list[Problem]]:
        if self._built is None:
            self._built = self._do_build()
        return self._built

    def _problems(self) -> list[Problem]:
        return self._build()[1]

    def _get(self, name: str) -> str | None:
        """The variable's value, None when unset or blank; trimmed unless it is the password."""
        value = self._vars.get(name)
        if value is None or not value.strip():
            return None
        return value if name == self.password_variable else value.strip()

    @abstractmethod
    def debug_info(self) -> dict[str, object]:
        """What was resolved, password masked (``url`` is None when invalid)."""

    def get_safe_log_message(self) -> str:
        """One log line describing the URL in use, password masked."""
        url = self.debug_info()["url"]
        return f"{self.label} URL ({self.environment.value}): {url or '<invalid>'}"

    def get_url(self) -> SecretURL:
        """The URL (``str()`` masks the password; ``render(hide_password=False)`` does not).

        Raises:
            ComponentConfigError: the variables have errors in this environment (all listed).
        """
        url, _ = self._build()
        result = self.validate()
        result.raise_for_errors()
        result.log_warnings()
        assert url is not None  # no error means a URL was built
        return url
