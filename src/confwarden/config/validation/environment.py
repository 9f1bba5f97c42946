"""Environment rules: no localhost and https only where the platform is deployed.

spec/003 "Environment Configuration Consistency": staging is production-like, "no localhost
URLs". A ``localhost`` URL copied from a developer's ``.env`` into a deployment points every
request at the container itself; an ``http://`` frontend URL sends cookies and tokens in
clear. How bad that is comes from the environment policy (``localhost_urls``: ignored in
development and testing, an error in staging and production), not from comparing names.
The database host is the DatabaseURLBuilder's business and is skipped here.
"""

from __future__ import annotations

from collections.abc import Iterator

from confwarden.components.database_url import is_local_host
from confwarden.config.spec import Problem
from confwarden.config.validation.base import Rule, ValidationContext, policy_severity
from confwarden.config.validation.index import HOST, URL
from confwarden.config.validation.urls import is_url_setting, parse_url

__all__ = ["DeployedUrlRule"]

# Schemes with a TLS twin: the plain one sends credentials and data in clear.
_PLAIN_SCHEMES = {
    "http": "https",
    "ws": "wss",
    "redis": "rediss",
    "amqp": "amqps",
    "mqtt": "mqtts",
    "ldap": "ldaps",
    "ftp": "ftps",
}
_SKIPPED = frozenset({"POSTGRES_HOST", "DATABASE_URL"})


class DeployedUrlRule(Rule):
    """A URL or host points at this machine, or a plain-text URL (http, ws, redis...) is used
    where the policy forbids local URLs (staging and production)."""

    code = "environment.deployed_urls"
    description = "No localhost and https/wss only in staging and production."

    def check(self, ctx: ValidationContext) -> Iterator[Problem]:
        """Yield one problem per local or unencrypted URL."""
        severity = policy_severity(ctx.policy.localhost_urls)
        if severity is None:
            return
        env = ctx.environment.value
        for item in ctx.items(URL | HOST):
            if item.variable in _SKIPPED or not item.raw.strip():
                continue
            if item.kind & HOST and "://" not in item.raw:
                if is_local_host(item.raw):
                    yield self.problem(
                        ctx,
                        item.variable,
                        f"names this machine, not a server, in {env}",
                        f"Set {item.variable} to the service's address in {env}",
                        severity=severity,
                        code="environment.localhost",
                    )
                continue
            if not is_url_setting(item):
                continue
            parsed = parse_url(item.raw)
            if parsed is None:
                continue  # urls.format reports it
            if parsed.host and is_local_host(parsed.host):
                yield self.problem(
                    ctx,
                    item.variable,
                    f"points at this machine ({parsed.scheme}://localhost or a loopback "
                    f"address) in {env}",
                    f"Set {item.variable} to the service's real address in {env}",
                    severity=severity,
                    code="environment.localhost",
                )
            elif parsed.scheme in _PLAIN_SCHEMES:
                secure = _PLAIN_SCHEMES[parsed.scheme]
                yield self.problem(
                    ctx,
                    item.variable,
                    f"uses unencrypted {parsed.scheme}:// in {env}",
                    f"Use {secure}:// for {item.variable} in {env}",
                    severity=severity,
                    code="environment.https_only",
                )
