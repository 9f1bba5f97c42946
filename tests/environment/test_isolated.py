"""IsolatedEnvironment: isolation, provenance, protection, callbacks, threads, outputs."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import quote

import pytest

from confwarden.environment.isolated import IsolatedEnvironment
from confwarden.environment.provenance import SourceKind
from confwarden.errors import DotenvError, EnvironmentLayerError, ProtectedVariableError

CANARY = "CANARY-5f0e1d-do-not-print"


@pytest.fixture
def environ() -> dict[str, str]:
    return {"HOME": "/home/app", "EXISTING": "from-os"}


def test_isolation_keeps_backing_mapping_untouched(environ: dict[str, str]) -> None:
    env = IsolatedEnvironment(environ=environ, isolated=True)
    env.set("NEW", "1", source="test")
    env.delete("EXISTING")
    assert environ == {"HOME": "/home/app", "EXISTING": "from-os"}
    assert env.get("NEW") == "1"
    assert not env.exists("EXISTING")


def test_isolation_never_touches_os_environ() -> None:
    key = "CONFWARDEN_TEST_ISOLATION_PROBE"
    env = IsolatedEnvironment(isolated=True)
    env.set(key, "x", source="test")
    assert key not in os.environ
    assert env.get(key) == "x"


def test_passthrough_writes_backing_mapping_and_tracks(environ: dict[str, str]) -> None:
    env = IsolatedEnvironment(environ=environ)
    env.set("NEW", "1", source="deploy")
    assert environ["NEW"] == "1"
    source = env.get_variable_source("NEW")
    assert source is not None
    assert source.kind is SourceKind.SET
    assert source.detail == "deploy"
    assert env.get_changes_since_init() == {"NEW": (None, "1")}


def test_get_returns_default_when_unset(environ: dict[str, str]) -> None:
    env = IsolatedEnvironment(environ=environ, isolated=True)
    assert env.get("MISSING") is None
    assert env.get("MISSING", "fallback") == "fallback"


def test_get_all_is_a_copy(environ: dict[str, str]) -> None:
    env = IsolatedEnvironment(environ=environ, isolated=True)
    snapshot = env.get_all()
    snapshot["EXISTING"] = "changed"
    assert env.get("EXISTING") == "from-os"


def test_source_of_os_value_is_os(environ: dict[str, str]) -> None:
    env = IsolatedEnvironment(environ=environ, isolated=True)
    source = env.get_variable_source("EXISTING")
    assert source is not None
    assert source.kind is SourceKind.OS
    assert env.get_variable_source("MISSING") is None


def test_set_records_code_location(environ: dict[str, str]) -> None:
    env = IsolatedEnvironment(environ=environ, isolated=True)
    env.set("A", "1", source="fixture")
    source = env.get_variable_source("A")
    assert source is not None
    assert source.path == __file__
    assert source.line is not None
    assert str(source).startswith("set() by fixture at ")


def test_set_without_source_names_calling_module(environ: dict[str, str]) -> None:
    env = IsolatedEnvironment(environ=environ, isolated=True)
    env.set("A", "1")
    source = env.get_variable_source("A")
    assert source is not None
    assert source.detail == __name__


def test_set_rejects_non_string(environ: dict[str, str]) -> None:
    env = IsolatedEnvironment(environ=environ, isolated=True)
    with pytest.raises(TypeError, match="PORT: environment values must be str"):
        env.set("PORT", 8000, source="test")  # type: ignore[arg-type]


def test_set_sanitizes_header_bound_values(environ: dict[str, str]) -> None:
    env = IsolatedEnvironment(environ=environ, isolated=True)
    env.set("SERVICE_SECRET", "  abc\r\n", source="test")
    env.set("NOTE", "a\x00b\x1bc", source="test")
    assert env.get("SERVICE_SECRET") == "abc"
    assert env.get("NOTE") == "abc"


def test_update_sets_every_value_with_one_source(environ: dict[str, str]) -> None:
    env = IsolatedEnvironment(environ=environ, isolated=True)
    env.update({"A": "1", "B": "2"}, source="bulk")
    assert (env.get("A"), env.get("B")) == ("1", "2")
    source = env.get_variable_source("B")
    assert source is not None
    assert source.detail == "bulk"


def test_delete_reports_whether_it_existed(environ: dict[str, str]) -> None:
    env = IsolatedEnvironment(environ=environ, isolated=True)
    assert env.delete("EXISTING") is True
    assert env.delete("EXISTING") is False
    assert env.get_variable_source("EXISTING") is None


def test_protected_variable_refuses_set_and_delete(environ: dict[str, str]) -> None:
    env = IsolatedEnvironment(environ=environ, isolated=True)
    env.protect_variable("EXISTING", by="startup")
    with pytest.raises(ProtectedVariableError, match=r"EXISTING: refused to set.*startup"):
        env.set("EXISTING", "other", source="test")
    with pytest.raises(ProtectedVariableError, match="refused to delete"):
        env.delete("EXISTING")
    assert env.get("EXISTING") == "from-os"
    env.unprotect_variable("EXISTING")
    env.set("EXISTING", "other", source="test")
    assert env.get("EXISTING") == "other"


def test_protection_error_never_contains_value(environ: dict[str, str]) -> None:
    env = IsolatedEnvironment(environ=environ, isolated=True)
    env.set("API_TOKEN", CANARY, source="test")
    env.protect_variable("API_TOKEN")
    with pytest.raises(ProtectedVariableError) as excinfo:
        env.set("API_TOKEN", CANARY + "2", source="test")
    assert CANARY not in str(excinfo.value)


def test_callbacks_receive_key_old_new_and_source(environ: dict[str, str]) -> None:
    env = IsolatedEnvironment(environ=environ, isolated=True)
    seen: list[tuple[str, str | None, str | None, str]] = []
    env.add_change_callback(lambda *args: seen.append(args))
    env.set("EXISTING", "new", source="cb-test")
    env.delete("EXISTING", source="cb-test")
    assert [s[:3] for s in seen] == [("EXISTING", "from-os", "new"), ("EXISTING", "new", None)]
    assert all(s[3].startswith("set() by cb-test") for s in seen)


def test_callback_not_called_when_value_unchanged(environ: dict[str, str]) -> None:
    env = IsolatedEnvironment(environ=environ, isolated=True)
    seen: list[str] = []
    env.add_change_callback(lambda key, old, new, source: seen.append(key))
    env.set("EXISTING", "from-os", source="test")
    assert seen == []


def test_failing_callback_is_reported_and_set_still_happens(
    environ: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    env = IsolatedEnvironment(environ=environ, isolated=True)
    after: list[str] = []

    def broken(key: str, old: str | None, new: str | None, source: str) -> None:
        raise RuntimeError(f"boom with {new}")

    env.add_change_callback(broken)
    env.add_change_callback(lambda key, old, new, source: after.append(key))
    env.set("DB_PASSWORD", CANARY, source="test")
    assert env.get("DB_PASSWORD") == CANARY
    assert after == ["DB_PASSWORD"]
    assert len(env.callback_errors) == 1
    assert "RuntimeError" in env.callback_errors[0]
    assert CANARY not in env.callback_errors[0]
    assert CANARY not in caplog.text
    assert "DB_PASSWORD" in caplog.text


def test_remove_change_callback_stops_calls(environ: dict[str, str]) -> None:
    env = IsolatedEnvironment(environ=environ, isolated=True)
    seen: list[str] = []

    def callback(key: str, old: str | None, new: str | None, source: str) -> None:
        seen.append(key)

    env.add_change_callback(callback)
    env.remove_change_callback(callback)
    env.remove_change_callback(callback)
    env.set("A", "1", source="test")
    assert seen == []


def test_reset_to_original_undoes_every_change(environ: dict[str, str]) -> None:
    env = IsolatedEnvironment(environ=environ, isolated=True)
    env.set("NEW", "1", source="test")
    env.set("EXISTING", "changed", source="test")
    env.delete("HOME")
    env.reset_to_original()
    assert env.get_all() == environ
    assert env.get_changes_since_init() == {}


def test_reset_to_original_in_passthrough_restores_backing(environ: dict[str, str]) -> None:
    original = dict(environ)
    env = IsolatedEnvironment(environ=environ)
    env.set("NEW", "1", source="test")
    env.delete("HOME")
    env.reset_to_original()
    assert environ == original


def test_changes_since_init_lists_added_changed_removed(environ: dict[str, str]) -> None:
    env = IsolatedEnvironment(environ=environ, isolated=True)
    env.set("NEW", "1", source="test")
    env.set("EXISTING", "changed", source="test")
    env.delete("HOME")
    assert env.get_changes_since_init() == {
        "NEW": (None, "1"),
        "EXISTING": ("from-os", "changed"),
        "HOME": ("/home/app", None),
    }


def test_scoped_restores_values_and_sources(environ: dict[str, str]) -> None:
    env = IsolatedEnvironment(environ=environ, isolated=True)
    env.set("KEEP", "1", source="outer")
    with env.scoped():
        env.set("KEEP", "2", source="inner")
        env.set("TEMP", "x", source="inner")
        env.delete("HOME")
    assert env.get("KEEP") == "1"
    assert not env.exists("TEMP")
    assert env.get("HOME") == "/home/app"
    source = env.get_variable_source("KEEP")
    assert source is not None
    assert source.detail == "outer"


def test_context_manager_nests(environ: dict[str, str]) -> None:
    env = IsolatedEnvironment(environ=environ, isolated=True)
    with env:
        env.set("A", "1", source="test")
        with env:
            env.set("B", "2", source="test")
        assert not env.exists("B")
        assert env.get("A") == "1"
    assert not env.exists("A")


def test_scoped_restores_on_exception(environ: dict[str, str]) -> None:
    env = IsolatedEnvironment(environ=environ, isolated=True)

    def change_then_fail() -> None:
        with env.scoped():
            env.set("A", "1", source="test")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        change_then_fail()
    assert not env.exists("A")


def test_disable_isolation_discards_changes_by_default(environ: dict[str, str]) -> None:
    env = IsolatedEnvironment(environ=environ, isolated=True)
    env.set("NEW", "1", source="test")
    env.disable_isolation()
    assert not env.is_isolated()
    assert not env.exists("NEW")
    assert "NEW" not in environ


def test_disable_isolation_can_apply_changes(environ: dict[str, str]) -> None:
    env = IsolatedEnvironment(environ=environ, isolated=True)
    env.set("NEW", "1", source="launcher")
    env.delete("HOME")
    env.disable_isolation(apply_changes=True)
    assert environ == {"EXISTING": "from-os", "NEW": "1"}


def test_enable_isolation_is_idempotent(environ: dict[str, str]) -> None:
    env = IsolatedEnvironment(environ=environ)
    env.enable_isolation()
    env.set("A", "1", source="test")
    env.enable_isolation()
    assert env.get("A") == "1"
    assert env.is_isolated()


def test_subprocess_env_includes_isolated_values(environ: dict[str, str]) -> None:
    env = IsolatedEnvironment(isolated=True)
    env.set("CONFWARDEN_CHILD_PROBE", "from-isolation", source="test")
    child_env = env.get_subprocess_env({"EXTRA_PROBE": "extra"})
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os; print(os.environ['CONFWARDEN_CHILD_PROBE'], os.environ['EXTRA_PROBE'])",
        ],
        env=child_env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.split() == ["from-isolation", "extra"]
    assert "CONFWARDEN_CHILD_PROBE" not in os.environ


def test_validate_all_reports_every_problem(environ: dict[str, str]) -> None:
    env = IsolatedEnvironment(environ={**environ, "BLANK": "  "}, isolated=True)
    result = env.validate_all(["HOME", "MISSING_A", "BLANK", "MISSING_B"])
    assert not result.is_valid
    assert result.missing == ("MISSING_A", "MISSING_B")
    assert result.empty == ("BLANK",)
    assert len(result.errors) == 3
    assert all("Set it" in e or "Give it" in e for e in result.errors)
    assert env.validate_all(["HOME"]).is_valid


def test_load_from_file_respects_existing_values(environ: dict[str, str], tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("EXISTING=from-file\nFRESH=yes\n")
    env = IsolatedEnvironment(environ=environ, isolated=True)
    result = env.load_from_file(dotenv)
    assert env.get("EXISTING") == "from-os"
    assert env.get("FRESH") == "yes"
    assert list(result.loaded) == ["FRESH"]
    assert list(result.skipped) == ["EXISTING"]
    source = env.get_variable_source("FRESH")
    assert source is not None
    assert (source.kind, source.path, source.line) == (SourceKind.DOTENV, str(dotenv), 2)
    assert env.explain("EXISTING").shadowed[0].line == 1


def test_load_from_file_override_replaces_and_records_override(
    environ: dict[str, str], tmp_path: Path
) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("EXISTING=from-file\n")
    env = IsolatedEnvironment(environ=environ, isolated=True)
    env.load_from_file(dotenv, override=True)
    assert env.get("EXISTING") == "from-file"
    info = env.explain("EXISTING")
    assert info.overridden[0][0].kind is SourceKind.OS
    assert info.overridden[0][1] == "from-os"


def test_load_from_file_strict_reports_every_bad_line(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text(f"GOOD=1\n1BAD={CANARY}\nALSO GOOD=2\nOK=3\n")
    env = IsolatedEnvironment(environ={}, isolated=True)
    with pytest.raises(DotenvError) as excinfo:
        env.load_from_file(dotenv)
    message = str(excinfo.value)
    assert f"{dotenv}:2" in message
    assert f"{dotenv}:3" in message
    assert CANARY not in message
    assert not env.exists("GOOD")


def test_load_from_file_lenient_returns_problems(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("GOOD=1\n1BAD=x\n")
    env = IsolatedEnvironment(environ={}, isolated=True)
    result = env.load_from_file(dotenv, strict=False)
    assert env.get("GOOD") == "1"
    assert [p.line for p in result.problems] == [2]


def test_load_from_file_missing_file_is_clear_error(tmp_path: Path) -> None:
    env = IsolatedEnvironment(environ={}, isolated=True)
    with pytest.raises(EnvironmentLayerError, match=r"cannot read \.env file .*nope\.env"):
        env.load_from_file(tmp_path / "nope.env")


def test_load_from_file_never_executes_commands(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    dotenv = tmp_path / ".env"
    dotenv.write_text(f'A=$(touch {marker})\nB="`touch {marker}`"\n')
    env = IsolatedEnvironment(environ={}, isolated=True)
    env.load_from_file(dotenv)
    assert not marker.exists()
    assert env.get("A") == f"$(touch {marker})"


def test_explain_masks_sensitive_values(environ: dict[str, str]) -> None:
    env = IsolatedEnvironment(environ=environ, isolated=True)
    env.set("JWT_SECRET_KEY", CANARY, source="test")
    env.set("JWT_SECRET_KEY", CANARY + "-v2", source="rotation")
    info = env.explain("JWT_SECRET_KEY")
    assert info.sensitive
    assert CANARY not in repr(info)
    assert CANARY not in str(info.to_dict())


def test_debug_info_is_masked(environ: dict[str, str]) -> None:
    env = IsolatedEnvironment(environ={**environ, "SERVICE_SECRET": CANARY}, isolated=True)
    env.set("DATABASE_URL", f"postgresql://app:{CANARY}@db/app", source="test")
    env.set("OPENAI_API_KEY", CANARY, source="test")
    env.protect_variable("SERVICE_SECRET")
    info = env.get_debug_info()
    assert CANARY not in repr(info)
    assert info["isolated"] is True
    assert info["protected"] == ["SERVICE_SECRET"]
    assert "DATABASE_URL" in info["changes"]  # type: ignore[operator]


def test_repr_shows_mode_not_values(environ: dict[str, str]) -> None:
    env = IsolatedEnvironment(environ={"TOKEN": CANARY}, isolated=True)
    assert CANARY not in repr(env)
    assert "isolated" in repr(env)


def test_concurrent_set_get_and_callbacks_lose_nothing() -> None:
    env = IsolatedEnvironment(environ={}, isolated=True)
    calls: list[str] = []
    lock = threading.Lock()

    def record(key: str, old: str | None, new: str | None, source: str) -> None:
        with lock:
            calls.append(key)

    env.add_change_callback(record)
    start = threading.Barrier(8)
    per_thread = 500

    def worker(n: int) -> None:
        start.wait()
        for i in range(per_thread):
            key = f"T{n}_{i}"
            env.set(key, str(i), source=f"thread-{n}")
            assert env.get(key) == str(i)
            env.set("SHARED", f"{n}-{i}", source=f"thread-{n}")

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    values = env.get_all()
    assert all(values[f"T{n}_{i}"] == str(i) for n in range(8) for i in range(per_thread))
    assert sum(1 for key in calls if key != "SHARED") == 8 * per_thread
    assert len(env.get_changes_since_init()) == 8 * per_thread + 1


# -- issue 11 -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("override", "environ"),
    [
        (True, {"A": "old-a", "LOCKED": "keep", "Z": "old-z"}),
        (False, {"Z": "old-z"}),  # LOCKED unset: the file would set it
    ],
)
def test_load_from_file_is_all_or_nothing(
    tmp_path: Path, override: bool, environ: dict[str, str]
) -> None:
    env = IsolatedEnvironment(environ=dict(environ), isolated=True)
    env.protect_variable("LOCKED", by="test")
    path = tmp_path / ".env"
    path.write_text("A=new-a\nLOCKED=changed\nZ=new-z\nNEW=1\n")
    with pytest.raises(ProtectedVariableError, match=r"LOCKED.*\.env:2.*nothing of the file"):
        env.load_from_file(path, override=override)
    assert env.get_all() == environ
    assert env.get_changes_since_init() == {}


def test_load_from_file_masks_values_interpolated_from_a_secret(tmp_path: Path) -> None:
    env = IsolatedEnvironment(environ={}, isolated=True)
    path = tmp_path / ".env"
    path.write_text(f"DB_PASSWORD={CANARY}\nCOPY=${{DB_PASSWORD}}\nURL=pg://h/${{DB_PASSWORD}}\n")
    env.load_from_file(path)
    assert env.get("COPY") == CANARY
    assert env.is_sensitive("COPY")
    assert env.explain("COPY").value == "***"
    shown = {key: value for key, value, _ in env.iter_variables()}
    assert CANARY not in repr(shown)
    assert CANARY not in repr(env.get_debug_info())
    env.set("COPY", "plain", source="test")
    assert not env.is_sensitive("COPY")


def test_callback_errors_are_masked_against_every_known_secret() -> None:
    other = "Other-Secret-9f8e7d"
    env = IsolatedEnvironment(environ={"API_TOKEN": other, "PLAIN": "x"}, isolated=True)

    def loud(key: str, old: str | None, new: str | None, source: str) -> None:
        raise ValueError(
            f"{new!r} {str(new).upper()} {quote(str(new), safe='')} also {other.lower()}"
        )

    env.add_change_callback(loud)
    env.set("DB_PASSWORD", "p\\w/" + CANARY, source="test")
    (message,) = env.callback_errors
    assert "CANARY" not in message.upper()
    assert "other-secret" not in message.lower()
    assert "ValueError" in message


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DB_URL", "postgresql://u:{pw}@db/app"),
        ("DSN", "host=db user=u password={pw} sslmode=require"),
        ("SETTINGS", '{{"user": "u", "password": "{pw}"}}'),
        ("ALERT_HOOK", "https://hooks.slack.com/services/T00/B00/{pw}"),
    ],
)
def test_failing_callback_quoting_a_secret_inside_a_value_is_masked(
    environ: dict[str, str], caplog: pytest.LogCaptureFixture, variable: str, value: str
) -> None:
    secret = "CANARYpart9z8y"
    env = IsolatedEnvironment(environ=environ, isolated=True)
    env.set(variable, value.format(pw=secret), source="test")
    assert secret in env.known_secrets() or any(secret in s for s in env.known_secrets())

    def broken(key: str, old: str | None, new: str | None, source: str) -> None:
        raise RuntimeError(f"bare {secret} hex {secret.encode().hex()}")

    env.add_change_callback(broken)
    env.set("LOG_LEVEL", "DEBUG", source="test")
    assert len(env.callback_errors) == 1
    assert "RuntimeError" in env.callback_errors[0]
    assert secret not in env.callback_errors[0]
    assert secret.encode().hex() not in env.callback_errors[0]
    assert secret not in caplog.text


def test_known_secrets_include_secret_parts_of_overridden_values(
    environ: dict[str, str],
) -> None:
    env = IsolatedEnvironment(environ=environ, isolated=True)
    env.set("REDIS_URL", "redis://:CANARYold77@cache:6379/0", source="test")
    env.set("REDIS_URL", "redis://cache:6379/0", source="test")
    assert "CANARYold77" in env.known_secrets()


def test_value_copied_from_a_secret_by_set_is_masked_in_every_output(
    environ: dict[str, str],
) -> None:
    secret = "CANARYcopied55"
    env = IsolatedEnvironment(environ=environ, isolated=True)
    env.set("JWT_SECRET_KEY", secret, source="test")
    env.set("COPYV", secret, source="test")
    env.set("COPYV", f"prefix-{secret}", source="test")
    surfaces = [
        repr(env.explain("COPYV")),
        repr(env.explain("COPYV").to_dict()),
        repr(list(env.iter_variables())),
        repr(env.get_debug_info()),
    ]
    for text in surfaces:
        assert secret not in text, text
    assert env.get("COPYV") == f"prefix-{secret}"
    assert ("COPYV", "prefix-***") in [(k, v) for k, v, _ in env.iter_variables()]
