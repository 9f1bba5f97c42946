"""PortDiscovery: the URL of another service, and port conflicts, by the rules of each environment.

In development a service is ``http://localhost:<port>`` (the port from ``<SERVICE>_PORT`` or
the project's default for it), or ``http://<compose service name>:<port>`` inside a container
when that alias is configured and the host is not set. In staging and
production it is the configured ``<SERVICE>_SERVICE_URL``, which must be https and must not
point at this machine. Port conflict detection compares what each service really resolves
to: two services on the same host and port in development conflict, while several services
behind 443 on different host names (or different paths) in production do not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from confwarden.components.base import container_alias, is_local_host
from confwarden.components.problems import (
    Problem,
    ValidationResult,
    class_or_instance,
    collect,
    resolve_environment,
    text_variables,
)
from confwarden.environment.detection import Environment
from confwarden.environment.markers import in_container as detect_container
from confwarden.environment.policy import Severity, policy_for

__all__ = ["DEFAULT_SERVICES", "PortConflict", "PortDiscovery", "ServiceSpec"]

_COMPONENT = "PortDiscovery"
_SERVICE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


@dataclass(frozen=True, slots=True)
class ServiceSpec:
    """A service other services talk to.

    Attributes:
        name: the service's name (``auth``); its variables are ``AUTH_PORT``,
            ``AUTH_HOST``, ``AUTH_SERVICE_URL`` and ``AUTH_DOCKER_SERVICE``.
        default_port: the development port when ``<NAME>_PORT`` is not set; None: the port
            must be configured.
        docker_name: the compose service name that replaces the *default* host inside a
            container (``<NAME>_DOCKER_SERVICE`` overrides it); None: no aliasing. An
            explicit ``<NAME>_HOST`` is never rewritten.
    """

    name: str
    default_port: int | None = None
    docker_name: str | None = None

    @property
    def prefix(self) -> str:
        """The variable prefix (``AUTH``)."""
        return self.name.upper().replace("-", "_")


# The core knows no service: a project passes its own (``services=[ServiceSpec("auth", 8081)]``),
# and any other name is resolved by the same variable conventions with no default port.
# The spec platform's table is ``confwarden.presets.agent_platform.ports.SERVICES``.
DEFAULT_SERVICES: tuple[ServiceSpec, ...] = ()


@dataclass(frozen=True, slots=True)
class PortConflict:
    """Services that resolve to the same place."""

    services: tuple[str, ...]
    address: str

    def __str__(self) -> str:
        return f"{', '.join(self.services)} all resolve to {self.address}"


class PortDiscovery:
    """Resolve service URLs and detect port conflicts from a mapping of variables.

    Args:
        env_vars: the variables (``get_env().get_all()``, a test's dict).
        environment: the environment; by default ``ENVIRONMENT`` from ``env_vars``.
        services: the project's services, with their development ports (default: none;
            any name is still resolved from its ``<NAME>_*`` variables, without a default
            port). ``validate()``/``find_conflicts()`` look at these.
        in_docker: running in a container; None detects it from ``dockerenv_path``.
        dockerenv_path: the Docker marker file (injectable for tests); when it is named
            ``.dockerenv``, its directory is the root under which Podman's marker and the
            cgroup are looked for too (``environment.markers.in_container``).
        origins: variable -> where its value came from (e.g. from
            ``IsolatedEnvironment.get_variable_source``), quoted in every problem.

    Example:
        >>> PortDiscovery({"AUTH_PORT": "9001"}, in_docker=False).get_service_url("auth")
        'http://localhost:9001'
        >>> PortDiscovery({}, services=[ServiceSpec("auth", 8081)]).get_service_url("auth")
        'http://localhost:8081'
    """

    def __init__(
        self,
        env_vars: Mapping[str, object],
        *,
        environment: Environment | str | None = None,
        services: Iterable[ServiceSpec] = DEFAULT_SERVICES,
        in_docker: bool | None = None,
        dockerenv_path: Path | str = "/.dockerenv",
        origins: Mapping[str, str] | None = None,
    ) -> None:
        self._vars = text_variables(env_vars)
        self._origins = origins
        self.environment = resolve_environment(self._vars, environment)
        self.services = {spec.name: spec for spec in services}
        self._in_docker = in_docker
        self._dockerenv_path = dockerenv_path

    @classmethod
    def from_process_env(cls) -> PortDiscovery:
        """A discovery over the process's variables, read through ``get_env()``."""
        from confwarden.environment.process import get_env

        return cls(get_env().get_all())

    @property
    def in_docker(self) -> bool:
        """Whether compose service names replace localhost (flag, else the marker file)."""
        if self._in_docker is None:
            self._in_docker = detect_container(self._vars, dockerenv_path=self._dockerenv_path)
        return self._in_docker

    def _get_service_url(self, service: str, environment: Environment | str | None = None) -> str:
        """The base URL of ``service`` in this (or the given) environment.

        Raises:
            ValueError: the service is unknown.
            ComponentConfigError: its variables are wrong for the environment.
        """
        env = self._environment(environment)
        url, problems = self._resolve(self._spec(service), env)
        result = collect(_COMPONENT, env, problems, self._origins)
        result.raise_for_errors()
        result.log_warnings()
        assert url is not None  # no error means a URL was resolved
        return url

    get_service_url = class_or_instance(_get_service_url)

    def validate(
        self, services: Iterable[str] | None = None, *, environment: Environment | str | None = None
    ) -> ValidationResult:
        """Every problem of the given services (default: all), port conflicts included."""
        env = self._environment(environment)
        problems: list[Problem] = []
        for name in self._names(services):
            problems.extend(self._resolve(self._spec(name), env)[1])
        for conflict in self.find_conflicts(services, environment=env):
            problems.append(
                Problem(
                    variable="/".join(self._port_variable(s, env) for s in conflict.services),
                    message=f"port conflict: {conflict}",
                    fix="Give each service its own port (or host name, or path)",
                )
            )
        return collect(_COMPONENT, env, problems, self._origins)

    def find_conflicts(
        self, services: Iterable[str] | None = None, *, environment: Environment | str | None = None
    ) -> list[PortConflict]:
        """Services that resolve to the same host, port and path.

        Host names are compared as resolved: several services on 443 with different host
        names or paths do not conflict; two on ``localhost:8000`` do, whatever spelling of
        the local host each uses.
        """
        env = self._environment(environment)
        seen: dict[tuple[str, int, str], list[str]] = {}
        for name in self._names(services):
            url, _ = self._resolve(self._spec(name), env)
            if url is None:
                continue
            parts = urlsplit(url)
            host = (parts.hostname or "").lower()
            host = "localhost" if is_local_host(host) else host
            port = parts.port or (443 if parts.scheme == "https" else 80)
            seen.setdefault((host, port, parts.path.rstrip("/")), []).append(name)
        return [
            PortConflict(tuple(names), f"{host}:{port}{path}")
            for (host, port, path), names in seen.items()
            if len(names) > 1
        ]

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(environment={self.environment.value!r}, "
            f"services={sorted(self.services)!r})"
        )

    # -- resolution -------------------------------------------------------------------------

    def _environment(self, environment: Environment | str | None) -> Environment:
        return self.environment if environment is None else resolve_environment({}, environment)

    def _names(self, services: Iterable[str] | None) -> list[str]:
        return list(self.services) if services is None else list(services)

    def _spec(self, service: str) -> ServiceSpec:
        spec = self.services.get(service)
        if spec is not None:
            return spec
        if not _SERVICE_NAME.fullmatch(service):
            raise ValueError(
                f"{service!r} is not a service name (letters, digits, '-' and '_'); "
                "its variables would be <NAME>_PORT, <NAME>_HOST, <NAME>_SERVICE_URL"
            )
        return ServiceSpec(service)

    def _port_variable(self, service: str, environment: Environment) -> str:
        prefix = self._spec(service).prefix
        return f"{prefix}_SERVICE_URL" if environment.is_deployed else f"{prefix}_PORT"

    def _get(self, name: str) -> str | None:
        value = self._vars.get(name, "").strip()
        return value or None

    def _resolve(
        self, spec: ServiceSpec, environment: Environment
    ) -> tuple[str | None, list[Problem]]:
        if environment.is_deployed:
            return self._deployed_url(spec, environment)
        return self._local_url(spec, environment)

    def _local_url(
        self, spec: ServiceSpec, environment: Environment
    ) -> tuple[str | None, list[Problem]]:
        configured = self._get(f"{spec.prefix}_SERVICE_URL")
        if configured is not None:
            # An explicit URL wins in development too (a shared dev cluster, a tunnel).
            return self._checked_url(spec, configured, environment)
        variable = f"{spec.prefix}_PORT"
        raw = self._get(variable)
        port = spec.default_port
        if raw is None and port is None:
            return None, [
                Problem(
                    variable=variable,
                    message=f"is not set and {spec.name!r} has no default port",
                    fix=f"Set {variable} (or {spec.prefix}_SERVICE_URL), or describe the service: "
                    f"PortDiscovery(..., services=[ServiceSpec({spec.name!r}, PORT)])",
                )
            ]
        if raw is not None:
            if not (raw.isdigit() and 0 < int(raw) < 65536):
                return None, [
                    Problem(
                        variable=variable,
                        message=f"{raw!r} is not a port number between 1 and 65535",
                        fix=f"Set {variable} to the port {spec.name} listens on",
                    )
                ]
            port = int(raw)
        host = self._get(f"{spec.prefix}_HOST")
        problems: list[Problem] = []
        if host is None:
            host, aliased = container_alias(
                host_variable=f"{spec.prefix}_HOST",
                alias_variable=f"{spec.prefix}_DOCKER_SERVICE",
                alias=self._get(f"{spec.prefix}_DOCKER_SERVICE") or spec.docker_name,
                default_host="localhost",
                in_container=lambda: self.in_docker,
            )
            problems.extend([aliased] if aliased else [])
        return f"http://{host}:{port}", problems

    def _deployed_url(
        self, spec: ServiceSpec, environment: Environment
    ) -> tuple[str | None, list[Problem]]:
        variable = f"{spec.prefix}_SERVICE_URL"
        configured = self._get(variable)
        if configured is None:
            return None, [
                Problem(
                    variable=variable,
                    message=f"is not set; {environment.value} does not guess service URLs",
                    fix=f"Set {variable} to the https URL of {spec.name}",
                )
            ]
        return self._checked_url(spec, configured, environment)

    def _checked_url(
        self, spec: ServiceSpec, url: str, environment: Environment
    ) -> tuple[str | None, list[Problem]]:
        variable = f"{spec.prefix}_SERVICE_URL"
        policy = policy_for(environment)
        parts = urlsplit(url)
        problems: list[Problem] = []
        try:
            parts.port  # noqa: B018 - urlsplit validates the port lazily
        except ValueError:
            return None, [
                Problem(
                    variable=variable, message="has a port that is not a number", fix="Fix the URL"
                )
            ]
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return None, [
                Problem(
                    variable=variable,
                    message="is not an http(s) URL with a host",
                    fix=f"Set {variable} like https://{spec.name}.example.com",
                )
            ]
        if parts.username is not None or parts.password is not None:
            problems.append(
                Problem(
                    variable=variable,
                    message="contains credentials (not shown)",
                    fix="Remove the user and password from the URL; authenticate with a header",
                )
            )
        if environment.is_deployed and parts.scheme != "https":
            problems.append(
                Problem(
                    variable=variable,
                    message=f"uses {parts.scheme}:// in {environment.value}",
                    fix=f"Use https://{parts.hostname}",
                )
            )
        if is_local_host(parts.hostname):
            problems.append(
                Problem(
                    variable=variable,
                    message=f"points at this machine ({parts.hostname}) in {environment.value}",
                    fix=f"Set {variable} to the deployed address of {spec.name}",
                    severity=policy.localhost_urls,
                )
            )
        errors = [p for p in problems if p.severity is Severity.ERROR]
        return (None if errors else url.rstrip("/")), problems
