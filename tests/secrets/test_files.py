"""Mounted secrets: secret directories, the VAR_FILE convention, versions and failures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from confwarden.environment.detection import Environment
from confwarden.environment.provenance import SourceKind
from confwarden.presets.agent_platform.secret_mappings import PLATFORM_SECRET_MAPPINGS
from confwarden.secrets.base import SecretSourceError
from confwarden.secrets.files import FileReferenceSource, SecretsDirSource, read_secret_file

CANARY = "CANARY-5f0e1d-0123456789abcdef0123456789abcdef"


def test_secrets_dir_reads_files_named_after_the_variable(tmp_path: Path) -> None:
    (tmp_path / "JWT_SECRET_KEY").write_text("upper\n")
    (tmp_path / "secret_key").write_text("lower")
    source = SecretsDirSource(tmp_path)
    hit = source.lookup("JWT_SECRET_KEY")
    assert hit is not None
    assert (hit.value, hit.source.kind, hit.source.path) == (
        "upper",
        SourceKind.SECRET,
        str(tmp_path / "JWT_SECRET_KEY"),
    )
    lower = source.lookup("SECRET_KEY")
    assert lower is not None
    assert lower.value == "lower"
    assert source.lookup("SERVICE_SECRET") is None


def test_secrets_dir_reads_secret_store_names(tmp_path: Path) -> None:
    (tmp_path / "google-oauth-client-id-staging").write_text("client-id")
    source = SecretsDirSource(
        tmp_path, aliases=PLATFORM_SECRET_MAPPINGS.aliases(Environment.STAGING)
    )
    hit = source.lookup("GOOGLE_CLIENT_ID")
    assert hit is not None
    assert hit.value == "client-id"
    assert hit.source.detail == "google-oauth-client-id-staging"


def test_secrets_dir_reports_kubernetes_revision_as_version(tmp_path: Path) -> None:
    revision = tmp_path / "..2026_11_22_02_00_00.123"
    revision.mkdir()
    (revision / "SERVICE_SECRET").write_text("value")
    os.symlink(revision.name, tmp_path / "..data")
    os.symlink("..data/SERVICE_SECRET", tmp_path / "SERVICE_SECRET")
    hit = SecretsDirSource(tmp_path).lookup("SERVICE_SECRET")
    assert hit is not None
    assert hit.source.version == "..2026_11_22_02_00_00.123"
    assert "version ..2026" in str(hit.source)


def test_missing_secrets_dir_has_no_secrets(tmp_path: Path) -> None:
    assert SecretsDirSource(tmp_path / "absent").lookup("SECRET_KEY") is None


def test_var_file_reference(tmp_path: Path) -> None:
    path = tmp_path / "db-password"
    path.write_text(CANARY + "\r\n")
    source = FileReferenceSource({"POSTGRES_PASSWORD_FILE": str(path)}.get)
    hit = source.lookup("POSTGRES_PASSWORD")
    assert hit is not None
    assert hit.value == CANARY
    assert hit.source.detail == "POSTGRES_PASSWORD_FILE"
    assert CANARY not in repr(hit)
    assert source.lookup("SECRET_KEY") is None


def test_unreadable_var_file_raises_a_clear_source_error(tmp_path: Path) -> None:
    source = FileReferenceSource({"SECRET_KEY_FILE": str(tmp_path / "missing")}.get)
    with pytest.raises(SecretSourceError, match="SECRET_KEY: cannot read secret file"):
        source.lookup("SECRET_KEY")


def test_binary_or_huge_secret_files_are_refused(tmp_path: Path) -> None:
    binary = tmp_path / "bin"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(SecretSourceError, match="not UTF-8"):
        read_secret_file(binary, variable="SECRET_KEY")
    huge = tmp_path / "huge"
    huge.write_bytes(b"x" * ((1 << 20) + 1))
    with pytest.raises(SecretSourceError, match="1 MiB"):
        read_secret_file(huge, variable="SECRET_KEY")
