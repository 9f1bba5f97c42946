"""The environment API the checker recognises: which calls read, write or merely reference
the process environment or a sanctioned accessor, and which calls print or log.

Kept apart from the walk so that teaching the checker a new accessor method is a one-line
change to a table, not an edit of the hot loop.
"""

from __future__ import annotations

__all__ = [
    "ACCESSOR_METHODS",
    "CALL_ATTRS",
    "CALL_NAMES",
    "ENVIRON_METHODS",
    "ENV_FUNCS",
    "LOG_METHODS",
    "OS_ATTRS",
    "SAFE_WRAPPERS",
    "WRAPPERS",
]

ENV_FUNCS = {"getenv": "read", "putenv": "write", "unsetenv": "write"}
OS_ATTRS = frozenset({"environ", "environb", *ENV_FUNCS})
# os.environ methods: the operation and whether the first argument is the variable name.
ENVIRON_METHODS = {
    "get": ("read", True),
    "pop": ("write", True),
    "setdefault": ("write", True),
    "__getitem__": ("read", True),
    "__contains__": ("read", True),
    "__setitem__": ("write", True),
    "__delitem__": ("write", True),
    "copy": ("ref", False),
    "items": ("ref", False),
    "keys": ("ref", False),
    "values": ("ref", False),
    "update": ("write", False),
    "clear": ("write", False),
    "popitem": ("write", False),
}
ACCESSOR_METHODS = {
    "get": ("read", True),
    "exists": ("read", True),
    "get_variable_source": ("read", True),
    "set": ("write", True),
    "delete": ("write", True),
    "get_all": ("ref", False),
    "get_subprocess_env": ("ref", False),
}
LOG_METHODS = frozenset(
    {"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log"}
)
CALL_ATTRS = frozenset({*ENVIRON_METHODS, *ACCESSOR_METHODS, *ENV_FUNCS, *LOG_METHODS})
CALL_NAMES = frozenset({"getattr", "print", "__import__", "import_module"})
# Passing a secret through one of these before printing it is the sanctioned way.
SAFE_WRAPPERS = frozenset({"len", "bool", "hash", "type", "id", "is_sensitive_name"})
WRAPPERS = frozenset({"str", "int", "float", "bool"})
