"""``python -m confwarden``: the same command line as the ``confwarden`` script."""

from __future__ import annotations

import sys

from confwarden.cli import main

__all__: list[str] = []

if __name__ == "__main__":
    sys.exit(main())
