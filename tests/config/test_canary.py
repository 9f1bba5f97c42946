"""A canary secret set everywhere never appears in any output of the configuration layer."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from click.testing import CliRunner

from confwarden.cli.main import cli
from confwarden.config.docs import render_env_example, render_markdown
from confwarden.config.inspection import inspect_service
from confwarden.config.manager import UnifiedConfigManager
from confwarden.environment.detection import Environment
from confwarden.environment.isolated import IsolatedEnvironment
from confwarden.errors import ConfigurationError
from confwarden.presets.agent_platform import AppConfig, AuthConfig, AuthEnvironment
from confwarden.startup import bootstrap

CANARY = "CANARY-5f0e1d"
SECRET_VARS = (
    "SERVICE_SECRET",
    "SECRET_KEY",
    "JWT_SECRET_KEY",
    "POSTGRES_PASSWORD",
    "REDIS_PASSWORD",
    "CLICKHOUSE_PASSWORD",
    "GOOGLE_CLIENT_SECRET",
    "GOOGLE_OAUTH_CLIENT_SECRET_STAGING",
    "ANTHROPIC_API_KEY",
    "OPENAI_API_KEY",
    "GEMINI_API_KEY",
    "LANGFUSE_SECRET_KEY",
    "GRAFANA_API_KEY",
)


def _canary_vars(environment: str) -> dict[str, str]:
    values = {name: f"{CANARY}-{name}" for name in SECRET_VARS}
    values["ENVIRONMENT"] = environment
    values["REDIS_URL"] = f"redis://:{CANARY}@cache:6379/0"
    values["CLICKHOUSE_URL"] = f"https://user:{CANARY}@ch.example.com:8443/db"
    values["PORT"] = "eighty"  # a type error reported together with the rest
    return values


@pytest.mark.parametrize("environment", ["development", "staging", "production"])
def test_canary_absent_from_inspection_outputs(environment: str) -> None:
    target = Environment.parse(environment)
    for schema in (AppConfig, AuthEnvironment):
        inspection = inspect_service(schema, _canary_vars(environment), target)
        outputs = [
            repr(inspection.config),
            str(inspection.config),
            repr(inspection.load),
            json.dumps(inspection.validation.to_dict(), default=str),
            "\n".join(inspection.validation.summary_lines()),
            json.dumps(
                [inspection.load.describe(s.name) for s in inspection.load.fields], default=str
            ),
        ]
        if inspection.config is not None and isinstance(inspection.config, AuthEnvironment):
            outputs.append(repr(AuthConfig(inspection.config)))
        if inspection.config is not None and isinstance(inspection.config, AppConfig):
            outputs.append(repr(inspection.config.get_security_config()))
        for output in outputs:
            assert CANARY not in output


def test_canary_absent_from_fail_fast_error_and_summary() -> None:
    with pytest.raises(ConfigurationError) as excinfo:
        UnifiedConfigManager("backend", env=_canary_vars("production")).get_config()
    assert CANARY not in str(excinfo.value)
    dev = UnifiedConfigManager("backend", env={**_canary_vars("development"), "PORT": "8000"})
    assert CANARY not in json.dumps(dev.get_config_summary())
    with pytest.raises(ConfigurationError) as excinfo:  # PORT=eighty: an error everywhere
        UnifiedConfigManager("backend", env=_canary_vars("development")).get_config()
    assert "PORT" in str(excinfo.value)
    assert CANARY not in str(excinfo.value)


def test_canary_absent_from_bootstrap_logs(
    caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    values = {**_canary_vars("development"), "PORT": "8000"}
    (tmp_path / ".env.development").write_text("".join(f"{k}={v}\n" for k, v in values.items()))
    caplog.set_level(logging.DEBUG)
    env = IsolatedEnvironment(environ={"ENVIRONMENT": "development"}, isolated=True)
    bootstrap("backend", env=env, root=tmp_path, install=False)
    assert "started in development" in caplog.text
    assert CANARY not in caplog.text


def test_canary_absent_from_explain_and_docs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.confwarden.configs]\nbackend = "confwarden.presets.agent_platform:AppConfig"\n'
    )
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    env = _canary_vars("staging")
    for variable in (*SECRET_VARS, "REDIS_URL", "CLICKHOUSE_URL", "PORT"):
        for extra in ((), ("--json",)):
            result = runner.invoke(cli, ["explain", variable, "--env", "staging", *extra], env=env)
            assert result.exit_code == 0, result.output
            assert CANARY not in result.output
    docs = runner.invoke(cli, ["docs"], env=env)
    assert CANARY not in docs.output
    assert CANARY not in render_markdown(AppConfig) + render_env_example(AuthEnvironment)


COPY_SCHEMA = """
from confwarden import ConfigSchema


class SvcConfig(ConfigSchema, env_prefix="SVC_"):
    copy: str = "none"
    name: str = "svc"
"""


def test_canary_interpolated_copy_of_a_secret_is_masked_by_every_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "svccopy").mkdir()
    (tmp_path / "svccopy" / "__init__.py").write_text("")
    (tmp_path / "svccopy" / "config.py").write_text(COPY_SCHEMA)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.confwarden.configs]\nsvc = "svccopy.config:SvcConfig"\n'
    )
    (tmp_path / ".env").write_text(f"SVC_DB_PASSWORD={CANARY}\nSVC_COPY=${{SVC_DB_PASSWORD}}\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    runner = CliRunner()
    commands = [
        ["env", "show", "--env-file", ".env"],
        ["explain", "SVC_COPY", "--env-file", ".env"],
        ["explain", "SVC_COPY", "--env-file", ".env", "--json"],
        ["doctor"],
        ["doctor", "--json"],
        ["validate", "--env-file", ".env", "--json"],
    ]
    for command in commands:
        result = runner.invoke(cli, command, env={"ENVIRONMENT": "development"})
        assert result.exit_code in (0, 1), (command, result.output)
        assert "SVC_COPY" in result.output or "copy" in result.output, (command, result.output)
        assert CANARY not in result.output, (command, result.output)
