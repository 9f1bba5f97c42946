"""The shop's configuration under test: monkeypatch, the plugin's fixture, production rules."""

from __future__ import annotations

from pathlib import Path

import pytest
from shop.config import ShopConfig

from confwarden import ConfigurationError, bootstrap

STRIPE_KEY = "sk_live_51Hq8ZkT3x9WmPq2LrV7nB4cY6dF0gJ1sA5uE"


@pytest.fixture
def deployed_hosts(monkeypatch: pytest.MonkeyPatch) -> None:
    """What a production deployment sets itself; the secrets come from the mounted files."""
    monkeypatch.setenv("POSTGRES_HOST", "db.internal.example.com")
    monkeypatch.setenv("REDIS_HOST", "cache.internal.example.com")
    monkeypatch.delenv("POSTGRES_PASSWORD", raising=False)
    monkeypatch.delenv("SHOP_STRIPE_API_KEY", raising=False)


def test_page_size_from_monkeypatch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOP_PAGE_SIZE", "10")
    assert bootstrap(ShopConfig).page_size == 10


def test_unified_config_fixture_builds_the_shop_config(unified_config: object) -> None:
    assert callable(unified_config)
    config = unified_config(
        SHOP_ALLOWED_ORIGINS="https://a.example.com,https://b.example.com",
        SHOP_PAYMENT__CURRENCY="USD",
    )
    assert isinstance(config, ShopConfig)
    assert config.allowed_origins == ["https://a.example.com", "https://b.example.com"]
    assert config.payment.currency == "USD"
    assert config.payment.provider == "stripe"


@pytest.mark.usefixtures("deployed_hosts")
def test_production_reads_mounted_secrets_and_never_shows_them(tmp_path: Path) -> None:
    (tmp_path / "SHOP_STRIPE_API_KEY").write_text(STRIPE_KEY)
    (tmp_path / "POSTGRES_PASSWORD").write_text("pg-CANARY-password")
    config = bootstrap(ShopConfig, environment="production", secret_dirs=[tmp_path], install=False)
    assert config.stripe_api_key is not None
    assert config.stripe_api_key.get_secret_value() == STRIPE_KEY
    assert STRIPE_KEY not in repr(config)


@pytest.mark.usefixtures("deployed_hosts")
def test_production_without_secrets_fails_listing_every_problem(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError) as info:
        bootstrap(ShopConfig, environment="production", secret_dirs=[tmp_path], install=False)
    message = str(info.value)
    assert "SHOP_STRIPE_API_KEY" in message
    assert "POSTGRES_PASSWORD" in message
