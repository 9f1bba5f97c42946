"""``confwarden check --fix``: migrate direct environment access to the sanctioned accessor.

:func:`rewrite_source` rewrites one module (libcst, formatting kept); :func:`fix_tree`
rewrites every file of a check run whole or not at all, checks the result again and
restores any file whose rewrite brought a new finding.
"""

from __future__ import annotations

from confwarden.checker.fix.apply import FixReport, Untouched, fix_tree
from confwarden.checker.fix.rewrite import Rewrite, rewrite_source

__all__ = ["FixReport", "Rewrite", "Untouched", "fix_tree", "rewrite_source"]
