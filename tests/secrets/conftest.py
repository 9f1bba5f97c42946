"""Fixtures of the secret-source tests: a real etcd (see tests/servers/README.md).

``tests/`` is not a package, so the repository root is put on ``sys.path`` to import the
shared server fixtures from ``tests.servers``.
"""

from __future__ import annotations

import sys
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from tests.servers.etcd import etcd_server  # noqa: E402

__all__ = ["etcd_server"]
