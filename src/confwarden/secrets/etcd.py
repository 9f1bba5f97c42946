"""etcd: fleet-wide configuration under one prefix, read at startup and watched.

A fleet shares one etcd cluster; each project and environment keeps its variables under
``/confwarden/<project>/<environment>/VARIABLE`` (:func:`etcd_prefix`). :class:`EtcdSource`
reads the whole prefix once (one range request, one revision) into memory, serves lookups
from it (never blocking on the network; kept while etcd is down) and keeps it current with
one watch from the next revision on: a change reaches LiveConfig in milliseconds.

The client is ``aetcd`` (gRPC, asyncio, no TLS; see docs/fleet.md) on a private event loop
in a daemon thread per source, usable from sync code, threads and beside an app's own loop.
When a connection breaks, the watcher moves to the next endpoint with backoff, reads the
prefix again (nothing missed, nor a compaction, is lost) and watches from there.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import importlib.util
import logging
import re
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import Any, NamedTuple, cast

from confwarden.environment.provenance import Source, SourceKind
from confwarden.secrets.base import (
    SecretSourceError,
    SourceHit,
    SourceStatus,
    Subscription,
    ValueSource,
)

__all__ = ["EtcdSource", "etcd_prefix"]

logger = logging.getLogger("confwarden.secrets.etcd")

_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_MAX_VALUE_BYTES = 1 << 20


def etcd_prefix(project: str, environment: str) -> str:
    """The key prefix of one project's environment: ``/confwarden/<project>/<environment>/``.

    Example:
        >>> etcd_prefix("shop", "staging")
        '/confwarden/shop/staging/'
    """
    for part, what in ((project, "project"), (environment, "environment")):
        if not part or "/" in part:
            raise ValueError(f"the etcd {what} name {part!r} must be non-empty without '/'")
    return f"/confwarden/{project}/{environment}/"


class _Entry(NamedTuple):
    value: str | None  # None when malformed
    revision: int
    problem: str | None


_Values = Mapping[str, _Entry]


class _Stop(NamedTuple):
    close: Callable[[], None]


class EtcdSource(ValueSource):
    """The variables under one etcd prefix, kept current by a watch.

    Args:
        endpoints: ``"host:port"`` of one or more members (tried in turn).
        prefix: the key prefix (see :func:`etcd_prefix`); keys below it are variable names.
        timeout: seconds one connection attempt or read may take (a slow or stopped server
            fails after this, it never hangs startup).
        reconnect: the first and the longest pause between reconnection attempts.
        keepalive: seconds between two liveness reads while watching; a member that does
            not answer one within ``timeout`` (stopped, partitioned, cut off from the
            quorum) is left for the next endpoint.
        username: etcd user, with ``password`` (etcd authentication).
        password: etcd password (never shown).

    Raises:
        MissingDependencyError: the ``etcd`` extra (aetcd) is not installed.

    Example:
        >>> source = EtcdSource("127.0.0.1:2379", etcd_prefix("shop", "staging"))
        >>> source.name
        'etcd /confwarden/shop/staging/'
    """

    kind = SourceKind.SECRET
    consult_when_shadowed = False

    def __init__(
        self,
        endpoints: str | Sequence[str],
        prefix: str,
        *,
        timeout: float = 2.0,
        reconnect: tuple[float, float] = (0.05, 2.0),
        keepalive: float = 5.0,
        username: str | None = None,
        password: str | None = None,
    ) -> None:
        if importlib.util.find_spec("aetcd") is None:
            from confwarden.errors import MissingDependencyError

            raise MissingDependencyError("The etcd source", "etcd", "aetcd")
        listed = [endpoints] if isinstance(endpoints, str) else list(endpoints)
        self.endpoints = tuple(_parse_endpoint(e) for e in listed)
        if not self.endpoints:
            raise ValueError("EtcdSource needs at least one endpoint")
        self._where = ",".join(f"{h}:{p}" for h, p in self.endpoints)
        self.prefix = prefix if prefix.endswith("/") else prefix + "/"
        self.name = f"etcd {self.prefix}"
        self.timeout = timeout
        self.reconnect = reconnect
        self.keepalive = keepalive
        self._credentials = (username, password)
        self._values: _Values | None = None
        self._working: dict[str, _Entry] = {}
        self._pending: set[str] = set()
        self._flush_scheduled = False
        self._revision = 0
        self._current = 0
        self._client: Any = None
        self._lock = threading.Lock()
        self._load_lock = threading.Lock()
        self._up = False
        self._detail = "not contacted yet"
        self._last_ok: float | None = None
        self._failed_at: float | None = None
        self._listeners: list[Callable[[frozenset[str]], None]] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._watch_task: concurrent.futures.Future[None] | None = None

    # -- ValueSource --------------------------------------------------------------------

    def lookup(self, variable: str) -> SourceHit | None:
        """The value of ``variable`` in the snapshot (read once at first use).

        Raises:
            SecretSourceError: etcd could not be read yet, or the key holds a malformed
                value (not UTF-8, too large); the message names the key, never the value.
        """
        values = self._values
        if values is None:
            values = self._first_load()
        entry = values.get(variable)
        if entry is None:
            return None
        key = self.prefix + variable
        if entry.value is None:
            raise SecretSourceError(f"{variable}: the etcd key {key} {entry.problem}")
        return SourceHit(
            variable,
            entry.value,
            Source(SourceKind.SECRET, detail=f"etcd key {key}", version=str(entry.revision)),
        )

    def key_of(self, variable: str) -> str:
        """The etcd key of ``variable``: the prefix and the variable's own name (no mapping)."""
        return self.prefix + variable

    def how_to_write(self, key: str) -> str:
        """The ``etcdctl`` command that writes ``key`` (the value left for the operator)."""
        return f"Write it: etcdctl --endpoints={self._where} put {key} '<value>'"

    def known_variables(self) -> Mapping[str, str]:
        """The variables of the snapshot (empty before the first read)."""
        values = self._values or {}
        return {name: entry.value for name, entry in values.items() if entry.value is not None}

    def status(self) -> SourceStatus:
        """Up while the last read or watch worked; down with the reason otherwise."""
        with self._lock:
            return SourceStatus(self.name, self._up, self._detail, self._last_ok)

    @property
    def revision(self) -> int:
        """The etcd revision the snapshot reflects (0 before the first read)."""
        return self._revision

    def watch(self, on_change: Callable[[frozenset[str]], None]) -> Subscription | None:
        """Call ``on_change(variables)`` (from this source's thread) after each change."""
        with self._lock:
            self._listeners.append(on_change)
            start = self._watch_task is None
        if start:
            self._watch_task = asyncio.run_coroutine_threadsafe(
                self._watch_forever(), self._ensure_loop()
            )

        def close() -> None:
            with self._lock:
                if on_change in self._listeners:
                    self._listeners.remove(on_change)
                last = not self._listeners
            if last:
                self._stop_watch()

        return _Stop(close)

    def close(self) -> None:
        """Stop the watch, close the connection and the source's thread."""
        with self._lock:
            self._listeners.clear()
        self._stop_watch()
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(self._shutdown(), loop).result(self.timeout + 10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()
        self._loop = self._thread = None

    # -- reading ------------------------------------------------------------------------

    def _first_load(self) -> _Values:
        with self._load_lock:
            if self._values is not None:
                return self._values
            failed_at = self._failed_at
            if failed_at is not None and time.monotonic() - failed_at < self.reconnect[1]:
                # Every variable of a load asks; one failed attempt answers them all.
                raise SecretSourceError(self._unreachable(self.status().detail))
            loop = self._ensure_loop()
            budget = self.timeout * len(self.endpoints) + 1
            try:
                asyncio.run_coroutine_threadsafe(self._read_all(), loop).result(budget)
            except Exception as exc:
                self._failed_at = time.monotonic()
                self._mark_down(_reason(exc))
                raise SecretSourceError(self._unreachable(_reason(exc))) from None
            return cast(_Values, self._values)  # _read_all published a snapshot

    def _unreachable(self, reason: str) -> str:
        if "permission denied" in reason:
            fix = (
                "Grant the etcd user read access to the prefix (etcdctl role "
                f"grant-permission ROLE --prefix=true read {self.prefix})."
            )
        elif "authentication failed" in reason:
            fix = "Check the etcd username and password given to the source."
        else:
            fix = "Check that etcd is running and reachable from this service."
        return f"etcd at {self._where} cannot be read for {self.prefix} ({reason}). {fix}"

    async def _connect(self) -> Any:
        """A connected client, trying the endpoints in turn from the current one."""
        import aetcd  # present: checked when the source was created

        if self._client is not None:
            return self._client
        last: Exception | None = None
        for attempt in range(len(self.endpoints)):
            index = (self._current + attempt) % len(self.endpoints)
            host, port = self.endpoints[index]
            username, password = self._credentials
            client = aetcd.Client(
                host,
                port,
                username=username,
                password=password,
                timeout=max(1, round(self.timeout)),
                connect_wait_timeout=max(1, round(self.timeout)),
            )
            try:
                await asyncio.wait_for(client.connect(), self.timeout)
                # Proves the member answers, with a key the user may read (etcd RBAC).
                await asyncio.wait_for(client.get(self.prefix.encode()), self.timeout)
            except Exception as exc:
                last = exc
                await _close_quietly(client)
                continue
            self._current = index
            self._client = client
            return client
        assert last is not None
        raise last

    async def _shutdown(self) -> None:
        """Close the client and let every task of this loop finish before it stops."""
        await self._drop_client()
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _drop_client(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await _close_quietly(client)

    async def _read_all(self) -> None:
        """Read the whole prefix at one revision and publish what changed."""
        client = await self._connect()
        try:
            result = await asyncio.wait_for(client.get_prefix(self.prefix.encode()), self.timeout)
        except Exception:
            await self._drop_client()
            raise
        fresh: dict[str, _Entry] = {}
        for kv in result:
            variable = kv.key.decode("utf-8", "replace")[len(self.prefix) :]
            if _VARIABLE.match(variable):
                fresh[variable] = _entry(kv.value, kv.mod_revision)
        old = self._values
        self._revision = result.header.revision
        self._working = fresh
        self._mark_up()
        if old is not None:  # a re-read after a broken watch: report what was missed
            self._pending |= {k for k in fresh.keys() | old.keys() if old.get(k) != fresh.get(k)}
        self._publish(notify=old is not None)

    # -- watching -----------------------------------------------------------------------

    async def _watch_forever(self) -> None:
        first, longest = self.reconnect
        delay = first
        needs_read = self._values is None
        loaded_before = self._values is not None
        while True:
            try:
                if needs_read or self._client is None:
                    await self._read_all()
                    if not loaded_before:
                        loaded_before = True
                        self._notify(frozenset())  # came up after a failed start: re-read all
                client = await self._connect()
                watch = await client.watch_prefix(
                    self.prefix.encode(), start_revision=self._revision + 1
                )
                self._mark_up()
                needs_read, delay = False, first
                await self._follow(watch, client)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if type(exc).__name__ == "RevisionCompactedError":
                    # History older than our snapshot is gone: read the prefix again, from
                    # the same member, and watch from there. Nothing is lost or wrong.
                    needs_read = True
                    continue
                self._mark_down(_reason(exc))
                logger.warning("%s: watch interrupted (%s); reconnecting", self.name, _reason(exc))
                await self._drop_client()
                self._current = (self._current + 1) % len(self.endpoints)
                needs_read = True
                await asyncio.sleep(delay)
                delay = min(delay * 2, longest)

    async def _follow(self, watch: Any, client: Any) -> None:
        """Apply events until the stream breaks or the member stops answering reads.

        A stopped or partitioned member keeps the TCP connection open and simply sends
        nothing; gRPC keepalive pings do not reliably notice that (and etcd answers pings
        more frequent than every 5 s with a GOAWAY that kills every watch). A periodic
        linearizable read does: it needs the member to be alive and part of a quorum.
        """

        async def consume() -> None:
            async for event in watch:
                self._apply(event)
            raise ConnectionError("the watch stream ended")

        async def probe() -> None:
            while True:
                await asyncio.sleep(self.keepalive)
                await asyncio.wait_for(client.get(self.prefix.encode()), self.timeout)
                with self._lock:
                    self._last_ok = time.time()

        tasks = [asyncio.ensure_future(consume()), asyncio.ensure_future(probe())]
        try:
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                task.result()  # raises what broke the watch
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    def _apply(self, event: Any) -> None:
        variable = event.kv.key.decode("utf-8", "replace")[len(self.prefix) :]
        revision = int(event.kv.mod_revision)
        self._revision = max(self._revision, revision)
        with self._lock:
            self._last_ok = time.time()
        if not _VARIABLE.match(variable):
            return
        if event.kind == "DELETE":
            self._working.pop(variable, None)
        else:
            self._working[variable] = _entry(event.kv.value, revision)
        self._pending.add(variable)
        if not self._flush_scheduled:
            # Every event of one watch response is applied before this runs: the events of
            # one transaction are published, and reloaded, together.
            self._flush_scheduled = True
            asyncio.get_running_loop().call_soon(self._publish, True)

    def _publish(self, notify: bool) -> None:
        self._flush_scheduled = False
        self._values = MappingProxyType(dict(self._working))
        changed, self._pending = frozenset(self._pending), set()
        if notify and changed:
            self._notify(changed)

    def _notify(self, changed: frozenset[str]) -> None:
        with self._lock:
            listeners = tuple(self._listeners)
        for listener in listeners:
            try:
                listener(changed)
            except Exception as exc:
                logger.warning("%s: change listener failed: %s", self.name, type(exc).__name__)

    # -- state and threads --------------------------------------------------------------

    def _mark_up(self) -> None:
        with self._lock:
            self._up, self._detail, self._last_ok = True, "", time.time()
        self._failed_at = None

    def _mark_down(self, reason: str) -> None:
        with self._lock:
            self._up, self._detail = False, reason

    def _ensure_loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                thread = threading.Thread(
                    target=loop.run_forever, name=f"confwarden-{self.name}", daemon=True
                )
                thread.start()
                self._loop, self._thread = loop, thread
            return self._loop

    def _stop_watch(self) -> None:
        task, self._watch_task = self._watch_task, None
        if task is not None and self._loop is not None:
            self._loop.call_soon_threadsafe(task.cancel)
            with contextlib.suppress(concurrent.futures.CancelledError, Exception):
                task.result(timeout=10)

    def __repr__(self) -> str:
        return f"<EtcdSource {self._where} {self.prefix}>"


def _parse_endpoint(endpoint: str) -> tuple[str, int]:
    scheme, _, text = endpoint.rpartition("://")
    userinfo, at, rest = text.rpartition("@")
    if at:  # shown in names, health details and fixes: its password never is
        raise ValueError(
            f"etcd endpoint '{userinfo.split(':')[0]}:***@{rest}' must not carry credentials; "
            "give the user as username (or ETCDCTL_USER), the password in ETCDCTL_PASSWORD"
        )
    if scheme not in ("", "http"):  # aetcd has no TLS: fleet.md, "Not handled"
        raise ValueError(f"etcd endpoint {endpoint!r}: only http:// is spoken (no TLS client)")
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit():
        raise ValueError(f"etcd endpoint {endpoint!r} must be host:port (127.0.0.1:2379)")
    return host.strip("[]"), int(port)


def _entry(raw: bytes, revision: int) -> _Entry:
    if len(raw) > _MAX_VALUE_BYTES:
        return _Entry(None, revision, f"holds {len(raw)} bytes, more than a value can be.")
    try:
        return _Entry(raw.decode("utf-8"), revision, None)
    except UnicodeDecodeError:
        return _Entry(None, revision, "is not UTF-8 text; store the value as text.")


def _reason(exc: BaseException) -> str:
    # aetcd wraps gRPC errors; their text is the server's status, never a stored value.
    text = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
    name = type(exc).__name__
    if isinstance(exc, TimeoutError | asyncio.TimeoutError):
        return "no answer in time"
    return f"{name}: {text}" if text else name


async def _close_quietly(client: Any) -> None:
    try:
        await asyncio.wait_for(client.close(), 5)
    except Exception as exc:
        logger.debug("closing an etcd client failed: %s", type(exc).__name__)
