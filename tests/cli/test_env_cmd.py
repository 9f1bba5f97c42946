"""`confwarden env show` and `confwarden env explain`: masked, with sources, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.projects import make_project

from confwarden.cli.main import cli

CANARY = "CANARY-5f0e1d-env-cmd"


@pytest.fixture
def dotenv(tmp_path: Path) -> Path:
    path = tmp_path / ".env"
    path.write_text(
        "APP_NAME=demo\n"
        f"DB_PASSWORD={CANARY}\n"
        f"DATABASE_URL=postgresql://app:{CANARY}@db:5432/app\n"
        "CW_TEST_SHADOWED=from-file\n"
    )
    return path


def _invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.output


def test_env_show_lists_sources_and_masks(dotenv: Path) -> None:
    code, output = _invoke(
        "env", "show", "--env-file", str(dotenv), "--json", env={"OS_SECRET_TOKEN": CANARY}
    )
    assert code == 0
    assert CANARY not in output
    data = json.loads(output)
    by_key = {v["key"]: v for v in data["variables"]}
    assert by_key["APP_NAME"]["source"]["kind"] == "dotenv"
    assert by_key["APP_NAME"]["source"]["line"] == 1
    assert by_key["DB_PASSWORD"]["value"] == "***"
    assert by_key["OS_SECRET_TOKEN"]["source"]["kind"] == "os"
    assert by_key["DATABASE_URL"]["value"] == "postgresql://app:***@db:5432/app"


def test_env_show_human_output_is_masked(dotenv: Path) -> None:
    code, output = _invoke(
        "env", "show", "--env-file", str(dotenv), "--source", "dotenv", env={"COLUMNS": "200"}
    )
    assert code == 0
    assert "APP_NAME" in output
    assert ".env file" in output
    assert CANARY not in output


def test_env_explain_shows_shadowing(dotenv: Path) -> None:
    code, output = _invoke(
        "env",
        "explain",
        "CW_TEST_SHADOWED",
        "--env-file",
        str(dotenv),
        env={"CW_TEST_SHADOWED": "from-os"},
    )
    assert code == 0
    assert "source: os environment" in output
    assert f"{dotenv}:4" in output


def test_env_explain_override_records_what_it_overrode(dotenv: Path) -> None:
    code, output = _invoke(
        "env",
        "explain",
        "CW_TEST_SHADOWED",
        "--env-file",
        str(dotenv),
        "--override",
        "--json",
        env={"CW_TEST_SHADOWED": "from-os"},
    )
    assert code == 0
    data = json.loads(output)
    assert data["source"]["kind"] == "dotenv"
    assert data["overridden"][0]["source"]["kind"] == "os"
    assert data["overridden"][0]["value"] == "from-os"


def test_env_explain_masks_secret(dotenv: Path) -> None:
    code, output = _invoke("env", "explain", "DB_PASSWORD", "--env-file", str(dotenv))
    assert code == 0
    assert CANARY not in output
    assert "***" in output


def _run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "confwarden.cli.main", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        check=False,
    )


def test_exit_code_unset_variable_is_1() -> None:
    proc = _run("env", "explain", "CW_SURELY_NOT_SET")
    assert proc.returncode == 1
    assert "not set" in proc.stdout


def test_exit_code_usage_error_is_2() -> None:
    assert _run("env", "show", "--no-such-flag").returncode == 2


def test_exit_code_bad_env_file_is_2(tmp_path: Path) -> None:
    bad = tmp_path / ".env"
    bad.write_text(f"1BAD={CANARY}\n")
    proc = _run("env", "show", "--env-file", str(bad))
    assert proc.returncode == 2
    assert f"{bad}:1" in proc.stderr
    assert CANARY not in proc.stderr + proc.stdout


@pytest.mark.parametrize("command", [("env", "show"), ("env", "explain", "APP_NAME")])
def test_env_file_that_is_a_fifo_exits_2_as_bad_input(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    fifo = tmp_path / "env.fifo"
    os.mkfifo(fifo)
    result = CliRunner().invoke(cli, [*command, "--env-file", str(fifo)], catch_exceptions=False)
    assert result.exit_code == 2
    assert "not a regular file" in result.output
    assert str(fifo) in result.output


# -- the project's schema says what is secret (not only the variable's name) -------------------

SIGNING_CANARY = "zebraGiraffe77Q"

SIGNING_SCHEMA = """
from typing import Annotated

from pydantic import BaseModel

from confwarden import ConfigSchema, Env, SecretStr


class Payment(BaseModel):
    provider: str = "stripe"
    merchant_token: SecretStr | None = None


class SigningConfig(ConfigSchema, env_prefix="SHOP_"):
    page_size: int = 50
    signing: SecretStr | None = None
    rotated: Annotated[
        SecretStr | None, Env("SHOP_SIGN_{ENVIRONMENT}", deprecated=("SHOP_OLD_SIGN",))
    ] = None
    payment: Payment = Payment()
