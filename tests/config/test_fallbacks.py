"""Fallbacks: random development secrets, test defaults only under a test runner."""

from __future__ import annotations

from pathlib import Path

from confwarden.config.common import ServiceConfig
from confwarden.config.fallbacks import TEST_DEFAULTS, FallbackSource, TestDefaultsSource
from confwarden.config.schema import fields_of
from confwarden.environment.detection import Environment
from confwarden.environment.dev_secrets import DevSecretStore

FIELDS = fields_of(ServiceConfig)


def test_fallback_development_secret_comes_from_project_store(tmp_path: Path) -> None:
    store = DevSecretStore(tmp_path)
    hit = FallbackSource(Environment.DEVELOPMENT, FIELDS, dev_secrets=store).lookup("SECRET_KEY")
    assert hit is not None
    assert hit.value == store.get("SECRET_KEY")
    assert str(tmp_path) in str(hit.source)


def test_fallback_two_machines_generate_different_secrets(tmp_path: Path) -> None:
    dev = Environment.DEVELOPMENT
    one = FallbackSource(dev, FIELDS, dev_secrets=DevSecretStore(tmp_path / "a"))
    two = FallbackSource(dev, FIELDS, dev_secrets=DevSecretStore(tmp_path / "b"))
    first, second = one.lookup("SERVICE_SECRET"), two.lookup("SERVICE_SECRET")
    assert first is not None
    assert second is not None
    assert first.value != second.value


def test_fallback_testing_without_test_runner_serves_nothing() -> None:
    source = FallbackSource(Environment.TESTING, FIELDS, test_runner=False)
    assert source.is_empty()
    assert source.lookup("SERVICE_ID") is None
    assert source.lookup("SECRET_KEY") is None


def test_fallback_testing_under_runner_serves_random_secrets() -> None:
    source = FallbackSource(Environment.TESTING, FIELDS, test_runner=True)
    hit = source.lookup("SECRET_KEY")
    assert hit is not None
    assert hit.value.startswith("confwarden-test-")
    assert source.lookup("SERVICE_ID") is not None


def test_fallback_core_names_no_vendor_variable() -> None:
    declared = {name for spec in FIELDS for name in spec.env_names}
    assert set(TEST_DEFAULTS) <= declared


def test_test_defaults_source_needs_testing_and_runner() -> None:
    values = {"SHOP_STRIPE_KEY": "sk_test_x"}
    assert TestDefaultsSource(Environment.TESTING, values, test_runner=True).lookup(
        "SHOP_STRIPE_KEY"
    )
    assert TestDefaultsSource(Environment.TESTING, values, test_runner=False).is_empty()
    assert TestDefaultsSource(Environment.PRODUCTION, values, test_runner=True).is_empty()


def test_fallback_postgres_app_under_test_keeps_postgres() -> None:
    # issue 9.3: the in-memory database is opt-in (a preset's test default), never forced.
    from confwarden.config.loader import load_config
    from confwarden.config.sources import LoadContext

    env = {"POSTGRES_HOST": "127.0.0.1", "POSTGRES_USER": "shop", "POSTGRES_DB": "shop"}
    config = load_config(ServiceConfig, LoadContext(Environment.TESTING, env)).config
    assert isinstance(config, ServiceConfig)
    assert not config.use_memory_db
    assert config.database_url.scheme.startswith("postgresql")
