"""The checker's settings, read from ``[tool.confwarden]`` in the checked tree's pyproject.

Every key is optional: with no configuration at all the checker still runs every rule that
makes sense without knowing the platform (services are then inferred from the tree, see
:func:`infer_services`). Example::

    [tool.confwarden]
    services = { backend = "backend", auth = "auth_service" }
    shared = ["shared"]
    env_access_allowed = ["shared/env.py"]
    schema = "shared.config:PlatformConfig"

Only the nearest ``pyproject.toml`` (the root's own, else its closest parent) is read, so a
tree nested in another project is checked with its own settings.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

from confwarden.errors import ConfwardenError

__all__ = [
    "DEFAULT_CRITICAL",
    "CheckerConfig",
    "CheckerConfigError",
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

# Where a platform's configuration layer usually lives; reading critical variables there is
# the point of the layer.
DEFAULT_CONFIG_LAYER = ("**/config/**", "**/configuration/**", "**/config.py", "**/settings.py")

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
    }
)


class CheckerConfigError(ConfwardenError):
    """``[tool.confwarden]`` holds a value the checker cannot use (exit code 2)."""

    exit_code = 2


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
    source: str = ""

    @property
    def critical_names(self) -> frozenset[str]:
        """The default critical variables plus the configured ones."""
        return frozenset(DEFAULT_CRITICAL) | frozenset(self.critical)

    def enabled(self, code: str) -> bool:
        """Tell whether the rule ``code`` runs."""
        if code in self.ignore:
            return False
        return not self.select or code in self.select

    def fingerprint(self) -> str:
        """A short hash of the settings, part of the cache key."""
        data = asdict(self)
        data["services"] = dict(self.services)
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


def _find_pyproject(root: Path) -> Path | None:
    for directory in (root, *root.parents):
        candidate = directory / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load_config(root: Path, overrides: Mapping[str, object] | None = None) -> CheckerConfig:
    """Read the settings for the tree at ``root``.

    Args:
        root: the checked directory.
        overrides: keys that win over the file (same names as in ``[tool.confwarden]``).

    Raises:
        CheckerConfigError: the pyproject cannot be parsed or a key has the wrong type;
            every problem names the file and the key.
    """
    table: dict[str, object] = {}
    source = ""
    pyproject = _find_pyproject(root.resolve())
    if pyproject is not None:
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise CheckerConfigError(f"{pyproject}: cannot read [tool.confwarden]: {exc}") from exc
        section = data.get("tool", {}).get("confwarden", {})
        if isinstance(section, dict):
            table.update({k: v for k, v in section.items() if k in _KNOWN_KEYS})
            source = str(pyproject)
    table.update(overrides or {})
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
        select=tuple(c.upper() for c in _strings(table, "select", where)),
        ignore=tuple(c.upper() for c in _strings(table, "ignore", where)),
        exclude=DEFAULT_EXCLUDE + exclude,
        accessors=_strings(table, "accessors", where),
        allow_type_checking_imports=allow_tc,
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
