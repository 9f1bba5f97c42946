"""Fixtures of the component tests: the real servers, and a canary secret.

``tests/`` is not a package, so the repository root is put on ``sys.path`` to import the
shared server fixtures from ``tests.servers`` (also run as ``.venv/bin/pytest``, where the
working directory is not on the path).
"""

from __future__ import annotations

import sys
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from tests.servers.postgres import postgres_server  # noqa: E402
from tests.servers.redis import redis_server  # noqa: E402

__all__ = ["postgres_server", "redis_server"]
