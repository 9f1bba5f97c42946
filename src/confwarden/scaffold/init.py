"""``confwarden init``: turn a project's existing variables into a typed confwarden setup.

From what :mod:`~confwarden.scaffold.infer` finds (``.env``, ``.env.example``,
``os.getenv`` calls), it plans four files, then writes them only when nothing would be lost:

* ``pyproject.toml``: ``[tool.confwarden.configs]`` naming the new schema (created, or
  appended to; an existing ``[tool.confwarden]`` table is never touched);
* the schema module (``<package>/config.py``, or ``confwarden_config.py`` beside an existing
  ``config.py``): one typed field per variable, secrets as ``SecretStr``;
* ``.env.example``: created, or the missing variables appended (secrets left empty);
* ``.pre-commit-config.yaml``: a local ``confwarden check`` hook (created, or appended to the
  ``repos:`` list).

Running it again changes nothing (every file is "unchanged"); a generated file that was
edited since is refused unless ``force`` is given, and then nothing at all is written.
"""

from __future__ import annotations

import keyword
import os
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from confwarden.scaffold.infer import InferredVariable, infer_variables

__all__ = ["InitPlan", "PlannedFile", "apply_init", "common_prefix", "plan_init", "render_schema"]

PRE_COMMIT_HOOK = """\
  - repo: local
    hooks:
      - id: confwarden-check
        name: confwarden check
        entry: confwarden check
        language: system
        pass_filenames: false
        types: [python]
"""


@dataclass(frozen=True)
class PlannedFile:
    """One file ``init`` writes, and how.

    Attributes:
        path: the file, relative to the project root.
        action: ``create``, ``append``, ``overwrite`` (with force), ``unchanged``,
            ``skipped`` (left alone on purpose, see ``reason``) or ``refused`` (would lose
            edits; needs force).
        content: the text written (the appended part for ``append``).
        reason: why, in words.
    """

    path: str
    action: str
    content: str = ""
    reason: str = ""

    @property
    def writes(self) -> bool:
        """True when applying the plan changes this file."""
        return self.action in ("create", "append", "overwrite")

    def to_dict(self) -> dict[str, str]:
        """A JSON-ready form."""
        return {"path": self.path, "action": self.action, "reason": self.reason}


