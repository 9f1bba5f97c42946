"""The process-wide environment: ``get_env()`` and the policy-driven ``.env`` loading.

One instance per process is what services use; tests and multi-service launchers construct
their own :class:`IsolatedEnvironment` instances instead. The singleton applies the policy of
the detected environment (DESIGN.md's table): isolation on in development and testing, off in
staging and production.
"""

from __future__ import annotations

import logging
import os
import stat
import threading
from collections.abc import Iterable
from dataclasses import dataclass

from confwarden.environment.detection import Environment, EnvironmentDetector
from confwarden.environment.isolated import IsolatedEnvironment, LoadResult
from confwarden.environment.policy import policy_for

__all__ = ["DotenvLoadReport", "get_env", "install_env", "load_env_files", "reset_env"]

logger = logging.getLogger("confwarden.environment")

_lock = threading.Lock()
_instance: IsolatedEnvironment | None = None


def get_env() -> IsolatedEnvironment:
    """The process-wide :class:`IsolatedEnvironment`, created on first use.

    Isolation follows the detected environment's policy.

    Raises:
        EnvironmentDetectionError: ``ENVIRONMENT`` is unknown, or a cloud deployment does not
            say which environment it is.
    """
    global _instance
    instance = _instance
    if instance is not None:
        return instance
    with _lock:
        if _instance is None:
            detection = EnvironmentDetector(os.environ).detect()
            _instance = IsolatedEnvironment(isolated=policy_for(detection.environment).isolation)
        return _instance


def reset_env() -> None:
    """Forget the process-wide instance; the next :func:`get_env` builds a fresh one.

    For test harnesses (the pytest plugin uses it); services never need it.
    """
    global _instance
    with _lock:
        _instance = None


def install_env(env: IsolatedEnvironment | None) -> IsolatedEnvironment | None:
    """Make ``env`` what :func:`get_env` returns; return the previous instance (or None).

    For test harnesses that give each test its own environment and put the previous one back
    afterwards; ``None`` behaves like :func:`reset_env`.
    """
    global _instance
    with _lock:
        previous, _instance = _instance, env
    return previous


@dataclass(frozen=True, slots=True)
class DotenvLoadReport:
    """What :func:`load_env_files` did, and why.

    ``missing`` lists the files that do not exist; ``skipped`` says, for each path that
    exists but is no regular file (a FIFO, a directory), that it was not read and why.
    """

    environment: Environment
    allowed: bool
    reason: str
    results: tuple[LoadResult, ...] = ()
    missing: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()


def load_env_files(
    env: IsolatedEnvironment,
    paths: Iterable[str | os.PathLike[str]],
    *,
    environment: Environment | None = None,
    strict: bool = True,
) -> DotenvLoadReport:
    """Load ``.env`` files only where the environment's policy allows it.

    Development loads them (never overriding the process environment); testing, staging and
    production never do. Missing files are reported, not errors: a developer may have no
    ``.env`` at all. A path that is not a regular file (a FIFO would block the start) is
    never opened: it is skipped with a warning naming it (logger ``confwarden.environment``).

    Example:
        >>> env = IsolatedEnvironment(environ={"ENVIRONMENT": "production"}, isolated=True)
        >>> load_env_files(env, [".env"]).allowed
        False
    """
    detection = EnvironmentDetector(env.get_all()).detect()
    target = environment or detection.environment
    if not policy_for(target).load_dotenv:
        return DotenvLoadReport(target, False, f".env files are never loaded in {target.value}")
    results: list[LoadResult] = []
    missing: list[str] = []
    skipped: list[str] = []
    for path in paths:
        try:
            mode = os.stat(path).st_mode  # stat, never open: opening a FIFO blocks
        except OSError:
            missing.append(os.fspath(path))
            continue
        if not stat.S_ISREG(mode):
            skipped.append(
                f"{os.fspath(path)} skipped: not a regular file (a FIFO, device, socket or "
                "directory); replace it with a regular .env file or remove it"
            )
            logger.warning("confwarden: %s", skipped[-1])
            continue
        results.append(env.load_from_file(path, override=False, strict=strict))
    return DotenvLoadReport(
        target,
        True,
        f".env files are loaded in {target.value}",
        tuple(results),
        tuple(missing),
        tuple(skipped),
    )
