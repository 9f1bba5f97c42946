"""The one masking function: by name and by value."""

from __future__ import annotations

import base64
import json

import pytest

from confwarden.environment.masking import (
    MASK,
    is_sensitive_name,
    known_forms,
    mask_known,
    mask_text,
    mask_url,
    mask_value,
    value_is_sensitive,
)

CANARY = "CANARY-5f0e1d"


@pytest.mark.parametrize(
    "name",
    [
        "SERVICE_SECRET",
        "JWT_SECRET_KEY",
        "POSTGRES_PASSWORD",
        "GITHUB_TOKEN",
        "OPENAI_API_KEY",
        "GOOGLE_APPLICATION_CREDENTIALS",
        "TLS_PRIVATE_PEM",
        "secret_key",
        "SENTRY_DSN",
    ],
)
def test_sensitive_names(name: str) -> None:
    assert is_sensitive_name(name)
    assert mask_value(name, CANARY) == MASK


@pytest.mark.parametrize("name", ["POSTGRES_HOST", "LOG_LEVEL", "KEYBOARD", "MONKEY", "PORT"])
def test_plain_names(name: str) -> None:
    assert not is_sensitive_name(name)
    assert mask_value(name, "value") == "value"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql://app:pw@db:5432/app", "postgresql://app:***@db:5432/app"),
        ("redis://:pw@cache:6379/0", "redis://:***@cache:6379/0"),
        ("https://user@host/path", "https://user@host/path"),
        ("https://host/?token=abc&x=1", "https://host/?token=***&x=1"),
        ("postgresql://u:p@a@db/app", "postgresql://u:***@db/app"),
    ],
)
def test_mask_url(url: str, expected: str) -> None:
    assert mask_url(url) == expected


def test_mask_value_masks_url_credentials_under_any_name() -> None:
    masked = mask_value("CACHE", f"redis://default:{CANARY}@cache:6379")
    assert masked is not None
    assert CANARY not in masked
    assert masked.startswith("redis://default:")


def test_mask_value_masks_pem_private_key() -> None:
    pem = f"-----BEGIN RSA PRIVATE KEY-----\n{CANARY}\n-----END RSA PRIVATE KEY-----"
    assert mask_value("TLS_MATERIAL", pem) == MASK
    assert value_is_sensitive(pem)


def test_mask_value_keeps_none_and_empty() -> None:
    assert mask_value("SECRET", None) is None
    assert mask_value("SECRET", "") == ""


def test_value_is_sensitive_detects_credentials() -> None:
    assert value_is_sensitive("postgresql://a:b@h/d")
    assert not value_is_sensitive("postgresql://h/d")


def test_mask_text_replaces_known_secrets_longest_first() -> None:
    text = f"failed with {CANARY}-extended and {CANARY}"
    assert mask_text(text, [CANARY, f"{CANARY}-extended", "ab"]) == f"failed with {MASK} and {MASK}"


# -- issue 11 item 4: names, shapes and markers the name rules missed --------------------


@pytest.mark.parametrize(
    "name",
    [
        "SERVICE_SECRT",
        "DB_PASWORD",
        "GPG_PASSPHRASE",
        "SIGNING_KEYS",
        "HASH_SALT",
        "GH_PAT",
        "STRIPE_SK",
        "WEBHOOK_SIG",
        "SESSION_COOKIE",
        "AWS_SECRETKEY",
        "SMTP_PASS",
    ],
)
def test_is_sensitive_name_catches_near_misses_and_secret_parts(name: str) -> None:
    assert is_sensitive_name(name)
    assert mask_value(name, CANARY) == MASK


@pytest.mark.parametrize(
    "name", ["POSTGRES_HOST", "TASK_ID", "KEYBOARD", "SKIP_MIGRATIONS", "PATH", "SALTSTACK_HOME"]
)
def test_is_sensitive_name_leaves_plain_names_alone(name: str) -> None:
    assert not is_sensitive_name(name)


SHAPED = [
    "ghp_" + "a1B2c3D4" * 4,
    "github_pat_11AAAAAAA0" + "x1Y2" * 10,
    "glpat-" + "a1B2c3D4e5" * 2,
    "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc",
    "sk-proj-" + "Ab1" * 12,
    "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
    "AKIAIOSFODNN7EXAMPLE",
    "AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q",
    "GOCSPX-" + "a1B2c3D4e5F6g7H8i9J0k1L2",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
]
# Without a prefix, only a whole value is judged by its entropy: inside free text a long
# random-looking word is as often a hash or an id as a secret.
HIGH_ENTROPY = [
    "q8Vz3Kp1Lm9Xw2Rt7Yb4Nc6Hd0Jf5Gs1",
    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
]


