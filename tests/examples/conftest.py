"""Fixtures of the example tests: the real servers the shop example runs against.

``tests/`` is not a package, so the repository root is put on ``sys.path`` to import the
shared server fixtures from ``tests.servers``.
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
