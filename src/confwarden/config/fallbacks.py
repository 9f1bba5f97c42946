"""Environment fallbacks: what fills a missing value in development and testing only.

DESIGN.md: development gets generated secrets (with a warning, so nobody mistakes them for
configuration), testing gets test defaults; staging and production get nothing and fail
fast. Generated secrets are random, generated once per project checkout and machine by
:class:`~confwarden.environment.dev_secrets.DevSecretStore` and shared by the project's
services there, so tokens one development service issues verify in another, and never in
someone else's installation (spec/003 "SharedJWTSecretManager").

Test defaults are served only under a test runner: ``ENVIRONMENT=testing`` copied into a
deployment gets no secret anyone knows. The core's table names only the variables of
:class:`~confwarden.config.common.ServiceConfig`; a preset adds its own (OAuth test
credentials, an in-memory database) with :class:`TestDefaultsSource` in its schema's
``config_sources``.
"""

from __future__ import annotations

import secrets
import sys
from collections.abc import Iterable, Mapping
from types import ModuleType

from confwarden.config.spec import FieldSpec
from confwarden.environment.detection import Environment, EnvironmentDetector
from confwarden.environment.dev_secrets import DevSecretStore
from confwarden.environment.policy import FallbackKind, policy_for
from confwarden.environment.provenance import Source, SourceKind
from confwarden.secrets.base import SourceHit, ValueSource

__all__ = [
    "DEVELOPMENT_DEFAULTS",
    "TEST_DEFAULTS",
    "FallbackSource",
    "TestDefaultsSource",
    "published_defaults",
    "under_test_runner",
]

# Never secrets anyone relies on: they exist so a test suite runs with no configuration.
# Their values are public (they are in this file), so staging and production refuse them
# (components/weak_secrets.py) and they are served only under a test runner.
TEST_DEFAULTS: Mapping[str, str] = {
    "SERVICE_ID": "test-service",
}

DEVELOPMENT_DEFAULTS: Mapping[str, str] = {
    "SERVICE_ID": "dev-service",
}

_TEST_LABEL = "test default"
# Every value of every defaults table this process has seen: the core's and those a preset
# hands to TestDefaultsSource (in any environment: a table is public the moment it is in
# a package). Staging and production refuse them in any field (``defaults.library_value``).
_published: set[str] = {*TEST_DEFAULTS.values(), *DEVELOPMENT_DEFAULTS.values()}


_FLAGS = frozenset({"true", "false", "yes", "no", "on", "off", "none", "null"})


def _identifying(value: str) -> bool:
    # "true" or "5" in a defaults table (USE_MEMORY_DB) is no identity: refusing it in
    # production would refuse every flag. Only values that name something are kept.
    text = value.strip().lower()
    return bool(text) and text not in _FLAGS and not text.replace(".", "").isdigit()


def published_defaults() -> frozenset[str]:
    """The test and development default values known to this process (public values).

    Example:
        >>> "test-service" in published_defaults()
        True
    """
    return frozenset(_published)


def under_test_runner(
    environ: Mapping[str, str] | None = None, modules: Mapping[str, ModuleType] | None = None
) -> bool:
    """Whether a test runner (pytest) runs this process; test defaults need one.

    Example:
        >>> under_test_runner({}, modules={})
        False
    """
    import os

    detector = EnvironmentDetector(
        os.environ if environ is None else environ,
        modules=sys.modules if modules is None else modules,
    )
    return detector.test_runner_reason() is not None


class TestDefaultsSource(ValueSource):
    """Fixed values for a test suite, served only in testing and under a test runner.

    A preset puts its own (OAuth test client ids, ``USE_MEMORY_DB``) after the default
    sources in its schema's ``config_sources``.

    Args:
        environment: the environment; nothing is served outside testing.
        values: variable -> test value.
        test_runner: whether a test runner runs this process (None: detect it).

    Example:
        >>> source = TestDefaultsSource(Environment.TESTING, {"X_ID": "t"}, test_runner=True)
        >>> source.lookup("X_ID").value
        't'
    """

    __test__ = False  # not a pytest test class
    kind = SourceKind.FALLBACK
    name = "test defaults"
    consult_when_shadowed = False

    def __init__(
        self,
        environment: Environment,
        values: Mapping[str, str],
        *,
        test_runner: bool | None = None,
    ) -> None:
        _published.update(value for value in values.values() if _identifying(value))
        served = policy_for(environment).fallbacks is FallbackKind.TEST_DEFAULTS
        if served and test_runner is None:
            test_runner = under_test_runner()
        self._values: Mapping[str, str] = values if served and test_runner else {}
        self._source = Source(SourceKind.FALLBACK, _TEST_LABEL)

    def is_empty(self) -> bool:
        """True when nothing is served (not testing, or no test runner)."""
        return not self._values

    def lookup(self, variable: str) -> SourceHit | None:
        """The test value of ``variable``, if any."""
        value = self._values.get(variable)
        return None if value is None else SourceHit(variable, value, self._source)


class FallbackSource(ValueSource):
    """Fallback values of one environment (none in staging and production).

    Args:
        environment: the environment; its policy says which fallbacks apply.
        fields: the schema's fields; sensitive critical fields (that allow fallbacks) get
            generated secrets.
        dev_secrets: where development secrets live (default: the project's store).
        test_runner: whether a test runner runs this process (None: detect it); testing
            without one gets no fallback at all.
    """

    kind = SourceKind.FALLBACK
    consult_when_shadowed = False

    def __init__(
        self,
        environment: Environment,
        fields: Iterable[FieldSpec] = (),
        *,
        dev_secrets: DevSecretStore | None = None,
        test_runner: bool | None = None,
    ) -> None:
        self.environment = environment
        self.fallbacks = policy_for(environment).fallbacks
        self.name = f"{self.fallbacks.value} fallbacks"
        self._testing = self.fallbacks is FallbackKind.TEST_DEFAULTS
        if self._testing and test_runner is None:
            test_runner = under_test_runner()
        self._active = self.fallbacks is not FallbackKind.NONE and (
            not self._testing or bool(test_runner)
        )
        self._store = dev_secrets
        self._generated: set[str] = set()
        self._blocked: set[str] = set()
        for spec in fields:
            names = spec.variable_names(environment)
            if not spec.fallback_allowed:
                self._blocked.update(names)
            elif spec.sensitive and spec.critical:
                self._generated.add(names[0])

    def is_empty(self) -> bool:
        """True where no fallback applies (staging, production, testing without a runner)."""
        return not self._active

    def lookup(self, variable: str) -> SourceHit | None:
        """The fallback for ``variable`` in this environment, if it has one."""
        if not self._active or variable in self._blocked:
            return None
        table = TEST_DEFAULTS if self._testing else DEVELOPMENT_DEFAULTS
        value = table.get(variable)
        if value is not None:
            label = _TEST_LABEL if self._testing else "development default"
            return SourceHit(variable, value, Source(SourceKind.FALLBACK, label))
        if variable not in self._generated:
            return None
        if self._testing:
            # Per process: a test run needs a value, not one shared with anybody.
            origin = Source(SourceKind.FALLBACK, "generated test secret")
            return SourceHit(variable, _test_secret(variable), origin)
        store = self._store or DevSecretStore.default()
        return SourceHit(
            variable,
            store.get(variable),
            Source(SourceKind.FALLBACK, f"generated development secret ({store.directory})"),
        )


_test_secrets: dict[str, str] = {}


def _test_secret(variable: str) -> str:
    return _test_secrets.setdefault(variable, "confwarden-test-" + secrets.token_urlsafe(48))
