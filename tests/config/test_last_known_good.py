"""The on-disk last-known-good copy: 0600, atomic, refused when corrupt or tampered."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from confwarden.config.last_known_good import LastKnownGood, LastKnownGoodError

KEY = b"deployment-key-0123456789abcdef"
VALUES = {"etcd 127.0.0.1:2379": {"LOG_LEVEL": "INFO", "WORKERS": "4"}}


@pytest.fixture
def saved(tmp_path: Path) -> LastKnownGood:
    lkg = LastKnownGood(tmp_path / "lkg.json", key=KEY)
    lkg.save("AppConfig", "production", VALUES)
    return lkg


def test_last_known_good_round_trips_with_mode_0600(saved: LastKnownGood) -> None:
    assert saved.load("AppConfig", "production").sources == VALUES
    assert saved.path.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in saved.path.parent.iterdir()] == ["lkg.json"]  # no temp file left


def test_last_known_good_refuses_a_tampered_copy(saved: LastKnownGood) -> None:
    text = saved.path.read_text()
    saved.path.write_text(text.replace("INFO", "DEBUG"))
    with pytest.raises(LastKnownGoodError, match="HMAC"):
        saved.load("AppConfig", "production")


def test_last_known_good_refuses_a_copy_sealed_with_another_key(saved: LastKnownGood) -> None:
    with pytest.raises(LastKnownGoodError, match="HMAC"):
        LastKnownGood(saved.path, key=b"another-key").load("AppConfig", "production")


def test_last_known_good_refuses_a_truncated_copy(saved: LastKnownGood) -> None:
    data = saved.path.read_bytes()
    saved.path.write_bytes(data[: len(data) // 2])
    with pytest.raises(LastKnownGoodError, match="corrupt"):
        saved.load("AppConfig", "production")


def test_last_known_good_checksum_detects_corruption_without_a_key(tmp_path: Path) -> None:
    lkg = LastKnownGood(tmp_path / "lkg.json")
    lkg.save("AppConfig", "production", VALUES)
    assert lkg.load("AppConfig", "production").sources == VALUES
    document = json.loads(lkg.path.read_text())
    document["body"] = document["body"].replace("WORKERS", "WORKERZ")
    lkg.path.write_text(json.dumps(document))
    with pytest.raises(LastKnownGoodError, match="checksum"):
        lkg.load("AppConfig", "production")


def test_last_known_good_refuses_a_copy_others_can_read(saved: LastKnownGood) -> None:
    os.chmod(saved.path, 0o644)
    with pytest.raises(LastKnownGoodError, match="chmod 600"):
        saved.load("AppConfig", "production")


def test_last_known_good_refuses_a_copy_for_another_environment(saved: LastKnownGood) -> None:
    with pytest.raises(LastKnownGoodError, match="staging"):
        saved.load("AppConfig", "staging")


def test_last_known_good_refuses_a_well_sealed_body_of_the_wrong_shape(tmp_path: Path) -> None:
    lkg = LastKnownGood(tmp_path / "lkg.json", key=KEY)
    body = json.dumps({"format": "confwarden-last-known-good/1", "sources": []})
    seal = lkg._seal(body.encode())
    lkg.path.write_text(json.dumps({"seal": seal, "body": body}))
    os.chmod(lkg.path, 0o600)
    with pytest.raises(LastKnownGoodError, match="is not a"):
        lkg.load("AppConfig", "production")


def test_last_known_good_refuses_a_special_file(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "lkg.json", 0o600)
    with pytest.raises(LastKnownGoodError, match="regular file"):
        LastKnownGood(tmp_path / "lkg.json", key=KEY).load("AppConfig", "production")


def test_last_known_good_missing_copy_is_reported(tmp_path: Path) -> None:
    with pytest.raises(LastKnownGoodError, match="no last-known-good copy"):
        LastKnownGood(tmp_path / "none.json").load("AppConfig", "production")
