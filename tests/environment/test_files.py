"""read_small_file: special files are refused at once, large files are not read whole."""

from __future__ import annotations

import errno
import os
import threading
from pathlib import Path

import pytest

from confwarden.environment.files import read_small_file


def test_read_small_file_reads_a_regular_file(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"abc\n")
    assert read_small_file(path, limit=4) == b"abc\n"


def test_read_small_file_refuses_a_fifo_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    # No writer ever opens it: a plain open() would block forever, so the read runs in a
    # daemon thread and a regression fails the test instead of hanging the suite.
    outcome: list[BaseException] = []

    def read() -> None:
        try:
            read_small_file(fifo, limit=1024)
        except OSError as exc:
            outcome.append(exc)

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    thread.join(timeout=10)
    assert not thread.is_alive(), "reading a FIFO blocked"
    (error,) = outcome
    assert isinstance(error, OSError)
    assert error.errno == errno.EINVAL
    assert "not a regular file" in str(error)


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_read_small_file_refuses_devices(device: str) -> None:
    with pytest.raises(OSError, match="not a regular file"):
        read_small_file(device, limit=1024)


def test_read_small_file_refuses_a_directory(tmp_path: Path) -> None:
    with pytest.raises(OSError, match="not a regular file"):
        read_small_file(tmp_path, limit=1024)


def test_read_small_file_refuses_files_over_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "big"
    path.write_bytes(b"x" * (1 << 20))
    with pytest.raises(OSError, match="larger than the 1024 bytes") as info:
        read_small_file(path, limit=1024)
    assert info.value.errno == errno.EFBIG
