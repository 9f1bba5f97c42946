"""ClickHouseURLBuilder: local HTTP in development, remote https with credentials when deployed.

spec/003 3.1: in staging and production ClickHouse is a remote ClickHouse Cloud service, not
a container; its complete URL (``https://user:password@cluster.region.clickhouse.cloud:8443/db``)
is one secret, ``CLICKHOUSE_URL``. A local URL, plain http, or missing credentials there is a
misconfiguration that must stop the service. In development the URL may also come from
``CLICKHOUSE_HOST``, ``CLICKHOUSE_PORT``, ``CLICKHOUSE_USER``, ``CLICKHOUSE_PASSWORD``,
``CLICKHOUSE_DB`` and ``CLICKHOUSE_SECURE``. The password is masked everywhere.
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

__all__ = ["ClickHouseURLBuilder"]

_COMPONENT = "ClickHouseURLBuilder"
_MIN_PASSWORD_LENGTH = 16


class ClickHouseURLBuilder(SingleURLBuilder):
    """Build and validate the ClickHouse HTTP(S) URL of one environment.

    Takes the arguments of :class:`~confwarden.components.base.ComponentBuilder`.

    Example:
        >>> url = "https://app:Zq8-long-generated-pw@abc.us-central1.gcp.clickhouse.cloud:8443/db"
        >>> str(ClickHouseURLBuilder({"CLICKHOUSE_URL": url}, environment="prod").get_url())
        'https://app:***@abc.us-central1.gcp.clickhouse.cloud:8443/db'
    """

    component = _COMPONENT
    label = "ClickHouse"
    password_variable = "CLICKHOUSE_PASSWORD"

    def debug_info(self) -> dict[str, object]:
        """What was resolved, password masked."""
        url, _ = self._build()
        result = self.validate()
        return {
            "environment": self.environment.value,
            "url": str(url) if url is not None and result.ok else None,
            "remote": url is not None and not is_local_host(url.host),
            "has_password": url is not None and url.has_password,
            "problems": [p.to_dict() for p in result.problems],
        }

    # -- building ---------------------------------------------------------------------------

    def _do_build(self) -> tuple[SecretURL | None, list[Problem]]:
        problems: list[Problem] = []
        url = self._from_url(problems) if self._get("CLICKHOUSE_URL") else None
        if url is None and not problems:
            url = self._from_components(problems)
        if url is not None:
            url = self._checked(url, problems)
        return url, problems

    def _from_url(self, problems: list[Problem]) -> SecretURL | None:
        try:
            url = parse_secret_url(self._get("CLICKHOUSE_URL") or "")
        except ValueError as exc:
            problems.append(
                Problem(variable="CLICKHOUSE_URL", message=str(exc), fix="Fix CLICKHOUSE_URL")
            )
            return None
        if url.scheme not in ("http", "https"):
            problems.append(
                Problem(
                    variable="CLICKHOUSE_URL",
                    message=f"has scheme {url.scheme!r}; the HTTP interface is used",
                    fix="Use https://user:password@host:8443/database",
                )
            )
            return None
        return url

    def _from_components(self, problems: list[Problem]) -> SecretURL | None:
        if self.environment.is_deployed and self._get("CLICKHOUSE_HOST") is None:
            problems.append(
                Problem(
                    variable="CLICKHOUSE_URL",
                    message=f"is not set; ClickHouse in {self.environment.value} "
                    "is a remote service",
                    fix="Set CLICKHOUSE_URL (https://user:password@host:8443/db) "
                    "from the secret store",
                )
            )
            return None
        secure = is_truthy(self._get("CLICKHOUSE_SECURE")) or self.environment.is_deployed
        raw_port = self._get("CLICKHOUSE_PORT")
        port = 8443 if secure else 8123
        if raw_port is not None:
            if not (raw_port.isdigit() and 0 < int(raw_port) < 65536):
                problems.append(
                    Problem(
                        variable="CLICKHOUSE_PORT",
                        message=f"{raw_port!r} is not a port",
                        fix="Fix it",
                    )
                )
                return None
            port = int(raw_port)
        return SecretURL(
            "https" if secure else "http",
            self._get("CLICKHOUSE_USER") or "default",
            self._get("CLICKHOUSE_PASSWORD"),
            self._get("CLICKHOUSE_HOST") or self._default_host(problems),
            port,
            self._get("CLICKHOUSE_DB") or "default",
        )

    def _default_host(self, problems: list[Problem]) -> str:
        if self.environment.is_deployed:
            return "localhost"  # reported as local by _checked
        host, aliased = container_alias(
            host_variable="CLICKHOUSE_HOST",
            alias_variable="CLICKHOUSE_DOCKER_SERVICE",
            alias=self._get("CLICKHOUSE_DOCKER_SERVICE"),
            default_host="localhost",
            in_container=lambda: self.in_docker,
        )
        problems.extend([aliased] if aliased else [])
        return host

    def _checked(self, url: SecretURL, problems: list[Problem]) -> SecretURL | None:
        deployed = self.environment.is_deployed
        source = "CLICKHOUSE_URL" if self._get("CLICKHOUSE_URL") else "CLICKHOUSE_HOST"
        if is_local_host(url.host):
            problems.append(
                Problem(
                    variable=source,
                    message=f"points at this machine ({url.host}); ClickHouse in "
                    f"{self.environment.value} is remote",
                    fix="Use the ClickHouse Cloud host name",
                    severity=self.policy.localhost_urls,
                )
            )
        if deployed and url.scheme != "https":
            problems.append(
                Problem(
                    variable=source,
                    message=f"uses http:// in {self.environment.value}",
                    fix="Use https://",
                )
            )
        if url.password is None or not url.username:
            if deployed:
                problems.append(
                    Problem(
                        variable=source,
                        message=f"has no credentials; {self.environment.value} requires them",
                        fix="Put user and password in CLICKHOUSE_URL",
                    )
                )
        else:
            reason = weakness(
                url.password, min_length=_MIN_PASSWORD_LENGTH, deployed=self.environment.is_deployed
            )
            if reason is not None:
                problems.append(
                    Problem(
                        variable=source,
                        message=f"its password {reason} (value not shown)",
                        fix="Use a generated password of at least "
                        f"{_MIN_PASSWORD_LENGTH} characters",
                        severity=self.policy.short_secret,
                    )
                )
        if any(p.severity is Severity.ERROR for p in problems):
            return None
        return url
