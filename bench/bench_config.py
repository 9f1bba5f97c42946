"""Configuration layer: cold load + validation, field reads, and the cached unified config.

Targets (issue 4):
* cold load and validation of a 150-field config from an environment mapping: at least 10x
  faster than pydantic-settings ``BaseSettings()`` for the same 150 fields, side by side;
* reading a field of the loaded config: at most 1.5x a plain attribute read;
* ``get_unified_config()`` when cached: at most 3x a call of a function returning a global.
"""

from __future__ import annotations

import os
import timeit
from typing import Annotated, Any

from pydantic import SecretStr, create_model
from pydantic_settings import BaseSettings

from _harness import Measurement, per_call, per_run, ratio, report, speedup
from confwarden.config.inspection import inspect_service
from confwarden.config.loader import load_config
from confwarden.config.manager import (
    UnifiedConfigManager,
    get_unified_config,
    set_unified_manager,
)
from confwarden.config.schema import ConfigSchema, Env
from confwarden.config.sources import LoadContext
from confwarden.environment.detection import Environment
from confwarden.presets.agent_platform import AppConfig

FIELDS = 150
# A realistic mix: strings, integers, flags, floats and secrets.
KINDS: tuple[tuple[type[Any], str], ...] = (
    (str, "value"),
    (int, "42"),
    (bool, "true"),
    (float, "1.5"),
    (SecretStr, "Kq7xZ2pW9mLr4TvB8nYc3HdF6gJs1QaE5uVo"),
)


def _kind(index: int) -> tuple[type[Any], str]:
    return KINDS[index % len(KINDS)]


def build_models() -> tuple[type[ConfigSchema], type[BaseSettings], dict[str, str]]:
    """The same 150 fields as a confwarden schema and as pydantic-settings settings."""
    ours: dict[str, Any] = {}
    defaults: dict[str, Any] = {}
    theirs: dict[str, Any] = {}
    environ: dict[str, str] = {}
    for index in range(FIELDS):
        kind, raw = _kind(index)
        name = f"bench_field_{index:03d}"
        variable = name.upper()
        sensitive = kind is SecretStr
        annotation = kind | None if sensitive else kind
        ours[name] = Annotated[annotation, Env(variable, sensitive=sensitive)]
        defaults[name] = None
        theirs[name] = (annotation, None)
        environ[variable] = raw
    # Unrelated variables, as in any real process environment.
    for index in range(60):
        environ[f"UNRELATED_VARIABLE_{index}"] = "x"
    namespace = {"__annotations__": ours, "__module__": __name__, **defaults}
    ours_model: type[ConfigSchema] = type("Bench150Config", (ConfigSchema,), namespace)
    theirs_model = create_model("Bench150Settings", __base__=BaseSettings, **theirs)
    return ours_model, theirs_model, environ


def bench_cold_load() -> list[Measurement]:
    ours, theirs, environ = build_models()
    saved = dict(os.environ)
    os.environ.update(environ)  # pydantic-settings reads the process environment
    try:
        # Interleaved rounds, minimum of each: a busy machine slows all three alike.
        t_settings = t_load = t_full = float("inf")
        for _ in range(9):
            t_settings = min(t_settings, per_call(theirs, number=40, repeat=1))
            t_load = min(
                t_load,
                per_call(
                    lambda: load_config(ours, LoadContext(Environment.STAGING, environ)),
                    number=40,
                    repeat=1,
                ),
            )
            t_full = min(
                t_full,
                per_call(
                    lambda: inspect_service(ours, environ, Environment.STAGING),
                    number=40,
                    repeat=1,
                ),
            )
    finally:
        os.environ.clear()
        os.environ.update(saved)
    check = inspect_service(ours, environ, Environment.STAGING)
    assert check.config is not None
    assert check.config.bench_field_001 == 42  # type: ignore[attr-defined]
    return [
        speedup(
            "cold load + validation of 150 fields vs pydantic-settings BaseSettings()",
            t_full,
            t_settings,
            at_least=10,
            detail=f"{t_full * 1e6:.0f} us vs {t_settings * 1e6:.0f} us "
            f"(load alone {t_load * 1e6:.0f} us, {t_settings / t_load:.1f}x faster)",
        )
    ]


class _Plain:
    def __init__(self) -> None:
        self.bench_field_001 = 42


def _interleaved(*timers: timeit.Timer, number: int, rounds: int = 15) -> list[float]:
    """Best time of each timer over interleaved rounds (a busy machine slows all alike)."""
    best = [float("inf")] * len(timers)
    for _ in range(rounds):
        for index, timer in enumerate(timers):
            best[index] = min(best[index], timer.timeit(number))
    return best


def bench_field_read() -> list[Measurement]:
    ours, _, environ = build_models()
    config = load_config(ours, LoadContext(Environment.STAGING, environ)).config
    number = 500_000
    t_ours, t_plain = _interleaved(
        timeit.Timer("c.bench_field_001", globals={"c": config}),
        timeit.Timer("c.bench_field_001", globals={"c": _Plain()}),
        number=number,
    )
    return [
        ratio(
            "config.field read / plain attribute read",
            t_ours,
            t_plain,
            at_most=1.5,
            detail=f"{t_ours / number * 1e9:.1f} ns vs {t_plain / number * 1e9:.1f} ns",
        )
    ]


_GLOBAL = object()


def _return_global() -> object:
    return _GLOBAL


def bench_unified_config() -> list[Measurement]:
    # A process-lifetime cache, as in development, staging and production (testing's
    # 30-second cache checks a clock on every call by design).
    testing = Environment.TESTING
    set_unified_manager(UnifiedConfigManager(AppConfig, env={}, environment=testing, ttl=None))
    get_unified_config()
    number = 500_000
    t_ours, t_global = _interleaved(
        timeit.Timer(get_unified_config), timeit.Timer(_return_global), number=number
    )
    first = per_run(
        lambda: UnifiedConfigManager(AppConfig, env={}, environment=testing).get_config()
    )
    return [
        ratio(
            "get_unified_config() cached / function returning a global",
            t_ours,
            t_global,
            at_most=3,
            detail=f"{t_ours / number * 1e9:.1f} ns vs {t_global / number * 1e9:.1f} ns "
            f"(first, uncached load and validation of AppConfig: {first * 1e6:.0f} us)",
        )
    ]


if __name__ == "__main__":
    report(
        "Configuration layer (issue 4)",
        [*bench_cold_load(), *bench_field_read(), *bench_unified_config()],
    )
