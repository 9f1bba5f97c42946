"""An immutable URL that holds a password and never shows it unless asked.

Database, Redis and ClickHouse URLs carry credentials. Gluing them together with f-strings
breaks on the first password containing ``@`` or ``/`` (pydantic's ``PostgresDsn.build``
does not encode either), and printing them leaks the password into logs. Modelled on
httpx's ``URL``: components are properties, ``copy_with()`` makes a changed copy, ``repr``
and ``str`` mask the password, and only ``render(hide_password=False)`` gives the real string.
Every component is percent-encoded on its own with ``urllib.parse.quote(part, safe="")``.

What goes into a driver, in one call each (like SQLAlchemy's own ``URL``, whose repr masks the
password and which ``create_engine`` takes as it is):

* SQLAlchemy: ``create_engine(url.to_sqlalchemy())`` / ``create_async_engine(url.to_sqlalchemy())``;
* a driver's own connect (asyncpg, psycopg, psycopg2, redis-py): ``url.get_secret_value()``, the
  name pydantic's ``SecretStr`` uses for the same act of revealing.

Nothing lets a masked URL reach a driver silently; each mistake fails at once, naming the call:

* the object itself (``create_async_engine(url)``, ``asyncpg.connect(url)``,
  ``redis.from_url(url)``): a ``SecretURL`` is not a ``str``, and every string method a driver
  reaches for (``startswith``, ``decode``, ``encode``) raises an ``AttributeError`` naming
  ``url.get_secret_value()`` and ``url.to_sqlalchemy()``; the ``repr`` SQLAlchemy quotes in
  its "Expected string or URL object" error says the same;
* its masked rendering (``str(url)``, ``render()``) when it holds a hidden secret starts with
  the one token ``masked_use_get_secret_value__``, which is not a scheme any driver knows: the
  string fails while it is parsed (``create_engine``, ``asyncpg.connect``, ``psycopg.connect``,
  ``redis.from_url``) instead of sending ``***`` as the password at the first connect, and the
  drivers that quote what they could not parse (SQLAlchemy's "Can't load plugin", psycopg's
  "missing =") quote the hint. :func:`parse_secret_url` refuses it with the same hint.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from confwarden.environment.masking import MASK, mask_url

__all__ = ["MASKED_PREFIX", "SecretURL", "parse_secret_url"]

MASKED_PREFIX = "masked_use_get_secret_value__"
"""Starts a masked rendering: one token (no space) that drivers quote in their parse errors."""

_HINT = "pass url.get_secret_value() to a driver, url.to_sqlalchemy() to SQLAlchemy"


# Parts made only of unreserved characters are returned as they are: quote() would return
# them unchanged, and skipping it halves the cost of building a URL.
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.~-")
_UNRESERVED_QUERY = _UNRESERVED | frozenset("/:")


def _encode(part: str) -> str:
    if _UNRESERVED.issuperset(part):
        return part
    return quote(part, safe="")


def _encode_query_value(value: str) -> str:
    # "/" and ":" are legal in a query (RFC 3986 3.4) and every driver reads them raw, so a
    # Cloud SQL socket stays readable: ?host=/cloudsql/project:region:instance
    if _UNRESERVED_QUERY.issuperset(value):
        return value
    return quote(value, safe="/:")


@dataclass(frozen=True, slots=True, eq=True)
class SecretURL:
    """A URL built from decoded components; the password shows only on request.

    Attributes:
        scheme: e.g. ``postgresql+asyncpg``, ``rediss``, ``https``.
        username: the decoded user name, or None.
        password: the decoded password, or None. Never part of ``repr``/``str``.
        host: the host name or address; ``""`` for a URL whose host lives in the query
            (Cloud SQL sockets) or for a unix socket path.
        port: the port, or None.
        path: the decoded path without the leading ``/`` (a database name, a Redis db,
            or a socket path for ``unix://``).
        query: the query parameters, decoded, in order.

    Example:
        >>> url = SecretURL("postgresql", "app", "p@ss/w:rd", "db", 5432, "app")
        >>> str(url)
        'masked_use_get_secret_value__postgresql://app:***@db:5432/app'
        >>> url.get_secret_value()
        'postgresql://app:p%40ss%2Fw%3Ard@db:5432/app'
    """

    scheme: str
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    host: str = ""
    port: int | None = None
    path: str = ""
    query: tuple[tuple[str, str], ...] = ()
    path_is_file: bool = False  # unix://: the path is a socket path, "/" kept literally

    def render(self, *, hide_password: bool = True) -> str:
        """The URL as a string; the password is masked unless ``hide_password=False``.

        Example:
            >>> SecretURL("redis", None, "pw", "cache", 6379, "0").render()
            'masked_use_get_secret_value__redis://:***@cache:6379/0'
            >>> SecretURL("redis", None, None, "cache", 6379, "0").render()
            'redis://cache:6379/0'
        """
        userinfo = ""
        if self.username is not None or self.password is not None:
            userinfo = _encode(self.username or "")
            if self.password is not None:
                shown = MASK if hide_password else _encode(self.password)
                userinfo += f":{shown}"
            userinfo += "@"
        host = f"[{self.host}]" if ":" in self.host else self.host
        port = f":{self.port}" if self.port is not None else ""
        if self.path_is_file:
            path = quote(self.path, safe="/:")
            path = path if path.startswith("/") else f"/{path}"
        else:
            path = f"/{_encode(self.path)}" if self.path else ""
        query = "&".join(f"{_encode(k)}={_encode_query_value(v)}" for k, v in self.query)
        rendered = f"{self.scheme}://{userinfo}{host}{port}{path}{'?' + query if query else ''}"
        if not hide_password:
            return rendered
        # The one masking function also hides secrets passed as query parameters
        # (?password=, ?sslpassword=, ?token=), which the password field does not cover.
        masked = mask_url(rendered) if query else rendered
        if self.password is not None or masked != rendered:
            return MASKED_PREFIX + masked
        return rendered

    def get_secret_value(self) -> str:
        """The real URL, password included: for a driver's ``connect()`` and nothing else.

        Example:
            >>> SecretURL("redis", None, "pw", "cache", 6379, "0").get_secret_value()
            'redis://:pw@cache:6379/0'
        """
        return self.render(hide_password=False)

    def __str__(self) -> str:
        return self.render()

    def __format__(self, spec: str) -> str:
        return format(self.render(), spec)

    def __repr__(self) -> str:
        # SQLAlchemy quotes this repr when handed the object ("Expected string or URL
        # object, got ..."): it carries the right call.
        return f"{type(self).__name__}({self.render()!r}; {_HINT})"

    def __getattr__(self, name: str) -> Any:
        # Only reached for attributes that do not exist: a driver treating the object as the
        # str it is not (``url.startswith``, ``url.decode``). Dunders stay plain, so copy,
        # pickle and protocol probes behave as for any object.
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        raise AttributeError(
            f"SecretURL has no attribute {name!r}: it is not a str; {_HINT}", name=name, obj=self
        )

    @property
    def query_params(self) -> dict[str, str]:
        """The query parameters as a dict (the last one wins for a repeated key)."""
        return dict(self.query)

    @property
    def has_password(self) -> bool:
        """True when a non-empty password is set."""
        return bool(self.password)

    def copy_with(self, **changes: Any) -> SecretURL:
        """A copy with some components changed (``query`` may be given as a mapping).

        Example:
            >>> SecretURL("postgresql", host="localhost").copy_with(host="postgres").host
            'postgres'
        """
        query = changes.get("query")
        if isinstance(query, Mapping):
            changes["query"] = tuple((str(k), str(v)) for k, v in query.items())
        return replace(self, **changes)

    def copy_merge_query(self, params: Mapping[str, str]) -> SecretURL:
        """A copy with ``params`` set in the query (replacing keys that exist)."""
        kept = tuple((k, v) for k, v in self.query if k not in params)
        return replace(self, query=kept + tuple(params.items()))

    def to_sqlalchemy(self) -> Any:
        """This URL as a ``sqlalchemy.engine.URL``: what ``create_engine`` and
        ``create_async_engine`` take directly. SQLAlchemy masks its password in ``repr``/``str``.

        Raises:
            MissingDependencyError: SQLAlchemy is not installed.
        """
        try:
            from sqlalchemy.engine import make_url
        except ImportError as exc:  # pragma: no cover - the db extra is installed in CI
            from confwarden.errors import MissingDependencyError

            raise MissingDependencyError("SecretURL.to_sqlalchemy", "db", "sqlalchemy") from exc
        return make_url(self.get_secret_value())


def parse_secret_url(text: str) -> SecretURL:
    """Parse a URL string into decoded components (the inverse of ``render``).

    Raises:
        ValueError: the text is not ``scheme://...`` or its port is not a number; the
            message never contains the text, which may hold a password.

    Example:
        >>> parse_secret_url("postgresql://app:p%40ss@db:5433/app?sslmode=require").password
        'p@ss'
    """
    if text.lstrip().startswith(MASKED_PREFIX):
        raise ValueError(f"is a masked URL (the str() of a SecretURL, password ***); {_HINT}")
    parts = urlsplit(text.strip())
    if not parts.scheme or "://" not in text:
        raise ValueError("is not a URL of the form scheme://user:password@host:port/path")
    try:
        port = parts.port
    except ValueError:
        raise ValueError("has a port that is not a number between 0 and 65535") from None
    query: list[tuple[str, str]] = []
    for pair in filter(None, parts.query.split("&")):
        key, _, value = pair.partition("=")
        query.append((unquote(key), unquote(value)))
    unix = parts.scheme == "unix"
    path = unquote(parts.path) if unix else unquote(parts.path.lstrip("/"))
    return SecretURL(
        scheme=parts.scheme,
        username=unquote(parts.username) if parts.username is not None else None,
        password=unquote(parts.password) if parts.password is not None else None,
        host=unquote(parts.hostname or ""),
        port=port,
        path=path,
        query=tuple(query),
        path_is_file=unix,
    )
