"""How the loader finds a field's value across its sources: the lookups and what wraps them.

A lookup is ``(source, find, eager)``: the source, a function from a variable name to a
:class:`~confwarden.secrets.base.SourceHit` (or None), and whether the source is cheap enough
to ask even once a value is found. The loader (:mod:`confwarden.config.loader`) walks them in
precedence order; this module holds what changes how a name is found: prefetching from remote
stores in one round trip, case-insensitive names, and nested groups assembled from their JSON
variable and ``PREFIX__KEY`` variables.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any, TypeAlias

from confwarden.config.schema import ConfigSchema, FieldPlan
from confwarden.config.spec import FieldSpec
from confwarden.secrets.base import SourceHit, ValueSource

__all__ = ["Lookup", "case_insensitive", "first_hit", "nested_value", "prefetch"]

Lookup: TypeAlias = tuple[ValueSource, Callable[[str], SourceHit | None], bool]


def prefetch(
    plan: Sequence[FieldPlan],
    lookups: Sequence[Lookup],
) -> None:
    """Let remote stores fetch, in parallel, every variable they may be asked for.

    A field already supplied by a cheap source above a store (the process environment...)
    is left out: the store would not be asked for it.
    """
    for index, (source, _, _) in enumerate(lookups):
        if type(source).prefetch is ValueSource.prefetch:
            continue
        above = [lookup for s, lookup, _ in lookups[:index] if s.consult_when_shadowed]
        wanted = [
            variable
            for item in plan
            if not _supplied(above, item.variables)
            for variable in item.variables
        ]
        if wanted:
            source.prefetch(wanted)


def _supplied(
    lookups: Sequence[Callable[[str], SourceHit | None]], variables: Sequence[str]
) -> bool:
    for lookup in lookups:
        for variable in variables:
            try:
                if lookup(variable) is not None:
                    return True
            except Exception:  # reported by the load itself
                continue
    return False


def case_insensitive(
    lookups: list[Lookup],
    variables: dict[str, str],
) -> list[Lookup]:
    """Lookups that also find ``shop_page_size`` for ``SHOP_PAGE_SIZE``."""
    actual = {name.upper(): name for name in variables}

    def wrap(lookup: Callable[[str], SourceHit | None]) -> Callable[[str], SourceHit | None]:
        def find(variable: str) -> SourceHit | None:
            hit = lookup(variable)
            if hit is None:
                other = actual.get(variable.upper())
                if other is not None and other != variable:
                    hit = lookup(other)
            return hit

        return find

    return [(source, wrap(lookup), eager) for source, lookup, eager in lookups]


def nested_value(  # noqa: PLR0917 - one internal call site
    spec: FieldSpec,
    variable: str,
    prefix: str,
    lookups: list[Lookup],
    variables: dict[str, str],
    schema: type[ConfigSchema],
) -> SourceHit | None:
    """The value of a nested group: its JSON variable with ``PREFIX__KEY`` variables merged in.

    Returns None when no ``PREFIX__KEY`` variable is set (the JSON variable, if any, is
    then found by the normal lookup); otherwise one hit holding the merged JSON, from the
    source of the first key variable.
    """
    folded = not schema.__confwarden_case_sensitive__
    upper_prefix = prefix.upper()
    keys = sorted(
        name
        for name in variables
        if (name.upper().startswith(upper_prefix) if folded else name.startswith(prefix))
    )
    if not keys:
        return None
    hits = [hit for hit in (first_hit(lookups, name) for name in keys) if hit is not None]
    if not hits:
        return None
    whole = first_hit(lookups, variable)
    merged: dict[str, Any] = {}
    if whole is not None:
        try:
            parsed = json.loads(whole.value)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict):
            merged.update(parsed)
    delimiter = schema.__confwarden_nested_delimiter__ or "__"
    for hit in hits:
        path = hit.variable[len(prefix) :].lower().split(delimiter)
        target = merged
        for part in path[:-1]:
            child = target.get(part)
            if not isinstance(child, dict):
                child = target[part] = {}
            target = child
        target[path[-1]] = hit.value
    return SourceHit(hits[0].variable, json.dumps(merged), hits[0].source)


def first_hit(lookups: list[Lookup], variable: str) -> SourceHit | None:
    """The highest-precedence hit for ``variable``; a source that fails is passed by here
    (the field's own lookup reports it)."""
    for _source, lookup, _eager in lookups:
        try:
            hit = lookup(variable)
        except Exception:  # a failing source is reported by the main lookup of the field
            continue
        if hit is not None:
            return hit
    return None
