"""Scopes under threads and asyncio with a real ChangeTracker: no lost update, a right ending.

The environment-layer scenarios (tests/environment/test_scopes.py) count values; these add
the configuration layer's ChangeTracker, whose last record per variable must match the
environment once every scope has ended (a scope's undo is reported like any change).
"""

from __future__ import annotations

import asyncio
import threading

from confwarden.config.change_tracker import ChangeTracker
from confwarden.environment.isolated import IsolatedEnvironment

THREADS = 8
KEYS = 350
ROUNDS = 3


def _last_values(tracker: ChangeTracker) -> dict[str, str | None]:
    last: dict[str, str | None] = {}
    for record in tracker.records:
        last[record.change.variable] = record.change.after
    return last


def test_threads_with_scopes_lose_nothing_and_the_tracker_ends_right() -> None:
    env = IsolatedEnvironment(environ={}, isolated=True)
    tracker = ChangeTracker(max_records=10**6)
    tracker.attach(env)
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            start.wait()
            for round_ in range(ROUNDS):
                for i in range(n, KEYS, THREADS):
                    env.set(f"K{i}", f"t{n}-r{round_}", source="writer")  # shared
                with env.scoped():
                    for i in range(KEYS):
                        env.set(f"K{i}", f"scoped-{n}", source="scope")
                    assert all(env.get(f"K{i}") == f"scoped-{n}" for i in range(KEYS))
                # Our scope is gone; our own shared writes are back, nobody else's lost.
                assert all(env.get(f"K{i}") == f"t{n}-r{round_}" for i in range(n, KEYS, THREADS))
        except BaseException as exc:  # reported after join
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    final = env.get_all()
    assert final == {f"K{i}": f"t{i % THREADS}-r{ROUNDS - 1}" for i in range(KEYS)}
    assert _last_values(tracker) == final


def test_fifty_tasks_with_scopes_and_the_tracker_ends_right() -> None:
    env = IsolatedEnvironment(environ={"REGION": "eu"}, isolated=True)
    tracker = ChangeTracker(max_records=10**6)
    tracker.attach(env)

    async def request(n: int) -> None:
        with env.scoped():
            env.set("REGION", f"r{n}", source="request")
            env.set("REQUEST_ID", str(n), source="request")
            for _ in range(3):
                await asyncio.sleep(0)
                assert env.get("REQUEST_ID") == str(n)
                assert env.get("REGION") == f"r{n}"

    async def main() -> None:
        await asyncio.gather(*(request(n) for n in range(50)))

    asyncio.run(main())
    assert env.get_all() == {"REGION": "eu"}
    last = _last_values(tracker)
    assert last == {"REGION": "eu", "REQUEST_ID": None}