@pytest.mark.parametrize("value", SHAPED)
def test_mask_value_masks_secret_shapes_under_any_name(value: str) -> None:
    assert mask_value("SOME_SETTING", value) == MASK
    assert value not in mask_text(f"calling with {value}. done", [])


@pytest.mark.parametrize("value", HIGH_ENTROPY)
def test_mask_value_masks_high_entropy_values(value: str) -> None:
    assert mask_value("SOME_SETTING", value) == MASK


@pytest.mark.parametrize(
    "value",
    [
        "production",
        "3f9a1c2e-1111-2222-3333-444455556666",
        "/usr/local/lib/python3.11/site-packages",
        "sk-learn is a library",
        "https://example.com/docs/getting-started",
        "INFO",
        "a" * 40,
    ],
)
def test_mask_value_keeps_ordinary_values(value: str) -> None:
    assert mask_value("SOME_SETTING", value) == value


@pytest.mark.parametrize(
    "value",
    [
        "host: db\nport: 5432",
        "Content-Type: application/json",
        "https://example.com:8443/path",
        "time 12:30:45 and user: alice",
        "curl -X POST https://api.example.com",
    ],
)
def test_mask_value_keeps_ordinary_colon_lines(value: str) -> None:
    assert mask_value("SOME_SETTING", value) == value


@pytest.mark.parametrize(
    "value",
    [
        f"postgresql://app:{CANARY}/x@db:5432/app",
        f"postgresql://app:{CANARY}#x@db:5432/app",
        f"postgresql://app:{CANARY}?x@db:5432/app",
        f"postgresql://app:{CANARY} x@db:5432/app",
        f"postgresql://app:{CANARY}@x@db:5432/app",
        f"host=db user=app password={CANARY} sslmode=require",
        f"host=db password='{CANARY} with spaces' dbname=app",
        f"https://auth/token?client_secret={CANARY}&grant_type=x",
        f"https://maps/api?key={CANARY}",
        f"https://bucket/obj?X-Amz-Date=1&sig={CANARY}",
        f"https://api/x?token={CANARY}",
        f"https://hooks.slack.com/services/T000/B000/{CANARY}",
        f'{{"user": "app", "password": "{CANARY}"}}',
        f"-----BEGIN OPENSSH PRIVATE KEY-----\n{CANARY}\n-----END OPENSSH PRIVATE KEY-----",
        f"-----BEGIN PGP PRIVATE KEY BLOCK-----\n{CANARY}\n-----END PGP PRIVATE KEY BLOCK-----",
        f"//registry.npmjs.org/:_authToken={CANARY}",
        f"db:\n  host: db\n  password: {CANARY}\n",
        f"password: '{CANARY} with spaces'",
        f"Authorization: Bearer {CANARY}",
        f"Proxy-Authorization: Basic {CANARY}",
        f"X-Api-Key: {CANARY}",
        f"{{'user': 'app', 'password': '{CANARY}'}}",
        f"https://acme.webhook.office.com/webhookb2/1a2b@3c4d/IncomingWebhook/{CANARY}/5e6f",
        f"curl -u admin:{CANARY} https://api.example.com",
        f"curl --user 'admin:{CANARY}' https://api.example.com",
    ],
)
def test_mask_value_masks_embedded_secrets(value: str) -> None:
    masked = mask_value("SOME_SETTING", value)
    assert masked is not None
    assert CANARY not in masked
    assert "CANARY" not in masked
    assert value_is_sensitive(value)


def test_mask_url_keeps_ports() -> None:
    assert mask_url("https://host:8443/a?b=c") == "https://host:8443/a?b=c"
    text = "see http://localhost:8000/x, mail ops@example.com"
    assert mask_url(text) == text


def test_mask_url_masks_a_numeric_password_before_a_raw_delimiter() -> None:
    # RFC 3986 would read a port and a query here; a leak is worse than a wide mask.
    assert mask_url("postgresql://app:00000?00@db/app") == "postgresql://app:***@db/app"
    assert mask_url("https://host:8443/?email=a@b.com") == "https://host:***@b.com"


# -- issue 11 item 2: known secrets in every form -----------------------------------------


