"""`confwarden validate`, `diff`, `impact` and `doctor`: exit codes, output, JSON, no secrets."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.projects import make_project

from confwarden.cli.main import cli, main

CANARY = "CANARY-5f0e1d-0123456789abcdef0123456789abcdef"

STAGING = {
    "ENVIRONMENT": "staging",
    "SERVICE_ID": "backend",
    "SECRET_KEY": "Zx8Qw2Lp9Rt5Vb3Nm7Kj4Hg6Fd1Sa0Pq",
    "SERVICE_SECRET": CANARY,
    "JWT_SECRET_KEY": CANARY[::-1],
    "POSTGRES_HOST": "db.internal",
    "POSTGRES_USER": "app",
    "POSTGRES_PASSWORD": "t9Xq2mV7rT4wZp8L-" + CANARY,
    "POSTGRES_DB": "app",
    "FRONTEND_URL": "https://app.example.com",
    "GOOGLE_CLIENT_ID": "123.apps.googleusercontent.com",
    "GOOGLE_CLIENT_SECRET": "GOCSPX-" + CANARY,
}


def _invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.output


def _write_env(path: Path, values: dict[str, str]) -> Path:
    path.write_text("".join(f"{k}={v}\n" for k, v in values.items()))
    return path


# -- validate ---------------------------------------------------------------------------------


def test_validate_valid_staging_exits_zero(tmp_path: Path) -> None:
    dotenv = _write_env(tmp_path / "staging.env", STAGING)
    code, output = _invoke("validate", "--env", "staging", "--env-file", str(dotenv))
    assert code == 0, output
    assert "valid" in output
    assert "health 100/100" in output
    assert CANARY not in output


def test_validate_invalid_lists_every_problem_with_origin_and_exits_one(tmp_path: Path) -> None:
    values = {**STAGING, "SECRET_KEY": "short", "POSTGRES_HOST": "localhost"}
    del values["SERVICE_ID"]
    dotenv = _write_env(tmp_path / "bad.env", values)
    code, output = _invoke("validate", "--env", "staging", "--env-file", str(dotenv))
    assert code == 1
    assert "INVALID" in output
    for expected in ("SERVICE_ID", "SECRET_KEY", "POSTGRES_HOST", "bad.env:2", "fix:"):
        assert expected in output
    assert CANARY not in output


def test_validate_json_has_problems_fields_and_no_secret(tmp_path: Path) -> None:
    values = {**STAGING, "SECRET_KEY": CANARY[:20]}
    dotenv = _write_env(tmp_path / "x.env", values)
    code, output = _invoke(
        "validate",
        "--env",
        "production",
        "--env-file",
        str(dotenv),
        "--service",
        "backend",
        "--json",
    )
    report = json.loads(output)
    assert code == 1
    assert report["valid"] is False
    (data,) = report["services"]
    assert data["mode"] == "enforce_all"
    assert data["service"] == "backend"
    rules = {p["rule"] for p in data["errors"]}
    assert {"secrets.length", "consistency.environment"} <= rules
    assert data["fields"]["secret_key"]["value"] == "***"
    assert CANARY not in output
    assert CANARY[:20] not in output


def test_validate_mode_warn_never_fails(tmp_path: Path) -> None:
    dotenv = _write_env(tmp_path / "x.env", {"ENVIRONMENT": "production"})
    code, output = _invoke(
        "validate", "--env", "production", "--mode", "warn", "--env-file", str(dotenv), "--json"
    )
    assert code == 0
    report = json.loads(output)
    assert report["valid"] is True
    assert [s["service"] for s in report["services"]] == ["backend", "auth"]
    for data in report["services"]:
        assert data["errors"] == []
        assert data["warnings"]


def test_validate_unknown_environment_is_usage_error() -> None:
    assert main(["validate", "--env", "qa"]) == 2


# -- diff -------------------------------------------------------------------------------------


def test_diff_breaking_change_exits_one_and_masks(tmp_path: Path) -> None:
    before = _write_env(
        tmp_path / "a.env",
        {"SERVICE_SECRET": CANARY, "SECRET_KEY": CANARY + "1", "LOG_LEVEL": "INFO"},
    )
    after = _write_env(tmp_path / "b.env", {"SECRET_KEY": CANARY + "2", "LOG_LEVEL": "DEBUG"})
    code, output = _invoke("diff", str(before), str(after))
    assert code == 1
    assert "1 breaking, 1 risky, 1 safe" in output
    assert "SERVICE_SECRET" in output
    assert CANARY not in output


def test_diff_json_classifies_with_environment(tmp_path: Path) -> None:
    before = _write_env(tmp_path / "a.env", {"FRONTEND_URL": "https://app.example.com"})
    after = _write_env(tmp_path / "b.env", {"FRONTEND_URL": "http://localhost:3000"})
    code, output = _invoke("diff", str(before), str(after), "--env", "production", "--json")
    data = json.loads(output)
    assert code == 1
    assert data["changes"][0]["classification"] == "breaking"
    code, output = _invoke("diff", str(before), str(after), "--env", "development", "--json")
    assert code == 0
    assert json.loads(output)["worst"] == "safe"


def test_diff_identical_files_exit_zero(tmp_path: Path) -> None:
    same = _write_env(tmp_path / "a.env", {"A": "1"})
    code, output = _invoke("diff", str(same), str(same))
    assert code == 0
    assert "0 change(s)" in output


def test_diff_malformed_file_is_usage_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.env"
    bad.write_text("this is not a binding\n")
    good = _write_env(tmp_path / "good.env", {"A": "1"})
    assert main(["diff", str(bad), str(good)]) == 2


# -- impact -----------------------------------------------------------------------------------


def test_impact_critical_variable() -> None:
    code, output = _invoke("impact", "SERVICE_SECRET")
    assert code == 0
    assert "ULTRA_CRITICAL" in output
    assert "must not be deleted" in output


@pytest.mark.parametrize(
    ("variable", "environment", "can_delete"),
    [
        ("DATABASE_URL", None, True),
        ("LOG_LEVEL_UNKNOWN", None, True),
        ("POSTGRES_HOST", "development", True),
        ("POSTGRES_HOST", "production", False),
        ("JWT_SECRET_KEY", None, False),
    ],
)
def test_impact_json(variable: str, environment: str | None, can_delete: bool) -> None:
    args = ["impact", variable, "--json"] + (["--env", environment] if environment else [])
    code, output = _invoke(*args)
    assert code == 0
    assert json.loads(output)["can_delete"] is can_delete


def test_impact_uses_schema_fields() -> None:
    code, output = _invoke("impact", "FRONTEND_URL", "--json")
    data = json.loads(output)
    assert code == 0
    assert data["known"] is True
    assert data["dependency"]["required_by"]


# -- doctor -----------------------------------------------------------------------------------

PYPROJECT = """
[tool.confwarden.configs]
backend = "confwarden.presets.agent_platform:AppConfig"
auth = "confwarden.presets.agent_platform:AuthEnvironment"
"""


def _platform(root: Path) -> Path:
    (root / "pyproject.toml").write_text(PYPROJECT)
    _write_env(
        root / ".env.development",
        {"JWT_SECRET_KEY": CANARY, "SERVICE_SECRET": CANARY[::-1], "LOG_LEVEL": "DEBUG"},
    )
    _write_env(root / ".env.staging", {k: v for k, v in STAGING.items() if k != "ENVIRONMENT"})
    return root


def test_doctor_human_report(tmp_path: Path) -> None:
    code, output = _invoke("doctor", str(_platform(tmp_path)), env={"ENVIRONMENT": "development"})
    assert code == 0, output
    for expected in (
        "Environment: development",
        "backend",
        "auth",
        "Validation per mode",
        "Shared secrets",
        "JWT secret: same in every service",
        "If deployed to staging",
        "If deployed to production",
        "OK",
    ):
        assert expected in output
    assert CANARY not in output
    assert CANARY[::-1] not in output


def test_doctor_json(tmp_path: Path) -> None:
    code, output = _invoke(
        "doctor", str(_platform(tmp_path)), "--json", env={"ENVIRONMENT": "development"}
    )
    data = json.loads(output)
    assert code == 0
    assert data["ok"] is True
    assert data["environment"]["name"] == "development"
    assert [s["service"] for s in data["services"]] == ["backend", "auth"]
    assert [d["environment"] for d in data["deployments"]] == ["staging", "production"]
    assert data["deployments"][0]["basis"] == ".env.staging"
    assert CANARY not in output


def test_doctor_exits_one_when_a_service_would_not_start(tmp_path: Path) -> None:
    root = _platform(tmp_path)
    code, output = _invoke("doctor", str(root), "--json", env={"ENVIRONMENT": "staging"})
    data = json.loads(output)
    assert code == 1
    assert data["ok"] is False
    assert [d["environment"] for d in data["deployments"]] == ["production"]


def test_doctor_shows_the_deployment_marker_seen(tmp_path: Path) -> None:
    root = _platform(tmp_path)
    env = {"ENVIRONMENT": "staging", "K_SERVICE": "backend"}
    _code, output = _invoke("doctor", str(root), env=env)
    line = next(line for line in output.splitlines() if line.startswith("Environment:"))
    assert "deployment marker: K_SERVICE (Cloud Run service)" in line
    _code, output = _invoke("doctor", str(root), "--json", env=env)
    assert json.loads(output)["environment"]["deployment_marker"] == "K_SERVICE (Cloud Run service)"
    _code, output = _invoke("doctor", str(root), "--json", env={"ENVIRONMENT": "development"})
    assert json.loads(output)["environment"]["deployment_marker"] is None


EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "platform"


def test_doctor_on_the_example_platform_never_shows_its_secrets() -> None:
    secrets = [p.read_text().strip() for p in (EXAMPLE / "secrets").rglob("*") if p.is_file()]
    secrets = [s for s in secrets if len(s) >= 8 and "\n" not in s]
    code, output = _invoke("doctor", str(EXAMPLE), env={"ENVIRONMENT": "development"})
    _, as_json = _invoke("doctor", str(EXAMPLE), "--json", env={"ENVIRONMENT": "development"})
    assert code == 0, output
    data = json.loads(as_json)
    staging, production = data["deployments"]
    assert staging["would_start"] is True
    assert production["would_start"] is False
    failed = {p["variable"] for p in production["services"]["backend"]["errors"]}
    assert "FRONTEND_URL" in failed
    assert secrets
    for secret in secrets:
        assert secret not in output
        assert secret not in as_json


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "--env", ""],
        ["validate", "--env", "  "],
        ["diff", "a.env", "b.env", "--env", ""],
        ["impact", "SECRET_KEY", "--env", ""],
        ["explain", "SECRET_KEY", "--env", ""],
        ["serve", "--env", ""],
        ["db", "url", "--env", ""],
        ["jwt", "fingerprint", "--env", ""],
        ["secrets", "plan", "--env", ""],
        ["secrets", "check", "--env", ""],
        ["doctor", "--target", ""],
    ],
)
def test_every_command_refuses_a_blank_env(args: list[str], tmp_path: Path) -> None:
    # Gap: `validate --env "$TARGET"` with TARGET unset validated as development, exit 0.
    for name in ("a.env", "b.env"):
        (Path.cwd() / name).write_text("X=1\n")
    result = CliRunner().invoke(cli, args, env={"ENVIRONMENT": "production"})
    assert result.exit_code == 2, (args, result.output)
    assert "blank" in result.output


DIFF_SCHEMA = """
from confwarden import ConfigSchema, SecretStr


