"""One problem record for every layer: what is wrong with a variable, where from, what to do.

The shared components (database URL, JWT secret, ports, Redis/ClickHouse URLs) and the
configuration layer's validation rules used to have a ``Problem`` class each, with different
field names (``action`` / ``fix``), different ``str()`` forms and three hand-written
problem-to-dict functions; the configuration layer translated every component problem into its
own. One class here, below both layers (it needs only :class:`Severity`), removes the
translation: a component's problem *is* a configuration problem, with the origin and rule code
filled in when the configuration layer reports it.

The form is Spring Boot's and Everett's startup failure report: Property (``variable``),
Origin, Reason (``message``), Action (``fix``).
"""

from __future__ import annotations

from dataclasses import dataclass

from confwarden.environment.policy import Severity

__all__ = ["Problem", "Severity"]

_SENTENCE_END = (".", "!", "?", ":")


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem:
    """One thing wrong with a variable, in the Property / Origin / Reason / Action form.

    Never holds a secret value: ``message`` and ``fix`` describe the value's shape only.
    Every field is keyword-only, so that no call can mix up the order of its strings.

    Attributes:
        variable: the variable (or field) concerned; several joined by ``/`` (``A/B``).
        origin: where its value came from (``.env file .env:3``, ``str(Source)``, "not set"),
            or None when the reporter does not know.
        message: what is wrong.
        fix: what to do about it.
        rule: the code of the rule that found it (``database.localhost``); empty for a
            component's own validation (the configuration layer fills it in).
        severity: how bad it is on its own (``error``, ``warning``, ``info``).
        critical: it concerns a critical field (ENFORCE_CRITICAL makes it an error).
        blocking: an error in every validation mode, WARN included: a value that was set
            but cannot be used, or a field with neither a value nor a default. Fallbacks
            fill *missing* values; they never replace a wrong one.

    Example:
        >>> problem = Problem(
        ...     variable="POSTGRES_HOST",
        ...     origin=".env:3",
        ...     message="is localhost",
        ...     fix="Use the server's name",
        ...     rule="database.localhost",
        ... )
        >>> print(problem)
        POSTGRES_HOST (from .env:3): is localhost. Fix: Use the server's name [database.localhost]
    """

    variable: str
    origin: str | None = None
    message: str
    fix: str
    rule: str = ""
    severity: Severity = Severity.ERROR
    critical: bool = False
    blocking: bool = False

    @property
    def action(self) -> str:
        """The former name of :attr:`fix` on component problems (kept for their users)."""
        return self.fix

    def __str__(self) -> str:
        origin = f" (from {self.origin})" if self.origin else ""
        end = "" if self.message.endswith(_SENTENCE_END) else "."
        rule = f" [{self.rule}]" if self.rule else ""
        return f"{self.variable}{origin}: {self.message}{end} Fix: {self.fix}{rule}"

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready form (the CLI's ``--json``, the server, the dashboard).

        ``action`` repeats ``fix`` for readers of the components' JSON from before the two
        problem classes were one.
        """
        return {
            "variable": self.variable,
            "origin": self.origin,
            "message": self.message,
            "fix": self.fix,
            "action": self.fix,
            "rule": self.rule,
            "severity": self.severity.value,
            "critical": self.critical,
            "blocking": self.blocking,
        }
