"""DatabaseURLBuilder: the one way from variables to a PostgreSQL URL (spec/003 "URL SSOT").

Every service used to glue its database URL together by hand: one forgot to encode an ``@``
in the password, one passed ``sslmode`` to asyncpg (which refuses it), one read a stale
``DATABASE_URL`` in staging. Here a URL is built from component variables
(``POSTGRES_HOST``, ``POSTGRES_PORT``, ``POSTGRES_USER``, ``POSTGRES_PASSWORD``,
``POSTGRES_DB``, optional ``POSTGRES_SSLMODE``), in the form SQLAlchemy 2 accepts for each
driver, over TCP or a Cloud SQL unix socket, with the rules of the environment:

* development/testing: defaults allowed; inside a container an unset host becomes
  ``POSTGRES_DOCKER_SERVICE`` when that is configured (an explicit host is never rewritten);
  an in-memory SQLite database only when ``USE_MEMORY_DB`` asks for it;
* staging/production: no localhost, credentials required, TLS required on TCP, weak or
  placeholder passwords refused; every problem is reported at once.

A legacy ``DATABASE_URL`` is never trusted as is: it is reported, and parsed into components
and validated only when the caller opts in with ``parse_legacy_url=True``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from confwarden.components.base import ComponentBuilder, container_alias, is_local_host
from confwarden.components.legacy_url import merge_legacy_url
from confwarden.components.problems import (
    Problem,
    ValidationResult,
    is_truthy,
)
from confwarden.components.url import SecretURL
from confwarden.components.weak_secrets import weakness
from confwarden.environment.detection import Environment
from confwarden.environment.policy import FallbackKind, Severity

__all__ = ["DatabaseURLBuilder", "Driver", "Transport", "is_local_host"]

_COMPONENT = "DatabaseURLBuilder"
_SSLMODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
_INSECURE_SSLMODES = frozenset({"disable", "allow", "prefer"})
_MIN_PASSWORD_LENGTH = 12
_DEFAULT_PORT = 5432
_COMPONENT_VARIABLES = (
    "POSTGRES_HOST",
    "POSTGRES_PORT",
    "POSTGRES_USER",
    "POSTGRES_PASSWORD",
    "POSTGRES_DB",
    "POSTGRES_SSLMODE",
)
# /cloudsql/PROJECT:REGION:INSTANCE; a domain-scoped project is "example.com:project".
_CLOUDSQL_SOCKET = re.compile(
    r"/cloudsql/(?:[a-z0-9][a-z0-9.-]*:)?[a-z][a-z0-9-]*:[a-z][a-z0-9-]*:[a-z][a-z0-9-]*/?"
)
_DEV_DEFAULTS = {
    "POSTGRES_HOST": "localhost",
    "POSTGRES_USER": "postgres",
    "POSTGRES_DB": "postgres",
}


class Driver(StrEnum):
    """The drivers the builder targets, each with its SQLAlchemy 2 dialect name."""

    ASYNCPG = "asyncpg"
    PSYCOPG = "psycopg"
    PSYCOPG2 = "psycopg2"

    @property
    def supports_async(self) -> bool:
        """True for drivers usable with ``create_async_engine``."""
        return self is not Driver.PSYCOPG2

    @property
    def supports_sync(self) -> bool:
        """True for drivers usable with ``create_engine``."""
        return self is not Driver.ASYNCPG


class Transport(StrEnum):
    """How the database is reached."""

    TCP = "tcp"
    UNIX_SOCKET = "unix_socket"
    MEMORY = "memory"


@dataclass(slots=True)
class _Resolved:
    """The components after defaults, legacy parsing and Docker resolution."""

    transport: Transport
    host: str = ""
    port: int | None = None
    user: str | None = None
    password: str | None = None
    database: str | None = None
    sslmode: str | None = None
    docker_resolved: bool = False
    sources: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


class DatabaseURLBuilder(ComponentBuilder):
    """Build and validate the PostgreSQL URL of one environment from component variables.

    Args:
        env_vars: the variables (``get_env().get_all()``, a test's dict); never ``os.environ``
            behind the caller's back.
        environment: the environment to build for; by default ``ENVIRONMENT`` from
            ``env_vars``, else development.
        in_docker: whether this process runs in a container; None detects it from
            ``dockerenv_path``.
        dockerenv_path: the marker file of a Docker container (injectable for tests).
        origins: variable -> where its value came from (e.g. from
            ``IsolatedEnvironment.get_variable_source``), quoted in every problem.
        parse_legacy_url: parse a legacy ``DATABASE_URL`` into components (and validate them)
            instead of only reporting it.
        sync_driver: the driver of ``sync=True`` URLs when none is asked for.

    Example:
        >>> builder = DatabaseURLBuilder({"POSTGRES_HOST": "db", "POSTGRES_USER": "app",
        ...     "POSTGRES_PASSWORD": "p@ss/w:rd%#?", "POSTGRES_DB": "app"}, in_docker=False)
        >>> str(builder.get_url_for_environment())
        'postgresql+asyncpg://app:***@db:5432/app'
    """

    component = _COMPONENT

    def __init__(
        self,
        env_vars: Mapping[str, object],
        *,
        environment: Environment | str | None = None,
        in_docker: bool | None = None,
        dockerenv_path: Path | str = "/.dockerenv",
        origins: Mapping[str, str] | None = None,
        parse_legacy_url: bool = False,
        sync_driver: Driver | str = Driver.PSYCOPG,
    ) -> None:
        super().__init__(
            env_vars,
            environment=environment,
            in_docker=in_docker,
            dockerenv_path=dockerenv_path,
            origins=origins,
        )
        self.parse_legacy_url = parse_legacy_url
        self.sync_driver = sync_driver if type(sync_driver) is Driver else Driver(sync_driver)
        self._resolved: _Resolved | None = None

    # -- public API -------------------------------------------------------------------------

    @property
    def transport(self) -> Transport:
        """TCP, a unix socket (Cloud SQL) or an in-memory SQLite database."""
        return self._resolve().transport

    def _problems(self) -> list[Problem]:
        return self._resolve().problems

    def get_url_for_environment(
        self, sync: bool = False, *, driver: Driver | str | None = None
    ) -> SecretURL:
        """The SQLAlchemy URL for this environment (``str()`` masks the password).

        Args:
            sync: a URL for ``create_engine`` instead of ``create_async_engine``.
            driver: ``asyncpg`` (async), ``psycopg`` (sync or async) or ``psycopg2`` (sync);
                by default asyncpg for async and ``sync_driver`` for sync.

        Returns:
            The URL; pass ``url.render(hide_password=False)`` or ``url.to_sqlalchemy()`` to
            the engine.

        Raises:
            ComponentConfigError: the variables have errors in this environment (all listed).
            ValueError: the driver cannot serve the requested sync/async mode.
        """
        chosen = self._choose_driver(sync, driver)
        resolved = self._checked()
        if resolved.transport is Transport.MEMORY:
            scheme = "sqlite" if sync else "sqlite+aiosqlite"
            return SecretURL(scheme, path=":memory:", path_is_file=True)
        return self._postgres_url(resolved, f"postgresql+{chosen.value}", chosen)

    def get_dsn(self) -> SecretURL:
        """The libpq-style DSN for the drivers' own ``connect()`` (asyncpg, psycopg, psycopg2).

        The raw drivers all parse ``postgresql://...?sslmode=require`` themselves; only
        SQLAlchemy's asyncpg dialect needs ``ssl=`` instead.

        Raises:
            ComponentConfigError: the variables have errors, or no PostgreSQL is configured
                (in-memory database).
        """
        resolved = self._checked()
        if resolved.transport is Transport.MEMORY:
            problem = Problem(
                variable="USE_MEMORY_DB/POSTGRES_HOST",
                message="no PostgreSQL is configured: "
                "this environment uses an in-memory SQLite database",
                fix="Set POSTGRES_HOST (and unset USE_MEMORY_DB) to get a PostgreSQL DSN",
            )
            ValidationResult(_COMPONENT, self.environment, (problem,)).raise_for_errors()
        return self._postgres_url(resolved, "postgresql", None)

    def debug_info(self) -> dict[str, object]:
        """What the builder resolved and why, with the password masked (spec/003 debug tools)."""
        resolved = self._resolve()
        result = self.validate()
        url: str | None = None
        if result.ok:
            url = str(self.get_url_for_environment())
        return {
            "environment": self.environment.value,
            "transport": resolved.transport.value,
            "host": resolved.host or None,
            "port": resolved.port,
            "database": resolved.database,
            "user": resolved.user,
            "has_password": bool(resolved.password),
            "sslmode": resolved.sslmode,
            "in_docker": self.in_docker,
            "docker_resolved": resolved.docker_resolved,
            "legacy_database_url_present": bool(self._vars.get("DATABASE_URL", "").strip()),
            "sources": dict(resolved.sources),
            "url": url,
            "problems": [p.to_dict() for p in result.problems],
        }

    def get_safe_log_message(self, sync: bool = False) -> str:
        """One log line describing the URL in use, password masked."""
        result = self.validate()
        if not result.ok:
            return (
                f"Database URL ({self.environment.value}): not built, "
                f"{len(result.errors)} error(s): " + "; ".join(str(p) for p in result.errors)
            )
        url = self.get_url_for_environment(sync)
        return f"Database URL ({self.environment.value}, {self.transport.value}): {url}"

    def __repr__(self) -> str:
        result = self.validate()
        shown = str(self.get_url_for_environment()) if result.ok else "<invalid>"
        return (
            f"{type(self).__name__}(environment={self.environment.value!r}, "
            f"transport={self.transport.value!r}, url={shown!r})"
        )

    __str__ = __repr__

    # -- building ---------------------------------------------------------------------------

    def _choose_driver(self, sync: bool, driver: Driver | str | None) -> Driver:
        if driver is None:
            return self.sync_driver if sync else Driver.ASYNCPG
        chosen = Driver(driver)
        if sync and not chosen.supports_sync:
            raise ValueError(f"driver {chosen.value!r} is async only; use psycopg or psycopg2")
        if not sync and not chosen.supports_async:
            raise ValueError(f"driver {chosen.value!r} is sync only; use asyncpg or psycopg")
        return chosen

    def _checked(self) -> _Resolved:
        resolved = self._resolve()
        if not resolved.problems:
            return resolved
        result = self.validate()
        result.raise_for_errors()
        result.log_warnings()
        return self._resolve()

    def _postgres_url(self, resolved: _Resolved, scheme: str, driver: Driver | None) -> SecretURL:
        query: list[tuple[str, str]] = []
        socket = resolved.transport is Transport.UNIX_SOCKET
        if socket:
            # Every driver takes the socket directory and port as query parameters; raw
            # asyncpg ignores ?host= when the netloc has a port, so the port goes there too.
            query.append(("host", resolved.host))
            if resolved.port is not None:
                query.append(("port", str(resolved.port)))
        elif resolved.sslmode is not None:
            # SQLAlchemy hands query parameters to asyncpg.connect(), which takes ssl=, not
            # sslmode=; libpq (psycopg, psycopg2) and raw asyncpg DSNs take sslmode=.
            key = "ssl" if driver is Driver.ASYNCPG else "sslmode"
            query.append((key, resolved.sslmode))
        return SecretURL(
            scheme=scheme,
            username=resolved.user,
            password=resolved.password,
            host="" if socket else resolved.host,
            port=None if socket else resolved.port,
            path=resolved.database or "",
            query=tuple(query),
        )

    # -- resolution -------------------------------------------------------------------------

    def _resolve(self) -> _Resolved:
        if self._resolved is None:
            self._resolved = self._do_resolve()
        return self._resolved

    def _do_resolve(self) -> _Resolved:
        problems: list[Problem] = []
        values: dict[str, str | None] = {}
        sources: dict[str, str] = {}
        get = self._vars.get
        for name in _COMPONENT_VARIABLES:
            value = get(name)
            if value is not None and not value.isspace() and value:
                # Only the password keeps its spaces: they may be part of it.
                values[name] = value if name == "POSTGRES_PASSWORD" else value.strip()
                sources[name] = "variable"
            else:
                values[name] = None
        merge_legacy_url(
            self._vars.get("DATABASE_URL", ""), self.parse_legacy_url, values, sources, problems
        )

        # The in-memory database is opt-in (USE_MEMORY_DB, e.g. a preset's test default): a
        # PostgreSQL app under test keeps PostgreSQL (issue 9.3).
        if self._memory_requested(problems):
            return _Resolved(Transport.MEMORY, sources=sources, problems=problems)

        self._fill_defaults(values, sources, problems)
        host = values["POSTGRES_HOST"] or ""
        transport = Transport.UNIX_SOCKET if host.startswith("/") else Transport.TCP
        resolved = _Resolved(transport, host=host, sources=sources, problems=problems)
        resolved.port = self._port(values["POSTGRES_PORT"], transport, problems)
        resolved.user = values["POSTGRES_USER"]
        resolved.password = values["POSTGRES_PASSWORD"]
        resolved.database = values["POSTGRES_DB"]
        self._check_host(resolved)
        self._check_credentials(resolved)
        resolved.sslmode = self._sslmode(values["POSTGRES_SSLMODE"], transport, problems)
        return resolved

    def _memory_requested(self, problems: list[Problem]) -> bool:
        if not is_truthy(self._vars.get("USE_MEMORY_DB")):
            return False
        if self.policy.fallbacks_allowed:
            return True
        problems.append(
            Problem(
                variable="USE_MEMORY_DB",
                message=f"asks for an in-memory database in {self.environment.value}",
                fix=f"Unset USE_MEMORY_DB: {self.environment.value} always uses its real database",
            )
        )
        return False

    def _fill_defaults(
        self, values: dict[str, str | None], sources: dict[str, str], problems: list[Problem]
    ) -> None:
        for name, default in _DEV_DEFAULTS.items():
            if values[name] is not None:
                continue
            if name == "POSTGRES_HOST" and self.policy.fallbacks_allowed:
                host, aliased = container_alias(
                    host_variable=name,
                    alias_variable="POSTGRES_DOCKER_SERVICE",
                    alias=self._vars.get("POSTGRES_DOCKER_SERVICE", "").strip(),
                    default_host=default,
                    in_container=lambda: self.in_docker,
                )
                if aliased is not None:
                    values[name], sources[name] = host, "POSTGRES_DOCKER_SERVICE"
                    problems.append(aliased)
                    continue
            if not self.policy.fallbacks_allowed:
                problems.append(
                    Problem(
                        variable=name,
                        message=f"is not set; {self.environment.value} has no default for it",
                        fix=f"Set {name} in the deployment's environment or secret store",
                    )
                )
                continue
            values[name] = default
            sources[name] = f"{self.environment.value} default"
            if self.policy.fallbacks is FallbackKind.GENERATED:
                problems.append(
                    Problem(
                        variable=name,
                        message=f"is not set; using the development default {default!r}",
                        fix=f"Set {name} to silence this warning",
                        severity=Severity.WARNING,
                    )
                )

    def _port(self, raw: str | None, transport: Transport, problems: list[Problem]) -> int | None:
        if raw is None:
            # A socket without a port uses the driver default (5432) for its file name.
            return _DEFAULT_PORT if transport is Transport.TCP else None
        if raw.isdigit() and 0 < int(raw) < 65536:
            return int(raw)
        problems.append(
            Problem(
                variable="POSTGRES_PORT",
                message=f"{raw!r} is not a port number between 1 and 65535",
                fix="Set POSTGRES_PORT to the server's port, e.g. 5432",
            )
        )
        return None

    def _check_host(self, resolved: _Resolved) -> None:
        resolved.docker_resolved = resolved.sources.get("POSTGRES_HOST") == (
            "POSTGRES_DOCKER_SERVICE"
        )
        if resolved.host.startswith("/cloudsql") and not _CLOUDSQL_SOCKET.fullmatch(resolved.host):
            # The proxy's directory is named after the instance connection name; anything
            # else is a socket that does not exist, found only at the first connect.
            resolved.problems.append(
                Problem(
                    variable="POSTGRES_HOST",
                    message=f"{resolved.host!r} is not a Cloud SQL socket directory",
                    fix="Use /cloudsql/PROJECT:REGION:INSTANCE, the instance connection name "
                    "(gcloud sql instances describe INSTANCE --format='value(connectionName)')",
                )
            )
        if resolved.transport is not Transport.TCP or not is_local_host(resolved.host):
            return
        resolved.problems.append(
            Problem(
                variable="POSTGRES_HOST",
                message=f"{resolved.host!r} is this machine, not a database server, "
                f"in {self.environment.value}",
                fix="Set POSTGRES_HOST to the database server's address or a Cloud SQL socket "
                "directory (/cloudsql/project:region:instance)",
                severity=self.policy.localhost_urls,
            )
        )

    def _check_credentials(self, resolved: _Resolved) -> None:
        password = resolved.password
        if password is None:
            if not self.policy.fallbacks_allowed:
                resolved.problems.append(
                    Problem(
                        variable="POSTGRES_PASSWORD",
                        message=f"is not set; {self.environment.value} requires credentials",
                        fix="Set POSTGRES_PASSWORD from the secret store",
                    )
                )
            return
        reason = weakness(
            password, min_length=_MIN_PASSWORD_LENGTH, deployed=self.environment.is_deployed
        )
        if reason is not None:
            resolved.problems.append(
                Problem(
                    variable="POSTGRES_PASSWORD",
                    message=f"{reason} (value not shown)",
                    fix=f"Use a generated password of at least {_MIN_PASSWORD_LENGTH} characters",
                    severity=self.policy.short_secret,
                )
            )

    def _sslmode(
        self, raw: str | None, transport: Transport, problems: list[Problem]
    ) -> str | None:
        if raw is not None and raw.lower() not in _SSLMODES:
            problems.append(
                Problem(
                    variable="POSTGRES_SSLMODE",
                    message=f"{raw!r} is not an sslmode",
                    fix=f"Set POSTGRES_SSLMODE to one of: {', '.join(_SSLMODES)}",
                )
            )
            return None
        mode = raw.lower() if raw is not None else None
        if transport is not Transport.TCP:
            return None  # a unix socket is local to the Cloud SQL proxy: no TLS on it
        if not self.environment.is_deployed:
            return mode
        if mode in _INSECURE_SSLMODES:
            problems.append(
                Problem(
                    variable="POSTGRES_SSLMODE",
                    message=f"{mode!r} allows an unencrypted connection "
                    f"in {self.environment.value}",
                    fix="Set POSTGRES_SSLMODE=require (or verify-full), or unset it",
                )
            )
        return mode or "require"
