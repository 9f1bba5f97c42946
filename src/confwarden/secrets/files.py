"""Secrets mounted as files: Kubernetes/Docker secret directories and the ``VAR_FILE`` convention.

Containers receive secrets as files far more often than as variables (a variable shows up in
``docker inspect``, ``/proc/<pid>/environ`` and crash dumps; a mounted file does not). Two
conventions cover nearly every platform:

* a **secrets directory** (``/run/secrets`` for Docker, any ``volumeMounts`` path for
  Kubernetes) with one file per secret, named after the variable (``JWT_SECRET_KEY``,
  ``jwt_secret_key``) or after its secret-store name (``jwt-secret-key-staging``, see
  :mod:`confwarden.secrets.mapping`);
* **``VAR_FILE``**: ``POSTGRES_PASSWORD_FILE=/run/secrets/db`` means "the value of
  ``POSTGRES_PASSWORD`` is the content of that file" (the official Docker images' convention).

Kubernetes updates a mounted secret by swapping a ``..data`` symlink to a new timestamped
directory; that directory's name is reported as the secret's version.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterable
from pathlib import Path

from confwarden.environment.files import read_small_file
from confwarden.environment.provenance import Source, SourceKind
from confwarden.secrets.base import SecretSourceError, SourceHit, Subscription, ValueSource
from confwarden.secrets.watching import PollingWatch

__all__ = ["FileReferenceSource", "SecretsDirSource", "read_secret_file"]

_MAX_SECRET_BYTES = 1 << 20  # a secret larger than 1 MiB is a mistake (a mounted directory?)
_MAX_WATCHED_FILES = 4096  # a fingerprint stays cheap even on a wrongly mounted directory
_SNAPSHOT_ATTEMPTS = 5  # a volume swapped five times during one load is read as it stands


def _file_state(path: str | os.PathLike[str]) -> tuple[str, int, int, int] | None:
    """What changes when a file is replaced or rewritten (symlinks followed); None if gone."""
    try:
        info = os.stat(path)
        return (os.path.realpath(path), info.st_ino, info.st_mtime_ns, info.st_size)
    except OSError:
        return None


def read_secret_file(path: Path, *, variable: str) -> str:
    """The content of a secret file, without its final line break.

    The file is read with :func:`~confwarden.environment.files.read_small_file`: a FIFO or a
    device (``/dev/zero``) is refused at once instead of hanging or filling memory.

    Raises:
        SecretSourceError: the file is unreadable, not a regular file, larger than 1 MiB or
            not UTF-8 (the message names the file and the variable, never the content).
    """
    try:
        data = read_small_file(path, limit=_MAX_SECRET_BYTES)
    except OSError as exc:
        raise SecretSourceError(
            f"{variable}: cannot read secret file {path}: {exc.strerror or type(exc).__name__}. "
            "Point it at the secret file itself (not a FIFO, a device or a directory) and check "
            "the mount and the file's permissions."
        ) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise SecretSourceError(
            f"{variable}: secret file {path} is not UTF-8 text. Store the secret as text "
            "(base64-encode binary keys)."
        ) from None
    # Editors and `echo` add a final newline nobody means as part of the secret.
    if text.endswith("\r\n"):
        return text[:-2]
    return text[:-1] if text.endswith("\n") else text


def _data_target(directory: Path) -> str | None:
    """Where Kubernetes' ``..data`` symlink points now (None outside such a volume)."""
    try:
        return os.readlink(directory / "..data")
    except OSError:
        return None


def _version_of(path: Path) -> str | None:
    """The Kubernetes ``..data`` revision directory behind ``path``, if any."""
    try:
        real = Path(os.path.realpath(path))
    except OSError:
        return None
    parent = real.parent.name
    return parent if parent.startswith("..") and parent != ".." else None


