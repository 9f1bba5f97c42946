"""The last known good configuration on disk, so a restart while a remote store is down starts.

A service that reads its configuration from etcd (or another remote store) cannot start
while that store is unreachable, unless it remembers what it last saw. This module keeps
that memory as one small JSON file, with three promises:

* **no secret in clear**: only values of non-sensitive fields are written, and of those only
  the ones the library would show unmasked (a URL's password, a ``*_TOKEN`` value in a field
  nobody marked sensitive are left out by :meth:`LastKnownGood.save` itself). Sensitive values
  are left out and fetched again at startup from wherever they live (Secret Manager, Vault,
  mounted files); encrypting them would need a cipher the standard library does not have and
  a key-management story per deployment, for little gain (a secret kept only in etcd is
  exactly as unavailable as etcd itself);
* **refused, not half-read**: the file carries an HMAC-SHA256 over its body when the
  deployment provides a key (a tampered copy is refused), or a SHA-256 checksum when it does
  not (a corrupt copy is refused). The body is parsed with a strict schema; any surprise
  refuses the whole copy;
* **mode 0600, written atomically**: a temporary file in the same directory, fsynced, then
  renamed over the old copy, so a crash mid-write leaves the previous copy intact. A copy
  readable by others is refused (``chmod 600`` fixes it).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import stat
import tempfile
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

from confwarden.environment.masking import mask_value
from confwarden.errors import ConfwardenError

__all__ = ["FORMAT", "LastKnownGood", "LastKnownGoodError", "SavedConfig"]

FORMAT = "confwarden-last-known-good/2"
_FORMAT_1 = "confwarden-last-known-good/1"  # read as written before ``omitted`` (none)
_MAX_BYTES = 1 << 20  # a configuration copy larger than 1 MiB is not ours


class LastKnownGoodError(ConfwardenError):
    """The copy on disk cannot be used (corrupt, tampered, wrong permissions, wrong schema)."""


class SavedConfig(NamedTuple):
    """What a last-known-good copy holds.

    Attributes:
        schema: the configuration class name it was saved for.
        environment: the environment it was saved for.
        saved_at: ``time.time()`` when it was written.
        sources: source name -> {variable: value}, non-sensitive values only.
        omitted: source name -> the variables it had whose values were left out (secrets):
            with that source down, they cannot be read, and startup names them.
    """

    schema: str
    environment: str
    saved_at: float
    sources: dict[str, dict[str, str]]
    omitted: Mapping[str, tuple[str, ...]] = MappingProxyType({})


class LastKnownGood:
    """Read and write one last-known-good copy.

    Args:
        path: the file (its directory must exist and be writable by the service only).
        key: a deployment-provided key for the HMAC; None protects against corruption only
            (a SHA-256 checksum), not against someone who can write the file.

    Example:
        >>> import tempfile, pathlib
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "lkg.json"
        >>> lkg = LastKnownGood(path, key=b"k" * 32)
        >>> lkg.save("AppConfig", "staging", {"etcd": {"LOG_LEVEL": "INFO"}})
        >>> lkg.load("AppConfig", "staging").sources
        {'etcd': {'LOG_LEVEL': 'INFO'}}
    """

    def __init__(self, path: str | os.PathLike[str], *, key: bytes | None = None) -> None:
        self.path = Path(path)
        self._key = key

    def _seal(self, body: bytes) -> str:
        if self._key is not None:
            return "hmac-sha256:" + hmac.new(self._key, body, hashlib.sha256).hexdigest()
        return "sha256:" + hashlib.sha256(body).hexdigest()

    def exists(self) -> bool:
        """True when a copy is on disk (usable or not)."""
        return self.path.exists()

    def save(
        self,
        schema: str,
        environment: str,
        sources: Mapping[str, Mapping[str, str]],
        omitted: Mapping[str, Iterable[str]] | None = None,
    ) -> None:
        """Write a new copy atomically with mode 0600.

        Pass the values of non-sensitive fields, and in ``omitted`` the names of the
        sensitive variables each source had. Any value that masking would hide anyway (a
        URL with a password, a secret-looking variable name) is dropped here and its name
        added to ``omitted``: only names are written, never such a value.

        Raises:
            LastKnownGoodError: the directory is missing or not writable.
        """
        kept: dict[str, dict[str, str]] = {}
        left_out: dict[str, list[str]] = {}
        for name, values in sources.items():
            kept[name] = {v: value for v, value in values.items() if _shown(v, value)}
            dropped = (v for v in values if v not in kept[name])
            left_out[name] = sorted({*(omitted or {}).get(name, ()), *dropped})
        body = json.dumps(
            {
                "format": FORMAT,
                "schema": schema,
                "environment": environment,
                "saved_at": time.time(),
                "sources": kept,
                "omitted": left_out,
            },
            sort_keys=True,
            separators=(",", ":"),
        )
        document = json.dumps({"seal": self._seal(body.encode()), "body": body})
        try:
            handle, temporary = tempfile.mkstemp(
                dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp"
            )
        except OSError as exc:
            raise LastKnownGoodError(
                f"cannot write the last-known-good copy {self.path}: "
                f"{exc.strerror or type(exc).__name__}. Create the directory and make it "
                "writable by the service."
            ) from None
        try:
            os.fchmod(handle, 0o600)  # mkstemp already uses 0600; say it, do not rely on it
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                file.write(document)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def load(self, schema: str, environment: str) -> SavedConfig:
        """The copy on disk, verified, for ``schema`` in ``environment``.

        Raises:
            LastKnownGoodError: missing, not 0600, too large, corrupt, tampered, malformed,
                or saved for another schema or environment. Nothing of it is used then.
        """
        path = self.path
        try:
            info = path.lstat()
        except FileNotFoundError:
            raise LastKnownGoodError(f"no last-known-good copy at {path}.") from None
        except OSError as exc:
            raise self._refused(f"cannot be read ({exc.strerror})") from None
        if not stat.S_ISREG(info.st_mode):
            raise self._refused("is not a regular file")
        if info.st_mode & 0o077:
            raise self._refused(
                f"has mode {stat.S_IMODE(info.st_mode):o}; it must be 600 (chmod 600 {path})"
            )
        if info.st_size > _MAX_BYTES:
            raise self._refused(f"is {info.st_size} bytes, more than a copy can be")
        try:
            document = json.loads(path.read_bytes()[: _MAX_BYTES + 1])
        except (OSError, ValueError):
            raise self._refused("is not valid JSON (corrupt)") from None
        if not isinstance(document, dict) or set(document) != {"seal", "body"}:
            raise self._refused("does not have the expected layout")
        body, seal = document["body"], document["seal"]
        if not isinstance(body, str) or not isinstance(seal, str):
            raise self._refused("does not have the expected layout")
        if not hmac.compare_digest(seal, self._seal(body.encode())):
            reason = (
                "fails its HMAC check (tampered, or written with another key)"
                if self._key is not None
                else "fails its checksum (corrupt)"
            )
            raise self._refused(reason)
        return self._parse(body, schema, environment)

    def _parse(self, body: str, schema: str, environment: str) -> SavedConfig:
        try:
            data: Any = json.loads(body)
        except ValueError:
            raise self._refused("has a body that is not JSON") from None
        expected = {"format", "schema", "environment", "saved_at", "sources"}
        if isinstance(data, dict) and data.get("format") == FORMAT:
            expected.add("omitted")
        elif not isinstance(data, dict) or data.get("format") != _FORMAT_1:
            raise self._refused(f"is not a {FORMAT} document")
        if set(data) != expected:
            raise self._refused(f"is not a {FORMAT} document")
        if data["schema"] != schema or data["environment"] != environment:
            raise self._refused(
                f"was saved for {data['schema']!s:.64} in {data['environment']!s:.32}, "
                f"not {schema} in {environment}"
            )
        sources = data["sources"]
        saved_at = data["saved_at"]
        if not isinstance(saved_at, int | float) or not isinstance(sources, dict):
            raise self._refused("has malformed fields")
        for values in sources.values():
            if not isinstance(values, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in values.items()
            ):
                raise self._refused("has malformed values")
        omitted = data.get("omitted", {})
        if not isinstance(omitted, dict) or not all(
            isinstance(names, list) and all(isinstance(n, str) for n in names)
            for names in omitted.values()
        ):
            raise self._refused("has malformed omitted names")
        left_out = {name: tuple(names) for name, names in omitted.items()}
        return SavedConfig(schema, environment, float(saved_at), sources, left_out)

    def _refused(self, reason: str) -> LastKnownGoodError:
        return LastKnownGoodError(
            f"the last-known-good copy {self.path} {reason}; it is refused. Delete it: the "
            "next successful load writes a new one."
        )

    def __repr__(self) -> str:
        return f"<LastKnownGood {self.path} {'hmac' if self._key else 'checksum'}>"


def _shown(variable: str, value: str) -> bool:
    """True when ``value`` would be displayed as it is (nothing in it is masked)."""
    return mask_value(variable, value) == value
