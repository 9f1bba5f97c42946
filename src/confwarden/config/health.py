"""The configuration health score: one number from 0 to 100, and every reason it is not 100.

spec/003 "Configuration Health Monitoring" asks for a 0-100 score with penalties for errors
and warnings. A score nobody can explain is noise, so the penalties are a fixed, documented
table (docs/validation.md), the result is deterministic for the same problems, and every
point taken away is a :class:`Deduction` naming the rule and the variable that cost it.

Penalties (start at 100, clamp to 0..100):

=====================================  =======
problem                                points
=====================================  =======
error on a critical field              -25
any other error                        -10
warning on a critical field            -5
any other warning                      -3
info                                   0
=====================================  =======
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from confwarden.config.spec import Problem

__all__ = [
    "PENALTIES",
    "Deduction",
    "HealthScore",
    "HealthStatus",
    "compute_health",
    "penalty_for",
]

MAX_SCORE = 100

# (counted as an error, concerns a critical field) -> points taken away.
PENALTIES: dict[tuple[bool, bool], int] = {
    (True, True): 25,
    (True, False): 10,
    (False, True): 5,
    (False, False): 3,
}
_HEALTHY_FROM = 90
_DEGRADED_FROM = 60


class HealthStatus(StrEnum):
    """A word for the score: ``healthy`` (90+), ``degraded`` (60-89), ``unhealthy`` (<60)."""

    HEALTHY = "healthy"
    DEGRADED = "degraded"
    UNHEALTHY = "unhealthy"


@dataclass(frozen=True, slots=True)
class Deduction:
    """Points taken away for one problem.

    Attributes:
        rule: the code of the rule that found the problem.
        variable: the variable concerned.
        points: how many points it cost (positive).
        reason: why that many (``error on a critical field``).
    """

    rule: str
    variable: str
    points: int
    reason: str

    def __str__(self) -> str:
        return f"-{self.points} {self.rule} ({self.variable}): {self.reason}"

    def to_dict(self) -> dict[str, str | int]:
        """A JSON-ready form."""
        return {
            "rule": self.rule,
            "variable": self.variable,
            "points": self.points,
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class HealthScore:
    """The score and the deductions behind it.

    Example:
        >>> from confwarden.config.spec import Problem
        >>> p = Problem("SECRET_KEY", "os environment", "is short", "Make it longer",
        ...             "secrets.length", critical=True)
        >>> compute_health(errors=[p], warnings=[]).score
        75
    """

    score: int
    deductions: tuple[Deduction, ...]

    @property
    def status(self) -> HealthStatus:
        """``healthy``, ``degraded`` or ``unhealthy``."""
        if self.score >= _HEALTHY_FROM:
            return HealthStatus.HEALTHY
        if self.score >= _DEGRADED_FROM:
            return HealthStatus.DEGRADED
        return HealthStatus.UNHEALTHY

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready form."""
        return {
            "score": self.score,
            "status": self.status.value,
            "deductions": [d.to_dict() for d in self.deductions],
        }


def penalty_for(*, is_error: bool, critical: bool) -> tuple[int, str]:
    """The points one problem costs, and the reason as text."""
    points = PENALTIES[(is_error, critical)]
    kind = "error" if is_error else "warning"
    where = "on a critical field" if critical else "on a non-critical field"
    return points, f"{kind} {where}"


def compute_health(errors: Iterable[Problem], warnings: Iterable[Problem]) -> HealthScore:
    """Score a validation outcome: 100 minus the penalty of every problem, clamped to 0..100.

    Args:
        errors: the problems counted as errors in the validation mode.
        warnings: the problems counted as warnings. ``info`` problems cost nothing.

    Returns:
        The score with one :class:`Deduction` per problem that cost points, in the order
        given (errors first), so the same problems always give the same report.
    """
    deductions: list[Deduction] = []
    for is_error, problems in ((True, errors), (False, warnings)):
        for problem in problems:
            if not is_error and problem.severity.value == "info":
                continue
            points, reason = penalty_for(is_error=is_error, critical=problem.critical)
            deductions.append(Deduction(problem.rule, problem.variable, points, reason))
    score = MAX_SCORE - sum(d.points for d in deductions)
    return HealthScore(max(0, min(MAX_SCORE, score)), tuple(deductions))
