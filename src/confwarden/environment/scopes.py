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

A task created inside a scope starts with that scope's values (a copy of the context); its
own scopes are its own. Reading with no scope active anywhere costs one integer test.
"""

from __future__ import annotations

from contextvars import ContextVar, Token
from dataclasses import dataclass, field

from confwarden.environment.provenance import Source

__all__ = ["Scope", "ScopeStack"]


@dataclass(eq=False, slots=True)
class Scope:
    """One active scope: the values it set (``None`` for deleted) and their sources.

    A nested scope starts with a copy of its parent's overlay, so a read needs one lookup.
    """

    values: dict[str, str | None] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    parent: Scope | None = None
    token: Token[Scope | None] | None = None


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
        scope.token = self._var.set(scope)
        return scope

    def pop(self) -> Scope:
        """Close the innermost scope of the calling context and return it.

        Raises:
            RuntimeError: no scope is open in this context (a ``with env:`` left in another
                thread or task than the one that entered it).
        """
        scope = self._var.get()
        if scope is None or scope.token is None:
            raise RuntimeError(
                "no environment scope is open in this thread or task; leave a scope in the "
                "thread or task that entered it"
            )
        self._var.reset(scope.token)
        return scope
