"""Component rules: startup runs each shared component's own validation, for what it uses.

Staging used to start with ``POSTGRES_SSLMODE=disable`` and fail on the first
``config.database_url``; production started with a plain-text, weak-password ``REDIS_URL`` and
an ``AUTH_SERVICE_URL`` carrying a password, which the Redis builder and port discovery
refuse on use. Whatever a component would refuse on first use is refused at startup, with
every other problem, in one :class:`~confwarden.errors.ConfigurationError`: a component
error is a critical problem (``ENFORCE_CRITICAL`` stops on it too).

The components are asked only about what the configuration uses, project first: with a
schema, a component reads only those of its variables the schema declares (a neighbour's
``DATABASE_URL`` in the same environment is not this service's), a declared variable that is
unset reads the schema's default (what the service itself would use), and a problem about a
variable the schema does not declare is not this service's problem. A component runs when
one of its declared variables has a value. The database goes through ``database.py`` (its
own rule, with the same severity mapping).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Set
from dataclasses import dataclass
from functools import lru_cache

from confwarden.components.problems import ValidationResult as ComponentResult
from confwarden.config.spec import Problem, Severity
from confwarden.config.validation.base import Rule, ValidationContext
from confwarden.config.variables import as_text
from confwarden.environment.detection import Environment

__all__ = [
    "COMPONENT_CHECKS",
    "ComponentCheck",
    "ComponentRule",
    "component_problems",
    "component_variables",
]


@dataclass(frozen=True, slots=True)
class ComponentCheck:
    """One component and the variables that show the configuration uses it.

    Attributes:
        name: the component, for docs.
        variables: it runs when one of these has a value (a suffix when it starts with ``_``).
        validate: builds the component over the variables and validates it.
    """

    name: str
    variables: tuple[str, ...]
    validate: Callable[[Mapping[str, str], Environment, tuple[str, ...]], ComponentResult]

    def used(self, ctx: ValidationContext, variables: Mapping[str, str]) -> tuple[str, ...]:
        """The variables of this component in ``variables`` (the :func:`component_variables`
        of ``ctx``) that are set: a default alone does not make a service a client."""
        found: list[str] = []
        for name in _matching(self.variables, variables, ctx):
            raw = ctx.get(name)
            if raw is not None and raw.strip():
                found.append(name)
        return tuple(sorted(found))


def component_variables(ctx: ValidationContext, variables: tuple[str, ...]) -> Mapping[str, str]:
    """What a component with these ``variables`` reads when judging ``ctx``.

    Without a schema (a raw ``.env`` judged on its own): every variable. With one: the
    component's variables the schema does not declare are left out, and a declared one that
    is unset reads the schema's default, unless the field is required in the environment
    (``required.missing`` reports that hole, once) or the component's whole URL
    (``REDIS_URL``) is set, which the parts do not then feed.
    """
    merged = ctx.merged_variables
    if not ctx.fields:
        return merged
    declared = ctx.index.current
    foreign = [n for n in _matching(variables, merged, ctx) if n not in declared]
    fills: dict[str, str] = {}
    if not any(merged.get(n) for n in variables if n.endswith("_URL") and n in declared):
        # (When the whole URL is set, the parts' defaults are not what the service uses.)
        for name in _declared(variables, declared):
            if name in merged:
                continue
            spec = ctx.spec_for(name)
            if spec is None or spec.is_required(ctx.environment):
                continue
            text = as_text(ctx.defaults.get(spec.name))
            if text is not None:
                fills[name] = text
    if not foreign and not fills:
        return merged  # the common case: nothing to hide, nothing to add, no copy
    view = {k: v for k, v in merged.items() if k not in foreign}
    view.update(fills)
    return view


def _undeclared(ctx: ValidationContext, item: Problem, variables: tuple[str, ...]) -> bool:
    """True when ``item`` speaks only of the component's variables the schema does not
    declare: not this service's problem."""
    if not ctx.fields:
        return False
    names = item.variable.split("/")
    declared = ctx.index.current
    return all(n not in declared and _matching(variables, (n,)) for n in names)


