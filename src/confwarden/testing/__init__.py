"""Test-suite support behind the pytest plugin: leak detection and the isolated-env fixtures.

``confwarden.pytest_plugin`` is the thin pytest-facing module (hooks, options, fixtures); the
logic lives here so that it can be tested and reused without pytest:

* :mod:`confwarden.testing.leaks`: :class:`LeakDetector`, a model of what ``os.environ`` should
  contain at each point of a test run, and the report of what differs.
* :mod:`confwarden.testing.cenv`: :class:`CEnvironmentWatch`, which notices ``os.putenv`` and
  ``os.unsetenv`` (they change the C environment but not ``os.environ``).
* :mod:`confwarden.testing.session`: the pytest hooks that run the checks and report leaks.
* :mod:`confwarden.testing.fixtures`: installing a fresh isolated process environment for one
  test, and resetting the configuration cache.
* :mod:`confwarden.testing.live`: :class:`TestEnvironment`, the process environment under
  test: ``os.environ`` read live (``monkeypatch`` works), the test's own writes kept apart.

Nothing here is imported by ``import confwarden``.
"""

from __future__ import annotations

__all__: list[str] = []
