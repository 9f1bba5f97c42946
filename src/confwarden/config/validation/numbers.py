"""Numbers: no NaN or infinity anywhere, no negative duration (judged on the converted value).

``LLM_REQUEST_TIMEOUT=nan`` converts to a float, and every comparison with it is false: the
request never times out. ``AGENT_HEARTBEAT_INTERVAL=-1`` makes a loop spin or a sleep raise at
the first beat. Neither is a type error, so conversion lets both through; this rule refuses
them wherever they appear.

Limits (``MAX_CONCURRENT_AGENTS=1000000``) are a property of one field: declare the bounds
on the field with pydantic's constraints, which the loader enforces and reports like any
conversion problem::

    max_agents: Annotated[int, Field(ge=1, le=1000), Env("MAX_CONCURRENT_AGENTS")] = 10
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator

from confwarden.config.spec import Problem, Severity
from confwarden.config.validation.base import Rule, ValidationContext

__all__ = ["DURATION_NAME", "NumberRule"]

# A variable whose name says it holds a duration.
DURATION_NAME = re.compile(r"(TIMEOUT|INTERVAL|_TTL|_SECONDS|_MS|_MINUTES|_HOURS|_DAYS|_DELAY)")


class NumberRule(Rule):
    """A value is NaN or infinite, or a duration is negative."""

    code = "numbers.range"
    description = "No NaN or infinite number; durations are not negative."

    def check(self, ctx: ValidationContext) -> Iterator[Problem]:
        """Yield one error per non-finite number or negative duration."""
        critical = True if ctx.environment.is_deployed else None
        for variable, raw in _candidates(ctx):
            # Judge the number the field will hold, not its text: conversion accepts
            # underscores (``-5_0`` is -50.0) and overflows large exponents to infinity
            # (``1e400``), which no look at the text catches.
            try:
                number = float(raw)
            except ValueError:
                continue
            if not math.isfinite(number):
                yield self.problem(
                    ctx,
                    variable,
                    "is not a finite number",
                    f"Set {variable} to a number (NaN and infinity compare false with "
                    "everything, so limits and timeouts never trigger)",
                    severity=Severity.ERROR,
                    critical=critical,
                    code="numbers.finite",
                )
            elif number < 0 and DURATION_NAME.search(variable):
                yield self.problem(
                    ctx,
                    variable,
                    "is a negative duration",
                    f"Set {variable} to zero or a positive number",
                    severity=Severity.ERROR,
                    critical=critical,
                    code="numbers.negative_duration",
                )


# First characters of a number (sign, digit, point, NaN, infinity): other values are
# dismissed on their first character, without converting anything (validation runs at every
# startup over schemas of a hundred fields or more).
_FIRST = frozenset("+-.0123456789nNiI")


def _candidates(ctx: ValidationContext) -> Iterator[tuple[str, str]]:
    if not ctx.fields:
        for item in ctx.items():
            raw = item.raw.strip()
            if raw[:1] in _FIRST and not item.sensitive:
                yield item.variable, raw
        return
    by_name = ctx.index.by_name
    for name, resolved in ctx.values.items():
        if resolved.raw is None:
            continue
        raw = resolved.raw.strip()
        if raw[:1] not in _FIRST:
            continue
        spec = by_name.get(name)
        if spec is None or spec.sensitive:
            continue
        yield resolved.variable or spec.canonical, raw
