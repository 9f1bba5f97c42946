"""CRC32C (Castagnoli), the checksum Google Secret Manager sends with every payload.

``google-crc32c`` (C, optional) is used when installed; otherwise a table-driven version
in pure Python: secrets are at most 64 KiB, a few hundred microseconds at worst.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["crc32c", "crc32c_python"]


def _table() -> tuple[int, ...]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
        table.append(crc)
    return tuple(table)


_TABLE = _table()


def crc32c_python(data: bytes) -> int:
    """CRC32C of ``data`` with a 256-entry table.

    Example:
        >>> hex(crc32c_python(b"123456789"))
        '0xe3069283'
    """
    crc = 0xFFFFFFFF
    table = _TABLE
    for byte in data:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def _pick() -> Callable[[bytes], int]:
    try:
        import google_crc32c
    except ImportError:
        return crc32c_python
    if getattr(google_crc32c, "implementation", "c") != "c":
        return crc32c_python  # its own pure-Python fallback is slower than ours
    return google_crc32c.value  # type: ignore[no-any-return]


crc32c: Callable[[bytes], int] = _pick()
