"""get_env() singleton and policy-driven .env loading."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from confwarden.environment.detection import Environment
from confwarden.environment.isolated import IsolatedEnvironment
from confwarden.environment.policy import POLICIES, FallbackKind, policy_for
from confwarden.environment.process import get_env, install_env, load_env_files, reset_env


def test_get_env_is_a_singleton_isolated_under_pytest() -> None:
    env = get_env()
    assert get_env() is env
    assert env.is_isolated()


def test_reset_env_builds_a_fresh_instance() -> None:
    first = get_env()
    reset_env()
    try:
        assert get_env() is not first
    finally:
        reset_env()


@pytest.mark.parametrize("environment", ["staging", "production", "testing"])
def test_load_env_files_refused_outside_development(environment: str, tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("FROM_DOTENV=1\n")
    env = IsolatedEnvironment(environ={"ENVIRONMENT": environment}, isolated=True)
    report = load_env_files(env, [dotenv])
    assert not report.allowed
    assert environment in report.reason
    assert not env.exists("FROM_DOTENV")


def test_load_env_files_in_development_never_overrides(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("FROM_DOTENV=1\nPORT=9999\n")
    env = IsolatedEnvironment(environ={"ENVIRONMENT": "development", "PORT": "8000"}, isolated=True)
    report = load_env_files(env, [dotenv, tmp_path / "missing.env"])
    assert report.allowed
    assert env.get("FROM_DOTENV") == "1"
    assert env.get("PORT") == "8000"
    assert report.missing == (str(tmp_path / "missing.env"),)
    assert list(report.results[0].skipped) == ["PORT"]


def test_load_env_files_explicit_environment(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("A=1\n")
    env = IsolatedEnvironment(environ={}, isolated=True)
    assert not load_env_files(env, [dotenv], environment=Environment.PRODUCTION).allowed
    assert load_env_files(env, [dotenv], environment=Environment.DEVELOPMENT).allowed


def test_policy_table_matches_design() -> None:
    assert [POLICIES[e].isolation for e in Environment] == [True, True, False, False]
    assert [POLICIES[e].load_dotenv for e in Environment] == [True, False, False, False]
    assert [POLICIES[e].validation_mode for e in Environment] == [
        "warn",
        "warn",
        "enforce_critical",
        "enforce_all",
    ]
    assert policy_for(Environment.TESTING).config_cache_ttl == 30.0
    assert policy_for(Environment.DEVELOPMENT).fallbacks is FallbackKind.GENERATED
    assert not policy_for(Environment.PRODUCTION).fallbacks_allowed


def test_install_env_swaps_the_process_instance_and_returns_the_previous() -> None:
    mine = IsolatedEnvironment(environ={"MARK": "mine"}, isolated=True)
    previous = install_env(mine)
    try:
        assert get_env() is mine
    finally:
        assert install_env(previous) is mine


def test_load_env_files_warns_about_a_fifo_and_never_blocks_on_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    fifo = tmp_path / ".env"
    os.mkfifo(fifo)
    (tmp_path / ".env.development").write_text("A=1\n")
    env = IsolatedEnvironment(environ={}, isolated=True)
    with caplog.at_level(logging.WARNING, logger="confwarden"):
        report = load_env_files(
            env, [tmp_path / ".env.development", fifo], environment=Environment.DEVELOPMENT
        )
    assert env.get("A") == "1"
    assert report.missing == ()
    assert len(report.skipped) == 1
    assert str(fifo) in report.skipped[0]
    assert "not a regular file" in report.skipped[0]
    assert [r.getMessage() for r in caplog.records] == [f"confwarden: {report.skipped[0]}"]