def _matching(
    patterns: tuple[str, ...], names: Iterable[str], ctx: ValidationContext | None = None
) -> tuple[str, ...]:
    suffixes = tuple(p for p in patterns if p.startswith("_"))
    if isinstance(names, Mapping | Set):
        # Look the exact names up instead of scanning every variable (a process has
        # hundreds; this runs per component at every validation), and scan for suffixes
        # once per context.
        exact = tuple(p for p in patterns if not p.startswith("_") and p in names)
        if not suffixes:
            return exact
        if ctx is not None and names is ctx.merged_variables:
            return exact + tuple(n for n in ctx.names_ending(suffixes) if n not in exact)
    exact_set = frozenset(p for p in patterns if not p.startswith("_"))
    return tuple(n for n in names if n in exact_set or (suffixes and n.endswith(suffixes)))


@lru_cache(maxsize=256)
def _declared(patterns: tuple[str, ...], declared: frozenset[str]) -> tuple[str, ...]:
    # Per schema and environment (a frozenset caches its hash): startup stays cheap.
    return tuple(sorted(_matching(patterns, declared)))


def _redis(
    variables: Mapping[str, str], environment: Environment, _: tuple[str, ...]
) -> ComponentResult:
    from confwarden.components.redis_url import RedisURLBuilder

    return RedisURLBuilder(variables, environment=environment, in_docker=False).validate()


def _clickhouse(
    variables: Mapping[str, str], environment: Environment, _: tuple[str, ...]
) -> ComponentResult:
    from confwarden.components.clickhouse_url import ClickHouseURLBuilder

    return ClickHouseURLBuilder(variables, environment=environment, in_docker=False).validate()


def _services(
    variables: Mapping[str, str], environment: Environment, used: tuple[str, ...]
) -> ComponentResult:
    from confwarden.components.ports import PortDiscovery, ServiceSpec

    # Every ``<NAME>_SERVICE_URL`` that is set names a service this configuration calls.
    names = [u[: -len("_SERVICE_URL")].lower().replace("_", "-") for u in used]
    specs = [ServiceSpec(name, 0, name) for name in names if name]
    discovery = PortDiscovery(variables, environment=environment, services=specs, in_docker=False)
    return discovery.validate()


COMPONENT_CHECKS: tuple[ComponentCheck, ...] = (
    ComponentCheck(
        "RedisURLBuilder",
        (
            "REDIS_URL",
            "REDIS_HOST",
            "REDIS_PORT",
            "REDIS_USERNAME",
            "REDIS_PASSWORD",
            "REDIS_DB",
            "REDIS_TLS",
            "REDIS_SOCKET",
        ),
        _redis,
    ),
    ComponentCheck(
        "ClickHouseURLBuilder",
        (
            "CLICKHOUSE_URL",
            "CLICKHOUSE_HOST",
            "CLICKHOUSE_PORT",
            "CLICKHOUSE_USER",
            "CLICKHOUSE_PASSWORD",
            "CLICKHOUSE_DB",
        ),
        _clickhouse,
    ),
    ComponentCheck("PortDiscovery", ("_SERVICE_URL",), _services),
)


def component_problems(
    rule: Rule,
    ctx: ValidationContext,
    found: ComponentResult,
    *,
    skip: frozenset[str] = frozenset(),
    code: str | None = None,
    variables: tuple[str, ...] = (),
) -> Iterator[Problem]:
    """A component's problems as the rule's, with origins; the component's errors are critical.

    A problem naming only ``variables`` (the component's) the schema does not declare is
    dropped: the service does not read them.
    """
    for item in found.problems:
        if item.severity is Severity.IGNORE:
            continue
        if variables and _undeclared(ctx, item, variables):
            continue
        variable = _variable(item, ctx)
        if variable in skip:
            continue
        # The component raises on first use for its errors: stop startup instead.
        critical = True if item.severity is Severity.ERROR else None
        yield rule.adopt(ctx, item, variable=variable, critical=critical, code=code)


def _variable(item: Problem, ctx: ValidationContext) -> str:
    # "A/B" problems name several variables: report the first that is set.
    names = item.variable.split("/")
    return next((n for n in names if ctx.get(n) is not None), names[-1])


class ComponentRule(Rule):
    """A shared component (Redis, ClickHouse, service URLs) refuses its variables."""

    code = "components"
    description = "Each shared component the configuration uses accepts its variables."

    def check(self, ctx: ValidationContext) -> Iterator[Problem]:
        """Yield every used component's problems, errors critical."""
        for check in COMPONENT_CHECKS:
            variables = component_variables(ctx, check.variables)
            used = check.used(ctx, variables)
            if not used:
                continue
            result = check.validate(variables, ctx.environment, used)
            yield from component_problems(
                self, ctx, result, code=f"components.{check.name}", variables=check.variables
            )
