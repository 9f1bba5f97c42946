"""The test environment: ``os.environ`` read live, the test's own writes kept apart.

Why ``monkeypatch.setenv("SHOP_PAGE_SIZE", "10")`` was not seen by ``bootstrap()``: the
process-wide environment under pytest was an isolated *copy* of ``os.environ`` taken before
the first test (the plugin builds it before the run). ``monkeypatch`` changes ``os.environ``
afterwards, and a copy cannot see that. pytest-based suites set variables with
``monkeypatch`` all the time (spec/003 asks the test environment to "sync with os.environ
for pytest compatibility"), so the copy was the wrong model for tests.

:class:`TestEnvironment` keeps both promises: every read sees ``os.environ`` as it is now
(``monkeypatch`` works at any time, and is undone by ``monkeypatch``), and every write through
the environment (``get_env().set(...)``, ``.env`` loading, markers) stays in the test's own
overlay, never reaching ``os.environ``, so a test cannot leak through it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, MutableMapping

from confwarden.environment.isolated import IsolatedEnvironment

__all__ = ["LiveEnviron", "TestEnvironment"]

_ABSENT = object()


class LiveEnviron(MutableMapping[str, str]):
    """A mapping over ``base`` (``os.environ``) read live, with local sets and deletions.

    Example:
        >>> base = {"A": "1"}
        >>> live = LiveEnviron(base)
        >>> live["B"] = "2"
        >>> base["A"] = "changed later"
        >>> dict(live), base
        ({'B': '2', 'A': 'changed later'}, {'A': 'changed later'})
    """

    def __init__(self, base: MutableMapping[str, str] | None = None) -> None:
        self._base: MutableMapping[str, str] = os.environ if base is None else base
        self._set: dict[str, str] = {}
        self._deleted: set[str] = set()

    def __getitem__(self, key: str) -> str:
        value = self._set.get(key, _ABSENT)
        if value is not _ABSENT:
            return value  # type: ignore[return-value]
        if key in self._deleted:
            raise KeyError(key)
        return self._base[key]

    def get(self, key: str, default: str | None = None) -> str | None:  # type: ignore[override]
        """The value of ``key`` (local first, then the live base), or ``default``."""
        value = self._set.get(key, _ABSENT)
        if value is not _ABSENT:
            return value  # type: ignore[return-value]
        if key in self._deleted:
            return default
        return self._base.get(key, default)

    def __setitem__(self, key: str, value: str) -> None:
        if key not in self._set and key not in self._deleted and self._base.get(key) == value:
            # Equal to the live value: no override, so later os.environ changes stay visible
            # (a scope putting values back must not freeze them).
            return
        self._set[key] = value
        self._deleted.discard(key)

    def __delitem__(self, key: str) -> None:
        if key not in self:
            raise KeyError(key)
        self._set.pop(key, None)
        self._deleted.add(key)

    def __contains__(self, key: object) -> bool:
        if key in self._set:
            return True
        return key not in self._deleted and key in self._base

    def __iter__(self) -> Iterator[str]:
        yield from self._set
        for key in list(self._base):
            if key not in self._set and key not in self._deleted:
                yield key

    def __len__(self) -> int:
        return sum(1 for _ in self)

    @property
    def base(self) -> MutableMapping[str, str]:
        """The mapping read live."""
        return self._base

    def local_changes(self) -> dict[str, str | None]:
        """What was set (value) or deleted (None) through this mapping."""
        changes: dict[str, str | None] = dict.fromkeys(self._deleted)
        changes.update(self._set)
        return changes


class TestEnvironment(IsolatedEnvironment):
    """An isolated environment for tests that reads ``os.environ`` live.

    Isolated in the sense that matters to a test: nothing written through it reaches
    ``os.environ``. Unlike a copy, it sees what ``monkeypatch.setenv`` does at any time.

    Args:
        base: the mapping read live (``os.environ`` by default).

    Example:
        >>> base = {"SHOP_PAGE_SIZE": "50"}
        >>> env = TestEnvironment(base)
        >>> base["SHOP_PAGE_SIZE"] = "10"          # what monkeypatch.setenv does
        >>> env.set("FEATURE_X", "on", source="doc")
        >>> env.get("SHOP_PAGE_SIZE"), "FEATURE_X" in base
        ('10', False)
    """

    __test__ = False  # a helper class, not a pytest test class

    def __init__(self, base: MutableMapping[str, str] | None = None) -> None:
        self.live = LiveEnviron(base)
        super().__init__(environ=self.live, isolated=False)

    def is_isolated(self) -> bool:
        """True: writes never reach the process environment."""
        return True

    def enable_isolation(self) -> None:
        """Nothing to do: a test environment is isolated from the start."""

    def get_changes_since_init(self) -> dict[str, tuple[str | None, str | None]]:
        """The changes made through this environment (not what ``os.environ`` did)."""
        base = self.live.base
        return {key: (base.get(key), value) for key, value in self.live.local_changes().items()}
