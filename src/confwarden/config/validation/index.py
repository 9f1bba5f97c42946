"""What validation precomputes once: field lookups per schema and name kinds per variable.

Validation runs at every startup and every reload, over schemas of a hundred fields or more,
so a rule must not rediscover for each value what a variable name means. Two caches do that
work once:

* :func:`field_index`: for one tuple of fields (a schema's, computed once per class) and one
  environment, every variable name, alias and deprecated name resolved; reused across
  validations as long as the same tuple is passed.
* :func:`name_kind`: what a variable name says about its value (a URL, a port, a host, a
  signing secret, a secret at all), cached per name.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from confwarden.config.spec import FieldSpec
from confwarden.environment.detection import Environment
from confwarden.environment.masking import is_sensitive_name

__all__ = [
    "HOST",
    "PORT",
    "SENSITIVE",
    "SIGNING",
    "URL",
    "URL_SCHEMES",
    "FieldIndex",
    "field_index",
    "is_url_item",
    "name_kind",
]

URL = 1
PORT = 2
HOST = 4
SIGNING = 8
SENSITIVE = 16

# Variable name (exact, or suffix after "_") -> the schemes its client accepts.
URL_SCHEMES: dict[str, frozenset[str]] = {
    "REDIS_URL": frozenset({"redis", "rediss", "unix"}),
    "CLICKHOUSE_URL": frozenset(
        {"clickhouse", "clickhouses", "clickhouse+native", "clickhouse+http", "http", "https"}
    ),
    "WS_URL": frozenset({"ws", "wss"}),
    "WEBSOCKET_URL": frozenset({"ws", "wss"}),
    "FRONTEND_URL": frozenset({"http", "https"}),
    "API_URL": frozenset({"http", "https"}),
    "REDIRECT_URI": frozenset({"http", "https"}),
    "CALLBACK_URL": frozenset({"http", "https"}),
    "PROMETHEUS_URL": frozenset({"http", "https"}),
}
_URL_SUFFIXES = ("_URL", "_URI", "_ENDPOINT")
_NOT_URLS = frozenset({"DATABASE_URL"})  # judged by DatabaseURLBuilder alone
_HOST_SUFFIXES = ("_HOST", "_HOSTNAME")
# SECRET_KEY, SERVICE_SECRET, SESSION_SECRET_KEY, FERNET_KEY, ENCRYPTION_KEY, ...
_SIGNING = re.compile(r"(^|_)(SECRET|SECRET_KEY|SIGNING_KEY|ENCRYPTION_KEY|FERNET_KEY)$")
# Judged by their own rules: JWT (SharedJWTSecretManager), OAuth, passwords, API keys.
_OTHER_SECRET_RULES = re.compile(r"(^JWT_|CLIENT_SECRET|PASSWORD|API_KEY|_TOKEN$)")


@lru_cache(maxsize=8192)
def name_kind(name: str) -> int:
    """The kinds a variable name denotes, as bit flags (``URL | SENSITIVE``...).

    Example:
        >>> name_kind("FRONTEND_URL") == URL, bool(name_kind("SECRET_KEY") & SIGNING)
        (True, True)
    """
    kind = 0
    if name not in _NOT_URLS and (name.endswith(_URL_SUFFIXES) or name in URL_SCHEMES):
        kind |= URL
    if name.endswith("_PORT") or name == "PORT":
        kind |= PORT
    if name.endswith(_HOST_SUFFIXES):
        kind |= HOST
    if _SIGNING.search(name) and not _OTHER_SECRET_RULES.search(name):
        kind |= SIGNING
    if is_sensitive_name(name):
        kind |= SENSITIVE
    return kind


def is_url_item(variable: str, raw: str) -> bool:
    """Whether a value must be judged as a URL: its name says so, or it looks like one."""
    if variable in _NOT_URLS:
        return False
    return bool(name_kind(variable) & URL) or "://" in raw


@dataclass(frozen=True, slots=True)
class FieldIndex:
    """The fields of one schema, resolved for one environment.

    Attributes:
        by_variable: every variable name (aliases and deprecated names included) -> field.
        names: field name -> its variable names in this environment, in lookup order.
        deprecated: field name -> its deprecated names in this environment.
        current: every variable name of this environment (templates filled in).
        known: every variable name of every environment (``..._STAGING`` and
            ``..._PRODUCTION`` alike): variables nobody should call unknown.
        groups: the groups the fields belong to.
        by_name: field name -> field.
        fields_by_kind: each :func:`name_kind` bit -> the fields one of whose names has it
            (``SENSITIVE`` also for fields the schema marks sensitive).
        required: the fields required in this environment.
    """

    by_variable: dict[str, FieldSpec]
    names: dict[str, tuple[str, ...]]
    deprecated: dict[str, frozenset[str]]
    current: frozenset[str]
    known: frozenset[str]
    groups: frozenset[str]
    by_name: dict[str, FieldSpec]
    fields_by_kind: dict[int, tuple[FieldSpec, ...]]
    required: tuple[FieldSpec, ...]


_lock = threading.Lock()
_cache: dict[tuple[int, Environment], tuple[Sequence[FieldSpec], FieldIndex]] = {}
_MAX_CACHED = 128


def field_index(fields: Sequence[FieldSpec], environment: Environment) -> FieldIndex:
    """The index of ``fields`` for ``environment``; cached while the same tuple is passed.

    Only tuples are cached (a list could change under the cache); the schema's
    ``fields_of(cls)`` is a tuple computed once per class, so the loader always hits.
    """
    key = (id(fields), environment)
    hit = _cache.get(key)
    if hit is not None and hit[0] is fields:
        return hit[1]
    index = _build(fields, environment)
    if isinstance(fields, tuple):
        with _lock:
            if len(_cache) >= _MAX_CACHED:
                _cache.clear()
            _cache[key] = (fields, index)
    return index


def _build(fields: Sequence[FieldSpec], environment: Environment) -> FieldIndex:
    upper = environment.value.upper()
    by_variable: dict[str, FieldSpec] = {}
    names: dict[str, tuple[str, ...]] = {}
    deprecated: dict[str, frozenset[str]] = {}
    known: set[str] = set()
    by_kind: dict[int, list[FieldSpec]] = {bit: [] for bit in (URL, PORT, HOST, SIGNING, SENSITIVE)}
    for spec in fields:
        bound = spec.variable_names(environment)
        kinds = SENSITIVE if spec.sensitive else 0
        for name in bound:
            kinds |= name_kind(name)
        for bit, specs in by_kind.items():
            if kinds & bit:
                specs.append(spec)
        names[spec.name] = bound
        deprecated[spec.name] = frozenset(
            n.replace("{ENVIRONMENT}", upper) for n in spec.deprecated_names
        )
        for name in bound:
            by_variable.setdefault(name, spec)
        templates = (*spec.env_names, *spec.deprecated_names)
        if any("{ENVIRONMENT}" in n for n in templates):
            for env in Environment:
                known.update(spec.variable_names(env))
        else:
            known.update(bound)
    return FieldIndex(
        by_variable,
        names,
        deprecated,
        frozenset(by_variable),
        frozenset(known),
        frozenset(spec.group for spec in fields),
        {spec.name: spec for spec in fields},
        {bit: tuple(specs) for bit, specs in by_kind.items()},
        tuple(spec for spec in fields if spec.is_required(environment)),
    )
