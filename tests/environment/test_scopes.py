"""Scopes: per thread and per asyncio task overlays that undo only their own changes."""

from __future__ import annotations

import asyncio
import gc
import threading
from collections.abc import AsyncIterator

import pytest

from confwarden.environment.isolated import IsolatedEnvironment


def _tracking(env: IsolatedEnvironment) -> dict[str, str | None]:
    """A view rebuilt from change callbacks alone, as a ChangeTracker keeps one."""
    view: dict[str, str | None] = dict(env.get_all())
    lock = threading.Lock()

    def record(key: str, old: str | None, new: str | None, source: str) -> None:
        with lock:
            view[key] = new

    env.add_change_callback(record)
    return view


def test_scope_exit_keeps_changes_made_outside_it() -> None:
    env = IsolatedEnvironment(environ={"A": "1"}, isolated=True)
    with env.scoped():
        env.set("A", "scoped", source="test")
        env.set("B", "scoped", source="test")
        env.set("OUTSIDE", "x", source="test")  # scoped too: we are inside
        env.delete("A")
        assert env.get("A") is None
    assert env.get_all() == {"A": "1"}


def test_scope_exit_fires_callbacks_back_to_the_visible_value() -> None:
    env = IsolatedEnvironment(environ={"A": "1"}, isolated=True)
    view = _tracking(env)
    with env.scoped():
        env.set("A", "2", source="test")
        env.set("B", "3", source="test")
        env.delete("A")
    assert {k: v for k, v in view.items() if v is not None} == env.get_all() == {"A": "1"}


def test_nested_scopes_restore_the_parent_scope_values() -> None:
    env = IsolatedEnvironment(environ={}, isolated=True)
    with env:
        env.set("A", "outer", source="test")
        with env:
            env.set("A", "inner", source="test")
            assert env.get("A") == "inner"
        assert env.get("A") == "outer"
        source = env.get_variable_source("A")
        assert source is not None
        assert source.detail == "test"
    assert env.get("A") is None


def test_scope_values_reach_get_all_and_subprocess_env() -> None:
    env = IsolatedEnvironment(environ={"KEEP": "1", "DROP": "2"}, isolated=True)
    with env.scoped():
        env.set("NEW", "3", source="test")
        env.delete("DROP")
        assert env.get_subprocess_env() == {"KEEP": "1", "NEW": "3"}
        assert "NEW" in env
        assert "DROP" not in env


def test_scope_respects_protection() -> None:
    env = IsolatedEnvironment(environ={"LOCKED": "1"}, isolated=True)
    env.protect_variable("LOCKED", by="test")
    with env.scoped(), pytest.raises(Exception, match="protected"):
        env.set("LOCKED", "2", source="test")


