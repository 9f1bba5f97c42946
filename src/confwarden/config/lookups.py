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
from confwarden.environment.provenance import Source
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


# Within one source (the process environment holds the loaded ``.env`` values too), the
# kind of each hit decides between case variants: code > process environment > secrets >
# .env > fallbacks, as between sources.
_RANK = {"set": 0, "os": 1, "secret": 2, "dotenv": 3, "fallback": 4, "default": 5}


def _rank(hit: SourceHit) -> int:
    return _RANK.get(hit.source.kind.value, 6)


def case_insensitive(
    lookups: list[Lookup],
    variables: dict[str, str],
) -> list[Lookup]:
    """Lookups that also find ``shop_page_size`` for ``SHOP_PAGE_SIZE``.

    When several case variants are set, precedence decides as if they were one name: a
    process-environment ``shop_page_size`` beats a ``.env`` ``SHOP_PAGE_SIZE``.
    """
    variants: dict[str, list[str]] = {}
    for name in variables:
        variants.setdefault(name.upper(), []).append(name)

    def wrap(lookup: Callable[[str], SourceHit | None]) -> Callable[[str], SourceHit | None]:
        def find(variable: str) -> SourceHit | None:
            others = variants.get(variable.upper(), ())
            if len(others) <= 1 and (not others or others[0] == variable):
                return lookup(variable)
            names = [variable, *(n for n in others if n != variable)]
            hits = [hit for hit in map(lookup, names) if hit is not None]
            return min(hits, key=_rank) if hits else None

        return find

    return [(source, wrap(lookup), eager) for source, lookup, eager in lookups]


def nested_value(  # noqa: PLR0917 - one internal call site
    spec: FieldSpec,
    variable: str,
    prefix: str,
    lookups: list[Lookup],
    variables: dict[str, str],
    schema: type[ConfigSchema],
) -> tuple[SourceHit | None, dict[tuple[str, ...], tuple[str, Source]]]:
    """The value of a nested group: its JSON variable with ``PREFIX__KEY`` variables merged in.

    Precedence is pydantic-settings': sources are merged key by key, a higher source
    winning (a process-environment ``SHOP_PAYMENT='{...}'`` beats a ``.env``
    ``SHOP_PAYMENT__PROVIDER``); within one source the ``PREFIX__KEY`` variables override
    the JSON's keys. A JSON variable that is not an object is returned as the hit itself,
    so that the loader reports it (an error in every environment, ``__`` keys or not).

    Returns:
        ``(None, {})`` when no ``PREFIX__KEY`` variable is set (the JSON variable, if any,
        is then found by the normal lookup); otherwise one hit holding the merged JSON
        (from the source of the highest key variable), and which variable supplied each
        key path (for errors naming the right variable).
    """
    folded = not schema.__confwarden_case_sensitive__
    upper_prefix = prefix.upper()
    keys = sorted(
        name
        for name in variables
        if (name.upper().startswith(upper_prefix) if folded else name.startswith(prefix))
    )
    if not keys:
        return None, {}
    hits = [hit for hit in (first_hit(lookups, name) for name in keys) if hit is not None]
    if not hits:
        return None, {}
    whole = first_hit(lookups, variable)
    tiers: dict[tuple[int, int], list[SourceHit]] = {}
    if whole is not None:
        try:
            parsed = json.loads(whole.value)
        except ValueError:
            parsed = None
        if not isinstance(parsed, dict):
            return whole, {}
        tiers.setdefault(_tier(lookups, whole), []).append(whole)
    for hit in hits:
        tiers.setdefault(_tier(lookups, hit), []).append(hit)
    delimiter = schema.__confwarden_nested_delimiter__ or "__"
    merged: dict[str, Any] = {}
    origins: dict[tuple[str, ...], tuple[str, Source]] = {}
    # Lowest precedence first, so that higher tiers overwrite key by key.
    for tier in sorted(tiers, reverse=True):
        for hit in tiers[tier]:
            if hit is whole:
                _merge(merged, json.loads(hit.value), (), (hit.variable, hit.source), origins)
                continue
            path = tuple(hit.variable[len(prefix) :].lower().split(delimiter))
            target = merged
            for part in path[:-1]:
                child = target.get(part)
                if not isinstance(child, dict):
                    child = target[part] = {}
                target = child
            target[path[-1]] = hit.value
            origins[path] = (hit.variable, hit.source)
    top = min(hits, key=lambda hit: _tier(lookups, hit))
    return SourceHit(top.variable, json.dumps(merged), top.source), origins


def _tier(lookups: list[Lookup], hit: SourceHit) -> tuple[int, int]:
    """Where ``hit`` stands in precedence: its source's position, then its kind in it."""
    for index, (_source, lookup, _eager) in enumerate(lookups):
        try:
            found = lookup(hit.variable)
        except Exception:  # reported by the field's own lookup
            continue
        if found is not None and found.source == hit.source:
            return index, _rank(hit)
    return len(lookups), _rank(hit)


def _merge(
    target: dict[str, Any],
    value: dict[str, Any],
    path: tuple[str, ...],
    variable: tuple[str, Source],
    origins: dict[tuple[str, ...], tuple[str, Source]],
) -> None:
    """Deep-merge ``value`` into ``target`` (``value`` wins), recording ``variable`` as the
    origin of every key it gives."""
    for key, item in value.items():
        here = (*path, str(key).lower())
        if isinstance(item, dict) and isinstance(target.get(key), dict):
            _merge(target[key], item, here, variable, origins)
        else:
            target[key] = item
        origins[here] = variable


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
