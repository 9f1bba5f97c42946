"""The checker's settings, read from ``[tool.confwarden]`` in the checked tree's pyproject.

Every key is optional: with no configuration at all the checker still runs every rule that
makes sense without knowing the platform (services are then inferred from the tree, see
:func:`infer_services`). Example::

    [tool.confwarden]
    services = { backend = "backend", auth = "auth_service" }
    shared = ["shared"]
    env_access_allowed = ["shared/env.py"]
    schema = "shared.config:PlatformConfig"

The project root is found as every confwarden tool finds it (:mod:`confwarden.project`, as
ruff finds its settings): the nearest ``pyproject.toml`` that has a ``[tool.confwarden]``
table, walking up from the checked path (:func:`find_project_root`). Only the checker's own
keys are read here.
Paths in findings and globs are relative to that root, so ``confwarden check backend/app``
keeps the service mapping of the whole project.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

from confwarden.checker.files import read_regular
from confwarden.errors import ConfwardenError, ProjectError
from confwarden.project import PYPROJECT, find_project, read_pyproject, table_of

__all__ = [
    "DEFAULT_CRITICAL",
    "CheckerConfig",
    "CheckerConfigError",
    "FixSettings",
    "find_project_root",
    "infer_services",
    "load_config",
    "path_matches",
]

# spec/003: the variables whose divergence or bypass broke the platform.
DEFAULT_CRITICAL = (
    "SERVICE_SECRET",
    "SERVICE_ID",
    "JWT_SECRET_KEY",
    "JWT_SECRET",
    "SECRET_KEY",
    "DATABASE_URL",
    "POSTGRES_PASSWORD",
)

# No default configuration layer: spec/001's incident happened in
# ``app/core/configuration/base.py``, exactly where a ``**/configuration/**`` glob would have
# looked away. Only the modules a project names are exempt (see ``config_layer``).
DEFAULT_CONFIG_LAYER: tuple[str, ...] = ()

# Rules that run only when selected: their findings are real but not a crash at run time.
OPT_IN_RULES = frozenset({"CW110"})

# node_modules, site-packages, __pycache__ and hidden directories are skipped by the walk.
DEFAULT_EXCLUDE: tuple[str, ...] = ()

_KNOWN_KEYS = frozenset(
    {
        "services",
        "shared",
        "env_access_allowed",
        "config_layer",
        "schema",
        "critical",
        "select",
        "ignore",
        "exclude",
        "accessors",
        "allow_type_checking_imports",
        "fix",
    }
)
_FIX_KEYS = frozenset({"accessor", "import", "subscript"})
# Keys of [tool.confwarden] that other confwarden commands read (the checker ignores them).
_OTHER_KEYS = frozenset(
    {"configs", "secret_sources", "secrets_dirs", "secret_mappings", "secret_versions", "leaks"}
)


class CheckerConfigError(ConfwardenError):
    """``[tool.confwarden]`` holds a value the checker cannot use (exit code 2)."""

    exit_code = 2


@dataclass(frozen=True)
class FixSettings:
    """What ``confwarden check --fix`` rewrites direct environment access to.

    Attributes:
        accessor: an expression for the sanctioned environment object (``get_env()``).
        import_line: the import that binds it (``from confwarden import get_env``).
        subscript: the accessor supports ``accessor["NAME"]`` raising ``KeyError`` when unset,
            so ``os.environ["NAME"]`` reads can be rewritten too (confwarden's does not).
    """

    accessor: str = "get_env()"
    import_line: str = "from confwarden import get_env"
    subscript: bool = False


@dataclass(frozen=True)
class CheckerConfig:
    """What the checker needs to know about the platform.

    Attributes:
        services: service name -> package (dotted, or a path with ``/``).
        shared: packages every service may import.
        env_access_allowed: path globs of the modules allowed to touch ``os.environ``.
        config_layer: path globs of the configuration layer (critical reads allowed).
        schema: ``"pkg.module:Obj"`` declaring the variables the code may read.
        critical: extra critical variable names (added to :data:`DEFAULT_CRITICAL`).
        select: enabled rule codes (empty: all).
        ignore: disabled rule codes.
        exclude: path globs not checked at all.
        accessors: extra names of sanctioned accessor factories/objects (``get_env``...).
        allow_type_checking_imports: cross-service imports under ``TYPE_CHECKING`` are fine.
        fix: what ``--fix`` rewrites direct access to (``[tool.confwarden.fix]``).
        target_version: the oldest Python the project supports (``requires-python``, else
            ruff's ``target-version``); ``None`` when the project does not say.
        source: the pyproject the settings came from ("" for defaults).
    """

    services: Mapping[str, str] = field(default_factory=dict)
    shared: tuple[str, ...] = ()
    env_access_allowed: tuple[str, ...] = ()
    config_layer: tuple[str, ...] = DEFAULT_CONFIG_LAYER
    schema: str = ""
    critical: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    accessors: tuple[str, ...] = ()
    allow_type_checking_imports: bool = False
    fix: FixSettings = field(default_factory=FixSettings)
    target_version: tuple[int, int] | None = None
    source: str = ""

    @property
    def critical_names(self) -> frozenset[str]:
        """The default critical variables plus the configured ones."""
        return frozenset(DEFAULT_CRITICAL) | frozenset(self.critical)

    def enabled(self, code: str) -> bool:
        """Tell whether the rule ``code`` runs (opt-in rules only when selected)."""
        if code in self.ignore:
            return False
        if code in OPT_IN_RULES:
            return code in self.select
        return not self.select or code in self.select

    def fingerprint(self) -> str:
        """A short hash of the settings, part of the cache key."""
        data = asdict(self)
        data["services"] = dict(self.services)
        data["fix"] = asdict(self.fix)
        blob = json.dumps(data, sort_keys=True).encode()
        return hashlib.blake2b(blob, digest_size=8).hexdigest()


def path_matches(path: str, patterns: Iterable[str]) -> bool:
    """Tell whether the relative ``path`` matches one of the globs (or is one of the paths).

    ``**/`` also matches at the top, so ``**/config/**`` matches ``config/x.py``.
    """
    for raw in patterns:
        pattern = raw.strip("/")
        if path == pattern or path.startswith(pattern + "/"):
            return True
        if fnmatch.fnmatchcase(path, pattern):
            return True
        if pattern.startswith("**/") and fnmatch.fnmatchcase(path, pattern[3:]):
            return True
    return False


def _strings(table: Mapping[str, object], key: str, where: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise CheckerConfigError(
            f"{where}: [tool.confwarden] {key} must be a list of strings, got {value!r}. "
            f'Write e.g. {key} = ["..."].'
        )
    return tuple(value)


def find_project_root(start: Path) -> Path:
    """The project root for ``start`` (a file or a directory), found as ruff finds settings.

    The nearest directory, walking up, whose ``pyproject.toml`` has a ``[tool.confwarden]``
    table (:func:`confwarden.project.find_project`); without one, ``start`` itself (its
    directory for a file).

    Example:
        >>> find_project_root(Path("/nonexistent/deep/dir"))
        PosixPath('/nonexistent/deep/dir')

    Raises:
        CheckerConfigError: a ``pyproject.toml`` on the way cannot be read.
    """
    start = start.resolve()
    base = start if start.is_dir() or not start.exists() else start.parent
    try:
        project = find_project(base)
    except ProjectError as exc:
        raise CheckerConfigError(str(exc)) from None
    return project.root if project is not None else base


_VERSION = re.compile(r"(>=|~=|==|>)\s*3\.(\d+)")
_RUFF_TARGET = re.compile(r"py3(\d+)")


def _requires_python(data: Mapping[str, object]) -> tuple[int, int] | None:
    project = data.get("project")
    requires = project.get("requires-python") if isinstance(project, dict) else None
    if isinstance(requires, str):
        minors = [
            int(m.group(2)) + (1 if m.group(1) == ">" else 0) for m in _VERSION.finditer(requires)
        ]
        if minors:
            return (3, max(minors))
    return None


def _ruff_target(table: object) -> tuple[int, int] | None:
    target = table.get("target-version") if isinstance(table, dict) else None
    if isinstance(target, str) and (match := _RUFF_TARGET.fullmatch(target)):
        return (3, int(match.group(1)))
    return None


def _toml(path: Path) -> dict[str, object] | None:
    """A TOML file of another tool (ruff's): None when absent, special or unreadable (that
    tool reports its own broken settings)."""
    try:
        return tomllib.loads(read_regular(path).decode("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None


def _target_version(root: Path) -> tuple[int, int] | None:
    """The oldest Python 3 minor version the project supports, as the tools find it.

    Walking up from ``root`` (``confwarden check pkg`` in a project without
    ``[tool.confwarden]`` makes ``pkg`` the root) to the first directory with a
    ``pyproject.toml``, ``.ruff.toml`` or ``ruff.toml``: ``requires-python`` of its
    ``pyproject.toml``, else ``target-version`` of its ``.ruff.toml`` or ``ruff.toml`` (ruff
    reads those before ``pyproject.toml``), else its ``[tool.ruff] target-version``.
    """
    for directory in (root, *root.parents):
        try:
            document = read_pyproject(directory / PYPROJECT)
        except ProjectError:
            document = None
        ruff = _toml(directory / ".ruff.toml") or _toml(directory / "ruff.toml")
        if document is None and ruff is None:
            continue
        found = _requires_python(document) if document is not None else None
        if found is None and ruff is not None:
            found = _ruff_target(ruff)
        if found is None and document is not None:
            tool = document.get("tool")
            found = _ruff_target(tool.get("ruff") if isinstance(tool, dict) else None)
        return found
    return None


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    import difflib

    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else ""


def _codes(table: Mapping[str, object], key: str, where: str) -> tuple[str, ...]:
    """Rule codes of ``select``/``ignore``; a typo would silently turn rules off, so an
    unknown code is refused."""
    from confwarden.checker.rules import ALL_RULES  # rules import this module

    known = {rule.code for rule in ALL_RULES}
    codes = tuple(code.strip().upper() for code in _strings(table, key, where))
    for code in codes:
        if code not in known:
            # CW10l, CW1O8: letters typed for digits that look like them.
            digits = code[:2] + code[2:].translate(str.maketrans("LIO", "110"))
            hint = f" (did you mean {digits}?)" if digits in known else _did_you_mean(code, known)
            raise CheckerConfigError(
                f"{where}: unknown rule code {code} in {key}{hint}; "
                f"the codes are {', '.join(sorted(known))} (confwarden check --help, "
                "docs/checker.md)."
            )
    return codes


def _fix_settings(value: object, where: str) -> FixSettings:
    if value is None:
        return FixSettings()
    if not isinstance(value, dict) or not set(value) <= _FIX_KEYS:
        raise CheckerConfigError(
            f"{where}: [tool.confwarden.fix] takes accessor, import and subscript; got {value!r}."
        )
    accessor = value.get("accessor", FixSettings.accessor)
    import_line = value.get("import", FixSettings.import_line)
    subscript = value.get("subscript", False)
    if not isinstance(accessor, str) or not _is_expression(accessor):
        raise CheckerConfigError(
            f"{where}: [tool.confwarden.fix] accessor must be a Python expression such as "
            f'"get_env()", got {accessor!r}.'
        )
    if not isinstance(import_line, str) or not _is_import(import_line):
        raise CheckerConfigError(
            f"{where}: [tool.confwarden.fix] import must be one import statement such as "
            f'"from confwarden import get_env", got {import_line!r}.'
        )
    if not isinstance(subscript, bool):
        raise CheckerConfigError(f"{where}: [tool.confwarden.fix] subscript must be true or false.")
    return FixSettings(accessor, import_line, subscript)


def _is_expression(text: str) -> bool:
    import ast

    try:
        ast.parse(text, mode="eval")
    except SyntaxError:
        return False
    return "\n" not in text


def _is_import(text: str) -> bool:
    import ast

    try:
        tree = ast.parse(text)
    except SyntaxError:
        return False
    return (
        "\n" not in text.strip()
        and len(tree.body) == 1
        and isinstance(tree.body[0], ast.Import | ast.ImportFrom)
    )


def load_config(root: Path, overrides: Mapping[str, object] | None = None) -> CheckerConfig:
    """Read the settings for the tree at ``root``.

    Only ``root/pyproject.toml`` is read: find the root first with :func:`find_project_root`.

    Args:
        root: the project root.
        overrides: keys that win over the file (same names as in ``[tool.confwarden]``).

    Raises:
        CheckerConfigError: the pyproject cannot be parsed or a key has the wrong type;
            every problem names the file and the key.
    """
    table: dict[str, object] = {}
    source = ""
    target: tuple[int, int] | None = None
    pyproject = root.resolve() / PYPROJECT
    try:
        document = read_pyproject(pyproject)
        section = None if document is None else table_of(document, pyproject)
    except ProjectError as exc:
        raise CheckerConfigError(str(exc)) from None
    target = _target_version(root.resolve())
    if section is not None:
        for key in section:
            if key not in _KNOWN_KEYS and key not in _OTHER_KEYS:
                # A typo (selekt) would silently leave a rule or a setting off.
                raise CheckerConfigError(
                    f"{pyproject}: unknown key {key!r} in [tool.confwarden]"
                    f"{_did_you_mean(key, _KNOWN_KEYS | _OTHER_KEYS)}; the checker's keys are "
                    f"{', '.join(sorted(_KNOWN_KEYS))}."
                )
        table.update({k: v for k, v in section.items() if k in _KNOWN_KEYS})
        source = str(pyproject)
    given = dict(overrides or {})
    table.update(given)
    where = source or "defaults"
    services = table.get("services", {})
    if not isinstance(services, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in services.items()
    ):
        raise CheckerConfigError(
            f"{where}: [tool.confwarden] services must map service names to packages, "
            f'e.g. services = {{ backend = "backend" }}; got {services!r}.'
        )
    schema = table.get("schema", "")
    if not isinstance(schema, str) or (schema and ":" not in schema):
        raise CheckerConfigError(
            f'{where}: [tool.confwarden] schema must be "package.module:Object", got {schema!r}.'
        )
    allow_tc = table.get("allow_type_checking_imports", False)
    if not isinstance(allow_tc, bool):
        raise CheckerConfigError(
            f"{where}: [tool.confwarden] allow_type_checking_imports must be true or false."
        )
    config_layer = _strings(table, "config_layer", where) if "config_layer" in table else None
    exclude = _strings(table, "exclude", where)
    return CheckerConfig(
        services={k: v.replace("/", ".").strip(".") for k, v in services.items()},
        shared=tuple(s.replace("/", ".").strip(".") for s in _strings(table, "shared", where)),
        env_access_allowed=_strings(table, "env_access_allowed", where),
        config_layer=DEFAULT_CONFIG_LAYER if config_layer is None else config_layer,
        schema=schema,
        critical=_strings(table, "critical", where),
        select=_codes(table, "select", "--select" if "select" in given else where),
        ignore=_codes(table, "ignore", "--ignore" if "ignore" in given else where),
        exclude=DEFAULT_EXCLUDE + exclude,
        accessors=_strings(table, "accessors", where),
        allow_type_checking_imports=allow_tc,
        fix=_fix_settings(table.get("fix"), where),
        target_version=target,
        source=source,
    )


_SERVICE_MARKERS = ("main.py", "__main__.py", "app.py")
_SHARED_NAMES = frozenset({"shared", "common"})


def infer_services(modules: Iterable[str]) -> tuple[dict[str, str], tuple[str, ...]]:
    """Guess services and shared packages from the module names of a tree with no settings.

    A top-level package with a ``main``/``__main__``/``app`` module is a service; one named
    ``shared`` or ``common`` is shared. Fewer than two services means "not a platform" and
    nothing is inferred, so an ordinary library is never accused of crossing boundaries.
    """
    tops: set[str] = set()
    services: dict[str, str] = {}
    for module in modules:
        parts = module.split(".")
        tops.add(parts[0])
        if len(parts) == 2 and parts[1] in {m.removesuffix(".py") for m in _SERVICE_MARKERS}:
            services[parts[0]] = parts[0]
    shared = tuple(sorted(t for t in tops if t in _SHARED_NAMES and t not in services))
    if len(services) < 2:
        return {}, ()
    return services, shared
