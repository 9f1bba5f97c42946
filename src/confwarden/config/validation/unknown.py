"""Unknown variables: the typo nobody notices because the default quietly applies.

``JWT_SECRET_KY=...`` sets nothing; the service runs with the fallback in development and
fails in staging. Two findings, both warnings:

* a variable with the project's prefix (``APP_``) that no field declares;
* a variable whose name is close to a declared name that is not set (``did you mean
  JWT_SECRET_KEY?``), found with :func:`difflib.get_close_matches`.

Only names that look like configuration (letters, digits, underscores, at least four) are
compared, and only against declared names that are unset, so the rest of a process
environment (``PATH``, ``HOME``) costs little and is never reported. A name that differs from
a declared one only by case or underscores (``jwt_secret_key``, ``REDISURL``) is a near miss
whatever difflib's ratio says.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from functools import lru_cache

from confwarden.config.spec import Problem, Severity
from confwarden.config.validation.base import Rule, ValidationContext
from confwarden.config.validation.database import DATABASE_VARIABLES
from confwarden.config.validation.jwt import JWT_VARIABLES
from confwarden.config.validation.lookalike import odd_characters, skeleton

__all__ = ["NEAR_MISS_CUTOFF", "UnknownVariableRule", "suggest"]

NEAR_MISS_CUTOFF = 0.85
_MEMO_SIZE = 4096
_CONFIG_LIKE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{3,}$")
# Read by components rather than declared by a schema; never "unknown".
_COMPONENT_VARIABLES = frozenset(
    {*DATABASE_VARIABLES, *JWT_VARIABLES, "ENVIRONMENT", "POSTGRES_DOCKER_SERVICE"}
)


def suggest(name: str, candidates: Iterable[str]) -> str | None:
    """The declared name ``name`` is most likely a typo of, or None.

    Example:
        >>> suggest("JWT_SECRET_KY", {"JWT_SECRET_KEY", "SERVICE_ID"})
        'JWT_SECRET_KEY'
    """
    return _suggester(frozenset(candidates)).suggest(name)


class _Suggester:
    """Candidates indexed by squashed spelling and by ``_``-separated token.

    difflib compares a name only with the candidates sharing one of its tokens: a typo
    almost always leaves one word intact (``JWT_SECRT_KEY``), and comparing every process
    variable with every declared name would cost milliseconds per startup.
    """

    def __init__(self, candidates: frozenset[str]) -> None:
        self.memo: dict[str, str | None] = {}
        self.squashed: dict[str, str] = {}
        self.by_token: dict[str, set[str]] = {}
        for candidate in sorted(candidates):
            self.squashed.setdefault(_squash(candidate), candidate)
            for token in _tokens(candidate):
                self.by_token.setdefault(token, set()).add(candidate)

    def suggest(self, name: str) -> str | None:
        # Memoised: the same process variables are checked at every validation.
        if name not in self.memo:
            if len(self.memo) > _MEMO_SIZE:
                self.memo.clear()
            self.memo[name] = self._suggest(name)
        return self.memo[name]

    def _suggest(self, name: str) -> str | None:
        # A name differing only by case or underscores is a near miss whatever the ratio.
        same = self.squashed.get(_squash(name))
        if same is not None:
            return same if same != name else None
        pool: set[str] = set()
        for token in _tokens(name):
            pool |= self.by_token.get(token, set())
        if not pool:
            return None
        matches = difflib.get_close_matches(
            name.upper(), sorted(pool), n=1, cutoff=NEAR_MISS_CUTOFF
        )
        return matches[0] if matches else None


@lru_cache(maxsize=32)
def _suggester(candidates: frozenset[str]) -> _Suggester:
    return _Suggester(candidates)


def _unset_names(ctx: ValidationContext) -> frozenset[str]:
    names: set[str] = set()
    for spec in ctx.fields:
        resolved = ctx.values.get(spec.name)
        if resolved is None or resolved.raw is None:
            names.update(ctx.index.names[spec.name])
    return frozenset(n for n in names if "{" not in n)


_FILE_SUFFIX = "_FILE"


def _squash(name: str) -> str:
    return name.replace("_", "").upper()


def _tokens(name: str) -> set[str]:
    return {token for token in name.upper().split("_") if token}


class UnknownVariableRule(Rule):
    """A prefixed variable no field declares, a near miss of a declared name, or a name that
    only looks like a declared one (a Cyrillic letter, a zero-width space)."""

    code = "unknown.variable"
    description = "No unknown prefixed variables and no near misses of declared names."

    def check(self, ctx: ValidationContext) -> Iterator[Problem]:
        """Yield one warning per unknown or misspelled variable, with a suggestion."""
        if not ctx.fields:
            return
        known = ctx.index.known
        current = ctx.index.current
        unset: frozenset[str] | None = None
        prefix = ctx.prefix
        # Keys of nested groups (SHOP_PAYMENT__PROVIDER) belong to their group's field.
        nested = tuple(
            f"{name}{spec.nested_delimiter}"
            for spec in ctx.fields
            if spec.nested_delimiter
            for name in spec.env_names
        )
        for name in sorted(ctx.variables.keys() - known - _COMPONENT_VARIABLES):
            if not name.isascii():
                yield from self._look_alike(ctx, name)
                continue
            if nested and name.startswith(nested):
                continue
            if name.endswith(_FILE_SUFFIX) and name[: -len(_FILE_SUFFIX)] in known:
                continue  # SVC_DB_PASSWORD_FILE: the VAR_FILE reference of a declared name
            prefixed = bool(prefix) and name.startswith(prefix or "")
            if not prefixed and not _CONFIG_LIKE.match(name):
                continue
            if unset is None:
                unset = _unset_names(ctx)
            if not prefixed and not unset:
                continue
            # Only an unset declared name can be what a typo was meant to set.
            guess = suggest(name, unset if not prefixed else current)
            if guess is not None:
                yield self.problem(
                    ctx,
                    name,
                    f"is not a known variable; did you mean {guess}?",
                    f"Rename {name} to {guess}"
                    + (
                        ""
                        if ctx.get(guess) is None
                        else " (it is already set, so remove the misspelled one)"
                    ),
                    severity=Severity.WARNING,
                    critical=False,
                    code="unknown.near_miss",
                )
            elif prefixed:
                yield self.problem(
                    ctx,
                    name,
                    f"has the project prefix {prefix} but no field declares it",
                    f"Remove {name}, or declare it in the configuration schema",
                    severity=Severity.WARNING,
                    critical=False,
                    code="unknown.prefixed",
                )

    def _look_alike(self, ctx: ValidationContext, name: str) -> Iterator[Problem]:
        meant = skeleton(name)
        if meant == name or meant not in ctx.index.known:
            return
        unset = ctx.get(meant) is None
        spec = ctx.spec_for(meant)
        problem = self.problem(
            ctx,
            name,
            f"is not a known variable: {name!a} only looks like {meant} (it contains "
            f"{odd_characters(name)}); did you mean {meant}?",
            f"Retype the name as {meant} in plain ASCII"
            + (" (the real one is not set)" if unset else " and remove this one"),
            severity=Severity.ERROR if unset else Severity.WARNING,
            critical=bool(unset and (ctx.environment.is_deployed or (spec and spec.critical))),
            code="unknown.look_alike",
        )
        # The header escaped like the message: a zero-width space or a BOM printed raw is
        # invisible, and a Cyrillic letter reads as the Latin one it imitates.
        yield replace(problem, variable=ascii(name)[1:-1])