@dataclass(frozen=True)
class InitPlan:
    """Everything ``init`` would do in one project.

    Attributes:
        root: the project root.
        service: the service name in ``[tool.confwarden.configs]``.
        reference: the schema as ``"package.module:Class"``.
        variables: the variables found, typed.
        files: the planned files.
    """

    root: Path
    service: str
    reference: str
    variables: list[InferredVariable]
    files: tuple[PlannedFile, ...] = field(default=())

    @property
    def refused(self) -> list[PlannedFile]:
        """Files that would lose edits without force."""
        return [f for f in self.files if f.action == "refused"]

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready form (no value of any variable)."""
        return {
            "root": str(self.root),
            "service": self.service,
            "schema": self.reference,
            "variables": [
                {"name": v.name, "type": v.type, "secret": v.secret, "found_in": v.found_in}
                for v in self.variables
            ],
            "files": [f.to_dict() for f in self.files],
        }


def plan_init(
    root: str | os.PathLike[str],
    *,
    service: str | None = None,
    module: str | None = None,
    force: bool = False,
) -> InitPlan:
    """Plan ``init`` for the project at ``root`` (nothing is written).

    Args:
        root: the project root.
        service: the service name; by default the ``[project] name`` or the directory name.
        module: where the schema goes, relative to ``root`` (``shop/config.py``); by
            default the project's package's ``config.py``.
        force: overwrite generated files that differ from what would be generated.

    Raises:
        DotenvError: a ``.env`` file has malformed lines.
    """
    base = Path(root).resolve()
    project_name = _project_name(base)
    name = service or _service_name(project_name)
    class_name = _class_name(name)
    declared = _declared_module(base, name)
    if module:
        module_path = Path(module)
    elif declared is not None:
        module_path, class_name = declared  # a second run regenerates the same module
    else:
        module_path = _default_module(base, project_name)
    reference = f"{_dotted(module_path)}:{class_name}"
    variables = infer_variables(base)
    files = (
        _plan_pyproject(base, name, reference),
        _plan_generated(base, module_path, render_schema(name, class_name, variables), force),
        _plan_env_example(base, variables),
        _plan_pre_commit(base),
    )
    return InitPlan(base, name, reference, variables, files)


def apply_init(plan: InitPlan) -> list[PlannedFile]:
    """Write the plan's files; nothing at all when a file is refused.

    Returns:
        The files written.
    """
    if plan.refused:
        return []
    written = []
    for planned in plan.files:
        if not planned.writes:
            continue
        path = plan.root / planned.path
        path.parent.mkdir(parents=True, exist_ok=True)
        if planned.action == "append":
            existing = path.read_text(encoding="utf-8")
            separator = "" if existing.endswith("\n") or not existing else "\n"
            path.write_text(existing + separator + planned.content, encoding="utf-8")
        else:
            path.write_text(planned.content, encoding="utf-8")
        written.append(planned)
    return written


# -- the schema module --------------------------------------------------------------------------


def render_schema(service: str, class_name: str, variables: Sequence[InferredVariable]) -> str:
    """The schema module's source: one typed field per variable.

    When every variable shares a prefix (``SHOP_``), it becomes the class's ``env_prefix``
    and the field names drop it.

    Example:
        >>> from confwarden.scaffold.infer import InferredVariable
        >>> found = [InferredVariable("SHOP_PAGE_SIZE", "int", "50"),
        ...          InferredVariable("SHOP_DEBUG", "bool", "False")]
        >>> text = render_schema("shop", "ShopConfig", found)
        >>> 'class ShopConfig(ConfigSchema, env_prefix="SHOP_"):' in text
        True
        >>> "    page_size: int = 50" in text
        True
    """
    prefix = common_prefix([v.name for v in variables])
    lines: list[str] = []
    used: set[str] = set()
    for variable in variables:
        line, needs = _field(variable, prefix)
        lines.append(line)
        used |= needs
    imports = ["from __future__ import annotations", ""]
    if "Annotated" in used:
        imports += ["from typing import Annotated", ""]
    if "AnyUrl" in used:
        imports += ["from pydantic import AnyUrl", ""]
    names = ["ConfigSchema", *(n for n in ("Env", "SecretStr") if n in used)]
    imports.append(f"from confwarden import {', '.join(names)}")
    keywords = f', env_prefix="{prefix}"' if prefix else ""
    return "\n".join(
        [
            f'"""Configuration of {service}: every variable it reads, typed (`confwarden init`).',
            "",
            "Generated from .env, .env.example and the os.getenv/os.environ calls of the code;",
            "edit freely, this file is yours. Secrets are SecretStr: never shown, never logged.",
            '"""',
            "",
            *imports,
            "",
            f'__all__ = ["{class_name}"]',
            "",
            "",
            f"class {class_name}(ConfigSchema{keywords}):",
            f'    """{service}\'s configuration; ``bootstrap()`` builds and validates it."""',
            "",
            *(lines or ["    pass"]),
            "",
        ]
    )


def common_prefix(names: Sequence[str]) -> str:
    """The ``WORD_`` prefix every name shares (at least two names), or ``""``.

    Example:
        >>> common_prefix(["SHOP_PAGE_SIZE", "SHOP_DEBUG"]), common_prefix(["SHOP_A", "DEBUG"])
        ('SHOP_', '')
    """
    if len(names) < 2:
        return ""
    first, _, rest = names[0].partition("_")
    prefix = f"{first}_"
    if (
        not first
        or not rest
        or not all(n.startswith(prefix) and len(n) > len(prefix) for n in names)
    ):
        return ""
    return prefix


