"""Project discovery: find the project a command or a service stands in, as ruff does.

Every tool acts on the user's own project, never on a built-in schema (DESIGN.md "Core and
presets"). The project is the nearest ``pyproject.toml`` that has a ``[tool.confwarden]``
table, found by walking up from the working directory (or the directory given); a
``pyproject.toml`` without the table is passed by, like ruff's ``find_settings_toml``. Paths
in the table are relative to that file's directory::

    [tool.confwarden]
    leaks = "fail"                       # pytest plugin: fail tests that leak variables

    [tool.confwarden.configs]            # service name -> schema class
    shop = "shop.config:ShopConfig"

    [tool.confwarden.secrets_dirs]       # environment -> mounted secrets directory
    production = "/run/secrets"

With no project found, a tool says so and how to start (``confwarden init``) and stops with
exit code 2; it never falls back to a built-in schema.

A top-level module, like ``_importing``: the configuration layer, the CLI, the checker and
the pytest plugin all ask it, and finding the project imports nothing but ``tomllib`` (the
pytest plugin must not load the configuration layer into a suite that does not use it).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from confwarden.errors import EnvironmentDetectionError, ProjectError

if TYPE_CHECKING:
    from confwarden.config.schema import ConfigSchema
    from confwarden.environment.detection import Environment

__all__ = [
    "LEAK_MODES",
    "PYPROJECT",
    "Project",
    "find_project",
    "load_schema",
    "read_pyproject",
    "read_table",
    "require_project",
    "table_of",
]

PYPROJECT = "pyproject.toml"
LEAK_MODES = ("off", "warn", "fail")
_START_HINT = (
    "Run `confwarden init` in the project's root to create it (it writes [tool.confwarden] "
    "into pyproject.toml and a typed schema inferred from your .env), or pass --project DIR."
)


def read_pyproject(path: str | os.PathLike[str]) -> dict[str, Any] | None:
    """The parsed ``pyproject.toml`` at ``path``; None when there is no regular file there.

    A directory or a special file (a FIFO would block the read) named ``pyproject.toml`` is
    passed by like a missing one.

    Raises:
        ProjectError: the file cannot be read or is not valid TOML.
    """
    file = Path(path)
    if not file.is_file():
        return None
    try:
        return tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ProjectError(f"{file}: cannot read [tool.confwarden]: {exc}") from None


def table_of(document: Mapping[str, Any], path: str | os.PathLike[str]) -> dict[str, Any] | None:
    """The ``[tool.confwarden]`` table of a parsed ``pyproject.toml``, None without one.

    Raises:
        ProjectError: ``tool.confwarden`` is there but is not a table.
    """
    tool = document.get("tool")
    table = tool.get("confwarden") if isinstance(tool, dict) else None
    if table is None:
        return None
    if not isinstance(table, dict):
        raise ProjectError(f"{path}: [tool.confwarden] must be a table, got {table!r}")
    return table


def read_table(path: str | os.PathLike[str]) -> dict[str, Any] | None:
    """The ``[tool.confwarden]`` table of the ``pyproject.toml`` at ``path``, None without one.

    Example:
        >>> read_table("/nonexistent/pyproject.toml") is None
        True

    Raises:
        ProjectError: the file cannot be read, is not valid TOML, or the entry is no table.
    """
    document = read_pyproject(path)
    return None if document is None else table_of(document, path)


@dataclass(frozen=True)
class Project:
    """One project: its root and its ``[tool.confwarden]`` settings.

    Attributes:
        root: the directory of the ``pyproject.toml``; relative paths start here.
        settings: the ``[tool.confwarden]`` table.
        name: ``[project] name`` of the file, else the root directory's name.

    Example:
        >>> project = Project(Path("/srv/shop"), {"configs": {"shop": "shop.config:Config"}})
        >>> project.service_names
        ('shop',)
    """

    root: Path
    settings: Mapping[str, Any] = field(default_factory=dict)
    name: str = ""

    @property
    def pyproject(self) -> Path:
        """The ``pyproject.toml`` the settings come from."""
        return self.root / PYPROJECT

    @property
    def configs(self) -> dict[str, str]:
        """``[tool.confwarden.configs]``: service name -> ``"package.module:Class"``.

        A project that names a single ``schema`` (the checker's key) and no ``configs`` has
        one service, named after the project.

        Raises:
            ProjectError: ``configs`` is not a table of strings.
        """
        configs = self.settings.get("configs")
        if configs is None:
            schema = self.settings.get("schema")
            if isinstance(schema, str):
                return {self.name or self.root.name: schema}
            return {}
        if not isinstance(configs, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in configs.items()
        ):
            raise ProjectError(
                f"{self.pyproject}: [tool.confwarden.configs] must map service names to "
                f'"package.module:Class" references; got {configs!r}.'
            )
        return dict(configs)

    @property
    def service_names(self) -> tuple[str, ...]:
        """The project's services, in the order the file lists them."""
        return tuple(self.configs)

    def schema(self, service: str | None = None) -> tuple[str, type[ConfigSchema]]:
        """``(name, schema class)`` of ``service``, or of the only service when None.

        Raises:
            ProjectError: the service is unknown, the project has none or several (and
                ``service`` is None), or the schema cannot be imported.
        """
        configs = self.configs
        if service is None:
            if len(configs) == 1:
                service = next(iter(configs))
            elif not configs:
                raise ProjectError(
                    f"{self.pyproject}: [tool.confwarden.configs] names no service. Add one "
                    'line per service: shop = "shop.config:ShopConfig".'
                )
            else:
                raise ProjectError(
                    f"{self.pyproject} names several services ({', '.join(configs)}); "
                    "say which one with --service (or bootstrap(service=...))."
                )
        reference = configs.get(service)
        if reference is None:
            raise ProjectError(
                f"unknown service {service!r}: {self.pyproject} names "
                f"{', '.join(configs) or 'no service'} in [tool.confwarden.configs]."
            )
        return service, load_schema(reference, self.root)

    def schemas(self, services: tuple[str, ...] = ()) -> dict[str, type[ConfigSchema]]:
        """Service -> schema of ``services`` (every service when empty), imported.

        Raises:
            ProjectError: a service is unknown or its schema cannot be imported.
        """
        names = services or self.service_names
        return dict(self.schema(name) for name in names)

    def secret_dirs(self) -> dict[Environment, Path]:
        """``[tool.confwarden.secrets_dirs]``: environment -> mounted secrets directory.

        Raises:
            ProjectError: the table is malformed or names an unknown environment.
        """
        from confwarden.environment.detection import Environment

        table = self.settings.get("secrets_dirs", {})
        if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
            raise ProjectError(
                f"{self.pyproject}: [tool.confwarden.secrets_dirs] must map environments to "
                f'directories (production = "/run/secrets"); got {table!r}.'
            )
        result: dict[Environment, Path] = {}
        for name, value in table.items():
            try:
                environment = Environment.parse(name, variable="[tool.confwarden.secrets_dirs]")
            except EnvironmentDetectionError as exc:
                raise ProjectError(f"{self.pyproject}: {exc}") from None
            result[environment] = self.root / value
        return result

    def secret_dirs_for(self, environment: Environment) -> tuple[Path, ...]:
        """The mounted secrets directories of ``environment`` (none when not configured)."""
        found = self.secret_dirs().get(environment)
        return (found,) if found is not None else ()

    @property
    def leaks(self) -> str | None:
        """``[tool.confwarden] leaks``: ``off``, ``warn`` or ``fail`` (None when not set).

        Raises:
            ProjectError: another value.
        """
        value = self.settings.get("leaks")
        if value is None:
            return None
        if value not in LEAK_MODES:
            raise ProjectError(
                f"{self.pyproject}: [tool.confwarden] leaks = {value!r}; "
                f"use one of {', '.join(LEAK_MODES)}."
            )
        return str(value)


def find_project(start: str | os.PathLike[str] | None = None) -> Project | None:
    """The nearest project at or above ``start`` (the working directory by default).

    Example:
        >>> find_project("/") is None or isinstance(find_project("/"), Project)
        True
    """
    here = Path(start if start is not None else Path.cwd()).resolve()
    if here.is_file():
        here = here.parent
    for directory in (here, *here.parents):
        table = read_table(directory / PYPROJECT)
        if table is not None:
            return Project(directory, table, _project_name(directory / PYPROJECT))
    return None


def require_project(start: str | os.PathLike[str] | None = None) -> Project:
    """Like :func:`find_project`, but a missing project is an error that says how to start.

    Raises:
        ProjectError: no ``pyproject.toml`` with ``[tool.confwarden]`` at or above ``start``.
    """
    project = find_project(start)
    if project is None:
        where = Path(start if start is not None else Path.cwd()).resolve()
        raise ProjectError(
            f"no confwarden project found: no pyproject.toml with a [tool.confwarden] table in "
            f"{where} or any parent directory. {_START_HINT}"
        )
    return project


def load_schema(reference: str, root: str | os.PathLike[str]) -> type[ConfigSchema]:
    """Import ``"package.module:Class"`` of the project at ``root``.

    The module is imported from ``root`` (or ``root/src``); one the process already imported
    from that tree is reused, so the running application and its tools share one class.

    Raises:
        ProjectError: the reference is malformed, cannot be imported, or is not a schema.
    """
    from confwarden._importing import import_from_tree
    from confwarden.config.schema import ConfigSchema

    module_name, _, attribute = reference.partition(":")
    if not module_name or not attribute:
        raise ProjectError(
            f"{reference!r} is not a schema reference; write it as 'package.module:Class'."
        )
    try:
        module = import_from_tree(module_name, root)
        obj = getattr(module, attribute)
    except (ImportError, AttributeError) as exc:
        raise ProjectError(
            f"cannot import the schema {reference!r} from {root}: {type(exc).__name__}: {exc}. "
            "Check [tool.confwarden.configs] in pyproject.toml."
        ) from None
    if not (isinstance(obj, type) and issubclass(obj, ConfigSchema)):
        raise ProjectError(f"{reference!r} is not a confwarden ConfigSchema class.")
    return obj


def _project_name(pyproject: Path) -> str:
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return pyproject.parent.name
    project = data.get("project")
    name = project.get("name") if isinstance(project, dict) else None
    return name if isinstance(name, str) else pyproject.parent.name
