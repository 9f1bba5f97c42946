"""Scopes: changes that belong to one thread or one asyncio task, and end with its block.

A scope is an **overlay** kept in a :class:`contextvars.ContextVar`. Inside
``with env.scoped():`` every ``set``/``delete`` goes to the overlay of the current context,
never to the shared store, and every read looks at the overlay first. So:

* a scope undoes only its own changes (there is nothing else to undo: leaving it drops the
  overlay), and a write another thread makes to the shared store meanwhile is never lost;
* each thread has its own context, and each asyncio task a copy of its creator's, so a
  request sees its own values without touching anybody else's; thread A leaving its scope
  cannot close thread B's;
* leaving a scope reports every value it changed as a change back to the value now visible,
  so change callbacks (a ``ChangeTracker``) end where they started.

**Tasks and threads started inside a scope** (``asyncio.create_task``, ``gather``,
``asyncio.to_thread``, a ``contextvars.copy_context().run``) inherit the context, hence the
scope: they read its values. A scope belongs to the thread and task that opened it, so the
first write from any other thread or task is **copy-on-write**: the writer gets a private
copy of the scope's overlay, installed in its own context, and writes there; the parent and
the siblings never see it, and the copy ends with the writer (its context). Its changes are
reported to the change callbacks when made, not when the copy ends (nothing runs then): a
child that needs its changes reported back opens its own scope (``with env.scoped():``).
Reading with no scope active anywhere costs one integer test.

**A scope is left where it was entered.** Leaving it from another thread or task (an
``async`` pytest fixture whose setup and teardown run in different tasks) raises
``RuntimeError`` and changes nothing: the owner can still leave it, and when the thread or
task that entered it ends without leaving, the scope ends with it (its context is gone) and
stops counting as open, so reads get their fast path back.
"""

from __future__ import annotations

import sys
import threading
import weakref
from collections.abc import Callable
from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from confwarden.environment.provenance import Source

__all__ = ["Scope", "ScopeBlock", "ScopeStack", "current_owner"]

T = TypeVar("T")

ELSEWHERE = (
    "this environment scope was entered in another thread or task; leave it in the thread or "
    "task that entered it (an async fixture's setup and teardown can run in different tasks: "
    "see docs/environment.md, 'Scopes in async fixtures')"
)
ENDED = (
    "the thread or task that entered this environment scope has ended, and the scope with it; "
    "leave a scope in the thread or task that entered it"
)


def current_owner() -> tuple[int, int]:
    """The calling thread and asyncio task (0 outside a task), as a scope's owner."""
    task = None
    asyncio = sys.modules.get("asyncio")  # no task can run unless asyncio was imported
    if asyncio is not None:
        try:
            task = asyncio.current_task()
        except RuntimeError:  # no running event loop in this thread
            task = None
    return threading.get_ident(), 0 if task is None else id(task)


@dataclass(eq=False, slots=True, weakref_slot=True)
class Scope:
    """One active scope: the values it set (``None`` for deleted) and their sources.

    A nested scope starts with a copy of its parent's overlay, so a read needs one lookup.
    ``owner`` is the thread and task that opened it; ``origin`` is set on a private copy
    made for another writer (copy-on-write), which no ``with`` block closes.
    """

    values: dict[str, str | None] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    parent: Scope | None = None
    token: Token[Scope | None] | None = None
    owner: tuple[int, int] = (0, 0)
    origin: Scope | None = None
    # Detaches the finalizer that stops counting the scope as open when it dies unclosed.
    release: Callable[[], object] | None = None


class ScopeStack:
    """The scopes of one environment, per context (thread or asyncio task)."""

    __slots__ = ("_var", "current")

    def __init__(self, name: str) -> None:
        self._var: ContextVar[Scope | None] = ContextVar(name, default=None)
        # The innermost scope of the calling context, or None: the ContextVar's own bound
        # method, so that a read on the hot path calls C directly.
        self.current = self._var.get

    def push(self) -> Scope:
        """Open a scope in the calling context, nested in the current one if any."""
        parent = self._var.get()
        scope = (
            Scope(dict(parent.values), dict(parent.sources), parent)
            if parent is not None
            else Scope()
        )
        scope.owner = current_owner()
        scope.token = self._var.set(scope)
        return scope

    def fork(self, scope: Scope) -> Scope:
        """Give the calling context its own copy of ``scope`` (copy-on-write) and return it.

        Called on the first write of a thread or task that inherited ``scope`` from the one
        that opened it; the copy lives in the caller's context only, and ends with it.
        """
        copy = Scope(dict(scope.values), dict(scope.sources), scope.parent, owner=current_owner())
        copy.origin = scope
        copy.token = self._var.set(copy)
        return copy

    def pop(self, expected: Scope | None = None, token: Token[Scope | None] | None = None) -> Scope:
        """Close the innermost scope of the calling context (``expected``, when given, with
        the ``token`` its block kept) and return it. A refused close changes nothing.

        Raises:
            RuntimeError: no scope is open in this context, or the scope was entered in
                another thread or task (a ``with`` block left elsewhere).
        """
        scope = self._var.get()
        problem = _refusal(scope, expected)
        token = token or (scope.token if scope is not None else None)
        if problem is None and scope is not None and token is not None:
            try:
                self._var.reset(token)
                return scope
            except ValueError:  # the same thread and task, another context (copy_context)
                problem = ELSEWHERE
        # Not kept in the traceback's frames: the scope must die with its thread or task.
        scope = expected = token = None
        raise RuntimeError(problem)


def _refusal(scope: Scope | None, expected: Scope | None) -> str | None:
    """Why the calling context cannot close ``scope`` (its current one), or None."""
    if expected is not None and scope is not expected:
        return ELSEWHERE
    if scope is None or (scope.token is None and expected is None) or scope.origin is not None:
        return (
            "no environment scope is open in this thread or task; leave a scope in the "
            "thread or task that entered it"
        )
    if scope.owner != current_owner():
        return ELSEWHERE  # inherited by a child task or thread
    return None


class ScopeBlock(Generic[T]):
    """One ``with env.scoped():`` block: entered once, left where it was entered.

    It holds its scope weakly: the scope lives in the context of the thread or task that
    entered it, and ends with it. The block keeps the scope's ``contextvars`` token, which
    refers to that context: kept on the scope, it would make a cycle that only the garbage
    collector ends. Leaving from elsewhere raises ``RuntimeError`` and leaves the block as
    it was, so the owner's own exit still works.
    """

    __slots__ = ("_enter", "_leave", "_scope", "_target", "_token")

    def __init__(
        self,
        target: T,
        enter: Callable[[], Scope],
        leave: Callable[[Scope, Token[Scope | None] | None], None],
    ) -> None:
        self._target = target
        self._enter = enter
        self._leave = leave
        self._scope: weakref.ref[Scope] | None = None
        self._token: Token[Scope | None] | None = None

    def __enter__(self) -> T:
        if self._scope is not None:
            raise RuntimeError("this scope block is already entered; call env.scoped() again")
        scope = self._enter()
        self._token, scope.token = scope.token, None
        self._scope = weakref.ref(scope)
        return self._target

    def __exit__(self, *exc_info: object) -> None:
        if self._scope is None:
            raise RuntimeError("this environment scope was not entered, or was already left")
        scope = self._scope()
        if scope is None:
            raise RuntimeError(ENDED)
        try:
            self._leave(scope, self._token)
        except RuntimeError:
            scope = None  # not kept alive by the traceback's frames
            raise
        self._scope = self._token = None
