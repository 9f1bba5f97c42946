"""The loader: provenance of every value, conversion problems, failing sources, list parsing."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

import pytest
from pydantic import BeforeValidator

from confwarden.config.loader import classify, load_config
from confwarden.config.manager import UnifiedConfigManager
from confwarden.config.schema import ConfigSchema, Env, SecretStr
from confwarden.config.sources import LoadContext
from confwarden.config.spec import Severity, ValidationMode
from confwarden.environment.detection import Environment
from confwarden.environment.isolated import IsolatedEnvironment
from confwarden.environment.provenance import Source, SourceKind
from confwarden.errors import ConfigurationError
from confwarden.presets.agent_platform import DevelopmentConfig, ProductionConfig, StagingConfig
from confwarden.secrets.base import SecretSourceError, SourceHit, ValueSource

CANARY = "CANARY-5f0e1d-0123456789abcdef0123456789abcdef"


def test_provenance_records_dotenv_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / ".env.development"
    path.write_text("# comment\nLOG_LEVEL=WARNING\n")
    env = IsolatedEnvironment(environ={}, isolated=True)
    env.load_from_file(path)
    result = load_config(DevelopmentConfig, LoadContext(Environment.DEVELOPMENT, env))
    source = result.values["log_level"].source
    assert (source.kind, source.path, source.line) == (SourceKind.DOTENV, str(path), 2)


def test_provenance_records_the_code_that_set_a_value() -> None:
    env = IsolatedEnvironment(environ={}, isolated=True)
    env.set("PORT", "9000", source="launcher")
    result = load_config(DevelopmentConfig, LoadContext(Environment.DEVELOPMENT, env))
    source = result.values["port"].source
    assert source.kind is SourceKind.SET
    assert source.detail == "launcher"
    assert source.path == __file__


def test_provenance_records_what_a_value_overrode(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_text("LOG_LEVEL=ERROR\n")
    env = IsolatedEnvironment(environ={}, isolated=True)
    env.load_from_file(path)
    ctx = LoadContext(Environment.DEVELOPMENT, env, overrides={"LOG_LEVEL": "DEBUG"})
    result = load_config(DevelopmentConfig, ctx)
    overridden = result.values["log_level"].overridden
    assert [(v, s.kind) for v, s in overridden] == [("LOG_LEVEL", SourceKind.DOTENV)]
    description = result.describe("LOG_LEVEL")
    assert description is not None
    assert description["overridden"][0]["source"]["line"] == 1


def test_type_errors_become_problems_with_variable_and_origin_never_the_value() -> None:
    ctx = LoadContext(Environment.STAGING, {"PORT": CANARY, "MAX_CONCURRENT_AGENTS": "many"})
    result = load_config(StagingConfig, ctx)
    problems = {p.variable: p for p in result.problems if p.rule == "schema.type"}
    assert set(problems) == {"PORT", "MAX_CONCURRENT_AGENTS"}
    assert problems["PORT"].origin == "os environment"
    assert "integer" in problems["PORT"].message
    assert CANARY not in str(problems["PORT"])
    assert result.invalid_fields == {"port", "max_concurrent_agents"}
    assert result.config is not None
    assert result.config.port == 8000


def test_failing_source_becomes_a_problem_not_a_crash() -> None:
    class Broken(ValueSource):
        name = "broken store"

        def lookup(self, variable: str) -> SourceHit | None:
            if variable == "SECRET_KEY":
                raise SecretSourceError("store unreachable (timeout after 2 s)")
            if variable == "LOG_LEVEL":
                raise RuntimeError(CANARY)
            return None

    result = load_config(
        ProductionConfig, LoadContext(Environment.PRODUCTION, {}), sources=(Broken(),)
    )
    problems = [p for p in result.problems if p.rule == "source.unavailable"]
    assert {p.variable for p in problems} == {"SECRET_KEY", "LOG_LEVEL"}
    assert any("timeout" in p.message for p in problems)
    assert all(CANARY not in str(p) for p in problems)
    assert next(p for p in problems if p.variable == "SECRET_KEY").critical


def test_a_failing_source_that_leaves_a_field_unset_blocks_the_start() -> None:
    # A non-critical secret the store could not read was reported as "not set, set it",
    # its real cause (permission denied) only a warning nobody saw: when the failure is
    # why the field has no value, it blocks in every mode and names the store's reason.
    class Denied(ValueSource):
        name = "gcp store"

        def lookup(self, variable: str) -> SourceHit | None:
            if variable == "WEBHOOK_SECRET":
                raise SecretSourceError("webhook-secret-staging: permission denied (403)")
            return None

    class Hooks(ConfigSchema):
        webhook_secret: Annotated[SecretStr, Env("WEBHOOK_SECRET")]
        fallback: Annotated[str, Env("WEBHOOK_SECRET_FALLBACK")] = "x"

    result = load_config(Hooks, LoadContext(Environment.STAGING, {}), sources=(Denied(),))
    [problem] = [p for p in result.problems if p.rule == "source.unavailable"]
    assert problem.critical
    assert "permission denied" in problem.message
    found = load_config(
        Hooks, LoadContext(Environment.STAGING, {}), sources=(MemoryHits(), Denied())
    )
    [shadowed] = [p for p in found.problems if p.rule == "source.unavailable"]
    assert not shadowed.critical  # another source had the value: the failure did not block


class MemoryHits(ValueSource):
    name = "memory"

    def lookup(self, variable: str) -> SourceHit | None:
        if variable == "WEBHOOK_SECRET":
            return SourceHit(variable, "w" * 40, Source(SourceKind.SECRET, detail="memory"))
        return None


def test_slow_sources_are_not_asked_for_values_already_found() -> None:
    asked: list[str] = []

    class Remote(ValueSource):
        name = "remote"
        consult_when_shadowed = False

        def lookup(self, variable: str) -> SourceHit | None:
            asked.append(variable)
            return None

    from confwarden.config.sources import EnvironmentSource

    sources = (EnvironmentSource({"LOG_LEVEL": "ERROR"}, SourceKind.OS), Remote())
    ctx = LoadContext(Environment.STAGING, {"LOG_LEVEL": "ERROR"})
    load_config(StagingConfig, ctx, sources=sources)
    assert "LOG_LEVEL" not in asked
    assert "SECRET_KEY" in asked
    asked.clear()
    load_config(StagingConfig, ctx, sources=sources, full_chain=True)
    assert "LOG_LEVEL" in asked


def test_deprecated_name_is_read_with_a_warning() -> None:
    result = load_config(StagingConfig, LoadContext(Environment.STAGING, {"JWT_SECRET": "x" * 40}))
    assert result.values["jwt_secret_key"].deprecated_name_used == "JWT_SECRET"
    warning = next(p for p in result.problems if p.rule == "schema.deprecated_name")
    assert "JWT_SECRET_KEY" in warning.fix
    assert warning.severity is Severity.WARNING


def test_generated_fallback_warns_in_development_only() -> None:
    dev = load_config(DevelopmentConfig, LoadContext(Environment.DEVELOPMENT, {}))
    assert any(
        p.rule == "fallback.generated" and p.variable == "SERVICE_SECRET" for p in dev.problems
    )
    testing = load_config(DevelopmentConfig, LoadContext(Environment.TESTING, {}))
    assert not any(p.rule == "fallback.generated" for p in testing.problems)


def test_jwt_secret_is_never_filled_by_config_fallbacks() -> None:
    result = load_config(DevelopmentConfig, LoadContext(Environment.DEVELOPMENT, {}))
    assert result.values["jwt_secret_key"].source.kind is SourceKind.DEFAULT


def test_comma_and_json_lists_are_parsed() -> None:
    comma = load_config(
        StagingConfig, LoadContext(Environment.STAGING, {"CORS_ORIGINS": "https://a, https://b"})
    )
    assert comma.config is not None
    assert comma.config.cors_origins == ("https://a", "https://b")
    as_json = load_config(
        StagingConfig, LoadContext(Environment.STAGING, {"CORS_ORIGINS": '["https://c"]'})
    )
    assert as_json.config is not None
    assert as_json.config.cors_origins == ("https://c",)


def test_environment_field_follows_the_target_environment() -> None:
    result = load_config(
        ProductionConfig, LoadContext(Environment.PRODUCTION, {"ENVIRONMENT": "prod"})
    )
    assert result.config is not None
    assert result.config.environment is Environment.PRODUCTION
    detected = load_config(ProductionConfig, LoadContext(Environment.PRODUCTION, {}))
    assert detected.values["environment"].source.detail == "environment detection"


def test_values_are_sanitized() -> None:
    result = load_config(StagingConfig, LoadContext(Environment.STAGING, {"SERVICE_ID": " svc\n"}))
    assert result.values["service_id"].raw == "svc"


def test_variables_include_everything_the_loader_saw() -> None:
    ctx = LoadContext(Environment.STAGING, {"APP_UNKNOWN": "1"}, overrides={"DEBUG": "false"})
    result = load_config(StagingConfig, ctx)
    assert result.variables["APP_UNKNOWN"] == "1"
    assert result.variables["DEBUG"] == "false"


def test_classify_follows_the_mode() -> None:
    result = load_config(
        StagingConfig, LoadContext(Environment.STAGING, {"PORT": "x", "SECRET_KEY": ""})
    )
    problems = result.problems
    assert classify(problems, ValidationMode.WARN)[0] == []
    errors, _ = classify(problems, ValidationMode.ENFORCE_ALL)
    assert [p.variable for p in errors] == ["PORT"]
    assert classify(problems, ValidationMode.ENFORCE_CRITICAL)[0] == []


def test_describe_masks_sensitive_values() -> None:
    result = load_config(StagingConfig, LoadContext(Environment.STAGING, {"SECRET_KEY": CANARY}))
    description = result.describe("SECRET_KEY")
    assert description is not None
    assert description["value"] == "***"
    assert CANARY not in str(description)
    assert result.describe("NOT_A_FIELD") is None


def test_full_chain_shows_dotenv_entries_the_process_environment_shadowed(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_text("LOG_LEVEL=ERROR\n")
    env = IsolatedEnvironment(environ={"LOG_LEVEL": "WARNING"}, isolated=True)
    env.load_from_file(path)
    ctx = LoadContext(Environment.DEVELOPMENT, env)
    assert load_config(DevelopmentConfig, ctx).values["log_level"].overridden == ()
    chain = load_config(DevelopmentConfig, ctx, full_chain=True).values["log_level"].overridden
    assert [(s.kind, s.line) for _, s in chain] == [(SourceKind.DOTENV, 1)]


def test_full_chain_shows_values_a_set_call_replaced() -> None:
    env = IsolatedEnvironment(environ={"LOG_LEVEL": "WARNING"}, isolated=True)
    env.set("LOG_LEVEL", "ERROR", source="test")
    result = load_config(
        DevelopmentConfig, LoadContext(Environment.DEVELOPMENT, env), full_chain=True
    )
    assert [s.kind for _, s in result.values["log_level"].overridden] == [SourceKind.OS]


# -- issue 9 item 8: a set value that cannot be used is an error in every environment ----------


class ShopConfig(ConfigSchema, env_prefix="SHOP_"):
    page_size: int = 50
    stripe_api_key: SecretStr
    mirror_urls: list[str] = []  # noqa: RUF012 - a field default, copied per config


def _shop_error(env: dict[str, str], environment: Environment) -> str:
    with pytest.raises(ConfigurationError) as excinfo:
        UnifiedConfigManager(ShopConfig, env=env, environment=environment).get_config()
    return str(excinfo.value)


@pytest.mark.parametrize("environment", list(Environment))
def test_values_unparsable_set_value_is_an_error_in_every_environment(
    environment: Environment,
) -> None:
    message = _shop_error({"SHOP_PAGE_SIZE": "abc", "SHOP_STRIPE_API_KEY": "k" * 40}, environment)
    assert "SHOP_PAGE_SIZE (schema.type)" in message
    assert "origin: os environment" in message
    assert "valid integer" in message
    assert "fix: Set SHOP_PAGE_SIZE to a valid value" in message


def test_values_unparsable_dotenv_value_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_text("SHOP_STRIPE_API_KEY=sk_dev\nSHOP_PAGE_SIZE=abc\n")
    env = IsolatedEnvironment(environ={}, isolated=True)
    env.load_from_file(path)
    with pytest.raises(ConfigurationError) as excinfo:
        UnifiedConfigManager(ShopConfig, env=env, environment=Environment.DEVELOPMENT).get_config()
    message = str(excinfo.value)
    assert f"{path}:2" in message
    assert "SHOP_PAGE_SIZE" in message


def test_values_field_without_default_in_development_lists_the_problem() -> None:
    message = _shop_error({}, Environment.DEVELOPMENT)
    assert "1 configuration error(s)" in message
    assert "SHOP_STRIPE_API_KEY (schema.missing)" in message
    assert "origin: not set" in message
    assert "fix: Set SHOP_STRIPE_API_KEY." in message


def test_values_every_problem_is_listed_at_once() -> None:
    message = _shop_error({"SHOP_PAGE_SIZE": "abc"}, Environment.DEVELOPMENT)
    assert "2 configuration error(s)" in message
    assert "SHOP_PAGE_SIZE (schema.type)" in message
    assert "SHOP_STRIPE_API_KEY (schema.missing)" in message


def test_values_missing_values_still_get_fallbacks_in_development() -> None:
    config = UnifiedConfigManager(
        ShopConfig, env={"SHOP_STRIPE_API_KEY": "sk_dev"}, environment=Environment.DEVELOPMENT
    ).get_config()
    assert config.page_size == 50


def test_values_list_of_urls_validates_each_item() -> None:
    good = {
        # A random-looking key: one repeated character is refused as a weak secret.
        "SHOP_STRIPE_API_KEY": "k9Xq2mV7rT4wZp8LbN3cH6yF1sJ5dG0aQ7x9Lk2P",
        "SHOP_MIRROR_URLS": "https://a.example.com:8443,https://b.example.com:8443/x",
    }
    config = UnifiedConfigManager(
        ShopConfig, env=good, environment=Environment.PRODUCTION
    ).get_config()
    assert config.mirror_urls == ["https://a.example.com:8443", "https://b.example.com:8443/x"]
    bad = {**good, "SHOP_MIRROR_URLS": "https://a.example.com,b.example.com"}
    message = _shop_error(bad, Environment.PRODUCTION)
    assert "port that is not a number" not in message
    assert "item 2" in message
    assert "has no scheme" in message


def _broker_check(value: str) -> str:
    parts = urlsplit(value)
    if parts.hostname != "ok":
        raise ValueError(
            f"host {parts.hostname} refused for {parts.username} (pw {parts.password})"
        )
    return value


def test_loader_validator_quoting_a_url_password_is_masked() -> None:
    class Broker(ConfigSchema, env_prefix="BRK_"):
        broker_url: Annotated[str, BeforeValidator(_broker_check)] = "amqp://ok"

    password = "CANARYbroker42"
    env = {"BRK_BROKER_URL": f"amqp://app:{password}@mq.internal/"}
    result = load_config(Broker, LoadContext(Environment.PRODUCTION, env))
    messages = [problem.message for problem in result.problems]
    assert any("mq.internal" in message for message in messages), messages
    assert not any(password in message for message in messages), messages
