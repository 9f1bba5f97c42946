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
from collections.abc import Iterator

from confwarden.config.spec import Problem, Severity
from confwarden.config.validation.auth import JWT_VARIABLES
from confwarden.config.validation.base import Rule, ValidationContext
from confwarden.config.validation.database import DATABASE_VARIABLES

__all__ = ["NEAR_MISS_CUTOFF", "UnknownVariableRule", "suggest"]

NEAR_MISS_CUTOFF = 0.85
_CONFIG_LIKE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{3,}$")
# Read by components rather than declared by a schema; never "unknown".
_COMPONENT_VARIABLES = frozenset(
    {*DATABASE_VARIABLES, *JWT_VARIABLES, "ENVIRONMENT", "POSTGRES_DOCKER_SERVICE"}
)


def suggest(name: str, candidates: set[str] | frozenset[str]) -> str | None:
    """The declared name ``name`` is most likely a typo of, or None.

    Example:
        >>> suggest("JWT_SECRET_KY", {"JWT_SECRET_KEY", "SERVICE_ID"})
        'JWT_SECRET_KEY'
    """
    # A name differing only by a separator or case is a near miss whatever the ratio says.
    squashed = name.replace("_", "").upper()
    for candidate in sorted(candidates):
        if candidate.replace("_", "").upper() == squashed and candidate != name:
            return candidate
    matches = difflib.get_close_matches(name, sorted(candidates), n=1, cutoff=NEAR_MISS_CUTOFF)
    return matches[0] if matches else None


class UnknownVariableRule(Rule):
    """A prefixed variable no field declares, or a near miss of a declared name."""

    code = "unknown.variable"
    description = "No unknown prefixed variables and no near misses of declared names."

    def check(self, ctx: ValidationContext) -> Iterator[Problem]:
        """Yield one warning per unknown or misspelled variable, with a suggestion."""
        if not ctx.fields:
            return
        known = ctx.known_variables() | _COMPONENT_VARIABLES
        current = frozenset(
            name
            for spec in ctx.fields
            for name in spec.variable_names(ctx.environment)
            if "{" not in name
        )
        unset = frozenset(name for name in current if ctx.get(name) is None)
        prefix = ctx.prefix
        for name in sorted(ctx.variables):
            if name in known:
                continue
            prefixed = bool(prefix) and name.startswith(prefix or "")
            if not prefixed and not _CONFIG_LIKE.match(name):
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
