"""``confwarden db url`` (cli/db_cmd.py): masked output, refusals and exit codes.

It lives beside the component tests because this area owns the command; the variables come
from an ``--env-file`` (pass the world in), never from the test process's environment.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from confwarden.cli.main import main

CANARY = "CANARY-5f0e1d"
PASSWORD = f"p@ss/w:rd%#? {CANARY}"


def write_env(tmp_path: Path, **values: str) -> str:
    path = tmp_path / "test.env"
    path.write_text("".join(f"{k}='{v}'\n" for k, v in values.items()), encoding="utf-8")
    return str(path)


@pytest.fixture
def env_file(tmp_path: Path) -> str:
    return write_env(
        tmp_path,
        POSTGRES_HOST="db.internal",
        POSTGRES_USER="app",
        POSTGRES_PASSWORD=PASSWORD,
        POSTGRES_DB="app",
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--env", "development"], "masked_use_get_secret_value__postgresql+asyncpg://app:***@db.internal:5432/app"),
        (["--env", "dev", "--sync"], "masked_use_get_secret_value__postgresql+psycopg://app:***@db.internal:5432/app"),
        (["--env", "testing", "--sync", "--driver", "psycopg2"],
         "masked_use_get_secret_value__postgresql+psycopg2://app:***@db.internal:5432/app"),
        (["--env", "production"], "masked_use_get_secret_value__postgresql+asyncpg://app:***@db.internal:5432/app?ssl=require"),
        (["--env", "staging", "--sync"],
         "masked_use_get_secret_value__postgresql+psycopg://app:***@db.internal:5432/app?sslmode=require"),
        (["--env", "staging", "--dsn"], "masked_use_get_secret_value__postgresql://app:***@db.internal:5432/app?sslmode=require"),
    ],
)  # fmt: skip
def test_db_url_prints_masked_url(
    env_file: str, args: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "url", "--env-file", env_file, *args]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == expected
    assert CANARY not in out + err


def test_db_url_show_password_in_development(
    env_file: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "url", "--env-file", env_file, "--env", "dev", "--show-password"]) == 0
    out = capsys.readouterr().out.strip()
    from sqlalchemy.engine import make_url

    assert make_url(out).password == PASSWORD


@pytest.mark.parametrize("environment", ["testing", "staging", "production"])
def test_db_url_show_password_refused_outside_development(
    env_file: str, environment: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["db", "url", "--env-file", env_file, "--env", environment, "--show-password"])
    out, err = capsys.readouterr()
    assert code == 2
    assert "--show-password is refused" in err
    assert CANARY not in out + err


def test_db_url_errors_exit_1_with_every_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env_file = write_env(
        tmp_path, POSTGRES_HOST="localhost", POSTGRES_PASSWORD="changeme", JWT_SECRET=CANARY
    )
    assert main(["db", "url", "--env-file", env_file, "--env", "production", "--json"]) == 1
    out, err = capsys.readouterr()
    report = json.loads(out)
    assert report["url"] is None
    assert {p["variable"] for p in report["problems"]} >= {
        "POSTGRES_HOST", "POSTGRES_USER", "POSTGRES_DB", "POSTGRES_PASSWORD"}  # fmt: skip
    assert "POSTGRES_USER" in err
    assert f"POSTGRES_HOST (from .env file {env_file}:1)" in err
    assert "changeme" not in out + err


def test_db_url_json_and_warnings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    env_file = write_env(
        tmp_path, DATABASE_URL=f"postgresql://u:{CANARY}@legacy/db", USE_MEMORY_DB="true"
    )
    assert main(["db", "url", "--env-file", env_file, "--env", "testing", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["url"] == "sqlite+aiosqlite:///:memory:"
    assert report["transport"] == "memory"
    assert [p["variable"] for p in report["problems"]] == ["DATABASE_URL"]
    assert CANARY not in json.dumps(report)


def test_db_url_driver_mode_mismatch_is_a_usage_error(
    env_file: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "url", "--env-file", env_file, "--sync", "--driver", "asyncpg"]) == 2
    assert "async only" in capsys.readouterr().err


def test_db_url_unknown_environment_is_a_usage_error(
    env_file: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "url", "--env-file", env_file, "--env", "qa"]) == 2
    assert "not a known environment" in capsys.readouterr().err


DB_SCHEMA = """
from typing import Annotated

from confwarden import DEPLOYED, ConfigSchema, Env, SecretStr


class ShopConfig(ConfigSchema, env_prefix="SHOP_"):
    page_size: int = 50
    postgres_host: Annotated[str, Env("POSTGRES_HOST")] = "localhost"
    postgres_user: Annotated[str, Env("POSTGRES_USER")] = "shop"
    postgres_db: Annotated[str, Env("POSTGRES_DB")] = "shop"
    postgres_password: Annotated[
        SecretStr | None, Env("POSTGRES_PASSWORD", required_in=DEPLOYED)
    ] = None
"""


@pytest.fixture
def db_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    from tests.projects import make_project

    root = make_project(
        tmp_path,
        '[tool.confwarden.configs]\nshop = "shopdb.config:ShopConfig"\n'
        '[tool.confwarden.secrets_dirs]\nproduction = "secrets/production"\n',
        package="shopdb",
        schema=DB_SCHEMA,
    )
    (root / "secrets" / "production").mkdir(parents=True)
    (root / "secrets" / "production" / "postgres_password").write_text(CANARY)
    monkeypatch.chdir(root)
    monkeypatch.syspath_prepend(str(root))
    return root


def test_db_url_reads_the_projects_mounted_secrets_in_production(
    db_project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POSTGRES_HOST", "db.internal")
    assert main(["db", "url", "--env", "production", "--json"]) == 0
    out, err = capsys.readouterr()
    report = json.loads(out)
    assert report["url"] == (
        "masked_use_get_secret_value__postgresql+asyncpg://shop:***@db.internal:5432/shop?ssl=require"
    )
    assert CANARY not in out + err


def test_db_url_reads_dotenv_in_development_and_warns_once(
    db_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (db_project / ".env").write_text(
        f"POSTGRES_HOST=127.0.0.1\nPOSTGRES_PASSWORD={CANARY}\nDATABASE_URL=postgresql://x\n"
    )
    assert main(["db", "url", "--env", "development", "--show-password"]) == 0
    out, err = capsys.readouterr()
    from sqlalchemy.engine import make_url

    url = make_url(out.strip())
    assert (url.host, url.username, url.password) == ("127.0.0.1", "shop", CANARY)
    assert err.count("DATABASE_URL: is set but not read") == 1
    assert CANARY not in err
