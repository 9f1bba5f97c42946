"""Issue 11 item 1: a validator that copies the value into its message never shows a secret."""

from __future__ import annotations

import logging
from typing import Annotated

import pytest
from pydantic import BeforeValidator, SecretStr

from confwarden.config.loader import load_config
from confwarden.config.manager import UnifiedConfigManager
from confwarden.config.schema import ConfigSchema, Env
from confwarden.config.sources import LoadContext
from confwarden.config.spec import ValidationMode
from confwarden.environment.detection import Environment
from confwarden.errors import ConfigurationError

CANARY = "Canary-Key-7d1e\\9f/x"  # a backslash: repr() doubles it, a naive mask misses that


def _reject_key(value: object) -> object:
    raise ValueError(f"invalid key {value!r} ({str(value).upper()})")


def _reject_region(value: object) -> object:
    raise ValueError(f"unknown region {value!r}")


class KeyedConfig(ConfigSchema):
    signing_key: Annotated[
        SecretStr | None, BeforeValidator(_reject_key), Env("SIGNING_KEY", sensitive=True)
    ] = None
    region: Annotated[str | None, BeforeValidator(_reject_region), Env("REGION")] = None


def _variables() -> dict[str, str]:
    # REGION carries a copy of the secret: its message must not show it either.
    return {"SIGNING_KEY": CANARY, "REGION": f"eu-{CANARY}"}


def test_validator_messages_never_show_the_value_of_a_sensitive_field() -> None:
    result = load_config(KeyedConfig, LoadContext(Environment.PRODUCTION, _variables()))
    messages = [str(problem) for problem in result.problems]
    assert any("signing_key" in m or "SIGNING_KEY" in m for m in messages)
    for message in messages:
        assert "Canary" not in message
        assert "CANARY" not in message


def test_validator_messages_keep_their_text_for_plain_values() -> None:
    result = load_config(
        KeyedConfig, LoadContext(Environment.PRODUCTION, {"REGION": "mars-north-1"})
    )
    (problem,) = [p for p in result.problems if p.variable == "REGION"]
    assert "unknown region" in problem.message


def test_configuration_error_and_log_never_show_a_validator_copy(
    caplog: pytest.LogCaptureFixture,
) -> None:
    manager = UnifiedConfigManager(
        KeyedConfig,
        env=_variables(),
        environment=Environment.PRODUCTION,
        mode=ValidationMode.ENFORCE_ALL,
    )
    caplog.set_level(logging.DEBUG)
    with pytest.raises(ConfigurationError) as info:
        manager.get_config()
    shown = f"{info.value}\n{info.value!r}\n{caplog.text}"
    assert "Canary" not in shown
    assert "CANARY" not in shown
