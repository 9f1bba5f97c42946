"""Binding as pydantic-settings users expect it (issue 9 item 7): prefix, nesting, case, schema."""

from __future__ import annotations

import json
from typing import Annotated, Literal

import pytest
from pydantic import BaseModel

from confwarden.config.inspection import inspect_service
from confwarden.config.loader import load_config
from confwarden.config.schema import ConfigSchema, Env, SecretStr, fields_of
from confwarden.config.sources import LoadContext
from confwarden.environment.detection import Environment
from confwarden.environment.isolated import IsolatedEnvironment


class Payment(BaseModel):
    provider: str = "none"
    retries: int = 3


class Limits(BaseModel):
    burst: int = 10


class Gateway(BaseModel):
    name: str = "main"
    limits: Limits = Limits()


class ShopConfig(ConfigSchema, env_prefix="SHOP_"):
    page_size: int = 50
    log_level: Literal["debug", "info"] = "info"
    stripe_api_key: SecretStr | None = None
    admin_email: Annotated[str, Env("SHOP_ADMIN_ADDRESS")] = "ops@example.com"
    payment: Payment = Payment()
    gateway: Gateway = Gateway()


class PricingConfig(ShopConfig):
    currency: str = "EUR"


class LooseConfig(ConfigSchema, env_prefix="SHOP_", case_sensitive=False):
    page_size: int = 50
    payment: Payment = Payment()


def _load(schema: type[ConfigSchema], env: dict[str, str]) -> ConfigSchema:
    result = load_config(schema, LoadContext(Environment.PRODUCTION, env))
    assert [p for p in result.problems if p.blocking] == []
    assert result.config is not None
    return result.config


def test_binding_prefix_names_every_unmarked_field() -> None:
    names = {spec.name: spec.canonical for spec in fields_of(ShopConfig)}
    assert names["page_size"] == "SHOP_PAGE_SIZE"
    assert names["stripe_api_key"] == "SHOP_STRIPE_API_KEY"
    assert names["admin_email"] == "SHOP_ADMIN_ADDRESS"  # an explicit name is used as it is
    config = _load(ShopConfig, {"SHOP_PAGE_SIZE": "10", "PAGE_SIZE": "99"})
    assert isinstance(config, ShopConfig)
    assert config.page_size == 10


def test_binding_prefix_is_inherited_and_unknown_variables_watch_it() -> None:
    assert {spec.name: spec.canonical for spec in fields_of(PricingConfig)}["currency"] == (
        "SHOP_CURRENCY"
    )
    assert PricingConfig.__confwarden_prefix__ == "SHOP_"


def test_binding_secretstr_field_is_sensitive_without_a_marker() -> None:
    spec = next(s for s in fields_of(ShopConfig) if s.name == "stripe_api_key")
    assert spec.sensitive


def test_binding_nested_group_from_delimited_variables() -> None:
    config = _load(
        ShopConfig,
        {"SHOP_PAYMENT__PROVIDER": "stripe", "SHOP_GATEWAY__LIMITS__BURST": "50"},
    )
    assert isinstance(config, ShopConfig)
    assert config.payment == Payment(provider="stripe", retries=3)
    assert config.gateway.limits.burst == 50


def test_binding_nested_group_from_json_with_delimited_keys_winning() -> None:
    env = {"SHOP_PAYMENT": json.dumps({"provider": "adyen", "retries": 5})}
    config = _load(ShopConfig, env)
    assert isinstance(config, ShopConfig)
    assert config.payment == Payment(provider="adyen", retries=5)
    config = _load(ShopConfig, {**env, "SHOP_PAYMENT__RETRIES": "7"})
    assert isinstance(config, ShopConfig)
    assert config.payment == Payment(provider="adyen", retries=7)


def test_binding_nested_group_records_the_source_of_its_variables() -> None:
    env = IsolatedEnvironment(environ={}, isolated=True)
    env.set("SHOP_PAYMENT__PROVIDER", "stripe", source="launcher")
    result = load_config(ShopConfig, LoadContext(Environment.PRODUCTION, env))
    resolved = result.values["payment"]
    assert resolved.variable == "SHOP_PAYMENT__PROVIDER"
    assert resolved.source.detail == "launcher"


def test_binding_nested_group_invalid_json_is_a_blocking_problem() -> None:
    result = load_config(
        ShopConfig, LoadContext(Environment.DEVELOPMENT, {"SHOP_PAYMENT": "{not json"})
    )
    problems = [p for p in result.problems if p.variable == "SHOP_PAYMENT"]
    assert [p.blocking for p in problems] == [True]
    assert "JSON object" in problems[0].message