"""

# Names no name-based rule calls secret: only the schema knows.
SCHEMA_SECRETS = (
    "SHOP_SIGNING",
    "SHOP_SIGN_PRODUCTION",
    "SHOP_OLD_SIGN",
    "SHOP_PAYMENT",
    "SHOP_PAYMENT__MERCHANT_TOKEN",
)


@pytest.fixture
def signing_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    table = (
        '[project]\nname = "signing"\n\n[tool.confwarden.configs]\n'
        'shop = "signingshop.config:SigningConfig"\n'
    )
    root = make_project(
        tmp_path / "signing-project", table, package="signingshop", schema=SIGNING_SCHEMA
    )
    monkeypatch.chdir(root)
    return root


def _schema_secret_env() -> dict[str, str]:
    env = {name: SIGNING_CANARY for name in SCHEMA_SECRETS}
    env["SHOP_PAYMENT"] = f'{{"merchant_token": "{SIGNING_CANARY}"}}'
    env["SHOP_PAGE_SIZE"] = "20"
    return env


@pytest.mark.parametrize("as_json", [False, True])
def test_env_show_masks_what_the_project_schema_marks_sensitive(
    signing_project: Path, as_json: bool
) -> None:
    args = ["env", "show", *(["--json"] if as_json else [])]
    code, output = _invoke(*args, env={**_schema_secret_env(), "COLUMNS": "300"})
    assert code == 0
    assert SIGNING_CANARY not in output
    assert "SHOP_SIGNING" in output
    if as_json:
        by_key = {v["key"]: v for v in json.loads(output)["variables"]}
        assert {by_key[name]["value"] for name in SCHEMA_SECRETS} == {"***"}
        assert by_key["SHOP_PAGE_SIZE"]["value"] == "20"


@pytest.mark.parametrize("as_json", [False, True])
@pytest.mark.parametrize("variable", SCHEMA_SECRETS)
def test_env_explain_masks_what_the_project_schema_marks_sensitive(
    signing_project: Path, variable: str, as_json: bool
) -> None:
    args = ["env", "explain", variable, *(["--json"] if as_json else [])]
    code, output = _invoke(*args, env=_schema_secret_env())
    assert code == 0
    assert SIGNING_CANARY not in output
    if as_json:
        data = json.loads(output)
        assert (data["value"], data["sensitive"]) == ("***", True)
    else:
        assert f"{variable} = ***" in output
        assert "sensitive: value masked" in output


def test_env_explain_masks_what_an_override_replaced_for_a_schema_secret(
    signing_project: Path,
) -> None:
    dotenv = signing_project / ".env"
    dotenv.write_text("SHOP_SIGNING=from-file-value\n")
    code, output = _invoke(
        "env", "explain", "SHOP_SIGNING", "--env-file", str(dotenv), "--override", "--json",
        env={"SHOP_SIGNING": SIGNING_CANARY},
    )  # fmt: skip
    assert code == 0
    assert SIGNING_CANARY not in output
    assert "from-file-value" not in output


def test_env_explain_without_project_masks_by_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, output = _invoke("env", "explain", "SHOP_SIGNING", env={"SHOP_SIGNING": "visible"})
    assert code == 0
    assert "SHOP_SIGNING = visible" in output
    code, output = _invoke("env", "explain", "DB_PASSWORD", env={"DB_PASSWORD": SIGNING_CANARY})
    assert SIGNING_CANARY not in output


def test_env_show_masks_a_copy_interpolated_from_a_schema_secret(signing_project: Path) -> None:
    dotenv = signing_project / ".env"
    dotenv.write_text(f"SHOP_SIGNING={SIGNING_CANARY}\nCOPY=${{SHOP_SIGNING}}\n")
    code, output = _invoke("env", "show", "--env-file", str(dotenv), "--json", env={})
    assert code == 0
    assert SIGNING_CANARY not in output
    by_key = {v["key"]: v for v in json.loads(output)["variables"]}
    assert by_key["COPY"]["value"] == "***"


def test_env_show_names_a_schema_it_cannot_import_and_still_masks_by_name(
    signing_project: Path,
) -> None:
    (signing_project / "signingshop" / "config.py").write_text("import no_such_module_here\n")
    result = CliRunner().invoke(
        cli, ["env", "show"], env={"DB_PASSWORD": SIGNING_CANARY}, catch_exceptions=False
    )
    assert result.exit_code == 0
    assert "signingshop.config:SigningConfig" in result.output
    assert SIGNING_CANARY not in result.output


FORMAT_CANARY = "CanaryFmt7Q2x"


@pytest.mark.parametrize("as_json", [False, True])
def test_env_show_masks_common_credential_formats_and_their_copies(as_json: bool) -> None:
    env = {
        "AZURE_STORAGE": f"AccountName=acct;AccountKey={FORMAT_CANARY}1==;EndpointSuffix=x",
        "HEADERS": f'{{"Authorization": "Bearer {FORMAT_CANARY}2"}}',
        "UPSTREAM_AUTHORIZATION": f"Basic {FORMAT_CANARY}3",
        "VAULT_T": "hvs.CAESIJlU3Qx8ZkHqAAbbCCddEEffGGhhIIjj" + FORMAT_CANARY,
        "LDAP_BIND": f"cn=admin,dc=example,dc=org:{FORMAT_CANARY}4",
        "ADMIN_CREDS": f"admin:{FORMAT_CANARY}5",
        "NOTE": f"bind with {FORMAT_CANARY}4",
        "COLUMNS": "300",
    }
    code, output = _invoke("env", "show", *(["--json"] if as_json else []), env=env)
    assert code == 0
    assert FORMAT_CANARY not in output
    assert "LDAP_BIND" in output
