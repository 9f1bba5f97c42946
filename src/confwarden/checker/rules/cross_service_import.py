"""CW105 cross-service-import: a service importing another service's package.

What it does:
    Reports an import that crosses a service boundary, with the chain and line numbers:

    * a service importing another service's package, at the top, inside a function, under
      ``if TYPE_CHECKING`` (unless ``allow_type_checking_imports = true``), or through
      ``importlib.import_module("literal")``;
    * a service importing a shared package that (maybe through other shared modules)
      imports another service;
    * shared code importing any service.

    Services and shared packages come from ``[tool.confwarden]``; without settings they are
    inferred (top-level packages with a ``main``/``app`` module; ``shared``/``common``).

    An import in the body of a ``try`` whose handler catches ``ImportError`` (or
    ``ModuleNotFoundError``, ``Exception``, a bare ``except``) is not reported, and no chain
    goes through it: the code already survives the package being absent, which is the
    failure this rule is about. The ``else`` branch of such a ``try`` is not guarded.

Why is this bad:
    spec 002: each service is deployed alone. The backend imported the auth service's
    token validator; on staging, where the auth package is not installed beside the backend,
    it died with ``ModuleNotFoundError: No module named 'auth_service'``.

Example:
    .. code-block:: python

        # backend/auth.py
        from auth_service.tokens import TokenValidator

Use instead:
    .. code-block:: python

        # backend/auth.py: talk to the auth service over its API, or move the shared
        # piece into the shared package that both services install.
        from shared.auth_client import AuthClient
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import NamedTuple

from confwarden.checker.facts import ImportFact
from confwarden.checker.findings import Finding, Rule

RULE = Rule("CW105", "cross-service-import", "import crossing a service boundary")

_HOW = {
    "": "",
    "function": " inside a function",
    "type_checking": " under TYPE_CHECKING",
    "importlib": " through importlib.import_module()",
}


class Module(NamedTuple):
    """A module of the tree: its path and its imports."""

    path: str
    imports: tuple[ImportFact, ...]


Link = tuple[str, int, str]  # (path, line, imported module)


class _Graph:
    def __init__(
        self,
        modules: Mapping[str, Module],
        services: Mapping[str, str],
        shared: tuple[str, ...],
        allow_type_checking: bool,
    ) -> None:
        self.modules = modules
        self.owners = sorted(
            [(pkg, ("service", name)) for name, pkg in services.items()]
            + [(pkg, ("shared", pkg)) for pkg in shared],
            key=lambda item: -len(item[0]),
        )
        self.allow_type_checking = allow_type_checking
        self.memo: dict[str, dict[str, list[Link]]] = {}

    def owner(self, module: str) -> tuple[str, str] | None:
        for pkg, owner in self.owners:
            if module == pkg or module.startswith(pkg + "."):
                return owner
        return None

    def targets(self, fact: ImportFact) -> list[str]:
        subs = [f"{fact.module}.{n}" for n in fact.names if f"{fact.module}.{n}" in self.modules]
        return subs or [fact.module]

    def imports(self, module: Module) -> Iterator[tuple[ImportFact, str]]:
        for fact in module.imports:
            if fact.kind == "guarded" or (
                fact.kind == "type_checking" and self.allow_type_checking
            ):
                continue
            for target in self.targets(fact):
                yield fact, target

    def reach(self, shared_module: str) -> dict[str, list[Link]]:
        """Services reachable from a shared module, with the first chain to each."""
        if shared_module in self.memo:
            return self.memo[shared_module]
        self.memo[shared_module] = {}  # breaks import cycles
        found: dict[str, list[Link]] = {}
        module = self.modules.get(shared_module)
        if module is not None:
            for fact, target in self.imports(module):
                owner = self.owner(target)
                link = (module.path, fact.line, target)
                if owner is None:
                    continue
                if owner[0] == "service":
                    found.setdefault(owner[1], [link])
                elif target in self.modules:
                    for service, chain in self.reach(target).items():
                        found.setdefault(service, [link, *chain])
        self.memo[shared_module] = found
        return found


def _chain(links: list[Link]) -> str:
    return " -> ".join(f"{path}:{line} imports {target}" for path, line, target in links)


def check_project(
    modules: Mapping[str, Module],
    services: Mapping[str, str],
    shared: tuple[str, ...],
    *,
    allow_type_checking: bool = False,
) -> Iterator[Finding]:
    """Yield a finding for every import crossing a boundary, direct or through shared code."""
    if not services:
        return
    graph = _Graph(modules, services, shared, allow_type_checking)
    for name in sorted(modules):
        module = modules[name]
        mine = graph.owner(name)
        if mine is None:
            continue
        for fact, target in graph.imports(module):
            theirs = graph.owner(target)
            if theirs is None or theirs == mine:
                continue
            how = _HOW.get(fact.kind, "")
            if mine[0] == "shared" and theirs[0] == "service":
                message = (
                    f"shared package '{mine[1]}' imports `{target}` of service '{theirs[1]}'"
                    f"{how}; every service deployed without '{theirs[1]}' fails with "
                    "ModuleNotFoundError. Move the code into the shared package."
                )
            elif mine[0] == "service" and theirs[0] == "service":
                message = (
                    f"service '{mine[1]}' imports `{target}` of service '{theirs[1]}'{how}; "
                    f"deployed alone it fails with ModuleNotFoundError: No module named "
                    f"'{target.split('.')[0]}'. Call the service's API or use shared code."
                )
            elif mine[0] == "service":
                reached = graph.reach(target) if target in modules else {}
                for service, links in sorted(reached.items()):
                    if service == mine[1]:
                        continue
                    chain = _chain([(module.path, fact.line, target), *links])
                    yield Finding(
                        module.path,
                        fact.line,
                        fact.column,
                        RULE.code,
                        f"service '{mine[1]}' reaches service '{service}' through shared "
                        f"code{how}: {chain}; deployed alone it fails with "
                        "ModuleNotFoundError",
                        RULE.name,
                    )
                continue
            else:
                continue
            yield Finding(module.path, fact.line, fact.column, RULE.code, message, RULE.name)
