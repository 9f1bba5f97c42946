"""URL formats: every URL setting parses, has a host and a scheme its client accepts.

spec/003 "Validation Rules" 1, URL format validation (Redis, ClickHouse, the frontend,
monitoring endpoints; the database goes through DatabaseURLBuilder). A URL without a scheme
or with ``redis://`` in ``CLICKHOUSE_URL`` starts fine and fails at the first connection.
Messages name the scheme and the missing part, never the URL (it may carry a password). A URL
setting that is not declared sensitive must not carry a password at all (``urls.credentials``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from urllib.parse import SplitResult, parse_qsl, unquote, urlsplit

from confwarden.config.spec import Problem, Severity
from confwarden.config.validation.base import ConfigItem, Rule, ValidationContext
from confwarden.config.validation.index import URL, URL_SCHEMES, is_url_item
from confwarden.environment.masking import SECRET_PARAMETERS, is_sensitive_name, value_is_sensitive

__all__ = [
    "SCHEMES",
    "ParsedURL",
    "UrlFormatRule",
    "allowed_schemes",
    "is_url_setting",
    "parse_url",
]

SCHEMES = URL_SCHEMES


@dataclass(frozen=True, slots=True)
class ParsedURL:
    """The parts of a URL that rules look at (never the credentials)."""

    scheme: str
    host: str
    port: int | None
    port_valid: bool


def parse_url(raw: str) -> ParsedURL | None:
    """Parse ``raw``; None when it has no ``scheme://``.

    Example:
        >>> parse_url("https://app.example.com:8443/x").port
        8443
    """
    if "://" not in raw:
        return None
    parts: SplitResult = urlsplit(raw.strip())
    try:
        port, valid = parts.port, True
    except ValueError:
        port, valid = None, False
    return ParsedURL(parts.scheme.lower(), (parts.hostname or "").lower(), port, valid)


def is_url_setting(item: ConfigItem) -> bool:
    """Whether ``item`` must hold a URL: its name says so, or its value looks like one."""
    return is_url_item(item.variable, item.raw)


def allowed_schemes(variable: str) -> frozenset[str] | None:
    """The schemes accepted for ``variable``, or None when any scheme goes."""
    if variable in URL_SCHEMES:
        return URL_SCHEMES[variable]
    for name, schemes in URL_SCHEMES.items():
        if variable.endswith(f"_{name}"):
            return schemes
    return None


class UrlFormatRule(Rule):
    """A URL setting does not parse, lacks a host, or has a scheme its client refuses."""

    code = "urls.format"
    description = "URL settings have a scheme, a host, a valid port and an accepted scheme."

    def check(self, ctx: ValidationContext) -> Iterator[Problem]:
        """Yield one problem per malformed URL setting, and per credential in a plain one."""
        for item in ctx.items(URL):
            if not item.raw.strip():
                continue
            # A plain field shows its value whole: a credential anywhere in one of its URLs
            # (a list item, a nested model's member, the user name, the query) leaks.
            plain = item.spec is not None and not item.sensitive
            for variable, url, place in _urls_of(item):
                reason = _url_problem(variable, url)
                if reason is not None:
                    message, fix = reason
                    if place:
                        message, fix = f"{place}: {message}", f"{fix} ({place})"
                    yield replace(self.problem(ctx, variable, message, fix), origin=item.origin)
                leak = _credential_leak(url) if plain else None
                if leak is not None:
                    yield replace(self._credentials(ctx, variable, leak, place), origin=item.origin)

    def _credentials(
        self, ctx: ValidationContext, variable: str, leak: str, place: str | None
    ) -> Problem:
        # A field not declared sensitive is a plain str: repr(config) and the service's own
        # logs show it whole (confwarden's outputs mask URL passwords by shape), and nothing
        # rotates or judges that password as a secret. Staging and production refuse it
        # (critical); development and testing warn, where a local DSN is a working shortcut.
        # The message is port discovery's, so both read as one problem.
        deployed = ctx.environment.is_deployed
        where = f" ({place})" if place else ""
        return self.problem(
            ctx,
            variable,
            f"contains credentials{where}: {leak} (not shown)",
            f"Declare {variable}'s field sensitive (SecretStr), or move the credential out "
            "of the URL into a secret variable",
            severity=Severity.ERROR if deployed else Severity.WARNING,
            critical=deployed,
            code="urls.credentials",
        )


def _urls_of(item: ConfigItem) -> Iterator[tuple[str, str, str | None]]:
    """``(variable, url, place)`` for each URL a value holds: itself, each item of a list,
    or each URL member of a nested model (named ``PREFIX_FIELD__MEMBER``)."""
    spec = item.spec
    if spec is not None and spec.multiple:
        parts = _list_items(item.raw)
        for index, part in enumerate(parts, start=1):
            yield item.variable, part, f"item {index} of {len(parts)}"
        return
    text = item.raw.strip()
    if spec is not None and spec.nested_delimiter and text.startswith("{"):
        try:
            parsed = json.loads(text)
        except ValueError:
            return  # not JSON: conversion reports it
        delimiter = spec.nested_delimiter
        stack: list[tuple[str, object]] = [(spec.canonical, parsed)]
        while stack:
            name, value = stack.pop()
            if isinstance(value, dict):
                stack.extend((f"{name}{delimiter}{key}".upper(), v) for key, v in value.items())
            elif isinstance(value, list):
                stack.extend((name, v) for v in value)
            elif isinstance(value, str) and is_url_item(name, value):
                yield name, value, None
        return
    yield item.variable, item.raw, None


def _credential_leak(raw: str) -> str | None:
    """What credential ``raw`` carries (a password, a token as user name, a secret query
    parameter), or None. Scheme-less ``user:pass@host`` forms count: clients accept them."""
    text = raw.strip()
    if "://" not in text and not text.startswith("//"):
        if "@" not in text:
            return None
        text = "//" + text
    try:
        parts = urlsplit(text)
        username, password = parts.username, parts.password
    except ValueError:
        return None
    if password:
        return "a password"
    if username and value_is_sensitive(unquote(username)):
        return "a token as the user name"
    for key, value in parse_qsl(parts.query, keep_blank_values=False):
        if value and (key.lower() in SECRET_PARAMETERS or is_sensitive_name(key.upper())):
            return f"a secret in the query parameter {key!r}"
    return None


def _list_items(raw: str) -> list[str]:
    """The items of a list value: a JSON array of strings, or comma-separated."""
    text = raw.strip()
    if text.startswith("["):
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
        if isinstance(parsed, list):
            return [str(part) for part in parsed]
    return [part.strip() for part in text.split(",") if part.strip()]


def _url_problem(variable: str, raw: str) -> tuple[str, str] | None:
    schemes = allowed_schemes(variable)
    expected = " or ".join(f"{s}://" for s in sorted(schemes)) if schemes else "scheme://"
    if any(c.isspace() for c in raw.strip()):
        return "contains whitespace, so it is not a URL", f"Remove the spaces from {variable}"
    parsed = parse_url(raw)
    if parsed is None:
        return (
            "has no scheme, so clients cannot tell how to connect",
            f"Write {variable} as a full URL starting with {expected}",
        )
    if schemes is not None and parsed.scheme not in schemes:
        return (
            f"has scheme {parsed.scheme!r}, which its client does not accept",
            f"Use a URL starting with {expected}",
        )
    if not parsed.host and parsed.scheme != "unix":
        return "has no host", f"Put the server's host name in {variable} ({expected}host:port)"
    if not parsed.port_valid:
        return (
            "has a port that is not a number between 0 and 65535",
            f"Fix the port in {variable}",
        )
    return None