def _field(variable: InferredVariable, prefix: str) -> tuple[str, set[str]]:
    from confwarden.config.schema import ConfigSchema

    used: set[str] = set()
    bare = variable.name[len(prefix) :] if prefix else variable.name
    name = bare.lower() if bare.lower().isidentifier() else f"var_{bare.lower()}"
    if keyword.iskeyword(name) or hasattr(ConfigSchema, name) or name.startswith("_"):
        name = f"var_{name.lstrip('_')}"
    annotation = variable.type
    default = variable.default
    if annotation.startswith("list["):
        annotation = f"tuple[{annotation[5:-1]}, ...]"
        default = default or "()"
    if "AnyUrl" in annotation:
        used.add("AnyUrl")
    if variable.secret:
        used.add("SecretStr")  # a SecretStr field is sensitive: masked everywhere
    if variable.required:
        # os.environ["X"]: the code fails without it; so does the config (every environment).
        assignment = ""
    else:
        if default is None:
            annotation, default = f"{annotation} | None", "None"
        assignment = f" = {default}"
    if (prefix + name).upper() == variable.name:
        return f"    {name}: {annotation}{assignment}", used
    used |= {"Annotated", "Env"}
    marker = f'Env("{variable.name}")'
    line = f"    {name}: Annotated[{annotation}, {marker}]{assignment}"
    if len(line) > 99:
        line = f"    {name}: Annotated[\n        {annotation}, {marker}\n    ]{assignment}"
    return line, used


# -- planning each file -------------------------------------------------------------------------


def _plan_generated(base: Path, module_path: Path, content: str, force: bool) -> PlannedFile:
    path = base / module_path
    where = module_path.as_posix()
    if not path.exists():
        return PlannedFile(where, "create", content, "the typed schema")
    if path.read_text(encoding="utf-8") == content:
        return PlannedFile(where, "unchanged", reason="already up to date")
    if force:
        return PlannedFile(where, "overwrite", content, "--force: regenerated")
    return PlannedFile(
        where,
        "refused",
        reason="exists and differs from what init would write; pass --force to overwrite "
        "it or --module to write elsewhere",
    )


def _plan_pyproject(base: Path, service: str, reference: str) -> PlannedFile:
    block = (
        "[tool.confwarden.configs]\n"
        "# Service name -> its schema; every confwarden command and the pytest plugin use it.\n"
        f'{service} = "{reference}"\n'
    )
    path = base / "pyproject.toml"
    if not path.exists():
        return PlannedFile("pyproject.toml", "create", block, "the project's [tool.confwarden]")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        return PlannedFile("pyproject.toml", "refused", reason=f"cannot be parsed: {exc}")
    table = data.get("tool", {}).get("confwarden")
    if table is None:
        return PlannedFile("pyproject.toml", "append", "\n" + block, "adds [tool.confwarden]")
    configs = table.get("configs", {}) if isinstance(table, dict) else {}
    if isinstance(configs, dict) and configs.get(service) == reference:
        return PlannedFile("pyproject.toml", "unchanged", reason="already names the schema")
    return PlannedFile(
        "pyproject.toml",
        "skipped",
        reason=f"already has [tool.confwarden]; left as it is (add {service} = "
        f'"{reference}" to [tool.confwarden.configs] if you want it)',
    )


def _example_line(variable: InferredVariable) -> str:
    value = ""
    if not variable.secret and variable.example is not None:
        value = variable.example
        if variable.type == "bool":
            value = value.lower()
    note = "secret: set it from your secret store, never commit it" if variable.secret else ""
    comment = f"# {variable.type}" + (f"; {note}" if note else "")
    return f"{comment}\n{variable.name}={value}\n"


def _plan_env_example(base: Path, variables: Sequence[InferredVariable]) -> PlannedFile:
    path = base / ".env.example"
    if not path.exists():
        header = (
            "# Every variable the service reads (confwarden init). Copy to .env for local\n"
            "# development; .env files are never read in staging or production.\n"
        )
        lines = "\n".join(_example_line(v) for v in variables)
        return PlannedFile(".env.example", "create", header + "\n" + lines, "documents them")
    existing = {
        line.split("=", 1)[0].removeprefix("export ").strip()
        for line in path.read_text(encoding="utf-8").splitlines()
        if "=" in line and not line.lstrip().startswith("#")
    }
    missing = [v for v in variables if v.name not in existing]
    if not missing:
        return PlannedFile(".env.example", "unchanged", reason="already lists every variable")
    text = "\n# Added by confwarden init: read by the code, missing here.\n" + "\n".join(
        _example_line(v) for v in missing
    )
    return PlannedFile(".env.example", "append", text, f"{len(missing)} missing variable(s)")


