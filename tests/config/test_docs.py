"""Generated docs of nested groups: JSON defaults, every ``__`` key listed with its secrecy."""

from __future__ import annotations

import json
from typing import Literal

from pydantic import BaseModel

from confwarden.config.convert import SecretStr
from confwarden.config.dependencies import ConfigDependencyMap
from confwarden.config.docs import render_env_example, render_markdown
from confwarden.config.schema import ConfigSchema


class Payment(BaseModel):
    provider: Literal["stripe", "adyen"] = "stripe"
    timeout_s: float = 5.0
    api_token: SecretStr | None = None


class ShopConfig(ConfigSchema, env_prefix="SHOP_"):
    page_size: int = 50
    payment: Payment = Payment()


def test_env_example_writes_a_group_default_as_json_and_lists_its_keys() -> None:
    text = render_env_example(ShopConfig)
    line = next(x for x in text.splitlines() if x.startswith("# SHOP_PAYMENT="))
    assert json.loads(line.removeprefix("# SHOP_PAYMENT=")) == {
        "provider": "stripe",
        "timeout_s": 5.0,
        "api_token": None,
    }
    assert "# SHOP_PAYMENT__PROVIDER=stripe" in text
    token = text.splitlines().index("SHOP_PAYMENT__API_TOKEN=")
    assert "secret" in text.splitlines()[token - 1]


def test_markdown_lists_group_keys_and_marks_secret_ones() -> None:
    text = render_markdown(ShopConfig)
    row = next(x for x in text.splitlines() if x.startswith("| `SHOP_PAYMENT__API_TOKEN`"))
    assert "secret" in row
    assert any(x.startswith("| `SHOP_PAYMENT__TIMEOUT_S`") for x in text.splitlines())
    assert "provider='stripe'" not in text


def test_impact_resolves_a_group_key_to_its_group_field() -> None:
    answer = ConfigDependencyMap.from_services({"shop": ShopConfig}).impact(
        "SHOP_PAYMENT__API_TOKEN"
    )
    assert answer.dependency is not None
    assert answer.dependency.variable == "SHOP_PAYMENT"
    assert "nothing" not in answer.reason


CANARY = "CANARY-docs-7d1e0b"


class Vault(BaseModel):
    api_token: SecretStr = SecretStr(CANARY)
    password: str = CANARY


class VaultConfig(ConfigSchema, env_prefix="SHOP_"):
    vault: Vault = Vault()


def test_group_docs_never_show_a_secret_default() -> None:
    text = render_env_example(VaultConfig) + render_markdown(VaultConfig)
    assert CANARY not in text
    assert "SHOP_VAULT__API_TOKEN=\n" in text
    assert "SHOP_VAULT__PASSWORD=\n" in text
