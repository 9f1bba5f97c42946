"""ValidationResult: everything one validation found, in the forms people and tools read.

Errors and warnings with their origins and fixes, the mode that sorted them, the health score
and its deductions; one :class:`~confwarden.errors.ConfigurationError` listing every error,
a plain-text summary (no rich in the library) and a JSON-ready dict. Problems describe shapes
only, so nothing here can print a secret.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TextIO

from confwarden.config.health import Deduction, HealthScore
from confwarden.config.spec import Problem, ValidationMode
from confwarden.environment.detection import Environment
from confwarden.errors import ConfigurationError

__all__ = ["ValidationResult"]


@dataclass(frozen=True)
class ValidationResult:
    """Everything one validation found, errors and warnings together.

    Attributes:
        errors: the problems that stop startup in this mode.
        warnings: the problems that are reported only.
        mode: the validation mode that sorted them.
        environment: the environment judged.
        health_score: 0-100, from :mod:`confwarden.config.health`.
        deductions: every point taken from the score, each naming its rule.

    No attribute, summary or dict holds a value: problems describe shapes only.
    """

    errors: list[Problem]
    warnings: list[Problem]
    mode: ValidationMode
    environment: Environment
    health_score: int = 100
    deductions: tuple[Deduction, ...] = ()

    @property
    def is_valid(self) -> bool:
        """True when nothing stops startup in this mode."""
        return not self.errors

    @property
    def problems(self) -> list[Problem]:
        """Errors then warnings."""
        return [*self.errors, *self.warnings]

    @property
    def health_status(self) -> str:
        """``healthy``, ``degraded`` or ``unhealthy`` for the score."""
        return HealthScore(self.health_score, self.deductions).status.value

    def raise_for_errors(self) -> None:
        """Raise one error listing every error (variable, origin, what is wrong, what to do).

        Raises:
            ConfigurationError: the result has at least one error.
        """
        if not self.errors:
            return
        lines = [
            f"{len(self.errors)} configuration error(s) in {self.environment.value} "
            f"(mode {self.mode.value}):"
        ]
        for problem in self.errors:
            lines.extend(_problem_lines(problem))
        if self.warnings:
            lines.append(f"and {len(self.warnings)} warning(s): {_variables(self.warnings)}")
        raise ConfigurationError("\n".join(lines))

    def summary_lines(self) -> list[str]:
        """The plain-text summary, one line per list entry."""
        status = "valid" if self.is_valid else "INVALID"
        lines = [
            f"Configuration {status} for {self.environment.value} (mode {self.mode.value}): "
            f"{len(self.errors)} error(s), {len(self.warnings)} warning(s), "
            f"health {self.health_score}/100 ({self.health_status})"
        ]
        for title, problems in (("Errors", self.errors), ("Warnings", self.warnings)):
            if problems:
                lines.append(f"{title}:")
                for problem in problems:
                    lines.extend(_problem_lines(problem))
        if self.deductions:
            lines.append("Health deductions:")
            lines.extend(f"  {d}" for d in self.deductions)
        return lines

    def print_validation_summary(self, file: TextIO | None = None) -> None:
        """Print :meth:`summary_lines` to ``file`` (stdout by default)."""
        print("\n".join(self.summary_lines()), file=file or sys.stdout)

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready form."""
        return {
            "environment": self.environment.value,
            "mode": self.mode.value,
            "valid": self.is_valid,
            "health_score": self.health_score,
            "health_status": self.health_status,
            "errors": [p.to_dict() for p in self.errors],
            "warnings": [p.to_dict() for p in self.warnings],
            "deductions": [d.to_dict() for d in self.deductions],
        }


def _problem_lines(problem: Problem) -> list[str]:
    marker = " [critical]" if problem.critical else ""
    return [
        f"  - {problem.variable}{marker} ({problem.rule})",
        f"      origin: {problem.origin}",
        f"      problem: {problem.message}",
        f"      fix: {problem.fix}",
    ]


def _variables(problems: Sequence[Problem]) -> str:
    return ", ".join(dict.fromkeys(p.variable for p in problems))
