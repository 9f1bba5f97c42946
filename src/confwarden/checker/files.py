"""Reading files the checker does not control without hanging or running out of memory.

The checked tree, its cache and a baseline are input like any other: a FIFO named
``checker.marshal`` or ``baseline.json`` would block ``read_bytes()`` forever, and
``/dev/zero`` would fill the memory. Every read goes through :func:`read_regular`, which
opens without blocking, refuses anything but a regular file and reads at most a cap.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

__all__ = ["MAX_FILE_BYTES", "NotARegularFileError", "is_special", "read_regular"]

# A Python source, a cache or a baseline larger than this is not one the checker reads.
MAX_FILE_BYTES = 256 * 1024 * 1024


class NotARegularFileError(OSError):
    """The path is a FIFO, a device, a socket or a directory: refused, never read."""


def is_special(path: Path) -> bool:
    """True when ``path`` exists and is neither a regular file nor a directory."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def read_regular(path: Path | str, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file, at most ``limit`` of them.

    Raises:
        NotARegularFileError: the path is not a regular file (nothing was read).
        OSError: the file cannot be opened, or is larger than ``limit``.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotARegularFileError(f"{path}: not a regular file (a FIFO or a device?)")
        chunks: list[bytes] = []
        size = 0
        while chunk := os.read(fd, min(1 << 20, limit + 1 - size)):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise OSError(f"{path}: larger than {limit} bytes")
        return b"".join(chunks)
    finally:
        os.close(fd)
