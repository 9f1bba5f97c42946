"""``confwarden jwt fingerprint`` (cli/jwt_cmd.py): a fingerprint, never the secret."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from confwarden.cli.main import main
from confwarden.components.jwt_secret import fingerprint

CANARY = "CANARY-5f0e1d"
SECRET = f"{CANARY}-Kq8vT2mZp4xR7wN1yB5cL0"


def write_env(tmp_path: Path, **values: str) -> str:
    path = tmp_path / "jwt.env"
    path.write_text("".join(f"{k}={v}\n" for k, v in values.items()), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("environment", ["development", "testing", "staging", "production"])
def test_jwt_fingerprint_prints_fingerprint_only(
    tmp_path: Path, environment: str, capsys: pytest.CaptureFixture[str]
) -> None:
    env_file = write_env(tmp_path, JWT_SECRET_KEY=SECRET)
    assert main(["jwt", "fingerprint", "--env-file", env_file, "--env", environment]) == 0
    out, err = capsys.readouterr()
    assert f"fingerprint: {fingerprint(SECRET)}" in out
    assert "source:      JWT_SECRET_KEY" in out
    assert CANARY not in out + err


def test_jwt_fingerprint_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    env_file = write_env(tmp_path, JWT_SECRET_KEY=SECRET, JWT_SECRET_DEVELOPMENT=SECRET + "x")
    assert main(["jwt", "fingerprint", "--env-file", env_file, "--env", "dev", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["fingerprint"] == fingerprint(SECRET)
    assert report["variable"] == "JWT_SECRET_KEY"
    assert report["problems"][0]["severity"] == "warning"
    assert CANARY not in json.dumps(report)


def test_jwt_fingerprint_json_staging_problem_is_critical(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env_file = write_env(tmp_path, JWT_SECRET_STAGING=SECRET, JWT_SECRET_KEY=SECRET + "x")
    assert main(["jwt", "fingerprint", "--env-file", env_file, "--env", "stage", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["fingerprint"] is None
    (problem,) = report["problems"]
    assert (problem["severity"], problem["critical"]) == ("error", True)
    assert CANARY not in json.dumps(report)


def test_jwt_fingerprint_deployed_problems_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env_file = write_env(tmp_path, JWT_SECRET=CANARY, JWT_ALGORITHM="none")
    assert main(["jwt", "fingerprint", "--env-file", env_file, "--env", "production"]) == 1
    out, err = capsys.readouterr()
    assert "shorter than the 32" in err
    assert f"JWT_SECRET (from .env file {env_file}:1)" in err
    assert "JWT_ALGORITHM" in err
    assert CANARY not in out + err


def test_jwt_fingerprint_development_generated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env_file = write_env(tmp_path, UNRELATED="1")
    assert main(["jwt", "fingerprint", "--env-file", env_file, "--env", "dev", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["generated"] is True
    assert report["fingerprint"]


@pytest.mark.parametrize("environment", ["development", "staging"])
@pytest.mark.parametrize("weak", ["Summer2024", "changeme-changeme-changeme-changeme"])
def test_jwt_fingerprint_weak_secret_shows_no_fingerprint_nor_length(
    tmp_path: Path, environment: str, weak: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # Issue 10.7: a weak secret's fingerprint (and its length) let anyone confirm a word-list
    # guess offline.
    env_file = write_env(tmp_path, JWT_SECRET_KEY=weak)
    main(["jwt", "fingerprint", "--env-file", env_file, "--env", environment, "--json"])
    report = json.loads(capsys.readouterr().out)
    assert report["fingerprint"] is None
    text = json.dumps(report)
    assert fingerprint(weak) not in text
    assert f"is {len(weak)}" not in text
    assert f"{len(weak)} characters" not in text
    assert weak not in text


@pytest.mark.parametrize(
    "weak", ["devjwtsecretkeyminimum32characterslong", "DEVELOPMENTJWTSECRETMINIMUM32CHARACTERS"]
)
def test_jwt_fingerprint_run_together_dev_secret_shows_no_fingerprint_where_deployed(
    tmp_path: Path, weak: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # Gap (audit 2, item 4): a development secret written without separators got a
    # fingerprint in production.
    env_file = write_env(tmp_path, JWT_SECRET_KEY=weak)
    assert main(["jwt", "fingerprint", "--env-file", env_file, "--env", "production", "--json"])
    report = json.loads(capsys.readouterr().out)
    assert report["fingerprint"] is None
    assert fingerprint(weak) not in json.dumps(report)
