"""weak_value_reason: the one table of values nobody should deploy as a secret."""

from __future__ import annotations

import random
import secrets as random_secrets
import string
import time
from collections.abc import Callable

import pytest

from confwarden.components.weak_secrets import WEAK_VALUE_RULES, weak_value_reason

PLACEHOLDER_PHRASES = [
    "your-service-secret-here-at-least-32-chars",
    "your_jwt_secret_here_min_32_characters_xx",
    "REPLACE_WITH_REAL_SECRET_VALUE_1234567890",
    "please-change-this-secret-in-production-12",
    "TODO_SET_ME_BEFORE_DEPLOYING_THE_SERVICE",
    "super-secret-jwt-key-that-is-32-chars-long",
    "staging-jwt-secret-key-minimum-32-characters",
    "Production_Secret_Key_2024_Do_Not_Share_Xx",
    "example-api-token-for-the-docs-0123456789",
]


@pytest.mark.parametrize("value", PLACEHOLDER_PHRASES)
def test_weak_value_placeholder_phrases_refused_where_deployed(value: str) -> None:
    assert weak_value_reason(value, deployed=True) is not None, value


@pytest.mark.parametrize(
    "value", ["sk_test_4eC39HqLyjWDarjtT1zdp7dc", "pk_test_TYooMQauvdEDq54NiTphI7jx"]
)
def test_weak_value_test_mode_api_keys_refused_where_deployed(value: str) -> None:
    assert weak_value_reason(value, deployed=True) == "is a test-mode API key"
    assert weak_value_reason(value) is None  # a test key is what development uses


@pytest.mark.parametrize(
    "value", ["Password123!", "Summer2024", "welcome1", "Qwerty!!", "Letmein2023#", "admin2024"]
)
def test_weak_value_common_password_with_digits_refused(value: str) -> None:
    assert weak_value_reason(value, deployed=True) is not None, value
    assert weak_value_reason(value) is not None, value


@pytest.mark.parametrize(
    "value",
    [
        "correct-horse-battery-staple-orbit-lantern",  # a diceware passphrase
        "k9Xq2mV7rT4wZp8LbN3cH6yF1sJ5dG0a",
        "Po9Iu8Yt7Re6Wq5As4Df3Gh2Jk1Lz0Xc-shared-jwt",
        "sk_live_51HqLyjWDarjtT1zdp7dcXq2mV7rT4",
        "GOCSPX-a1B2c3D4e5F6g7H8i9J0k1L2",
    ],
)
def test_weak_value_strong_values_accepted(value: str) -> None:
    assert weak_value_reason(value, deployed=True) is None, value


def test_weak_value_table_never_flags_random_secrets() -> None:
    for _ in range(3000):
        assert weak_value_reason(random_secrets.token_urlsafe(32), deployed=True) is None
        assert weak_value_reason(random_secrets.token_hex(24), deployed=True) is None
        assert weak_value_reason(str(random_secrets.SystemRandom().random()), deployed=True) is None


def test_weak_value_table_rows_each_refuse_their_example() -> None:
    for rule in WEAK_VALUE_RULES:
        if rule.example.endswith("…"):
            continue
        assert weak_value_reason(rule.example, deployed=True) is not None, rule.example


def test_weak_value_hostile_input_stays_linear() -> None:
    # A million characters of a phrase-like value: one pass, no backtracking.
    hostile = "your-secret-" * 90_000 + "x"
    start = time.perf_counter()
    assert weak_value_reason(hostile, deployed=True) is not None
    assert time.perf_counter() - start < 2.0


# Gap (audit 2, item 4): development- and test-looking secrets without separators passed.
RUN_TOGETHER = [
    "DevPassword2024",
    "devpassword123456",
    "localdevpassword",
    "devjwtsecretkeyminimum32characterslong",
    "DEVELOPMENTJWTSECRETMINIMUM32CHARACTERS",
    "mysupersecretservicesecretvalue1234",
    "abcdefghijklmnopqrstuvwxyz0123456789",
    "0123456789012345678901234567890123456789",
    "zyxwvutsrqponmlkjihgfedcba9876543210",
    "secretsecretsecretsecretsecretsecret",
    "Ab1!Ab1!Ab1!Ab1!Ab1!Ab1!Ab1!Ab1!",
    "aaaaaaaabbbbbbbbccccccccdddddddd",
]


@pytest.mark.parametrize("value", RUN_TOGETHER)
def test_weak_value_run_together_and_patterned_values_refused_where_deployed(value: str) -> None:
    assert weak_value_reason(value, deployed=True) is not None, value


def test_weak_value_run_together_rows_leave_development_alone() -> None:
    assert weak_value_reason("localdevpassword") is None


def test_weak_value_table_never_flags_seeded_random_secrets_or_passphrases() -> None:
    # Seeded: the same thousands of values every run, in every shape secrets are made.
    rng = random.Random(20261129)
    alphabet = string.ascii_letters + string.digits + "-_"
    words = ["orbit", "lantern", "staple", "horse", "battery", "correct", "velvet", "quartz"]
    for _ in range(5000):
        urlsafe = "".join(rng.choice(alphabet) for _ in range(43))
        hexa = f"{rng.getrandbits(256):064x}"
        short_hex = f"{rng.getrandbits(128):032x}"
        phrase = "-".join(rng.sample(words, 5))
        for value in (urlsafe, hexa, short_hex, phrase):
            assert weak_value_reason(value, deployed=True) is None, value


def test_weak_value_fixture_secrets_pass(deployed_vars: Callable[..., dict[str, str]]) -> None:
    values = deployed_vars("production")
    for name in ("SERVICE_SECRET", "SECRET_KEY", "JWT_SECRET_KEY", "POSTGRES_PASSWORD"):
        assert weak_value_reason(values[name], deployed=True) is None, name
