"""diagnose_platform: services, sources, modes, shared secrets and simulated deployments."""

from __future__ import annotations

import json
from pathlib import Path

from confwarden.config.doctor import diagnose_platform, platform_services
from confwarden.config.spec import ValidationMode
from confwarden.environment.detection import Environment

CANARY = "CANARY-5f0e1d-0123456789abcdef0123456789abcdef"
JWT = "Po9Iu8Yt7Re6Wq5As4Df3Gh2Jk1Lz0Xc-shared-jwt"

PYPROJECT = """
[tool.confwarden.configs]
backend = "confwarden.presets.agent_platform:AppConfig"
auth = "confwarden.presets.agent_platform:AuthEnvironment"
"""

STAGING_DEPLOYMENT = {
    "SERVICE_ID": "backend",
    "SECRET_KEY": "Zx8Qw2Lp9Rt5Vb3Nm7Kj4Hg6Fd1Sa0Pq",
    "SERVICE_SECRET": CANARY,
    "JWT_SECRET_KEY": JWT,
    "POSTGRES_HOST": "db.internal",
    "POSTGRES_USER": "app",
    "POSTGRES_PASSWORD": "t9Xq2mV7rT4wZp8L",
    "POSTGRES_DB": "app",
    "FRONTEND_URL": "https://app.example.com",
    "GOOGLE_CLIENT_ID": "123.apps.googleusercontent.com",
    "GOOGLE_CLIENT_SECRET": "GOCSPX-abcdefghijklmnopqrstuvwx",
}


def _platform(root: Path, *, development: dict[str, str], staging: dict[str, str] | None) -> Path:
    (root / "pyproject.toml").write_text(PYPROJECT)
    (root / ".env.development").write_text("".join(f"{k}={v}\n" for k, v in development.items()))
    if staging is not None:
        (root / ".env.staging").write_text("".join(f"{k}={v}\n" for k, v in staging.items()))
    return root


def test_platform_services_reads_pyproject(tmp_path: Path) -> None:
    root = _platform(tmp_path, development={}, staging=None)
    assert sorted(platform_services(root)) == ["auth", "backend"]


def test_doctor_reports_services_sources_modes_and_health(tmp_path: Path) -> None:
    root = _platform(
        tmp_path, development={"JWT_SECRET_KEY": JWT, "LOG_LEVEL": "DEBUG"}, staging=None
    )
    report = diagnose_platform(root, environ={"ENVIRONMENT": "development"})
    assert report.detection.environment is Environment.DEVELOPMENT
    assert [s.service for s in report.services] == ["backend", "auth"]
    backend = report.services[0]
    assert backend.starts
    assert backend.env_files == (".env.development",)
    row = next(r for r in backend.fields if r.variable == "JWT_SECRET_KEY")
    assert row.value == "***"
    assert row.source.startswith(".env file")
    assert set(backend.modes) == set(ValidationMode)
    assert 0 <= backend.validation.health_score <= 100
    assert report.ok


def test_doctor_jwt_fingerprints_agree_across_services(tmp_path: Path) -> None:
    root = _platform(tmp_path, development={"JWT_SECRET_KEY": JWT}, staging=None)
    report = diagnose_platform(root, environ={"ENVIRONMENT": "development"})
    jwt = next(c for c in report.secrets if c.name == "JWT secret")
    assert jwt.consistent
    assert set(jwt.fingerprints) == {"backend", "auth"}


def test_doctor_simulates_deployments_from_env_files_and_process_environment(
    tmp_path: Path,
) -> None:
    root = _platform(
        tmp_path,
        development={"JWT_SECRET_KEY": JWT, "POSTGRES_HOST": "localhost"},
        staging=STAGING_DEPLOYMENT,
    )
    report = diagnose_platform(root, environ={"ENVIRONMENT": "development"})
    staging, production = report.deployments
    assert staging.environment is Environment.STAGING
    assert staging.basis == ".env.staging"
    assert staging.results["backend"].is_valid
    assert production.basis == "the process environment"
    assert not production.would_start
    rules = {p.rule for p in production.results["backend"].errors}
    assert "required.missing" in rules


