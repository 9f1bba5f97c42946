"""The library's own defaults in a deployment: public values where a real one belongs.

``SERVICE_ID=test-service`` or a preset's OAuth test client id
(``test-oauth-client-id.apps.googleusercontent.com``) in production means a test
configuration was deployed: the service identifies as the test suite, or signs in users
through a client anyone can read in the package. The values come from the defaults tables
themselves (:func:`~confwarden.config.fallbacks.published_defaults`), so a preset's table is
refused without being listed twice. Secrets among them are judged by ``secrets.weak_value``
already; this rule covers every other field.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator

from confwarden.components.weak_secrets import weak_value_reason
from confwarden.config.fallbacks import published_defaults
from confwarden.config.spec import Problem
from confwarden.config.validation.base import Rule, ValidationContext

__all__ = ["LibraryDefaultRule"]


class LibraryDefaultRule(Rule):
    """A deployed value is one of the library's published test or development defaults.

    Example:
        >>> from confwarden.environment.detection import Environment
        >>> ctx = ValidationContext.from_variables(
        ...     Environment.PRODUCTION, {"SERVICE_ID": "test-service"})
        >>> [p.rule for p in LibraryDefaultRule().check(ctx)]
        ['defaults.library_value']
    """

    code = "defaults.library_value"
    description = "No published test or development default is deployed."

    def check(self, ctx: ValidationContext) -> Iterator[Problem]:
        """Yield one critical problem per deployed value found in a defaults table."""
        if not ctx.environment.is_deployed:
            return
        for variable, value, sensitive in _published(ctx, published_defaults()):
            if sensitive and weak_value_reason(value, deployed=True) is not None:
                continue  # secrets.weak_value reports it
            yield self.problem(
                ctx,
                variable,
                "is one of confwarden's published test or development defaults (value not shown)",
                f"Set {variable} to this deployment's own value",
                critical=True,
            )


def _published(
    ctx: ValidationContext, published: Collection[str]
) -> Iterator[tuple[str, str, bool]]:
    """``(variable, value, sensitive)`` of the values found in ``published``: a set test per
    resolved value, without building an item per field (a schema has hundreds)."""
    if not ctx.fields:
        for item in ctx.items():
            if (value := item.raw.strip()) in published:
                yield item.variable, value, item.sensitive
        return
    by_name = ctx.index.by_name
    for name, resolved in ctx.values.items():
        if resolved.raw is None or (value := resolved.raw.strip()) not in published:
            continue
        spec = by_name.get(name)
        if spec is not None:
            yield resolved.variable or spec.canonical, value, spec.sensitive
