"""Canary sweep over the public Python surfaces: repr, str, exceptions, tracebacks, DEBUG logs.

Every name of ``confwarden.__all__`` that can be built or called from the canary environment
alone is: a parameter gets a value by its name (``env``/``env_vars``/``environ``/``before``/
``after``: the canaries; ``service``: the spec platform's schema; ``environment``: staging),
optional parameters keep their defaults. The result, and every output method it offers
(:data:`OUTPUT_METHODS`), is rendered and searched for canaries; so is any exception, with its
traceback, and everything logged at DEBUG.
"""

from __future__ import annotations

import inspect
import logging
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.security import canaries

import confwarden
from confwarden.environment.detection import Environment
from confwarden.environment.dotenv import read_dotenv
from confwarden.environment.isolated import IsolatedEnvironment
from confwarden.environment.process import reset_env
from confwarden.presets.agent_platform import AppConfig
from confwarden.secrets.files import FileReferenceSource, SecretsDirSource

# Methods whose purpose is showing: called with no argument when an object has them.
OUTPUT_METHODS = (
    "get_debug_info",
    "debug_info",
    "get_config_summary",
    "summary",
    "to_dict",
    "describe",
    "iter_variables",
    "errors",
    "warnings",
    "print_validation_summary",
    "get_safe_log_message",
)
# No name is exempt: every result is rendered through every output method. Configurations,
# environments and managers reveal a value only when asked by name (``to_dict(reveal=True)``,
# ``get_secret_value()``), which the sweep never does.
_NOT_BUILDABLE = object()


def _argument(parameter: inspect.Parameter, variables: dict[str, str]) -> Any:
    name = parameter.name
    if name in ("env_vars", "environ", "before", "after", "values"):
        return dict(variables)
    if name == "env":
        return IsolatedEnvironment(environ=dict(variables), isolated=True)
    if name in ("service", "service_config_class"):
        return AppConfig
    if name == "environment":
        return Environment.STAGING
    if parameter.default is not inspect.Parameter.empty or parameter.kind in (
        inspect.Parameter.VAR_POSITIONAL,
        inspect.Parameter.VAR_KEYWORD,
    ):
        return inspect.Parameter.empty
    return _NOT_BUILDABLE


def _call(target: Callable[..., Any], variables: dict[str, str]) -> Any:
    try:
        signature = inspect.signature(target)
    except (TypeError, ValueError):
        return _NOT_BUILDABLE
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    for parameter in signature.parameters.values():
        value = _argument(parameter, variables)
        if value is _NOT_BUILDABLE:
            return _NOT_BUILDABLE
        if value is inspect.Parameter.empty:
            continue
        if parameter.kind is inspect.Parameter.POSITIONAL_ONLY:
            args.append(value)
        else:
            kwargs[parameter.name] = value
    return target(*args, **kwargs)


def _render(obj: Any, shown: list[str], *, depth: int = 0) -> None:
    shown.append(repr(obj))
    shown.append(str(obj))
    if depth > 0 or isinstance(obj, str | bytes | int | float | dict | list | tuple | type):
        return
    for name in OUTPUT_METHODS:
        member = getattr(obj, name, None)
        if member is None:
            continue
        try:
            result = member() if callable(member) else member
            if inspect.isgenerator(result):
                result = list(result)
        except TypeError:
            continue  # needs arguments
        except Exception as exc:
            shown.append("".join(traceback.format_exception(exc)))
            continue
        _render(result, shown, depth=depth + 1)


def _surface(name: str, variables: dict[str, str]) -> str:
    shown: list[str] = []
    target = getattr(confwarden, name)
    try:
        result = _call(target, variables) if callable(target) else target
    except Exception as exc:
        shown.append("".join(traceback.format_exception(exc)))
        return "\n".join(shown)
    if result is _NOT_BUILDABLE:
        return "\n".join(shown)
    _render(result, shown)
    return "\n".join(shown)


@pytest.mark.parametrize("name", sorted(confwarden.__all__))
def test_public_name_never_shows_a_canary(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    files = canaries.write_project(tmp_path / "project")
    monkeypatch.chdir(files["root"])
    variables = canaries.environ()
    for key, value in variables.items():
        monkeypatch.setenv(key, value)
    reset_env()
    caplog.set_level(logging.DEBUG)
    try:
        shown = _surface(name, variables)
    finally:
        reset_env()
        confwarden.reset_unified_config()
    assert canaries.leaks(shown + caplog.text) == []


def test_environment_layer_surfaces_never_show_a_canary(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    files = canaries.write_project(tmp_path / "project")
    caplog.set_level(logging.DEBUG)
    env = IsolatedEnvironment(environ=canaries.environ(), isolated=True)

    def failing(key: str, old: str | None, new: str | None, source: str) -> None:
        raise RuntimeError(f"cannot apply {key}={new!r} (was {old!r}); other: {env.get_all()}")

    env.add_change_callback(failing)
    loaded = env.load_from_file(files["dotenv"], override=True)
    with env.scoped():
        env.set("SCOPED_TOKEN", canaries.BY_NAME["GH_PAT"], source="test")
    env.protect_variable("POSTGRES_PASSWORD", by="test")
    shown = [repr(loaded), repr(env), repr(env.get_debug_info()), *env.callback_errors]
    shown += [repr(list(env.iter_variables()))]
    shown += [repr(env.explain(key).to_dict()) for key in env.get_all()]
    try:
        env.load_from_file(files["after"], override=True)
    except Exception as exc:
        shown.append("".join(traceback.format_exception(exc)))
    shown.append(repr(read_dotenv(files["dotenv"])))
    bad = tmp_path / "bad.env"
    bad.write_text(f"1BAD={canaries.BY_NAME['GH_PAT']}\nOPEN='{canaries.BY_NAME['HASH_SALT']}\n")
    try:
        read_dotenv(bad)
    except Exception as exc:
        shown.append("".join(traceback.format_exception(exc)))
    secrets_dir = SecretsDirSource(files["secrets"])
    shown.append(repr(secrets_dir.lookup("REDIS_PASSWORD")))
    reference = FileReferenceSource({"X_TOKEN_FILE": str(files["secrets"] / "REDIS_PASSWORD")}.get)
    shown.append(repr(reference.lookup("X_TOKEN")))
    assert canaries.leaks("\n".join(shown) + caplog.text) == []