def test_binding_nested_delimiter_can_be_turned_off() -> None:
    class Flat(ConfigSchema, env_prefix="SHOP_", env_nested_delimiter=None):
        payment: Payment = Payment()

    config = _load(Flat, {"SHOP_PAYMENT__PROVIDER": "stripe"})
    assert isinstance(config, Flat)
    assert config.payment.provider == "none"


def test_binding_names_are_case_sensitive_by_default() -> None:
    config = _load(ShopConfig, {"shop_page_size": "10"})
    assert isinstance(config, ShopConfig)
    assert config.page_size == 50


def test_binding_case_insensitive_names_when_asked() -> None:
    config = _load(LooseConfig, {"shop_page_size": "10", "Shop_Payment__Provider": "stripe"})
    assert isinstance(config, LooseConfig)
    assert config.page_size == 10
    assert config.payment.provider == "stripe"


def test_binding_json_schema_names_variables_and_secrets() -> None:
    schema = ShopConfig.json_schema()
    properties = schema["properties"]
    assert properties["page_size"]["env"] == ["SHOP_PAGE_SIZE"]
    assert properties["page_size"]["type"] == "integer"
    assert properties["stripe_api_key"]["sensitive"] is True
    assert properties["admin_email"]["env"] == ["SHOP_ADMIN_ADDRESS"]
    assert properties["log_level"]["enum"] == ["debug", "info"]
    json.dumps(schema)  # JSON-ready


@pytest.mark.parametrize("value", ["abc", "1.5"])
def test_binding_unparsable_value_message_is_pydantics(value: str) -> None:
    result = load_config(
        ShopConfig, LoadContext(Environment.DEVELOPMENT, {"SHOP_PAGE_SIZE": value})
    )
    (problem,) = [p for p in result.problems if p.variable == "SHOP_PAGE_SIZE"]
    assert "Input should be a valid integer" in problem.message


def test_binding_nested_key_variables_are_not_unknown() -> None:
    env = {"SHOP_PAYMENT__PROVIDER": "stripe", "SHOP_PAYMNT__PROVIDER": "x"}
    inspection = inspect_service(ShopConfig, env, Environment.DEVELOPMENT)
    unknown = {p.variable for p in inspection.validation.warnings if p.rule.startswith("unknown")}
    assert unknown == {"SHOP_PAYMNT__PROVIDER"}


def test_binding_field_named_like_a_method_is_refused_with_a_fix() -> None:
    with pytest.raises(TypeError, match=r"ConfigSchema\.replace.*Env\(\"REPLACE\"\)"):

        class Clash(ConfigSchema):
            replace: str = "x"


class Card(BaseModel):
    cvc: SecretStr


class SecretPayment(BaseModel):
    provider: str = "stripe"
    token: SecretStr | None = None
    card: Card | None = None


def test_sensitive_variables_names_every_variable_of_a_secret_field() -> None:
    from confwarden.config.binding import sensitive_variables

    class Shop(ConfigSchema, env_prefix="SHOP_"):
        page_size: int = 50
        signing: SecretStr | None = None
        rotated: Annotated[
            SecretStr | None, Env("SHOP_SIGN_{ENVIRONMENT}", deprecated=("SHOP_OLD_SIGN",))
        ] = None
        payment: SecretPayment = SecretPayment()
        vault: dict[str, SecretStr] = {}  # noqa: RUF012

    names = sensitive_variables(Shop)
    assert {"SHOP_SIGNING", "SHOP_OLD_SIGN", "SHOP_SIGN_PRODUCTION", "SHOP_SIGN_STAGING"} <= names
    assert {"SHOP_PAYMENT", "SHOP_PAYMENT__TOKEN", "SHOP_PAYMENT__CARD__CVC"} <= names
    assert "SHOP_VAULT" in names
    assert "SHOP_PAGE_SIZE" not in names
    assert "SHOP_PAYMENT__PROVIDER" not in names


def test_env_required_in_takes_environment_names_as_strings() -> None:
    class Shop(ConfigSchema, env_prefix="SHOP_"):
        key: Annotated[SecretStr | None, Env(required_in=("staging", "prod"))] = None
        one: Annotated[str | None, Env(required_in="production")] = None

    key, one = fields_of(Shop)
    assert key.required_in == frozenset({Environment.STAGING, Environment.PRODUCTION})
    assert all(type(e) is Environment for e in key.required_in)
    assert one.required_in == frozenset({Environment.PRODUCTION})


def test_env_required_in_refuses_an_unknown_environment_naming_it() -> None:
    with pytest.raises(TypeError, match=r"SHOP_KEY.*'prodution'.*production"):
        Env("SHOP_KEY", required_in=("staging", "prodution"))