def test_eight_threads_lose_no_update_and_close_only_their_own_scope() -> None:
    env = IsolatedEnvironment(environ={}, isolated=True)
    view = _tracking(env)
    keys = 350
    writers, scopers = 4, 4
    start = threading.Barrier(writers + scopers)
    all_entered = threading.Barrier(scopers)
    first_exit_done = threading.Event()
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        start.wait()
        for i in range(n, keys, writers):
            env.set(f"K{i}", f"w{n}", source="writer")

    def scoper(n: int) -> None:
        try:
            start.wait()
            with env.scoped():
                for i in range(keys):
                    env.set(f"K{i}", f"scoped-{n}", source="scope")
                    env.set(f"S{n}", "mine", source="scope")
                all_entered.wait()
                if n != 0:  # thread 0 leaves first, the others check they are still inside
                    first_exit_done.wait(timeout=30)
                    # Thread 0 has left its scope: ours is still open and still ours.
                    assert env.get(f"S{n}") == "mine"
                    assert all(env.get(f"K{i}") == f"scoped-{n}" for i in range(keys))
                    assert env.get("S0") is None
            if n == 0:
                first_exit_done.set()
        except BaseException as exc:  # reported after join
            errors.append(exc)
            first_exit_done.set()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
    threads += [threading.Thread(target=scoper, args=(n,)) for n in range(scopers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    final = env.get_all()
    assert final == {f"K{i}": f"w{i % writers}" for i in range(keys)}
    assert {k: v for k, v in view.items() if v is not None} == final


def test_fifty_asyncio_tasks_see_only_their_own_scope() -> None:
    env = IsolatedEnvironment(environ={"SHARED": "base"}, isolated=True)
    view = _tracking(env)

    async def request(n: int) -> str | None:
        with env.scoped():
            env.set("REQUEST_ID", str(n), source="request")
            env.set(f"SEEN_{n}", "1", source="request")
            for _ in range(5):
                await asyncio.sleep(0)  # let the 49 other tasks run in between
                assert env.get("REQUEST_ID") == str(n)
            env.set(f"DONE_{n}", "1", source="request")
            # A write outside a scope is shared; ours is not.
            seen = env.get("SHARED")
        env.set(f"AFTER_{n}", str(n), source="request")
        return seen

    async def main() -> list[str | None]:
        return await asyncio.gather(*(request(n) for n in range(50)))

    assert asyncio.run(main()) == ["base"] * 50
    final = env.get_all()
    assert "REQUEST_ID" not in final
    assert final == {"SHARED": "base", **{f"AFTER_{n}": str(n) for n in range(50)}}
    assert {k: v for k, v in view.items() if v is not None} == final


def test_exit_in_another_thread_is_refused() -> None:
    env = IsolatedEnvironment(environ={}, isolated=True)
    env.__enter__()
    failure: list[BaseException] = []

    def leave() -> None:
        try:
            env.__exit__(None, None, None)
        except RuntimeError as exc:
            failure.append(exc)

    thread = threading.Thread(target=leave)
    thread.start()
    thread.join()
    env.__exit__(None, None, None)
    assert len(failure) == 1
    assert "thread or task" in str(failure[0])


def test_bulk_operations_see_the_scope() -> None:
    env = IsolatedEnvironment(environ={"APP_A": "1", "OTHER": "x"}, isolated=True)
    with env.scoped():
        env.set("APP_B", "2", source="test")
        assert env.get_all_with_prefix("APP_") == {"APP_A": "1", "APP_B": "2"}
        env.clear()
        assert env.get_all() == {}
    assert env.get_all() == {"APP_A": "1", "OTHER": "x"}


def test_child_task_write_goes_to_its_own_copy_of_the_scope() -> None:
    env = IsolatedEnvironment(environ={"P": "base"}, isolated=True)

    async def child() -> tuple[str | None, str | None]:
        seen = env.get("P")  # the parent's scope value, read through
        env.set("P", "child", source="child")
        return seen, env.get("P")

    async def main() -> None:
        with env.scoped():
            env.set("P", "parent", source="parent")
            assert await asyncio.create_task(child()) == ("parent", "child")
            assert env.get("P") == "parent"
            env.set("P", "parent-2", source="parent")  # the parent's scope is still its own
            assert env.get("P") == "parent-2"
        assert env.get("P") == "base"

    asyncio.run(main())
    assert env.get_all() == {"P": "base"}


def test_to_thread_write_goes_to_its_own_copy_of_the_scope() -> None:
    env = IsolatedEnvironment(environ={}, isolated=True)

    def work() -> str | None:
        env.set("P", "thread", source="thread")
        return env.get("P")

    async def main() -> None:
        with env.scoped():
            env.set("P", "parent", source="parent")
            assert await asyncio.to_thread(work) == "thread"
            assert env.get("P") == "parent"

    asyncio.run(main())
    assert env.get("P") is None


def test_gather_siblings_in_one_scope_do_not_overwrite_each_other() -> None:
    env = IsolatedEnvironment(environ={}, isolated=True)

    async def sibling(n: int) -> bool:
        env.set("WHO", str(n), source="sibling")
        env.delete("SHARED_IN_SCOPE")
        for _ in range(3):
            await asyncio.sleep(0)
            if env.get("WHO") != str(n) or env.get("SHARED_IN_SCOPE") is not None:
                return False
        return True

    async def main() -> None:
        with env.scoped():
            env.set("SHARED_IN_SCOPE", "kept", source="parent")
            assert all(await asyncio.gather(*(sibling(n) for n in range(20))))
            assert env.get("WHO") is None
            assert env.get("SHARED_IN_SCOPE") == "kept"

    asyncio.run(main())
    assert env.get_all() == {}
    gc.collect()  # a finished task may sit in a reference cycle until a collection
    assert env._open_scopes == 0  # every private copy ended with its task


# -- a scope left in the wrong thread or task (issue 11, second audit) ---------------------


def test_scoped_exit_in_another_thread_is_refused_and_the_owner_still_leaves() -> None:
    env = IsolatedEnvironment(environ={}, isolated=True)
    block = env.scoped()
    block.__enter__()
    env.set("A", "1", source="test")
    failure: list[BaseException] = []

    def leave() -> None:
        try:
            block.__exit__(None, None, None)
        except RuntimeError as exc:
            failure.append(exc)

    thread = threading.Thread(target=leave)
    thread.start()
    thread.join()
    assert len(failure) == 1
    assert "another thread or task" in str(failure[0])
    assert env.get("A") == "1"  # the owner's scope is intact
    block.__exit__(None, None, None)
    assert env.get("A") is None
    assert env._open_scopes == 0


def test_scoped_entered_in_a_child_task_and_left_in_the_parent_raises_runtime_error() -> None:
    env = IsolatedEnvironment(environ={}, isolated=True)

    async def main() -> str:
        block = env.scoped()

        async def enter() -> None:
            block.__enter__()
            env.set("A", "1", source="child")

        await asyncio.create_task(enter())
        try:
            block.__exit__(None, None, None)
        except RuntimeError as exc:
            return str(exc)  # the text only: the traceback holds the block
        return "no error"

    assert "thread or task" in asyncio.run(main())
    assert env.get("A") is None
    assert env._open_scopes == 0  # the scope ended with the child's context


def test_with_env_left_in_a_child_task_raises_runtime_error_not_value_error() -> None:
    env = IsolatedEnvironment(environ={}, isolated=True)

    async def main() -> BaseException | None:
        async def leave() -> BaseException | None:
            try:
                env.__exit__(None, None, None)
            except RuntimeError as exc:
                return exc
            return None

        with env:
            env.set("A", "1", source="parent")
            failure = await asyncio.create_task(leave())
            assert env.get("A") == "1"
        return failure

    failure = asyncio.run(main())
    assert isinstance(failure, RuntimeError)
    assert env._open_scopes == 0


def test_async_fixture_with_setup_and_teardown_in_different_tasks_keeps_the_counter() -> None:
    env = IsolatedEnvironment(environ={}, isolated=True)

    async def fixture() -> AsyncIterator[None]:  # the shape of a pytest async fixture
        with env.scoped():
            env.set("C", "1", source="fixture")
            yield

    async def main() -> str | None:
        generator = fixture()
        await asyncio.create_task(generator.__anext__())  # setup in one task

        async def teardown() -> None:
            with pytest.raises(StopAsyncIteration):
                await generator.__anext__()

        try:
            await asyncio.create_task(teardown())  # teardown in another
        except RuntimeError as exc:
            return str(exc)  # the text only: the traceback holds the fixture's frames
        return None

    message = asyncio.run(main())
    assert message is not None
    assert "thread or task" in message
    assert env.get("C") is None
    assert env._open_scopes == 0  # reads keep their fast path, no garbage collection needed
