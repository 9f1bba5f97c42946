"""Required fields: a field the environment needs and nothing supplied.

spec/003's validation flow starts here: "Check Required Variables". Where fallbacks are
allowed (development, testing) the loader has already filled the gap, so what is left is a
real hole. The problem names every variable that could have supplied the value, in the
environment's spelling (``JWT_SECRET_STAGING``), because "set JWT_SECRET_KEY"
is wrong advice when the service reads ``JWT_SECRET`` too.
"""

from __future__ import annotations

from collections.abc import Iterator

from confwarden.config.spec import Problem
from confwarden.config.validation.base import Rule, ValidationContext
from confwarden.environment.provenance import SourceKind

__all__ = ["RequiredRule"]


class RequiredRule(Rule):
    """A field required in the environment has no value (or only an empty one).

    Always critical: "required in staging" means staging does not start without it, also
    under ENFORCE_CRITICAL (the message and the rule agree), whether or not the field is
    marked critical for its other problems.
    """

    code = "required.missing"
    description = "Every field required in the environment has a non-empty value."

    def check(self, ctx: ValidationContext) -> Iterator[Problem]:
        """Yield one problem per required field without a value."""
        for spec in ctx.index.required:
            resolved = ctx.values.get(spec.name)
            raw = resolved.raw if resolved is not None else None
            is_default = resolved is not None and resolved.source.kind is SourceKind.DEFAULT
            if raw is not None and raw.strip():
                continue
            names = ctx.index.names[spec.name]
            primary = names[0]
            if raw is not None and not is_default:
                # Set, but to whitespace: worse than unset, because it looks configured.
                variable = (resolved.variable if resolved else None) or primary
                yield self.problem(
                    ctx,
                    variable,
                    f"is set to an empty value; {spec.name} is required in {ctx.environment.value}",
                    f"Give it a value{_described(spec.description)} or unset it and set one "
                    f"of: {', '.join(names)}",
                    critical=True,
                )
                continue
            yield Problem(
                variable=primary,
                origin="not set",
                message=(
                    f"is not set; {spec.name} is required in {ctx.environment.value} and none "
                    f"of {', '.join(names)} has a value"
                ),
                fix=(
                    f"Set {primary}{_described(spec.description)} in the environment or the "
                    f"secret store of {ctx.environment.value}"
                ),
                rule=self.code,
                critical=True,
            )


def _described(description: str) -> str:
    return f" ({description.rstrip('.')})" if description else ""
