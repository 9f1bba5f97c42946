"""The answer cache shared by the Google Secret Manager and Vault sources."""

from __future__ import annotations

import threading

import pytest
from tests.clock import FakeClock

from confwarden.secrets._cache import SecretCache
from confwarden.secrets.base import SecretSourceError
from confwarden.secrets.mapping import SecretRef

CANARY = "CANARY-cache-7a1c"


def test_cache_fetches_once_for_concurrent_callers() -> None:
    release = threading.Event()
    reads: list[SecretRef] = []

    def read(ref: SecretRef) -> tuple[str, str | None, float]:
        reads.append(ref)
        release.wait(timeout=10)
        return CANARY, "1", 60.0

    cache = SecretCache(read, ttl=60.0, clock=FakeClock(), max_workers=4, thread_name="t")
    ref = SecretRef("s")
    answers: list[tuple[str, str | None]] = []
    callers = [threading.Thread(target=lambda: answers.append(cache.value(ref))) for _ in range(8)]
    for caller in callers:
        caller.start()
    release.set()
    for caller in callers:
        caller.join(timeout=10)
    assert reads == [ref]
    assert answers == [(CANARY, "1")] * 8


def test_cache_keeps_a_failure_for_one_second_and_pinned_versions_for_ever() -> None:
    clock = FakeClock()
    outcomes: list[str | SecretSourceError] = [SecretSourceError("secret 's': refused"), CANARY]

    def read(ref: SecretRef) -> tuple[str, str | None, float]:
        outcome = outcomes.pop(0) if ref.name == "s" else CANARY
        if isinstance(outcome, SecretSourceError):
            raise outcome
        return outcome, ref.version, 5.0

    cache = SecretCache(read, ttl=300.0, clock=clock, max_workers=4, thread_name="t")
    with pytest.raises(SecretSourceError, match="refused"):
        cache.value(SecretRef("s"))
    clock.now += 0.5
    with pytest.raises(SecretSourceError, match="refused"):
        cache.value(SecretRef("s"))  # still the kept failure: no second request
    clock.now += 1
    assert cache.value(SecretRef("s")) == (CANARY, "latest")
    pinned = SecretRef("p", "3")
    first = cache.get(pinned)
    clock.now += 1000
    assert cache.get(pinned) is first


def test_cache_repr_hides_values() -> None:
    cache = SecretCache(
        lambda ref: (CANARY, "1", 60.0), ttl=60, clock=FakeClock(), max_workers=2, thread_name="t"
    )
    cache.prefetch([SecretRef("a"), SecretRef("b")])
    assert "'a'" in repr(cache)
    assert CANARY not in repr(cache)
