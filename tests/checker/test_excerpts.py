"""Excerpts mask the values of secrets, not every literal (issue 12, false positive 6)."""

from __future__ import annotations

import pytest

from confwarden.checker.excerpts import safe_source

CANARY = "CANARY-5f0e1d"


@pytest.mark.parametrize(
    "line",
    [
        'path = get_env().get("SHOP_SECRETS_DIR", "/run/secrets")',
        'log.info("loaded %s tokens", token)',
        'timeout = get_env().get("ACCESS_TOKEN_EXPIRE_MINUTES", "30")',
        'level = os.getenv("LOG_LEVEL", "INFO")',
        'print("starting", name)',
    ],
)
def test_safe_source_keeps_code_that_holds_no_secret(line: str) -> None:
    assert safe_source(line) == line


@pytest.mark.parametrize(
    "line",
    [
        f'os.environ["SERVICE_SECRET"] = "{CANARY}"',
        f"token = os.getenv('API_TOKEN', '{CANARY}')",
        f'JWT_SECRET_KEY = get_env().get("JWT_SECRET_KEY") or "{CANARY}"',
        f'connect(password="{CANARY}")',
        f'settings = {{"password": "{CANARY}"}}',
        f'DB = os.environ.get("DATABASE_URL", "postgresql://app:{CANARY}@db/app")',
        f'api_key = fallback or "{CANARY}"',
        f'pw = os.getenv("DB_PASSWORD", default="{CANARY}")',
        f'jwt = os.environ.get("JWT_SECRET", default="{CANARY}")',
        f'jwt = get_env().get(key="JWT_SECRET", default="{CANARY}")',
        f'x = read("SESSION_COOKIE_SECRET", fallback=("{CANARY}"))',
    ],
)
def test_safe_source_masks_secret_values(line: str) -> None:
    shown = safe_source(line)
    assert CANARY not in shown
    assert "***" in shown


def test_safe_source_keeps_variable_names_readable() -> None:
    shown = safe_source(f'SERVICE_SECRET = os.environ.get("SERVICE_SECRET", "{CANARY}")')
    assert shown == 'SERVICE_SECRET = os.environ.get("SERVICE_SECRET", "***")'


def test_safe_source_unterminated_string_with_a_secret_name_is_masked() -> None:
    shown = safe_source(f'SECRET_KEY = """{CANARY}')
    assert CANARY not in shown


def test_safe_source_masks_a_secret_keyword_default_and_nothing_after_its_call() -> None:
    shown = safe_source(f'x = (getenv("DB_PASSWORD", default="{CANARY}"), getenv("L", "INFO"))')
    assert shown == 'x = (getenv("DB_PASSWORD", default="***"), getenv("L", "INFO"))'
    mapping = safe_source(f'NAMES = {{"API_TOKEN": "{CANARY}", "LOG_LEVEL": "INFO"}}')
    assert mapping == 'NAMES = {"API_TOKEN": "***", "LOG_LEVEL": "INFO"}'
