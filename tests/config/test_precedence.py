"""Pins DESIGN.md's precedence: code > process env > secrets > .env > fallbacks > defaults."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from confwarden.config.loader import load_config
from confwarden.config.sources import EnvironmentSource, LoadContext, default_sources
from confwarden.environment.detection import Environment
from confwarden.environment.dev_secrets import DevSecretStore
from confwarden.environment.isolated import IsolatedEnvironment
from confwarden.environment.provenance import SourceKind
from confwarden.presets.agent_platform import AppConfig, DevelopmentConfig, StagingConfig
from confwarden.secrets.base import ValueSource
from confwarden.secrets.files import SecretsDirSource


def _env(tmp_path: Path, environ: dict[str, str], dotenv: str | None = None) -> IsolatedEnvironment:
    env = IsolatedEnvironment(environ=dict(environ), isolated=True)
    if dotenv is not None:
        path = tmp_path / ".env"
        path.write_text(dotenv)
        env.load_from_file(path)
    return env


def _secrets(tmp_path: Path, **files: str) -> Path:
    directory = tmp_path / "secrets"
    directory.mkdir()
    for name, value in files.items():
        (directory / name).write_text(value + "\n")
    return directory


def test_default_sources_order_in_development() -> None:
    ctx = LoadContext(Environment.DEVELOPMENT, {}, secret_dirs=("/run/secrets",))
    assert [s.name for s in default_sources(ctx)] == [
        "overrides",
        "set in code",
        "process environment",
        "VAR_FILE references",
        "secrets dir /run/secrets",
        ".env files",
        "generated fallbacks",
    ]


def test_default_sources_order_in_deployed_environments_has_no_dotenv_nor_fallbacks() -> None:
    for environment in (Environment.STAGING, Environment.PRODUCTION):
        names = [s.name for s in default_sources(LoadContext(environment, {}))]
        assert names == ["overrides", "set in code", "process environment", "VAR_FILE references"]


def test_default_sources_in_testing_use_test_defaults_not_dotenv() -> None:
    names = [s.name for s in default_sources(LoadContext(Environment.TESTING, {}))]
    assert names[-1] == "test_defaults fallbacks"
    assert ".env files" not in names


def test_precedence_overrides_beat_values_set_in_code(tmp_path: Path) -> None:
    env = _env(tmp_path, {})
    env.set("LOG_LEVEL", "ERROR", source="test")
    ctx = LoadContext(Environment.DEVELOPMENT, env, overrides={"LOG_LEVEL": "WARNING"})
    result = load_config(DevelopmentConfig, ctx)
    assert result.config is not None
    assert result.config.log_level == "WARNING"
    assert [s.kind for _, s in result.values["log_level"].overridden] == [SourceKind.SET]


def test_precedence_set_in_code_beats_secret_files(tmp_path: Path) -> None:
    env = _env(tmp_path, {})
    env.set("SECRET_KEY", "from-code-" + "x" * 30, source="test")
    secrets = _secrets(tmp_path, SECRET_KEY="from-file-" + "y" * 30)
    result = load_config(
        DevelopmentConfig, LoadContext(Environment.DEVELOPMENT, env, secret_dirs=(secrets,))
    )
    resolved = result.values["secret_key"]
    assert resolved.source.kind is SourceKind.SET
    assert resolved.raw is not None
    assert resolved.raw.startswith("from-code-")
    assert [s.kind for _, s in resolved.overridden] == [SourceKind.SECRET]


def test_precedence_process_environment_beats_secret_files(tmp_path: Path) -> None:
    secrets = _secrets(tmp_path, SECRET_KEY="from-file-" + "y" * 30)
    env = _env(tmp_path, {"SECRET_KEY": "from-os-" + "x" * 30})
    result = load_config(
        StagingConfig, LoadContext(Environment.STAGING, env, secret_dirs=(secrets,))
    )
    resolved = result.values["secret_key"]
    assert resolved.source.kind is SourceKind.OS
    assert resolved.overridden[0][1].path == str(secrets / "SECRET_KEY")


def test_precedence_secret_files_beat_dotenv(tmp_path: Path) -> None:
    secrets = _secrets(tmp_path, SECRET_KEY="from-file-" + "y" * 30)
    env = _env(tmp_path, {}, dotenv="SECRET_KEY=from-dotenv-" + "z" * 30 + "\n")
    result = load_config(
        DevelopmentConfig, LoadContext(Environment.DEVELOPMENT, env, secret_dirs=(secrets,))
    )
    resolved = result.values["secret_key"]
    assert resolved.source.kind is SourceKind.SECRET
    assert resolved.raw == "from-file-" + "y" * 30
    assert [s.kind for _, s in resolved.overridden] == [SourceKind.DOTENV]


def test_precedence_var_file_reference_beats_secrets_dir(tmp_path: Path) -> None:
    secrets = _secrets(tmp_path, POSTGRES_PASSWORD="from-dir")
    referenced = tmp_path / "pw"
    referenced.write_text("from-var-file\n")
    env = _env(tmp_path, {"POSTGRES_PASSWORD_FILE": str(referenced)})
    result = load_config(
        StagingConfig, LoadContext(Environment.STAGING, env, secret_dirs=(secrets,))
    )
    assert result.values["postgres_password"].raw == "from-var-file"
    assert result.values["postgres_password"].source.detail == "POSTGRES_PASSWORD_FILE"


def test_precedence_dotenv_beats_fallbacks(tmp_path: Path) -> None:
    env = _env(tmp_path, {}, dotenv="SERVICE_SECRET=from-dotenv-" + "z" * 30 + "\n")
    result = load_config(DevelopmentConfig, LoadContext(Environment.DEVELOPMENT, env))
    resolved = result.values["service_secret"]
    assert resolved.source.kind is SourceKind.DOTENV
    assert resolved.source.line == 1


def test_precedence_fallbacks_beat_schema_defaults_in_development() -> None:
    result = load_config(DevelopmentConfig, LoadContext(Environment.DEVELOPMENT, {}))
    resolved = result.values["service_secret"]
    assert resolved.source.kind is SourceKind.FALLBACK
    assert resolved.raw == DevSecretStore.default().get("SERVICE_SECRET")


def test_precedence_schema_defaults_come_last() -> None:
    result = load_config(StagingConfig, LoadContext(Environment.STAGING, {}))
    assert result.values["service_secret"].source.kind is SourceKind.DEFAULT
    assert result.config is not None
    assert result.config.service_secret is None


def test_precedence_dotenv_values_are_ignored_where_policy_forbids_them(tmp_path: Path) -> None:
    env = _env(tmp_path, {}, dotenv="LOG_LEVEL=ERROR\n")
    result = load_config(StagingConfig, LoadContext(Environment.STAGING, env))
    assert result.values["log_level"].source.kind is SourceKind.DEFAULT
    assert result.config is not None
    assert result.config.log_level == "INFO"


def test_precedence_is_source_major_across_alias_names(tmp_path: Path) -> None:
    env = _env(
        tmp_path,
        {"GOOGLE_OAUTH_CLIENT_ID_DEVELOPMENT": "from-os"},
        dotenv="GOOGLE_CLIENT_ID=from-dotenv\n",
    )
    result = load_config(DevelopmentConfig, LoadContext(Environment.DEVELOPMENT, env))
    resolved = result.values["google_client_id"]
    assert (resolved.variable, resolved.raw) == ("GOOGLE_OAUTH_CLIENT_ID_DEVELOPMENT", "from-os")
    assert resolved.overridden[0][0] == "GOOGLE_CLIENT_ID"


class _SecretsFirstConfig(AppConfig):
    """A schema that trusts its secret directory above the process environment."""

    secret_dir: ClassVar[str] = ""

    @classmethod
    def config_sources(cls, context: LoadContext) -> tuple[ValueSource, ...]:
        return (SecretsDirSource(cls.secret_dir), EnvironmentSource(context.env, SourceKind.OS))


def test_precedence_is_overridable_in_one_place(tmp_path: Path) -> None:
    secrets = _secrets(tmp_path, SECRET_KEY="from-file-" + "y" * 30)
    _SecretsFirstConfig.secret_dir = str(secrets)
    ctx = LoadContext(Environment.STAGING, {"SECRET_KEY": "from-os-" + "x" * 30})
    result = load_config(_SecretsFirstConfig, ctx)
    assert result.values["secret_key"].source.kind is SourceKind.SECRET
    assert result.sources == (f"secrets dir {secrets}", "process environment")
