"""SharedJWTSecretManager: resolution order, environment rules, fingerprints, consistency."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from confwarden.components.jwt_secret import SharedJWTSecretManager, fingerprint
from confwarden.environment.detection import Environment
from confwarden.errors import ComponentConfigError

CANARY = "CANARY-5f0e1d"
SECRET = f"{CANARY}-Kq8vT2mZp4xR7wN1yB5cL0"  # 36 characters
OTHER = f"{CANARY}-Zz9aY8bX7cW6dV5eU4fT3"


@pytest.mark.parametrize("environment", list(Environment))
@pytest.mark.parametrize(
    ("present", "winner"),
    [
        (("key", "specific", "plain"), "key"),
        (("key", "plain"), "key"),
        (("plain",), "plain"),
        (("specific", "plain"), "specific"),
    ],
)
def test_manager_resolution_order(
    environment: Environment, present: tuple[str, ...], winner: str
) -> None:
    names = {
        "specific": f"JWT_SECRET_{environment.value.upper()}",
        "key": "JWT_SECRET_KEY",
        "plain": "JWT_SECRET",
    }
    env = {names[kind]: f"{kind}-{SECRET}" for kind in present}
    manager = SharedJWTSecretManager(env, environment=environment)
    assert manager.resolve().variable == names[winner]
    mismatch = {p.variable for p in manager.validate().problems}
    assert mismatch == {f"{names[winner]}/{names[k]}" for k in present if k != winner}
    if not environment.is_deployed:
        assert manager.get_jwt_secret() == f"{winner}-{SECRET}"


def test_manager_candidates_are_the_schema_field_names() -> None:
    # Gap: the config read JWT_SECRET_KEY first, the manager JWT_SECRET_{ENVIRONMENT}: one
    # configuration, two secrets. Both now come from one tuple.
    from confwarden.config.common import ServiceConfig
    from confwarden.config.schema import fields_of

    (spec,) = [s for s in fields_of(ServiceConfig) if s.name == "jwt_secret_key"]
    for environment in Environment:
        expected = (*spec.variable_names(environment),)
        manager = SharedJWTSecretManager({}, environment=environment)
        assert manager.candidates == expected


@pytest.mark.parametrize("environment", [Environment.STAGING, Environment.PRODUCTION])
def test_manager_two_different_secrets_refused_where_deployed(environment: Environment) -> None:
    specific = f"JWT_SECRET_{environment.value.upper()}"
    env = {"JWT_SECRET_KEY": SECRET, specific: OTHER}
    manager = SharedJWTSecretManager(env, environment=environment)
    with pytest.raises(ComponentConfigError) as raised:
        manager.get_jwt_secret()
    message = str(raised.value)
    assert "JWT_SECRET_KEY" in message
    assert specific in message
    assert CANARY not in message
    assert manager.resolve().fingerprint is None


def test_manager_two_different_secrets_only_warn_in_development() -> None:
    env = {"JWT_SECRET_KEY": SECRET, "JWT_SECRET_DEVELOPMENT": OTHER}
    manager = SharedJWTSecretManager(env, environment=Environment.DEVELOPMENT)
    assert manager.get_jwt_secret() == SECRET
    (warning,) = manager.validate().warnings
    assert warning.variable == "JWT_SECRET_KEY/JWT_SECRET_DEVELOPMENT"


@pytest.mark.parametrize(
    ("environment", "foreign"),
    [
        (Environment.PRODUCTION, "JWT_SECRET_STAGING"),
        (Environment.PRODUCTION, "JWT_SECRET_DEVELOPMENT"),
        (Environment.STAGING, "JWT_SECRET_PRODUCTION"),
    ],
)
def test_manager_other_environment_secret_refused_where_deployed(
    environment: Environment, foreign: str
) -> None:
    env = {"JWT_SECRET_KEY": SECRET, foreign: OTHER}
    manager = SharedJWTSecretManager(env, environment=environment)
    with pytest.raises(ComponentConfigError) as raised:
        manager.get_jwt_secret()
    named = foreign.removeprefix("JWT_SECRET_").lower()
    assert f"{foreign} is {named}'s secret, set in {environment.value}" in str(raised.value)
    assert CANARY not in str(raised.value)


def test_manager_other_environment_secret_is_not_read_in_development() -> None:
    env = {"JWT_SECRET_PRODUCTION": SECRET, "JWT_SECRET_KEY": OTHER}
    manager = SharedJWTSecretManager(env, environment=Environment.DEVELOPMENT)
    assert manager.get_jwt_secret() == OTHER


@pytest.mark.parametrize("environment", [Environment.DEVELOPMENT, Environment.TESTING])
def test_manager_generated_fallback_is_deterministic_and_warns(
    environment: Environment, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="confwarden.components"):
        first = SharedJWTSecretManager({}, environment=environment).get_jwt_secret()
    second = SharedJWTSecretManager({"OTHER": "x"}, environment=environment).get_jwt_secret()
    assert first == second
    assert len(first) >= 32
    assert "generated" in caplog.text
    assert first not in caplog.text
    assert SharedJWTSecretManager({}, environment=environment).resolve().generated is True


@pytest.mark.parametrize("environment", [Environment.STAGING, Environment.PRODUCTION])
@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "no JWT secret is set"),
        ({"JWT_SECRET_KEY": "   "}, "no JWT secret is set"),
        ({"JWT_SECRET_KEY": f"short-{CANARY}"}, "shorter than the 32"),
        ({"JWT_SECRET_KEY": "your-secret-key-here"}, "placeholder"),
        ({"JWT_SECRET": "change_me_" + "x" * 30}, "placeholder"),
        ({"JWT_SECRET_KEY": SECRET, "JWT_ALGORITHM": "none"}, "JWT_ALGORITHM"),
        ({"JWT_SECRET_KEY": SECRET, "JWT_ALGORITHM": "RS256"}, "HMAC"),
    ],
)
def test_manager_deployed_refuses(
    environment: Environment, env: dict[str, str], message: str
) -> None:
    manager = SharedJWTSecretManager(env, environment=environment)
    with pytest.raises(ComponentConfigError, match=message) as raised:
        manager.get_jwt_secret()
    assert CANARY not in str(raised.value)
    assert not manager.validate().ok


def test_manager_reports_every_problem_at_once() -> None:
    env = {"JWT_SECRET_KEY": "tooshort", "JWT_ALGORITHM": "none"}
    result = SharedJWTSecretManager(env, environment="production").validate()
    assert {p.variable for p in result.errors} == {"JWT_SECRET_KEY", "JWT_ALGORITHM"}


@pytest.mark.parametrize(
    ("environment", "severity"),
    [(Environment.DEVELOPMENT, ["warning"]), (Environment.TESTING, [])],
)
def test_manager_short_secret_follows_policy_outside_deployment(
    environment: Environment, severity: list[str]
) -> None:
    manager = SharedJWTSecretManager({"JWT_SECRET": "dev-short-1"}, environment=environment)
    assert manager.get_jwt_secret() == "dev-short-1"
    assert [p.severity.value for p in manager.validate().problems] == severity


@pytest.mark.parametrize("algorithm", ["HS256", "hs384", "HS512"])
def test_manager_algorithm_accepted(algorithm: str) -> None:
    env = {"JWT_SECRET_KEY": SECRET, "JWT_ALGORITHM": algorithm}
    assert SharedJWTSecretManager(env, environment="prod").get_algorithm() == algorithm.upper()


def test_manager_secret_is_stripped_of_newlines() -> None:
    manager = SharedJWTSecretManager({"JWT_SECRET_KEY": SECRET + "\n"}, environment="staging")
    assert manager.get_jwt_secret() == SECRET


def test_fingerprint_same_secret_same_print_and_never_the_secret() -> None:
    assert fingerprint(SECRET) == fingerprint(SECRET)
    assert fingerprint(SECRET) != fingerprint(OTHER)
    assert CANARY.lower() not in fingerprint(SECRET)
    manager = SharedJWTSecretManager({"JWT_SECRET_KEY": SECRET}, environment="production")
    assert manager.get_fingerprint() == fingerprint(SECRET)
    placeholder = SharedJWTSecretManager({"JWT_SECRET": "secret"}, environment="development")
    assert placeholder.resolve().fingerprint is None


def test_check_consistency_reports_which_services_differ() -> None:
    report = SharedJWTSecretManager.check_consistency(
        {
            "backend": {"JWT_SECRET_KEY": SECRET},
            "auth": {"JWT_SECRET_STAGING": SECRET},
            "worker": {"JWT_SECRET": OTHER},
            "launcher": {},
        },
        environment=Environment.STAGING,
    )
    assert not report.consistent
    assert report.fingerprints["backend"] == report.fingerprints["auth"] == fingerprint(SECRET)
    assert report.differing == ["launcher", "worker"]
    assert "launcher" in report.problems
    assert CANARY not in repr(report)


def test_check_consistency_all_equal() -> None:
    env = {"JWT_SECRET_KEY": SECRET, "ENVIRONMENT": "production"}
    report = SharedJWTSecretManager.check_consistency({"a": env, "b": SharedJWTSecretManager(env)})
    assert report.consistent
    assert report.differing == []


def test_manager_class_level_call_uses_process_env() -> None:
    from confwarden.environment.process import get_env

    env = get_env()
    assert env.get("JWT_SECRET_KEY") is None
    env.set("JWT_SECRET_KEY", SECRET, source="test")
    try:
        assert SharedJWTSecretManager.get_jwt_secret() == SECRET
        assert SharedJWTSecretManager.get_fingerprint() == fingerprint(SECRET)
    finally:
        env.delete("JWT_SECRET_KEY")


def test_manager_outputs_never_show_the_secret(caplog: pytest.LogCaptureFixture) -> None:
    env = {"JWT_SECRET_KEY": SECRET, "JWT_SECRET": OTHER}
    for environment in Environment:
        manager = SharedJWTSecretManager(env, environment=environment)
        texts = [manager.validate().to_dict().__repr__()]
        if manager.validate().ok:
            manager.get_jwt_secret()
        texts += [
            repr(manager),
            str(manager),
            str(manager.resolve()),
            str(manager.resolve().to_dict()),
        ]
        assert all(CANARY not in text for text in texts)
    assert CANARY not in caplog.text


def test_fingerprint_is_a_memory_hard_hash_equal_for_equal_secrets() -> None:
    import hashlib

    secret = "k" * 20 + "N4m7Bx2Cv9Zl5Kp8Jh3Gf1"
    assert fingerprint(secret) == fingerprint(secret)
    assert fingerprint(secret) != fingerprint(secret + "x")
    expected = hashlib.scrypt(
        secret.encode(), salt=b"confwarden/jwt-fingerprint/v2", n=2**12, r=8, p=1, dklen=8
    ).hex()
    assert fingerprint(secret) == expected


def test_manager_in_a_pod_without_environment_refuses_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Gap: SharedJWTSecretManager({"KUBERNETES_SERVICE_HOST": ...}) generated a development
    # secret and wrote it to .confwarden/ in the working directory.
    from confwarden.errors import EnvironmentDetectionError

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CONFWARDEN_DEV_SECRETS_DIR", raising=False)
    with pytest.raises(EnvironmentDetectionError, match="KUBERNETES_SERVICE_HOST"):
        SharedJWTSecretManager({"KUBERNETES_SERVICE_HOST": "10.0.0.1"}).get_jwt_secret()
    assert list(tmp_path.iterdir()) == []