class SecretsDirSource(ValueSource):
    """One file per secret in a directory (Docker ``/run/secrets``, Kubernetes mounts).

    Args:
        directory: the mounted directory. A missing directory simply has no secrets.
        aliases: extra file names to try for a variable (its secret-store names), e.g.
            :func:`confwarden.secrets.mapping.secret_names_for`.

    Example:
        >>> source = SecretsDirSource("/nonexistent")
        >>> source.lookup("JWT_SECRET_KEY") is None
        True
    """

    kind = SourceKind.SECRET

    def __init__(
        self,
        directory: str | os.PathLike[str],
        *,
        aliases: Callable[[str], Iterable[str]] | None = None,
    ) -> None:
        self.directory = Path(directory)
        self.name = f"secrets dir {self.directory}"
        self._aliases = aliases
        self._listing: frozenset[str] | None = None
        self._snapshot: dict[str, SourceHit | SecretSourceError | None] | None = None

    def _files(self) -> frozenset[str]:
        # One listing per source instance: lookups then cost a set membership test, not a stat.
        if self._listing is None:
            try:
                self._listing = frozenset(
                    entry.name for entry in os.scandir(self.directory) if not entry.is_dir()
                )
            except OSError:
                self._listing = frozenset()
        return self._listing

    def is_empty(self) -> bool:
        """True when the directory is missing or holds no files."""
        return not self._files()

    def lookup(self, variable: str) -> SourceHit | None:
        """The content of the file named after ``variable`` (or one of its aliases)."""
        snapshot = self._snapshot
        if snapshot is not None and variable in snapshot:
            answer = snapshot[variable]
            if isinstance(answer, SecretSourceError):
                raise answer
            return answer
        return self._read(variable)

    def prefetch(self, variables: Iterable[str]) -> None:
        """Read every file this load may ask for from one revision of the volume.

        Kubernetes swaps ``..data`` atomically, but a load reads its files one by one: a
        swap between two reads would pair the new ``WORKERS`` with the old
        ``JWT_SECRET_KEY``. The files are read, then ``..data`` is checked again; if it
        moved, they are read again (a seqlock), so one load sees one revision.
        """
        wanted = list(dict.fromkeys(variables))
        snapshot: dict[str, SourceHit | SecretSourceError | None] = {}
        for _ in range(_SNAPSHOT_ATTEMPTS):
            before = _data_target(self.directory)
            snapshot = {}
            for variable in wanted:
                try:
                    snapshot[variable] = self._read(variable)
                except SecretSourceError as exc:
                    snapshot[variable] = exc
            if _data_target(self.directory) == before:
                break
            self._listing = None  # the new revision may hold other files
        self._snapshot = snapshot

    def _read(self, variable: str) -> SourceHit | None:
        files = self._files()
        if not files:
            return None
        candidates = [variable, variable.lower()]
        if self._aliases is not None:
            candidates.extend(self._aliases(variable))
        for candidate in candidates:
            if candidate in files:
                path = self.directory / candidate
                version = _version_of(path)
                value = read_secret_file(path, variable=variable)
                return SourceHit(
                    variable,
                    value,
                    Source(SourceKind.SECRET, detail=candidate, path=str(path), version=version),
                )
        return None

    watch_interval: float = 1.0

    def _fingerprint(self) -> tuple[object, ...]:
        try:
            with os.scandir(self.directory) as entries:
                names = sorted(e.name for e in itertools.islice(entries, _MAX_WATCHED_FILES))
        except OSError:
            return ()
        return (
            _file_state(self.directory / "..data"),
            *((name, _file_state(self.directory / name)) for name in names),
        )

    def watch(self, on_change: Callable[[frozenset[str]], None]) -> Subscription | None:
        """Poll the directory every :attr:`watch_interval` seconds (Kubernetes' ``..data``
        swap, files added, removed or rewritten); see :mod:`confwarden.secrets.watching`."""

        def changed(variables: frozenset[str]) -> None:
            self._listing = None  # list the directory again on the next lookup
            self._snapshot = None  # and read the files again
            on_change(variables)

        return PollingWatch(self.name, self._fingerprint, changed, self.watch_interval)


class FileReferenceSource(ValueSource):
    """The ``VAR_FILE`` convention: ``VAR``'s value is the content of the file ``VAR_FILE`` names.

    Args:
        get: how to read a variable (``env.get`` of an IsolatedEnvironment, ``dict.get``).
        names: the variable names set, when known: only ``*_FILE`` among them are looked at,
            so a load without any reference costs one set lookup per variable.

    Example:
        >>> FileReferenceSource({}.get).lookup("POSTGRES_PASSWORD") is None
        True
    """

    kind = SourceKind.SECRET
    name = "VAR_FILE references"

    def __init__(
        self, get: Callable[[str], str | None], names: Iterable[str] | None = None
    ) -> None:
        self._get = get
        self._referenced: frozenset[str] | None = (
            None if names is None else frozenset([n[:-5] for n in names if n.endswith("_FILE")])
        )

    def is_empty(self) -> bool:
        """True when no ``*_FILE`` variable is set (only known when ``names`` was given)."""
        return self._referenced is not None and not self._referenced

    def lookup(self, variable: str) -> SourceHit | None:
        """The content of the file ``{variable}_FILE`` points to, if that variable is set."""
        if self._referenced is not None and variable not in self._referenced:
            return None
        reference = f"{variable}_FILE"
        target = self._get(reference)
        if not target:
            return None
        path = Path(target)
        value = read_secret_file(path, variable=variable)
        return SourceHit(
            variable,
            value,
            Source(SourceKind.SECRET, detail=reference, path=str(path), version=_version_of(path)),
        )

    watch_interval: float = 1.0

    def watch(self, on_change: Callable[[frozenset[str]], None]) -> Subscription | None:
        """Poll the referenced files every :attr:`watch_interval` seconds.

        Only when the variable names were given (otherwise nothing is known to watch).
        """
        referenced = self._referenced
        if not referenced:
            return None
        names = sorted(referenced)

        def fingerprint() -> tuple[object, ...]:
            targets = [self._get(f"{name}_FILE") for name in names]
            return tuple(_file_state(t) if t else None for t in targets)

        return PollingWatch(self.name, fingerprint, on_change, self.watch_interval)
