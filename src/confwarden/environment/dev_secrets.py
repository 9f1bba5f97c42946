"""Development secrets: random, generated once per project checkout and machine, never public.

Development secrets used to be ``sha256("confwarden-dev-fallback:<VAR>")`` and the JWT
fallback one constant string: the same for every user of the library, so a development token
of one installation verified in every other. Here each secret is random
(:func:`secrets.token_urlsafe`), stored in ``<project root>/.confwarden/dev-secrets/<VAR>``
with mode 0600 in a directory that ignores itself in git, and shared by every service of
the project on this machine: two services agree, two machines (or checkouts) differ.

Two services starting at once cannot disagree: a secret is written to a private temporary
file and published with :func:`os.link`, which fails if another process got there first;
the loser reads the winner's file.

``CONFWARDEN_DEV_SECRETS_DIR`` moves the directory (a test suite points it at a temporary
directory); by default the project root is the checkout around the working directory (the
nearest directory holding ``.git``, else ``pyproject.toml``).
"""

from __future__ import annotations

import os
import re
import secrets
import tempfile
import threading
from collections.abc import Mapping
from pathlib import Path

__all__ = ["DEV_SECRET_PREFIX", "DIRECTORY_VARIABLE", "DevSecretStore", "project_root"]

# Every generated value starts with it, so that staging and production can refuse one that
# was copied into a deployment.
DEV_SECRET_PREFIX = "confwarden-dev-"
DIRECTORY_VARIABLE = "CONFWARDEN_DEV_SECRETS_DIR"
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")
_MAX_READ = 4096
_PROJECT_FILES = (".git", "pyproject.toml")


def project_root(start: str | os.PathLike[str] | None = None) -> Path:
    """The checkout ``start`` belongs to: the nearest directory above it holding ``.git``.

    Without one, the nearest holding ``pyproject.toml``; without either, ``start`` itself
    (the working directory by default). The checkout wins over a nearer ``pyproject.toml``
    so that the services of a monorepo, each with its own ``pyproject.toml``, still share
    one set of development secrets (their tokens verify across services).
    """
    here = Path(start if start is not None else os.getcwd()).resolve()
    chain = (here, *here.parents)
    for marker in _PROJECT_FILES:
        for candidate in chain:
            if (candidate / marker).exists():
                return candidate
    return here


class DevSecretStore:
    """The random development secrets of one project on this machine.

    Args:
        directory: where the secrets live, one 0600 file per variable.

    Example:
        >>> import tempfile
        >>> store = DevSecretStore(tempfile.mkdtemp())
        >>> store.get("JWT_SECRET_KEY") == store.get("JWT_SECRET_KEY")
        True
    """

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)
        self._cache: dict[str, str] = {}
        self._lock = threading.Lock()

    @classmethod
    def default(
        cls, environ: Mapping[str, str] | None = None, cwd: str | os.PathLike[str] | None = None
    ) -> DevSecretStore:
        """The store of the project around ``cwd`` (``CONFWARDEN_DEV_SECRETS_DIR`` wins)."""
        env = os.environ if environ is None else environ
        configured = env.get(DIRECTORY_VARIABLE, "").strip()
        directory = (
            Path(configured) if configured else project_root(cwd) / ".confwarden" / "dev-secrets"
        )
        with _stores_lock:
            store = _stores.get(directory)
            if store is None:
                store = _stores[directory] = cls(directory)
        return store

    def get(self, variable: str) -> str:
        """The development secret of ``variable``, generated on first use.

        Raises:
            ValueError: ``variable`` is not a variable name.
            OSError: the directory cannot be created or read.
        """
        if not _NAME.match(variable):
            raise ValueError(f"{variable!r} is not a variable name")
        cached = self._cache.get(variable)
        if cached is not None:
            return cached
        with self._lock:
            value = self._read(variable)
            if value is None:
                value = self._create(variable)
            self._cache[variable] = value
        return value

    def path(self, variable: str) -> Path:
        """The file holding ``variable``'s secret."""
        return self.directory / variable

    def _read(self, variable: str) -> str | None:
        path = self.path(variable)
        if not path.is_file():
            return None
        with path.open("rb") as handle:
            value = handle.read(_MAX_READ).decode("utf-8", "replace").strip()
        return value or None

    def _create(self, variable: str) -> str:
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        _ignore_in_git(self.directory)
        value = DEV_SECRET_PREFIX + secrets.token_urlsafe(48)
        # mkstemp creates the file 0600; link() publishes it only if nobody else did.
        fd, temporary = tempfile.mkstemp(prefix=f".{variable}.", dir=self.directory)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(value + "\n")
            try:
                os.link(temporary, self.path(variable))
            except FileExistsError:
                existing = self._read(variable)
                if existing is not None:
                    return existing
                os.replace(temporary, self.path(variable))  # an empty file: take its place
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
        return value

    def __repr__(self) -> str:
        return f"DevSecretStore({str(self.directory)!r})"


def _ignore_in_git(directory: Path) -> None:
    """Write a ``.gitignore`` ignoring everything, in ``directory`` and its ``.confwarden``."""
    targets = [directory]
    if directory.parent.name == ".confwarden":
        targets.append(directory.parent)
    for target in targets:
        try:
            fd = os.open(target / ".gitignore", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            continue
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write("# confwarden development secrets: never commit them.\n*\n")


_stores: dict[Path, DevSecretStore] = {}
_stores_lock = threading.Lock()
