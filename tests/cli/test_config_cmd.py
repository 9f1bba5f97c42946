"""`confwarden explain` and `confwarden docs`: provenance chains and generated docs, masked."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from confwarden.cli.main import cli

CANARY = "CANARY-5f0e1d-0123456789abcdef0123456789abcdef"


def _invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.output


def test_explain_shows_source_and_masks_secrets() -> None:
    code, output = _invoke(
        "explain", "SERVICE_SECRET", "--env", "staging", env={"SERVICE_SECRET": CANARY}
    )
    assert code == 0
    assert "StagingConfig.service_secret" in output
    assert "source:  os environment" in output
    assert CANARY not in output


def test_explain_shows_file_line_and_what_was_overridden(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env.development"
    dotenv.write_text(f"APP_NAME=x\nJWT_SECRET_KEY={CANARY}\n")
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    (secrets / "JWT_SECRET_KEY").write_text(CANARY + "-file")
    code, output = _invoke(
        "explain",
        "JWT_SECRET_KEY",
        "--env",
        "development",
        "--env-file",
        str(dotenv),
        "--secrets-dir",
        str(secrets),
        "--json",
    )
    assert code == 0
    found = json.loads(output)
    assert found["variable"] == "JWT_SECRET_KEY"
    assert [i["service"] for i in found["services"]] == ["backend", "auth"]
    info = found["services"][0]
    assert info["source"]["kind"] == "secret"
    assert info["overridden"][0]["source"]["line"] == 2
    assert info["value"] == "***"
    assert CANARY not in output


def test_explain_accepts_field_names_and_aliases() -> None:
    code, output = _invoke(
        "explain",
        "GOOGLE_OAUTH_CLIENT_ID_PRODUCTION",
        "--env",
        "production",
        "--service",
        "auth",
        env={"GOOGLE_OAUTH_CLIENT_ID_PRODUCTION": "client-id"},
    )
    assert code == 0
    assert "AuthEnvironment.google_oauth_client_id" in output
    assert "client-id" in output


def test_explain_unknown_variable_exits_1() -> None:
    result = CliRunner().invoke(cli, ["explain", "NOT_A_VARIABLE", "--env", "staging"])
    assert result.exit_code == 1
    assert "not a field" in result.output


def test_docs_markdown_lists_every_group() -> None:
    code, output = _invoke("docs", env={"SERVICE_SECRET": CANARY})
    assert code == 0
    for heading in ("## database", "## oauth", "## websocket", "## agents", "## monitoring"):
        assert heading in output
    assert "`GOOGLE_OAUTH_CLIENT_ID_{ENVIRONMENT}`" in output
    assert CANARY not in output


def test_docs_env_example_leaves_secrets_empty(tmp_path: Path) -> None:
    target = tmp_path / ".env.example"
    code, _ = _invoke(
        "docs", "--format", "env-example", "-o", str(target), env={"SERVICE_SECRET": CANARY}
    )
    assert code == 0
    text = target.read_text()
    assert "\nSERVICE_SECRET=\n" in text
    assert "\nWEBSOCKET_EVENT_TIMEOUT=" in text or "# WEBSOCKET_EVENT_TIMEOUT=30" in text
    assert CANARY not in text


def test_docs_for_a_schema_reference() -> None:
    code, output = _invoke("docs", "--schema", "confwarden.presets.agent_platform:AuthEnvironment")
    assert code == 0
    assert output.startswith("# Configuration reference: AuthEnvironment")


def test_docs_bad_schema_reference_is_a_clear_error() -> None:
    result = CliRunner().invoke(cli, ["docs", "--schema", "nope.module:Thing"])
    assert result.exit_code == 2
    assert "cannot import the schema 'nope.module:Thing'" in result.output


def test_explain_a_blank_jwt_secret_key_says_it_was_read_as_unset(tmp_path: Path) -> None:
    # Gap (audit 2, item 5): explain named the blank .env:1 as the source and the variable
    # actually used as "overrode, not used", while a generated secret was used.
    dotenv = tmp_path / ".env.development"
    dotenv.write_text(f"JWT_SECRET_KEY=\nJWT_SECRET_DEVELOPMENT={CANARY}\n")
    args = ("explain", "JWT_SECRET_KEY", "--env", "development", "--env-file", str(dotenv))
    code, output = _invoke(*args, "--json")
    assert code == 0
    info = json.loads(output)["services"][0]
    assert info["variable"] == "JWT_SECRET_DEVELOPMENT"
    assert (info["source"]["line"], info["overridden"]) == (2, [])
    assert [(i["variable"], i["source"]["line"]) for i in info["blank_skipped"]] == [
        ("JWT_SECRET_KEY", 1)
    ]
    code, output = _invoke(*args)
    assert "blank (read as unset, the next name was used):" in output
    assert CANARY not in output
