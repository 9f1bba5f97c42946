"""Ports: every port setting is a port, and no two services claim the same one.

spec/003 "Check Consistency → Port Conflicts?". Two services configured for port 8000 on the
same host start one after the other and the second dies with "address already in use", or
worse, a client reaches the wrong service. A port pairs with the host of the same prefix
(``AUTH_SERVICE_PORT`` with ``AUTH_SERVICE_HOST``); two ports conflict when they are equal
and their hosts are the same or unknown. ``POSTGRES_PORT``'s format is DatabaseURLBuilder's
to judge; it still takes part in conflict detection.
"""

from __future__ import annotations

from collections.abc import Iterator

from confwarden.config.spec import Problem
from confwarden.config.validation.base import ConfigItem, Rule, ValidationContext
from confwarden.config.validation.index import PORT

__all__ = ["PortRule", "port_settings"]

_MAX_PORT = 65535
_FORMAT_SKIPPED = frozenset({"POSTGRES_PORT"})


def port_settings(ctx: ValidationContext) -> list[ConfigItem]:
    """Every setting that holds a port number (``*_PORT``, or a bare ``PORT``)."""
    return [item for item in ctx.items(PORT) if item.raw.strip()]


class PortRule(Rule):
    """A port setting is not a port number, or two settings claim the same host and port."""

    code = "ports.conflict"
    description = "Port settings are numbers in 1-65535 and no two share a host and port."

    def check(self, ctx: ValidationContext) -> Iterator[Problem]:
        """Yield format problems, then one problem per conflicting pair."""
        claimed: dict[tuple[str, int], list[str]] = {}
        for item in port_settings(ctx):
            raw = item.raw.strip()
            if not (raw.isdigit() and 0 < int(raw) <= _MAX_PORT):
                if item.variable not in _FORMAT_SKIPPED:
                    yield self.problem(
                        ctx,
                        item.variable,
                        f"is not a port number between 1 and {_MAX_PORT}",
                        f"Set {item.variable} to a number such as 8000",
                        code="ports.format",
                    )
                continue
            host = _host_for(ctx, item.variable)
            claimed.setdefault((host, int(raw)), []).append(item.variable)
        for (host, port), variables in sorted(claimed.items()):
            if len(variables) < 2:
                continue
            first, *others = sorted(variables)
            where = f"host {host}" if host else "the same host"
            for other in others:
                yield self.problem(
                    ctx,
                    other,
                    f"uses port {port}, like {first}, on {where}: the second service to start "
                    "fails with 'address already in use'",
                    f"Give {other} or {first} another port",
                )


def _host_for(ctx: ValidationContext, port_variable: str) -> str:
    prefix = port_variable[: -len("PORT")]
    for suffix in ("HOST", "HOSTNAME"):
        raw = ctx.get(prefix + suffix)
        if raw and raw.strip():
            return raw.strip().lower()
    return ""
