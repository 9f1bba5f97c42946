"""The answers a remote secret store gave, per secret, and how they are refreshed and watched.

Google Secret Manager and Vault read secrets the same way: the mapped secrets are fetched in
parallel before a load, each answer (a value, or the error that replaced it) is kept for a
TTL (forever for a pinned version, one load for a failure), concurrent callers wait for one
request instead of each sending their own, and a watch compares a marker of each secret
(a version number, a digest) with the one it last saw and drops the changed answers. Only the
request and the marker differ between stores; :class:`SecretCache` is the rest.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from confwarden.secrets._remote import Poller
from confwarden.secrets.base import SecretSourceError
from confwarden.secrets.mapping import SecretRef

__all__ = ["Fetched", "SecretCache"]

UNREADABLE = "unreadable"  # the marker a watch remembers for a secret that failed to load
_FAILURE_TTL = 1.0  # a failure is kept for this load only: the next load asks again


@dataclass(frozen=True)
class Fetched:
    """One answer for one secret: its value, or the error that replaced it."""

    value: str | None = field(repr=False)  # None when ``error`` is set
    version: str | None
    error: SecretSourceError | None
    at: float  # monotonic time of the fetch
    ttl: float  # seconds this answer may be used


class SecretCache:
    """Answers per :class:`SecretRef`, each fetched once even under concurrent callers.

    Args:
        read: one request: ``(value, version, seconds it may be kept)`` for a reference, or
            :class:`SecretSourceError` (naming the secret, never its value).
        ttl: the longest any answer is kept; a failure is kept for at most one second.
        clock: a monotonic clock.
        max_workers: parallel requests of one :meth:`prefetch`.
        thread_name: the prefix of the prefetch threads' names.
    """

    def __init__(
        self,
        read: Callable[[SecretRef], tuple[str, str | None, float]],
        *,
        ttl: float,
        clock: Callable[[], float],
        max_workers: int,
        thread_name: str,
    ) -> None:
        self._read = read
        self._failure_ttl = min(ttl, _FAILURE_TTL)
        self._clock = clock
        self._max_workers = max_workers
        self._thread_name = thread_name
        self._lock = threading.Lock()
        self._answers: dict[SecretRef, Fetched] = {}
        self._inflight: dict[SecretRef, threading.Event] = {}

    def __repr__(self) -> str:
        with self._lock:
            return f"SecretCache({self._answers!r})"  # Fetched hides the values

    def _fresh(self, ref: SecretRef, fetched: Fetched | None) -> bool:
        if fetched is None:
            return False
        if fetched.error is None and ref.pinned:
            return True  # a pinned version never changes
        return self._clock() - fetched.at < fetched.ttl

    def _fetch(self, ref: SecretRef) -> Fetched:
        try:
            value, version, ttl = self._read(ref)
        except SecretSourceError as exc:
            return Fetched(None, None, exc, self._clock(), self._failure_ttl)
        return Fetched(value, version, None, self._clock(), ttl)

    def get(self, ref: SecretRef) -> Fetched:
        """The answer for ``ref``: the kept one while fresh, else one new request."""
        while True:
            with self._lock:
                fetched = self._answers.get(ref)
                if self._fresh(ref, fetched):
                    assert fetched is not None
                    return fetched
                waiting = self._inflight.get(ref)
                if waiting is None:
                    done = self._inflight[ref] = threading.Event()
                    break
            waiting.wait()
        try:
            fetched = self._fetch(ref)
            with self._lock:
                self._answers[ref] = fetched
            return fetched
        finally:
            with self._lock:
                del self._inflight[ref]
            done.set()

    def value(self, ref: SecretRef) -> tuple[str, str | None]:
        """``(value, version)`` of ``ref``.

        Raises:
            SecretSourceError: the kept or new answer is a failure.
        """
        fetched = self.get(ref)
        if fetched.error is not None:
            raise fetched.error
        assert fetched.value is not None
        return fetched.value, fetched.version

    def prefetch(
        self, refs: Iterable[SecretRef], *, before_parallel: Callable[[], object] | None = None
    ) -> None:
        """Fetch the stale ``refs`` in parallel (``before_parallel`` runs first, once: a login).

        Failures are kept and raised by :meth:`value` for the references asked for; a
        failing ``before_parallel`` skips the parallel fetch (nothing is raised here).
        """
        with self._lock:
            stale = [ref for ref in set(refs) if not self._fresh(ref, self._answers.get(ref))]
        if len(stale) <= 1:
            for ref in stale:
                self.get(ref)
            return
        if before_parallel is not None:
            try:
                before_parallel()
            except SecretSourceError:
                return  # each lookup then fetches, and reports the failure, itself
        workers = min(self._max_workers, len(stale))
        with ThreadPoolExecutor(workers, thread_name_prefix=self._thread_name) as pool:
            list(pool.map(self.get, stale))

    def watch(
        self,
        watched: Mapping[str, SecretRef],
        on_change: Callable[[frozenset[str]], None],
        *,
        current: Callable[[SecretRef], str],
        marker: Callable[[Fetched], str | None],
        interval: float,
        name: str,
    ) -> Poller:
        """Poll ``current(ref)`` of every watched secret every ``interval`` seconds.

        A secret whose marker differs from the one seen last (at first, ``marker`` of the
        kept answer; :data:`UNREADABLE` for a kept failure) is dropped from the cache and its
        variables are passed to ``on_change``. A store that is down or refuses is skipped:
        the source's status shows it, and the running configuration stays.
        """
        seen: dict[SecretRef, str] = {}

        def remembered(ref: SecretRef) -> str | None:
            with self._lock:
                kept = self._answers.get(ref)
            if kept is None:
                return None
            return UNREADABLE if kept.error is not None else marker(kept)

        def check() -> None:
            changed: set[str] = set()
            for ref in set(watched.values()):
                try:
                    now = current(ref)
                except SecretSourceError:
                    continue
                before = seen.get(ref) or remembered(ref)
                seen[ref] = now
                if before is not None and before != now:
                    with self._lock:
                        self._answers.pop(ref, None)
                    changed.update(v for v, r in watched.items() if r == ref)
            if changed:
                on_change(frozenset(changed))

        return Poller(check, interval, name=name)
