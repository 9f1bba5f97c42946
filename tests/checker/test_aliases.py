"""What names denote: os, os.environ, an os function, an accessor, followed in source order."""

from __future__ import annotations

import ast

from confwarden.checker.aliases import ACCESSOR, ENVIRON, OS, AliasTracker


def _tracked(source: str) -> AliasTracker:
    tracker = AliasTracker("pkg.mod", False, ("get_config",))
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign):
            tracker.on_assign(node)
    return tracker


def _expr(source: str) -> ast.expr:
    statement = ast.parse(source).body[0]
    assert isinstance(statement, ast.Expr)
    return statement.value


def test_alias_tracker_kind_follows_assignments_in_order() -> None:
    tracker = _tracked("e = os.environ\ng = os.getenv\nc = get_config()\ne = 1\n")
    assert tracker.kind(_expr("os")) == OS
    assert tracker.kind(_expr("os.environ")) == ENVIRON
    assert tracker.kind(_expr("g")) == "envfunc:getenv"
    assert tracker.kind(_expr("c")) == ACCESSOR
    assert tracker.kind(_expr("e")) is None  # rebound to something else


def test_alias_tracker_read_of_names_the_variable_read() -> None:
    tracker = _tracked("env = get_env()\n")
    call = _expr("env.get('DATABASE_URL')")
    assert isinstance(call, ast.Call)
    found = tracker.read_of(call)
    assert found is not None
    assert found[1:4] == ("env.get", "DATABASE_URL", "read")
