"""Cold start: a fresh Python process, from nothing to a validated configuration.

What a service, a CLI call or a serverless instance pays once per start (issue 9 item 11).
For a 14-field and a 150-field schema, each library is run in ``RUNS`` fresh processes
(``python -c``: interpreter start, imports, class creation, reading the environment, type
conversion and validation) and the median wall time is kept. The interpreter's own start
(``python -c pass``) is measured the same way and reported, not subtracted.

Target: confwarden at most 0.8x pydantic-settings for both sizes. dynaconf is shown for
reference when it is installed (``pip install 'confwarden[bench]'``).
"""

from __future__ import annotations

import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _harness import Measurement, ratio, report

RUNS = 20
_ROOT = Path(__file__).resolve().parent.parent

# (kind, raw value) in a realistic mix: strings, integers, flags, floats, secrets, a list.
_KINDS = (
    ("str", "value"),
    ("int", "42"),
    ("bool", "true"),
    ("float", "1.5"),
    ("secret", "Kq7xZ2pW9mLr4TvB8nYc3HdF6gJs1QaE5uVo"),
    ("literal", "info"),
    ("list", "a,b,c"),
)


def _fields(count: int) -> list[tuple[str, str, str]]:
    return [(f"field_{i:03d}", *_KINDS[i % len(_KINDS)]) for i in range(count)]  # (name, kind, raw)


def _environ(count: int) -> dict[str, str]:
    # Secrets differ from each other (a reused secret is a validation error).
    env = {
        f"SVC_{name.upper()}": f"{raw}-{name}" if kind == "secret" else raw
        for name, kind, raw in _fields(count)
    }
    # List values as pydantic-settings and dynaconf expect them (JSON / TOML).
    for name, kind, _ in _fields(count):
        if kind == "list":
            env[f"SVC_{name.upper()}"] = '["a","b","c"]'
    return env


def _annotated_fields(count: int) -> list[str]:
    """``    name: type`` class-body lines, the same for every pydantic-based contender."""
    types = {
        "str": "str",
        "int": "int",
        "bool": "bool",
        "float": "float",
        "secret": "SecretStr",
        "literal": 'Literal["debug", "info", "warning"]',
        "list": "list[str]",
    }
    return [f"    {name}: {types[kind]}" for name, kind, _ in _fields(count)]


def _confwarden_source(count: int) -> str:
    lines = [
        "from typing import Literal",
        "from confwarden import ConfigSchema, SecretStr, bootstrap",
        "class Settings(ConfigSchema, env_prefix='SVC_'):",
    ]
    lines += _annotated_fields(count)
    lines.append("config = bootstrap(Settings, environment='production', install=False)")
    lines.append("assert config.field_001 == 42")
    return "\n".join(lines)


def _pydantic_settings_source(count: int) -> str:
    lines = [
        "from typing import Literal",
        "from pydantic import SecretStr",
        "from pydantic_settings import BaseSettings, SettingsConfigDict",
        "class Settings(BaseSettings):",
        "    model_config = SettingsConfigDict(env_prefix='SVC_')",
    ]
    lines += _annotated_fields(count)
    lines.append("config = Settings()")
    lines.append("assert config.field_001 == 42")
    return "\n".join(lines)


def _dynaconf_source(count: int) -> str:
    validators = ", ".join(
        f"Validator('{name.upper()}', must_exist=True)" for name, _, _ in _fields(count)
    )
    return "\n".join(
        [
            "from dynaconf import Dynaconf, Validator",
            f"config = Dynaconf(envvar_prefix='SVC', validators=[{validators}])",
            "config.validators.validate()",
            "assert config.FIELD_001 == 42",
        ]
    )


def _medians(sources: dict[str, str], env: dict[str, str], cwd: str) -> dict[str, float]:
    """Median wall time of each script over ``RUNS`` fresh processes, run in turn.

    Interleaved rounds: a machine busy with other work slows every library alike.
    """
    scripts: dict[str, str] = {}
    for name, source in sources.items():
        path = Path(cwd) / f"cold_{name}.py"
        path.write_text(source)
        scripts[name] = str(path)
        # Fail loudly (and once) rather than time an exception; also warms the .pyc files.
        subprocess.run([sys.executable, scripts[name]], env=env, cwd=cwd, check=True)
    times: dict[str, list[float]] = {name: [] for name in scripts}
    for _ in range(RUNS):
        for name, script in scripts.items():
            start = time.perf_counter()
            subprocess.run([sys.executable, script], env=env, cwd=cwd, check=True)
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def bench_cold_start() -> list[Measurement]:
    base_env = {
        key: value
        for key, value in os.environ.items()
        if key in ("PATH", "HOME", "LANG", "PYTHONPATH", "VIRTUAL_ENV")
    }
    has_dynaconf = importlib.util.find_spec("dynaconf") is not None
    results: list[Measurement] = []
    with tempfile.TemporaryDirectory() as cwd:  # no .env, no pyproject.toml: a bare service
        for count in (14, 150):
            sources = {
                "interpreter": "pass",
                "confwarden": _confwarden_source(count),
                "pydantic_settings": _pydantic_settings_source(count),
            }
            if has_dynaconf:
                sources["dynaconf"] = _dynaconf_source(count)
            medians = _medians(sources, {**base_env, **_environ(count)}, cwd)
            ours, theirs = medians["confwarden"], medians["pydantic_settings"]
            detail = (
                f"{ours * 1e3:.0f} ms vs {theirs * 1e3:.0f} ms (median of {RUNS}; "
                f"python -c pass {medians['interpreter'] * 1e3:.0f} ms"
            )
            if has_dynaconf:
                detail += f"; dynaconf {medians['dynaconf'] * 1e3:.0f} ms"
            results.append(
                ratio(
                    f"fresh process to a validated {count}-field config / pydantic-settings",
                    ours,
                    theirs,
                    at_most=0.8,
                    detail=detail + ")",
                )
            )
    return results


if __name__ == "__main__":
    report("Cold start (issue 9)", bench_cold_start())
