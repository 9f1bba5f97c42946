"""Make ``confwarden serve`` follow what it shows: ``.env`` files, secret files, secret stores.

A server started once and never reloaded would report a stale configuration: a value fixed
in ``.env`` would stay DOWN, a rotated secret would never show up as a reload. Two pieces:

- :func:`go_live` starts the manager's :class:`~confwarden.config.live.LiveConfig`
  (``manager.start_live()``): mounted secret files and secret stores are watched, and every
  change is validated and counted as a reload (the hub follows a live manager's reloads and
  sources). A configuration that is invalid at start cannot go live yet: it is served DOWN
  and :func:`go_live` is tried again after the next change.
- :class:`DotenvFollower` re-reads the ``.env`` files the service loaded (LiveConfig does
  not watch them) and applies what changed with ``env.set()``/``env.delete()``: a live
  manager reloads at once, and every validation reads the variables as they are now.
  Variables the process environment set keep winning over the files, as at startup.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from confwarden.environment.dotenv import read_dotenv
from confwarden.environment.provenance import SourceKind
from confwarden.errors import ConfwardenError
from confwarden.secrets._remote import Poller

if TYPE_CHECKING:
    from confwarden.config.manager import UnifiedConfigManager
    from confwarden.environment.isolated import IsolatedEnvironment
    from confwarden.environment.results import LoadResult
    from confwarden.monitoring.hub import MonitoringHub

__all__ = ["DotenvFollower", "go_live"]

logger = logging.getLogger(__name__)


def go_live(manager: UnifiedConfigManager, hub: MonitoringHub | None = None) -> bool:
    """Start following the manager's sources; True once live.

    With ``hub`` (created before the manager went live), the hub's configuration monitor is
    wired to the live configuration's reloads and store outages, as ``MonitoringHub(manager)``
    does for a manager that is already live.

    Example:
        >>> from confwarden.config.manager import UnifiedConfigManager
        >>> from confwarden.config.schema import ConfigSchema
        >>> from confwarden.environment.detection import Environment
        >>> class Config(ConfigSchema):
        ...     page_size: int = 50
        >>> manager = UnifiedConfigManager(Config, env={}, environment=Environment.TESTING)
        >>> go_live(manager), manager.live is not None
        (True, True)
        >>> manager.close()
    """
    if manager.live is not None:
        return True
    try:
        live = manager.start_live()
    except ConfwardenError as exc:
        logger.info("not following configuration changes yet (invalid): %s", type(exc).__name__)
        return False
    if hub is not None and hub.config is not None:
        hub.config.follow_reloads(live)
        if not hub.config.sources:
            hub.config.sources = tuple(live.remote)
    return True


class DotenvFollower:
    """Re-read ``.env`` files and apply their changes to ``env``.

    Args:
        env: the variables the service reads (the files were loaded into it).
        loaded: what loading each file did (``env.load_from_file`` results, in load order,
            each file once): variables the process environment set are never touched; of
            two files setting a variable, the first keeps winning.
        interval: seconds between two looks at the files (a ``stat`` each).
        on_change: called with the changed variable names after they were applied.

    Example:
        >>> from confwarden.environment.isolated import IsolatedEnvironment
        >>> env = IsolatedEnvironment(environ={}, isolated=True)
        >>> DotenvFollower(env, []).poll()
        []
    """

    def __init__(
        self,
        env: IsolatedEnvironment,
        loaded: Sequence[LoadResult],
        *,
        interval: float = 1.0,
        on_change: Callable[[list[str]], None] | None = None,
    ) -> None:
        self.env = env
        self.interval = interval
        self._on_change = on_change
        # In load order, which is precedence order: the first file that sets a key wins.
        self._paths = list(dict.fromkeys(result.path for result in loaded))
        self._keys = {key for result in loaded for key in result.loaded}
        # A key a file skipped was set before it: by the process environment (or code), which
        # keeps winning, or by an earlier file of this list, which the merge below handles.
        self._owned_elsewhere = {
            key
            for result in loaded
            for key in result.skipped
            if (source := env.get_variable_source(key)) is not None
            and source.kind is not SourceKind.DOTENV
        }
        self._seen = {path: _stamp(path) for path in self._paths}
        self._poller: Poller | None = None

    def poll(self) -> list[str]:
        """Apply the files again when one was modified since the last look; the changed names."""
        stamps = {path: _stamp(path) for path in self._paths}
        if stamps == self._seen:
            return []
        self._seen = stamps
        changed = self._apply()
        if changed and self._on_change is not None:
            self._on_change(changed)
        return changed

    def _apply(self) -> list[str]:
        merged: dict[str, tuple[str, str]] = {}
        for path in self._paths:
            try:
                parsed = read_dotenv(path, environ=self.env.get_all(), strict=False)
            except OSError:
                continue  # removed or unreadable: its variables go
            for entry in parsed.entries:
                merged.setdefault(entry.key, (entry.value, path))
        changed: list[str] = []
        for key, (value, path) in merged.items():
            if key in self._owned_elsewhere:  # the process environment wins, as at startup
                continue
            self._keys.add(key)
            if self.env.get(key) != value:
                self.env.set(key, value, source=f"{path} (changed while serving)")
                changed.append(key)
        for key in sorted(self._keys - merged.keys()):
            self._keys.discard(key)
            if self.env.delete(key, source="removed from its .env file while serving"):
                changed.append(key)
        if changed:
            logger.info(".env files changed: %s", ", ".join(changed))
        return changed

    def start(self) -> None:
        """Look at the files every ``interval`` seconds in a daemon thread."""
        if self._poller is None and self._paths:
            self._poller = Poller(self._poll_logged, self.interval, name="dotenv-follower")

    def stop(self) -> None:
        """Stop looking (idempotent)."""
        poller, self._poller = self._poller, None
        if poller is not None:
            poller.close()

    def _poll_logged(self) -> None:
        try:
            self.poll()
        except Exception:  # a bad edit must not stop the following ones
            logger.exception("could not apply a .env change")


def _stamp(path: str) -> tuple[int, int] | None:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_mtime_ns, status.st_size