def test_doctor_json_has_no_secret(tmp_path: Path) -> None:
    root = _platform(
        tmp_path,
        development={"JWT_SECRET_KEY": JWT, "SERVICE_SECRET": CANARY, "SECRET_KEY": CANARY[:12]},
        staging={**STAGING_DEPLOYMENT, "SECRET_KEY": CANARY[:16]},
    )
    report = diagnose_platform(root, environ={"ENVIRONMENT": "development", "X_TOKEN": CANARY})
    text = json.dumps(report.to_dict())
    assert CANARY not in text
    assert CANARY[:12] not in text
    assert JWT not in text


def test_doctor_detects_services_disagreeing_on_jwt(tmp_path: Path) -> None:
    package = f"authsvc_{tmp_path.name.replace('-', '_')}"
    (tmp_path / package).mkdir()
    (tmp_path / package / "__init__.py").write_text("")
    (tmp_path / package / "config.py").write_text(
        "from confwarden.presets.agent_platform import AuthEnvironment\n\n\n"
        "class AuthSettings(AuthEnvironment):\n    pass\n"
    )
    (tmp_path / package / ".env.development").write_text(f"JWT_SECRET_KEY={JWT}-auth\n")
    (tmp_path / "pyproject.toml").write_text(
        "[tool.confwarden.configs]\n"
        'backend = "confwarden.presets.agent_platform:AppConfig"\n'
        f'auth = "{package}.config:AuthSettings"\n'
    )
    (tmp_path / ".env.development").write_text(f"JWT_SECRET_KEY={JWT}\n")
    report = diagnose_platform(tmp_path, environ={"ENVIRONMENT": "development"}, targets=())
    jwt = report.secrets[0]
    assert not jwt.consistent
    assert jwt.fingerprints["backend"] != jwt.fingerprints["auth"]
    assert not report.ok
    assert report.deployments == ()
    auth = report.services[1]
    assert auth.env_files == (f"{package}/.env.development", ".env.development")


def test_doctor_gives_no_fingerprint_of_a_refused_shared_secret(tmp_path: Path) -> None:
    # Gap: "SERVICE_SECRET: same in every service (backend=56ce276b...)" for a 10-character
    # refused secret: a fingerprint of a weak secret confirms a dictionary guess offline.
    staging = {**STAGING_DEPLOYMENT, "SERVICE_SECRET": "Summer2024"}
    root = _platform(tmp_path, development={"JWT_SECRET_KEY": JWT}, staging=staging)
    report = diagnose_platform(root, environ={"ENVIRONMENT": "development"})
    staging_check = report.deployments[0]
    (shared,) = [c for c in staging_check.secrets if c.name == "SERVICE_SECRET"]
    assert set(shared.fingerprints.values()) == {None}
    assert not shared.consistent
    assert all("no fingerprint" in " ".join(p) for p in shared.problems.values())
    assert "Summer2024" not in json.dumps(report.to_dict())


SHOP_SCHEMA = """
from typing import Annotated

from confwarden import ConfigSchema, Env, SecretStr


class ShopConfig(ConfigSchema, env_prefix="SHOP_"):
    page_size: int = 50
    stripe_api_key: Annotated[SecretStr | None, Env(required_in=("production",))] = None
"""


def test_doctor_target_ignores_the_development_dotenv_and_reads_target_secrets(
    tmp_path: Path,
) -> None:
    from tests.projects import make_project

    root = make_project(
        tmp_path,
        '[tool.confwarden.configs]\nshop = "shopdoc.config:ShopConfig"\n'
        '[tool.confwarden.secrets_dirs]\nproduction = "secrets/production"\n',
        package="shopdoc",
        schema=SHOP_SCHEMA,
    )
    (root / ".env").write_text(
        f"SHOP_PAGE_SIZE=not-a-number\nSHOP_STRIPE_API_KEY=sk_test_{CANARY}\n"
    )
    (root / "secrets" / "production").mkdir(parents=True)
    (root / "secrets" / "production" / "shop_stripe_api_key").write_text(f"sk_live_{CANARY}")
    report = diagnose_platform(
        root, environ={"ENVIRONMENT": "development"}, targets=(Environment.PRODUCTION,)
    )
    (production,) = report.deployments
    assert production.would_start, [str(p) for p in production.results["shop"].errors]
    text = json.dumps(report.to_dict())
    assert "doctor.py" not in text
    assert CANARY not in text