@pytest.mark.parametrize(
    "form",
    [
        repr("pa\\ss-" + CANARY)[1:-1],  # repr doubles the backslash
        ("pa\\ss-" + CANARY).upper(),
        ("pa\\ss-" + CANARY).lower(),
        "pa%5Css-" + CANARY,
        json.dumps("pa\\ss-" + CANARY)[1:-1],
        base64.b64encode(("pa\\ss-" + CANARY).encode()).decode(),
        base64.urlsafe_b64encode(("pa\\ss-" + CANARY).encode()).decode().rstrip("="),
        ("pa\\ss-" + CANARY).encode().hex(),
        ("pa\\ss-" + CANARY).encode().hex().upper(),
    ],
)
def test_mask_known_masks_every_usual_form(form: str) -> None:
    secret = "pa\\ss-" + CANARY
    text = f"ValueError: bad value {form!s} for key"
    masked = mask_known(text, [secret, None, ""])
    assert form not in masked
    assert MASK in masked
    assert known_forms(secret) >= {secret}


def test_mask_known_masks_the_bytes_repr_of_a_non_ascii_secret() -> None:
    secret = "pässwort-" + CANARY
    text = f"ValueError: got {secret.encode()!r}"
    masked = mask_known(text, [secret])
    assert CANARY not in masked
    assert MASK in masked


def test_mask_known_ignores_tiny_values() -> None:
    assert mask_known("a b c", ["a", "b"]) == "a b c"


# -- issue 11, second audit: common secret formats the first round missed ------------------

VAULT_TOKENS = [
    "hvs.CAESIJlU3Qx8ZkHqAAbbCCddEEffGGhhIIjjKKllMMnnOO",
    "hvb.AAAAAQJ" + "x9Kq2Lm4Zp" * 10,
    "s.Xq8Lm2Zp4Vb6Nc1Hd3Jf5Gs7",
]


@pytest.mark.parametrize("value", VAULT_TOKENS)
def test_mask_value_masks_vault_and_openbao_tokens_under_any_name(value: str) -> None:
    assert mask_value("VAULT_T", value) == MASK
    assert value not in mask_text(f"login with {value} failed", [])


@pytest.mark.parametrize(
    ("name", "value"),
    [
        (
            "AZURE_STORAGE",
            f"DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={CANARY}==;"
            "EndpointSuffix=core.windows.net",
        ),
        ("HEADERS_JSON", f'{{"Authorization": "Bearer {CANARY}"}}'),
        ("HEADERS", f"{{'Authorization': 'Bearer {CANARY}'}}"),
        ("AUTHORIZATION", f"Bearer {CANARY}"),
        ("UPSTREAM_AUTHORIZATION", f"Basic {CANARY}"),
        ("ADMIN_CREDS", f"admin:{CANARY}"),
        ("LDAP_BIND", f"cn=admin,dc=example,dc=org:{CANARY}"),
        ("SMTP_LOGIN", f"mailer:{CANARY}"),
    ],
)
def test_mask_value_masks_common_credential_formats(name: str, value: str) -> None:
    masked = mask_value(name, value)
    assert masked is not None
    assert "CANARY" not in masked


def test_mask_value_keeps_the_user_of_a_credential_pair_and_the_azure_account() -> None:
    assert mask_value("LDAP_BIND", "cn=admin,dc=org:Hunter2Pw") == "cn=admin,dc=org:***"
    masked = mask_value("AZURE_STORAGE", "AccountName=acct;AccountKey=Zm9vYmFy==;X=1")
    assert masked == "AccountName=acct;AccountKey=***;X=1"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("OAUTH_AUTHORIZATION_URL", "https://login.example.com/oauth/authorize"),
        ("AUTHORIZATION_ENDPOINT", "https://login.example.com/authorize"),
        ("LOGIN_URL", "https://app.example.com/login"),
        ("BIND_ADDRESS", "0.0.0.0:8080"),
        ("LDAP_BIND_HOST", "ldap.example.com:389"),
        ("SMTP_LOGIN", "mailer"),
        ("NEXT_SESSION", "s.example.com"),
        ("DOMAIN", "hvs.example.com"),
    ],
)
def test_mask_value_keeps_neighbours_of_the_new_rules_readable(name: str, value: str) -> None:
    assert mask_value(name, value) == value


@pytest.mark.parametrize("name", ["ADMIN_CREDS", "CREDS", "AUTHORIZATION", "X_AUTHORIZATION"])
def test_is_sensitive_name_catches_creds_and_authorization(name: str) -> None:
    assert is_sensitive_name(name)
