"""The health server: ``/health``, ``/metrics``, ``/config``, live events and a dashboard.

Needs ``pip install 'confwarden[server]'`` (Starlette, uvicorn, prometheus-client); importing
this package without them fails with a :class:`~confwarden.errors.MissingDependencyError`
giving that command. See docs/server.md.
"""

from __future__ import annotations

import importlib.util

from confwarden.errors import MissingDependencyError

for _module in ("starlette", "prometheus_client"):
    if importlib.util.find_spec(_module) is None:
        raise MissingDependencyError("confwarden.server", "server", _module)

from confwarden.monitoring.hub import MonitoringHub  # noqa: E402
from confwarden.server.app import create_app  # noqa: E402
from confwarden.server.auth import TokenGuard, is_loopback  # noqa: E402

__all__ = ["MonitoringHub", "TokenGuard", "create_app", "is_loopback"]
