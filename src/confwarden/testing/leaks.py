"""Environment-leak detection: what ``os.environ`` should contain, and who changed it.

spec/003, "The 5 Whys": a test that sets a variable affects every test after it, and nobody
can tell which one did it. :class:`LeakDetector` keeps a model of what ``os.environ`` should
contain at each point of a test run and compares it with what it does contain:

* the **base**: ``os.environ`` when the first test starts (what conftest modules and plugins
  set while pytest started and collected is accepted);
* plus the **setup changes of every live fixture**, recorded around each fixture's setup: a
  session or module fixture that sets a variable on purpose is charged to that fixture, never
  to the first test that happens to run, and is allowed as long as the fixture lives.

At each check (after a test's setup, after its teardown, and between two tests) the real
``os.environ`` must equal the model. Every difference is a leak; it is reported with the keys,
masked values, the test and the most likely culprit (the test itself, a fixture whose teardown
did not restore what its setup changed, a fixture whose teardown changed something, or code
running between tests), and ``os.environ`` is restored to the model so the next test is clean.

Comparisons use ``os.environ``'s internal dictionary (``os._Environ._data``) when it has one:
comparing and copying a dict of bytes is a C-level operation, which keeps the overhead per test
in microseconds; values are decoded only when something differs. Any other mapping (a plain
dict in this module's own tests) is used as it is.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Hashable, Iterable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

from confwarden.testing.cenv import CEnvironmentWatch

__all__ = ["IGNORED_VARIABLES", "Leak", "LeakDetector", "LeakedVariable"]

IGNORED_VARIABLES = ("PYTEST_CURRENT_TEST",)
"""Variables pytest itself changes during every test phase."""

_Describe = Callable[[], str]


@dataclass(frozen=True, slots=True)
class LeakedVariable:
    """One variable a leak changed; values are masked with :func:`mask_value`.

    Attributes:
        key: the variable name.
        before: the masked value it should have (None: it should be unset).
        after: the masked value it had (None: it was unset).
        culprit: who most likely changed it.
        c_level: the difference is in the C environment (``os.putenv``/``os.unsetenv``),
            not in ``os.environ``.
    """

    key: str
    before: str | None
    after: str | None
    culprit: str
    c_level: bool = False

    @property
    def change(self) -> str:
        """``added``, ``removed`` or ``changed``."""
        if self.before is None:
            return "added"
        if self.after is None:
            return "removed"
        return "changed"

    def describe(self) -> str:
        """One line: the key, the change with masked values, and the culprit."""
        where = "C environment (os.putenv/os.unsetenv)" if self.c_level else "os.environ"
        if self.before is None:
            change = f"added {self.after!r}"
        elif self.after is None:
            change = f"removed (was {self.before!r})"
        else:
            change = f"changed {self.before!r} -> {self.after!r}"
        return f"{self.key}: {change} in {where}, by {self.culprit}"


@dataclass(frozen=True, slots=True)
class Leak:
    """Everything one check found.

    Attributes:
        nodeid: the test during or after which the leak was found (None at session end).
        phase: ``setup``, ``teardown``, ``between`` (after a test ended, before the next
            started) or ``session`` (after the last test).
        variables: the changed variables, sorted by key.
    """

    nodeid: str | None
    phase: str
    variables: tuple[LeakedVariable, ...] = field(default_factory=tuple)

    @property
    def keys(self) -> tuple[str, ...]:
        """The names of the leaked variables."""
        return tuple(v.key for v in self.variables)

    def headline(self) -> str:
        """One line naming the test and the keys, for summaries."""
        keys = ", ".join(self.keys)
        if self.phase == "between":
            return f"environment changed between tests, after {self.nodeid}: {keys}"
        if self.phase == "session":
            return f"environment changed after the last test: {keys}"
        return f"environment leak at {self.phase} of {self.nodeid}: {keys}"

    def format(self) -> str:
        """The full report: headline, one line per variable, what was done, how to fix it."""
        lines = [f"confwarden: {self.headline()}"]
        lines += [f"  {variable.describe()}" for variable in self.variables]
        lines.append(
            "os.environ has been restored for the next test. Change the environment of a test "
            "with monkeypatch.setenv()/delenv(), the isolated_env fixture or "
            "@pytest.mark.env(...), or restore it in the fixture's teardown."
        )
        return "\n".join(lines)


@dataclass(slots=True)
class _FixtureChange:
    describe: _Describe
    delta: dict[Any, Any]  # raw key -> raw value, None for a removal


class LeakDetector:
    """Model what ``environ`` should contain during a test run and report differences.

    Args:
        environ: the environment to watch and restore; ``os.environ`` by default.
        c_watch: the ``os.putenv``/``os.unsetenv`` watch, or None not to look at the C
            environment (the default for mappings other than ``os.environ``).
        ignored: variables never reported (pytest's own ``PYTEST_CURRENT_TEST``).

    Example:
        >>> environ = {"HOME": "/root"}
        >>> detector = LeakDetector(environ)
        >>> detector.start()
        >>> environ["API_TOKEN"] = "abc123"
        >>> leak = detector.check(nodeid="test_x", phase="teardown", culprit="the test")
        >>> leak.variables[0].describe()
        "API_TOKEN: added '***' in os.environ, by the test"
        >>> environ
        {'HOME': '/root'}
    """

    def __init__(
        self,
        environ: MutableMapping[str, str] | None = None,
        *,
        c_watch: CEnvironmentWatch | None = None,
        ignored: Iterable[str] = IGNORED_VARIABLES,
    ) -> None:
        self._environ: MutableMapping[str, str] = os.environ if environ is None else environ
        data = getattr(self._environ, "_data", None)
        if isinstance(data, dict) and hasattr(self._environ, "decodekey"):
            env: Any = self._environ
            self._raw: MutableMapping[Any, Any] = data
            self._decode_key: Callable[[Any], str] = env.decodekey
            self._decode_value: Callable[[Any], str] = env.decodevalue
            self._encode_key: Callable[[str], Any] = env.encodekey
        else:
            self._raw = self._environ
            self._decode_key = self._decode_value = self._encode_key = _same
        self._c_watch = c_watch
        self._ignored = tuple(self._encode_key(name) for name in ignored)
        self._base: dict[Any, Any] | None = None
        self._expected: dict[Any, Any] = {}
        self._alive: dict[Hashable, _FixtureChange] = {}
        # Since the last check: what the setup of each finished fixture changed, and which
        # fixture teardown last changed each key (for attribution only).
        self._finished_setup: dict[Any, _Describe] = {}
        self._teardown_changes: dict[Any, _Describe] = {}
        # The raw state at the last point where it was known, None when it equals the model.
        self._mark: dict[Any, Any] | None = None

    @property
    def started(self) -> bool:
        """True once :meth:`start` (or the first :meth:`check`) took the base snapshot."""
        return self._base is not None

    def start(self) -> None:
        """Take the base snapshot: what the environment contains is accepted from now on."""
        self._base = dict(self._raw)
        for key in self._ignored:
            self._base.pop(key, None)
        self._expected = dict(self._base)
        self._alive.clear()
        self._forget_attribution()

    # -- fixtures ---------------------------------------------------------------------------

    def fixture_setup_started(self) -> dict[Any, Any]:
        """A snapshot to hand back to :meth:`fixture_setup_finished`."""
        return dict(self._raw)

    def fixture_setup_finished(
        self, owner: Hashable, describe: _Describe, before: dict[Any, Any]
    ) -> None:
        """Accept what a fixture's setup changed, for as long as the fixture lives.

        Args:
            owner: identifies the fixture instance (its definition object).
            describe: returns the fixture's description, called only if it changed something.
            before: the snapshot :meth:`fixture_setup_started` returned.
        """
        raw = self._raw
        if raw == before or self._base is None:
            return
        delta: dict[Any, Any] = {}
        for key in before.keys() | raw.keys():
            if key in self._ignored:
                continue
            value = raw.get(key)
            if before.get(key) != value:
                delta[key] = value
        if not delta:
            return
        self._alive[owner] = _FixtureChange(describe, delta)
        _apply(self._expected, delta)
        if self._mark is not None:
            _apply(self._mark, delta)

    def fixture_torn_down(self, owner: Hashable, describe: _Describe) -> None:
        """Note that a fixture's teardown finished; what it changed is remembered for blame."""
        if self._base is None:
            return
        reference = self._reference()
        raw = self._raw
        if raw != reference:
            # Most of the time this is monkeypatch undoing a test's change: keep it cheap
            # (set operations in C, the description built only if a leak is reported).
            current = dict(raw)
            for key, _value in current.items() ^ reference.items():
                self._teardown_changes[key] = describe
            self._mark = current
        change = self._alive.pop(owner, None)
        if change is None:
            return
        if self._mark is None:
            # The model is about to drop this fixture's changes; what is still there is
            # not the doing of the next fixture torn down.
            self._mark = dict(raw)
        for key in change.delta:
            self._finished_setup[key] = change.describe
        self._expected = self._model()

    def mark(self) -> None:
        """Remember the current state (call it after a test's call phase) for blame."""
        if self._base is not None and self._raw != self._reference():
            self._mark = dict(self._raw)

    # -- checks -----------------------------------------------------------------------------

    def is_clean(self) -> bool:
        """True when the environment (and the C environment) matches the model."""
        if self._base is None:
            return True
        self._sync_ignored(self._expected)
        c_watch = self._c_watch
        return self._raw == self._expected and not (c_watch is not None and c_watch.pending)

    def check(
        self, *, nodeid: str | None, phase: str, culprit: str | Callable[[], str]
    ) -> Leak | None:
        """Compare with the model; report and restore every difference.

        The first call only takes the base snapshot.

        Args:
            nodeid: the test the check belongs to (for the report).
            phase: ``setup``, ``teardown``, ``between`` or ``session``.
            culprit: who to blame for a difference no fixture explains (or a callable
                returning it, called only when there is one).

        Returns:
            The leak, or None when the environment matches the model.
        """
        if self._base is None:
            self.start()
            return None
        # The hot path, once per test phase: one C-level dict comparison.
        expected, raw = self._expected, self._raw
        for key in self._ignored:
            value = raw.get(key)
            if expected.get(key) != value:
                if value is None:
                    expected.pop(key, None)
                else:
                    expected[key] = value
        c_watch = self._c_watch
        if raw == expected and (c_watch is None or not c_watch.pending):
            if self._mark is not None or self._finished_setup or self._teardown_changes:
                self._forget_attribution()
            return None
        if not isinstance(culprit, str):
            culprit = culprit()
        variables = self._os_differences(culprit) + self._c_differences(culprit)
        self._forget_attribution()
        if not variables:
            return None
        return Leak(nodeid, phase, tuple(sorted(variables, key=lambda v: (v.key, v.c_level))))

    def _os_differences(self, culprit: str) -> list[LeakedVariable]:
        expected, raw = self._expected, self._raw
        if raw == expected:
            return []
        # Imported on the first leak: a suite that never uses confwarden does not load the
        # environment layer for the plugin's sake.
        from confwarden.environment.masking import mask_value

        current = dict(raw)
        found: list[LeakedVariable] = []
        for key in sorted(expected.keys() | current.keys()):
            before, after = expected.get(key), current.get(key)
            if key in self._ignored or before == after:
                continue
            name = self._decode_key(key)
            blame = self._blame(key, culprit)
            found.append(
                LeakedVariable(
                    name,
                    mask_value(name, None if before is None else self._decode_value(before)),
                    mask_value(name, None if after is None else self._decode_value(after)),
                    blame,
                )
            )
            # Through the mapping, so that os.environ also puts the C environment back.
            if before is None:
                del self._environ[name]
            else:
                self._environ[name] = self._decode_value(before)
        return found

    def _c_differences(self, culprit: str) -> list[LeakedVariable]:
        watch = self._c_watch
        if watch is None or not watch.pending:
            return []
        from confwarden.environment.masking import mask_value

        found: list[LeakedVariable] = []
        for name in sorted(watch.take()):
            raw_expected = self._expected.get(self._encode_key(name))
            expected = None if raw_expected is None else self._decode_value(raw_expected)
            actual = watch.getenv(name)
            if actual == expected or name in IGNORED_VARIABLES:
                continue
            found.append(
                LeakedVariable(
                    name, mask_value(name, expected), mask_value(name, actual), culprit, True
                )
            )
            watch.set_c_value(name, expected)
        return found

    # -- internals --------------------------------------------------------------------------

    def _model(self) -> dict[Any, Any]:
        assert self._base is not None
        model = dict(self._base)
        for change in self._alive.values():
            _apply(model, change.delta)
        return model

    def _blame(self, key: Any, culprit: str) -> str:
        in_teardown = self._teardown_changes.get(key)
        if in_teardown is not None:
            return f"the teardown of {in_teardown()}"
        in_setup = self._finished_setup.get(key)
        if in_setup is not None:
            return f"{in_setup()}: set at setup, not restored by its teardown"
        return culprit

    def _reference(self) -> dict[Any, Any]:
        reference = self._expected if self._mark is None else self._mark
        self._sync_ignored(reference)
        return reference

    def _sync_ignored(self, target: dict[Any, Any]) -> None:
        # pytest rewrites PYTEST_CURRENT_TEST at every phase: copy it so that dict equality
        # (one C-level comparison) stays the whole check.
        raw = self._raw
        for key in self._ignored:
            value = raw.get(key)
            if target.get(key) != value:
                if value is None:
                    target.pop(key, None)
                else:
                    target[key] = value

    def _forget_attribution(self) -> None:
        if self._finished_setup:
            self._finished_setup.clear()
        if self._teardown_changes:
            self._teardown_changes.clear()
        self._mark = None


def _apply(target: dict[Any, Any], delta: dict[Any, Any]) -> None:
    for key, value in delta.items():
        if value is None:
            target.pop(key, None)
        else:
            target[key] = value


def _same(value: Any) -> Any:
    return value