class SvcConfig(ConfigSchema, env_prefix="SVC_"):
    signing: SecretStr | None = None
"""


@pytest.mark.parametrize("as_json", [False, True])
def test_diff_masks_copies_of_secrets_of_either_file(tmp_path: Path, as_json: bool) -> None:
    before = _write_env(
        tmp_path / "a.env",
        {"DB_PASSWORD": "CanaryDiffOld1", "URL": "https://u:CanaryDiffUrl3@h/", "A": "1"},
    )
    after = tmp_path / "b.env"
    after.write_text(
        "DB_PASSWORD=CanarySame1\nNOTE=CanarySame1\nCOPY=${DB_PASSWORD}\n"
        "OLD=CanaryDiffOld1\nNOTE2=see CanaryDiffUrl3\nURL=https://u:CanaryDiffUrl6@h/\nA=2\n"
    )
    code, output = _invoke("diff", str(before), str(after), *(["--json"] if as_json else []))
    assert code in (0, 1)
    for canary in ("CanarySame1", "CanaryDiffOld1", "CanaryDiffUrl3", "CanaryDiffUrl6"):
        assert canary not in output
    for name in ("NOTE", "COPY", "OLD", "NOTE2"):
        assert name in output
    if as_json:
        by_name = {c["variable"]: c for c in json.loads(output)["changes"]}
        assert by_name["NOTE2"]["after"] == "see ***"
        assert by_name["A"]["after"] == "2"


@pytest.mark.parametrize("as_json", [False, True])
def test_diff_masks_what_the_project_schema_marks_sensitive(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, as_json: bool
) -> None:
    table = (
        '[project]\nname = "svc"\n\n[tool.confwarden.configs]\nsvc = "diffsvc.config:SvcConfig"\n'
    )
    root = make_project(tmp_path / "project", table, package="diffsvc", schema=DIFF_SCHEMA)
    monkeypatch.chdir(root)
    _write_env(root / "a.env", {"SVC_SIGNING": "CanaryDiffSign2"})
    _write_env(root / "b.env", {"SVC_SIGNING": "CanaryDiffSign5", "OTHER": "CanaryDiffSign2"})
    code, output = _invoke("diff", "a.env", "b.env", *(["--json"] if as_json else []))
    assert code == 0
    assert "SVC_SIGNING" in output
    assert "CanaryDiffSign" not in output
    assert "secret rotated" in output


@pytest.mark.parametrize("command", ["validate", "doctor"])
def test_a_fifo_at_the_project_dotenv_is_named_in_a_warning(tmp_path: Path, command: str) -> None:
    root = _platform(tmp_path)
    os.mkfifo(root / ".env")
    args = [command, str(root)] if command == "doctor" else ["--project", str(root), command]
    result = CliRunner().invoke(cli, args, env={"ENVIRONMENT": "development"})
    assert result.exit_code in (0, 1), result.output
    assert f"{root / '.env'} skipped: not a regular file" in result.stderr
