"""RedisURLBuilder: the Redis URL from components, with TLS and credentials where they matter.

A Redis URL holds a password and, in staging and production, must use TLS (``rediss://``).
It is built from ``REDIS_HOST``, ``REDIS_PORT``, ``REDIS_USERNAME``, ``REDIS_PASSWORD``,
``REDIS_DB``, ``REDIS_TLS`` or ``REDIS_SOCKET`` (a unix socket path), or from a complete
``REDIS_URL`` whose parts the components override; every part is percent-encoded, and the
result is a :class:`~confwarden.components.url.SecretURL` that masks the password.
"""

from __future__ import annotations

from confwarden.components.base import SingleURLBuilder, container_alias, is_local_host
from confwarden.components.problems import (
    Problem,
    is_truthy,
)
from confwarden.components.url import SecretURL, parse_secret_url
from confwarden.components.weak_secrets import weakness
from confwarden.environment.policy import Severity

__all__ = ["RedisURLBuilder"]

_COMPONENT = "RedisURLBuilder"
_MIN_PASSWORD_LENGTH = 16
_FALSY = frozenset({"0", "false", "no", "off"})


class RedisURLBuilder(SingleURLBuilder):
    """Build and validate the Redis URL of one environment.

    Takes the arguments of :class:`~confwarden.components.base.ComponentBuilder`.

    Example:
        >>> str(RedisURLBuilder({"REDIS_PASSWORD": "p@ss", "REDIS_DB": "2"},
        ...     in_docker=False).get_url())
        'redis://:***@localhost:6379/2'
    """

    component = _COMPONENT
    label = "Redis"
    password_variable = "REDIS_PASSWORD"

    def debug_info(self) -> dict[str, object]:
        """What was resolved, password masked."""
        url, _ = self._build()
        result = self.validate()
        return {
            "environment": self.environment.value,
            "url": str(url) if url is not None and result.ok else None,
            "transport": "unix_socket" if url is not None and url.scheme == "unix" else "tcp",
            "tls": url is not None and url.scheme == "rediss",
            "has_password": url is not None and url.has_password,
            "problems": [p.to_dict() for p in result.problems],
        }

    # -- building ---------------------------------------------------------------------------

    def _base(self, problems: list[Problem]) -> SecretURL | None:
        raw = self._get("REDIS_URL")
        if raw is None:
            return None
        try:
            base = parse_secret_url(raw)
        except ValueError as exc:
            problems.append(
                Problem(
                    variable="REDIS_URL", message=str(exc), fix="Fix REDIS_URL or use REDIS_HOST"
                )
            )
            return None
        if base.scheme not in ("redis", "rediss", "unix"):
            problems.append(
                Problem(
                    variable="REDIS_URL",
                    message=f"has scheme {base.scheme!r}",
                    fix="Use redis://, rediss:// or unix://",
                )
            )
            return None
        return base

    def _do_build(self) -> tuple[SecretURL | None, list[Problem]]:
        problems: list[Problem] = []
        deployed = self.environment.is_deployed
        base = self._base(problems)
        socket = self._get("REDIS_SOCKET") or (
            base.path if base and base.scheme == "unix" else None
        )
        own_host, own_password = self._get("REDIS_HOST"), self._get("REDIS_PASSWORD")
        host = own_host or (base.host if base and base.host else None)
        password = own_password or (base.password if base else None)
        # A problem is told against the variable the value came from: the URL's own host
        # or password is REDIS_URL's to fix, not REDIS_HOST's or REDIS_PASSWORD's.
        host_from = "REDIS_HOST" if own_host or base is None else "REDIS_URL"
        from_url = not own_password and base is not None and base.password
        password_from = "REDIS_URL" if from_url else "REDIS_PASSWORD"
        username = self._get("REDIS_USERNAME") or (base.username if base else None) or None
        db = self._number("REDIS_DB", base_db(base), 0, 1 << 16, problems) or 0
        port = self._number("REDIS_PORT", base.port if base else None, 1, 65536, problems)
        tls_flag = self._get("REDIS_TLS")
        tls = is_truthy(tls_flag) or (
            tls_flag is None and base is not None and base.scheme == "rediss"
        )

        host_unset = socket is None and host is None
        if host_unset:
            if deployed:
                problems.append(
                    Problem(
                        variable="REDIS_HOST",
                        message=f"is not set; {self.environment.value} has no default for it",
                        fix="Set REDIS_HOST (or REDIS_SOCKET) in the deployment",
                    )
                )
            host = "localhost"
            if not deployed:
                host, aliased = container_alias(
                    host_variable="REDIS_HOST",
                    alias_variable="REDIS_DOCKER_SERVICE",
                    alias=self._get("REDIS_DOCKER_SERVICE"),
                    default_host=host,
                    in_container=lambda: self.in_docker,
                )
                problems.extend([aliased] if aliased else [])
        # An unset REDIS_HOST is reported as unset, not also as the localhost it defaults to.
        if (
            socket is None
            and host is not None
            and is_local_host(host)
            and not (host_unset and deployed)
        ):
            problems.append(
                Problem(
                    variable=host_from,
                    message=f"{host!r} is this machine in {self.environment.value}",
                    fix=f"Set {host_from} to the Redis server's address",
                    severity=self.policy.localhost_urls,
                )
            )
        problems.extend(self._password_problems(password, password_from))
        if deployed and socket is None:
            if tls_flag is not None and tls_flag.lower() in _FALSY:
                problems.append(
                    Problem(
                        variable="REDIS_TLS",
                        message=f"turns TLS off in {self.environment.value}",
                        fix="Unset REDIS_TLS or set it to true: deployed Redis uses rediss://",
                    )
                )
            tls = True
        if any(p.severity is Severity.ERROR for p in problems):
            return None, problems
        if socket is not None:
            query = (("db", str(db)),) if db else ()
            url = SecretURL("unix", username, password, "", None, socket, query, path_is_file=True)
        else:
            url = SecretURL(
                "rediss" if tls else "redis", username, password, host or "", port or 6379,
                str(db),
            )  # fmt: skip
        return url, problems

    def _password_problems(self, password: str | None, variable: str) -> list[Problem]:
        if password is None:
            if self.policy.fallbacks_allowed:
                return []
            return [
                Problem(
                    variable="REDIS_PASSWORD",
                    message=f"is not set; {self.environment.value} requires authentication",
                    fix="Set REDIS_PASSWORD from the secret store",
                )
            ]
        reason = weakness(
            password, min_length=_MIN_PASSWORD_LENGTH, deployed=self.environment.is_deployed
        )
        if reason is None:
            return []
        return [
            Problem(
                variable=variable,
                message=f"{reason} (value not shown)",
                fix=f"Use a generated password of at least {_MIN_PASSWORD_LENGTH} characters"
                + (" in REDIS_URL, or set REDIS_PASSWORD" if variable == "REDIS_URL" else ""),
                severity=self.policy.short_secret,
            )
        ]

    def _number(
        self, name: str, fallback: int | None, low: int, high: int, problems: list[Problem]
    ) -> int | None:
        raw = self._get(name)
        if raw is None:
            return fallback
        if raw.isdigit() and low <= int(raw) < high:
            return int(raw)
        problems.append(
            Problem(
                variable=name,
                message=f"{raw!r} is not a number from {low} to {high - 1}",
                fix=f"Fix {name}",
            )
        )
        return fallback


def base_db(base: SecretURL | None) -> int | None:
    """The database number of a parsed ``REDIS_URL`` (path or ``?db=``), if any."""
    if base is None:
        return None
    raw = base.query_params.get("db") if base.scheme == "unix" else base.path
    return int(raw) if raw and raw.isdigit() else None