def _plan_pre_commit(base: Path) -> PlannedFile:
    path = base / ".pre-commit-config.yaml"
    name = ".pre-commit-config.yaml"
    if not path.exists():
        return PlannedFile(name, "create", "repos:\n" + PRE_COMMIT_HOOK, "confwarden check")
    text = path.read_text(encoding="utf-8")
    if "confwarden-check" in text:
        return PlannedFile(name, "unchanged", reason="already runs confwarden check")
    if _repos_is_last_key(text):
        return PlannedFile(name, "append", PRE_COMMIT_HOOK, "adds the confwarden check hook")
    return PlannedFile(
        name,
        "skipped",
        reason="its repos: list is not the last key; add this to it by hand:\n" + PRE_COMMIT_HOOK,
    )


def _repos_is_last_key(text: str) -> bool:
    keys = [
        line.split(":", 1)[0]
        for line in text.splitlines()
        if line and not line[0].isspace() and not line.startswith(("#", "-"))
    ]
    if not keys or keys[-1] != "repos":
        return False
    after = text.split("\nrepos:", 1)[-1] if not text.startswith("repos:") else text[6:]
    return bool(re.search(r"^  - repo:", after, re.MULTILINE))


# -- names --------------------------------------------------------------------------------------


def _project_name(base: Path) -> str:
    path = base / "pyproject.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        name = data.get("project", {}).get("name")
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError, AttributeError):
        name = None
    return name if isinstance(name, str) and name else base.name


def _service_name(project_name: str) -> str:
    name = re.sub(r"[^A-Za-z0-9_]+", "_", project_name).strip("_").lower()
    return name or "app"


def _class_name(service: str) -> str:
    words = [w for w in re.split(r"[^A-Za-z0-9]+", service) if w]
    stem = "".join(w[:1].upper() + w[1:] for w in words) or "App"
    if stem[0].isdigit():
        stem = "App" + stem
    return f"{stem}Config"


def _declared_module(base: Path, service: str) -> tuple[Path, str] | None:
    """The module and class ``[tool.confwarden.configs]`` already names for ``service``."""
    try:
        data = tomllib.loads((base / "pyproject.toml").read_text(encoding="utf-8"))
        reference = data["tool"]["confwarden"]["configs"][service]
    except (OSError, KeyError, TypeError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return None
    if not isinstance(reference, str) or ":" not in reference:
        return None
    module, _, class_name = reference.partition(":")
    relative = Path(*module.split(".")).with_suffix(".py")
    for parent in (Path(), Path("src")):
        if (base / parent / relative).is_file():
            return parent / relative, class_name
    return None


def _default_module(base: Path, project_name: str) -> Path:
    package = _package(base, project_name)
    for candidate in ("config.py", "confwarden_config.py"):
        path = (package / candidate) if package else Path(candidate)
        if not (base / path).exists():
            return path
    return (package / "confwarden_config.py") if package else Path("confwarden_config.py")


def _package(base: Path, project_name: str) -> Path | None:
    wanted = _service_name(project_name)
    for parent in (Path(), Path("src")):
        if (base / parent / wanted / "__init__.py").is_file():
            return parent / wanted
    for parent in (Path(), Path("src")):
        try:
            entries = sorted(p for p in (base / parent).iterdir() if p.is_dir())
        except OSError:
            continue
        packages = [
            p
            for p in entries
            if (p / "__init__.py").is_file() and p.name not in ("tests", "test", "docs")
        ]
        if len(packages) == 1:
            return parent / packages[0].name
    return None


def _dotted(module_path: Path) -> str:
    parts = list(module_path.with_suffix("").parts)
    if parts and parts[0] == "src":
        parts = parts[1:]
    return ".".join(parts)
