"""Canary secrets in every form a secret reaches confwarden, and the check that none leaks.

Each canary carries the marker ``cnry`` plus a per-canary suffix, so an output that shows
any part of a canary, in any letter case, is caught by one case-insensitive search.
"""

from __future__ import annotations

import base64
from pathlib import Path
from urllib.parse import quote

MARKER = "cnry"


def _canary(tag: str) -> str:
    # 32+ characters so that length rules accept it; letters and digits mixed.
    return f"Cnry{tag}Q7x9Lk2Pz8Mn4Vb6Rt1Wy3Zp5Hs8Dq"


# Sensitive by name (including near misses and secret parts of a name).
BY_NAME = {
    "SERVICE_SECRET": _canary("Svc"),
    "SECRET_KEY": _canary("Sk"),
    "JWT_SECRET_KEY": _canary("Jwt"),
    "POSTGRES_PASSWORD": _canary("Pg"),
    "GOOGLE_CLIENT_SECRET": "GOCSPX-" + _canary("Goog"),
    "OPENAI_API_KEY": "sk-proj-" + _canary("Oai"),
    "SERVICE_SECRT": _canary("Near"),
    "HASH_SALT": _canary("Salt"),
    "GH_PAT": _canary("Pat"),
    "STRIPE_SK": _canary("Stripe"),
    "GPG_PASSPHRASE": _canary("Gpg") + " with spaces",
}
# Secret by shape or by marker, under names that say nothing.
BY_VALUE = {
    "DATABASE_URL": f"postgresql://app:{_canary('Url')}/x#y?z w@db.internal:5432/app",
    "REDIS_URL": f"redis://:{_canary('Redis')}@cache.internal:6379/0",
    "LEGACY_DSN_TEXT": f"host=db user=app password='{_canary('Dsn')}' sslmode=require",
    "CALLBACK_ENDPOINT": f"https://auth.example.com/token?client_secret={_canary('Qs')}&x=1",
    "BUILD_ACCESS": "ghp_" + _canary("Ghp"),
    "NOTIFY_HOOK": f"https://hooks.slack.com/services/T0001/B0001/{_canary('Hook')}",
    "SIGNER_MATERIAL": (
        f"-----BEGIN PRIVATE KEY-----\n{_canary('Pem')}\n-----END PRIVATE KEY-----"
    ),
    "SETTINGS_JSON": f'{{"user": "app", "password": "{_canary("Json")}"}}',
}
# Only in the .env file, and a copy made by interpolation.
IN_DOTENV = {"DOTENV_DB_PASSWORD": _canary("Dot")}
IN_SECRETS_DIR = {"REDIS_PASSWORD": _canary("Dir")}

ALL = {**BY_NAME, **BY_VALUE, **IN_DOTENV, **IN_SECRETS_DIR}


def environ() -> dict[str, str]:
    """Variables for a process: every by-name and by-value canary, plus plain settings."""
    return {
        "ENVIRONMENT": "staging",
        "SERVICE_ID": "backend",
        "POSTGRES_HOST": "db.internal",
        "POSTGRES_USER": "app",
        "POSTGRES_DB": "app",
        "FRONTEND_URL": "https://app.example.com",
        "GOOGLE_CLIENT_ID": "123.apps.googleusercontent.com",
        **BY_NAME,
        **BY_VALUE,
    }


def write_project(root: Path) -> dict[str, Path]:
    """A project using the spec platform preset, with a .env file and a secrets directory."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(
        "[project]\nname = 'canary-project'\nversion = '0'\n\n"
        "[tool.confwarden]\n\n"
        "[tool.confwarden.configs]\n"
        'backend = "confwarden.presets.agent_platform:AppConfig"\n'
    )
    package = root / "service"
    package.mkdir(exist_ok=True)
    (package / "__init__.py").write_text("")
    (package / "settings.py").write_text(
        "from confwarden import get_unified_config\n\nCONFIG = get_unified_config()\n"
    )
    dotenv = root / ".env.canary"
    dotenv.write_text(
        "".join(f"{key}={value}\n" for key, value in IN_DOTENV.items())
        + "COPY_OF_PASSWORD=${DOTENV_DB_PASSWORD}\n"
        + f"POSTGRES_PASSWORD='{BY_NAME['POSTGRES_PASSWORD']}'\n"
        + "LOG_LEVEL=INFO\n"
    )
    after = root / ".env.after"
    after.write_text(
        f"POSTGRES_PASSWORD='{_canary('Pg2')}'\nJWT_SECRET_KEY={_canary('Jwt2')}\nLOG_LEVEL=DEBUG\n"
    )
    secrets = root / "secrets"
    secrets.mkdir(exist_ok=True)
    for key, value in IN_SECRETS_DIR.items():
        (secrets / key).write_text(value + "\n")
    return {"root": root, "dotenv": dotenv, "after": after, "secrets": secrets}


def leaks(text: str) -> list[str]:
    """The canaries (raw, or in a usual encoding) that ``text`` shows; empty when none."""
    found: list[str] = []
    lowered = text.lower()
    if MARKER in lowered:
        start = lowered.index(MARKER)
        found.append(text[max(0, start - 40) : start + 40])
    for value in ALL.values():
        for form in (quote(value, safe=""), base64.b64encode(value.encode()).decode()[:24]):
            if form.lower() in lowered:
                found.append(form)
    return found
