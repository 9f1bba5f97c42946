"""``python -m confwarden``: the same command line as the ``confwarden`` script."""

from __future__ import annotations

import sys

__all__: list[str] = []

if __name__ == "__main__":
    # Imported only when run: nothing that imports the package pulls in the CLI (click).
    from confwarden.cli import main

    sys.exit(main())
