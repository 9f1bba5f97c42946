"""Reading a small regular file safely: the one way confwarden reads a file a user points at.

``.env`` files, ``VAR_FILE`` references and secrets-directory entries are paths from the
environment, so they may name anything: a FIFO (``open`` blocks until a writer comes, which
may be never), ``/dev/zero`` or ``/dev/urandom`` (``st_size`` is 0, ``read()`` never ends),
a directory. :func:`read_small_file` opens without blocking, checks the opened descriptor
(not the path, which could be swapped in between) and reads at most ``limit + 1`` bytes.
"""

from __future__ import annotations

import errno
import os
import stat

__all__ = ["read_small_file"]

_CHUNK = 1 << 16


def _size(count: int) -> str:
    if count >= 1 << 20 and count % (1 << 20) == 0:
        return f"{count >> 20} MiB"
    return f"{count} bytes"


def read_small_file(path: str | os.PathLike[str], *, limit: int) -> bytes:
    """The bytes of the regular file ``path``, refusing special files and files over ``limit``.

    Args:
        path: the file.
        limit: the largest size accepted, in bytes.

    Raises:
        OSError: the file cannot be opened, is not a regular file (``EINVAL``: FIFO, device,
            socket, directory) or is larger than ``limit`` (``EFBIG``). ``strerror`` says
            what to do; the content is never part of the message.

    Example:
        >>> read_small_file("/dev/zero", limit=1024)
        Traceback (most recent call last):
        ...
        OSError: [Errno 22] not a regular file (a FIFO, device, socket or directory); point it at a file: '/dev/zero'
    """  # noqa: E501
    name = os.fspath(path)
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)
    fd = os.open(name, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(
                errno.EINVAL,
                "not a regular file (a FIFO, device, socket or directory); point it at a file",
                name,
            )
        if info.st_size > limit:
            raise OSError(errno.EFBIG, f"larger than the {_size(limit)} accepted", name)
        chunks: list[bytes] = []
        total = 0
        # st_size can lie (a file growing meanwhile, /proc): the read itself is bounded too.
        while total <= limit:
            chunk = os.read(fd, min(_CHUNK, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:
            raise OSError(errno.EFBIG, f"larger than the {_size(limit)} accepted", name)
        return b"".join(chunks)
    finally:
        os.close(fd)
