"""The schema: bindings computed once per class, metadata, env-var sets, immutability, secrets."""

from __future__ import annotations

from typing import Annotated

import pytest
from pydantic import SecretStr, ValidationError

from confwarden.config.loader import load_config
from confwarden.config.schema import ConfigSchema, Env, fields_of, plan_of
from confwarden.config.sources import LoadContext
from confwarden.config.spec import DEPLOYED
from confwarden.environment.detection import Environment
from confwarden.presets.agent_platform import (
    AppConfig,
    AuthEnvironment,
    DevelopmentConfig,
    ProductionConfig,
)

CANARY = "CANARY-5f0e1d-0123456789abcdef0123456789abcdef"


def test_fields_of_is_computed_once_per_class() -> None:
    assert fields_of(AppConfig) is fields_of(AppConfig)
    assert plan_of(AppConfig, Environment.STAGING) is plan_of(AppConfig, Environment.STAGING)


def test_fields_of_carries_metadata() -> None:
    spec = {f.name: f for f in fields_of(AppConfig)}["jwt_secret_key"]
    assert spec.canonical == "JWT_SECRET_KEY"
    assert spec.sensitive
    assert spec.critical
    assert spec.required_in == DEPLOYED
    assert spec.deprecated_names == ("JWT_SECRET",)
    assert spec.group == "jwt"
    assert spec.restart_required


def test_schema_covers_spec_003_variables() -> None:
    names = AppConfig.__confwarden_env_vars__
    expected = {
        "POSTGRES_HOST", "POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB", "REDIS_URL",
        "CLICKHOUSE_URL", "JWT_SECRET_KEY", "SECRET_KEY", "SERVICE_SECRET", "SERVICE_ID",
        "GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET", "GOOGLE_OAUTH_CLIENT_ID_STAGING",
        "GOOGLE_OAUTH_CLIENT_SECRET_PRODUCTION", "ANTHROPIC_API_KEY", "OPENAI_API_KEY",
        "GEMINI_API_KEY", "FRONTEND_URL", "GRAFANA_URL", "PROMETHEUS_URL", "LANGFUSE_HOST",
        "WEBSOCKET_EVENT_TIMEOUT", "WEBSOCKET_HEARTBEAT_INTERVAL",
        "WEBSOCKET_HEALTH_CHECK_INTERVAL", "WEBSOCKET_SILENT_FAILURE_THRESHOLD",
        "AGENT_EXECUTION_TIMEOUT", "AGENT_HEARTBEAT_TIMEOUT", "AGENT_HEARTBEAT_INTERVAL",
        "EXECUTION_CLEANUP_INTERVAL", "MAX_CONCURRENT_AGENTS", "ENABLE_OAUTH",
    }  # fmt: skip
    assert expected <= names
    assert "DATABASE_URL" not in names


def test_env_vars_expand_environment_templates_for_all_four_environments() -> None:
    names = AuthEnvironment.__confwarden_env_vars__
    for environment in Environment:
        assert f"GOOGLE_OAUTH_CLIENT_ID_{environment.value.upper()}" in names
    assert not any("{" in name for name in names)


def test_profile_inherits_binding_when_only_the_default_changes() -> None:
    spec = {f.name: f for f in fields_of(DevelopmentConfig)}["debug"]
    assert spec.env_names == ("DEBUG",)
    assert spec.description


def test_sensitive_field_must_be_a_secret_type() -> None:
    def define() -> type[ConfigSchema]:
        class Leaky(ConfigSchema):
            token: Annotated[str | None, Env("API_TOKEN", sensitive=True)] = None

        return Leaky

    with pytest.raises(TypeError, match="sensitive but typed"):
        define()


def test_field_without_marker_binds_its_upper_case_name() -> None:
    class Small(ConfigSchema):
        worker_count: int = 4

    assert fields_of(Small)[0].env_names == ("WORKER_COUNT",)
    assert Small.__confwarden_env_vars__ == frozenset({"WORKER_COUNT"})


def test_config_objects_are_frozen() -> None:
    config = ProductionConfig()
    with pytest.raises(AttributeError, match="immutable"):
        config.debug = True
    with pytest.raises(AttributeError, match="immutable"):
        del config.debug
    assert config.debug is False
    changed = config.replace(debug=True)
    assert (changed.debug, config.debug) == (True, False)
    assert changed != config
    assert config == ProductionConfig()
    assert hash(config) == hash(ProductionConfig())


def test_construction_converts_and_rejects_bad_values() -> None:
    assert ProductionConfig(port="9000", log_level="debug").port == 9000
    with pytest.raises(ValidationError):
        ProductionConfig(port="not-a-port")


def test_config_repr_and_str_never_show_secrets() -> None:
    config = ProductionConfig(service_secret=SecretStr(CANARY), jwt_secret_key=SecretStr(CANARY))
    assert CANARY not in repr(config)
    assert CANARY not in str(config)
    assert CANARY not in repr(config.get_security_config())
    assert CANARY not in str(config.to_dict())


def test_for_environment_finds_profiles() -> None:
    assert AppConfig.for_environment(Environment.PRODUCTION) is ProductionConfig
    assert AuthEnvironment.for_environment(Environment.STAGING) is AuthEnvironment


def test_field_for_variable_finds_aliases_and_templates() -> None:
    spec = AppConfig.field_for_variable("GOOGLE_OAUTH_CLIENT_ID_PRODUCTION")
    assert spec is not None
    assert spec.name == "google_client_id"
    assert AppConfig.field_for_variable("NOPE") is None


def test_configs_copy_and_pickle_as_their_public_class() -> None:
    import copy
    import pickle

    config = ProductionConfig(port="9001")
    assert copy.copy(config) == config
    assert copy.deepcopy(config) == config
    restored = pickle.loads(pickle.dumps(config))
    assert restored == config
    assert isinstance(restored, ProductionConfig)
    assert type(config).__name__ == "ProductionConfig"


def test_unresolvable_annotation_is_a_clear_error() -> None:
    namespace = {"__annotations__": {"thing": "NotImportedAnywhere"}, "__module__": __name__}
    with pytest.raises(TypeError, match="cannot resolve the field annotations"):
        type("Broken", (ConfigSchema,), namespace)


def test_a_secret_type_is_sensitive_with_or_without_a_marker() -> None:
    # An Env(...) marker that does not repeat sensitive=True must not turn a SecretStr into
    # a plain field: doctor, explain and validate --json printed its value in clear.
    class Marked(ConfigSchema):
        signing: Annotated[SecretStr | None, Env("SHOP_SIGNING2", critical=True)] = None
        plain: SecretStr | None = None

    specs = {spec.name: spec for spec in fields_of(Marked)}
    assert specs["signing"].sensitive
    assert specs["plain"].sensitive
    context = LoadContext(Environment.DEVELOPMENT, {"SHOP_SIGNING2": "yakHamster99W"})
    load = load_config(Marked, context)
    assert load.shown_value(specs["signing"]) == "***"
    assert "yakHamster99W" not in repr(load.config) + str(load.describe("signing"))


def test_a_default_with_a_password_is_shown_masked() -> None:
    class Defaults(ConfigSchema):
        callback_url: str = "https://u:defaultpw@host.example/hook"

    spec = fields_of(Defaults)[0]
    load = load_config(Defaults, LoadContext(Environment.DEVELOPMENT, {}))
    assert "defaultpw" not in str(load.shown_value(spec)) + str(load.describe("callback_url"))
