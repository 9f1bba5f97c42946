"""The platform doctor: one report on every service's configuration, here and when deployed.

``confwarden doctor`` is the question a platform team asks before a release: in the
environment I am in, does every service start, where does each value come from, how healthy
is the configuration, do the services agree on the secrets they share (spec/000: the backend
and the auth service signed and verified with different JWT secrets), and what would fail if
this same platform were deployed to staging and production? This module answers it as data
(:class:`DoctorReport`, masked, JSON-ready); the CLI only prints it.

A project names its services' schemas in its ``pyproject.toml`` (found by walking up, see
:mod:`confwarden.project`)::

    [tool.confwarden.configs]
    shop = "shop.config:ShopConfig"
    billing = "billing.config:BillingConfig"

``.env`` files are read as ``bootstrap`` reads them (only where the environment's policy
allows it): a service's own directory first, then the platform root. A deployment is
simulated from the platform's ``.env.staging`` / ``.env.production`` files when they exist
(standing for what the deployment system provides), else from the configuration the service
has now, with ``ENVIRONMENT`` set to the target.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from confwarden.config.spec import ValidationMode
from confwarden.environment.detection import Detection, Environment, EnvironmentDetector
from confwarden.environment.isolated import IsolatedEnvironment
from confwarden.environment.process import load_env_files

if TYPE_CHECKING:
    from confwarden.config.inspection import ConfigInspection
    from confwarden.config.schema import ConfigSchema
    from confwarden.config.validation import ValidationResult

__all__ = [
    "DeploymentCheck",
    "DoctorReport",
    "FieldRow",
    "SecretConsistency",
    "ServiceDiagnosis",
    "diagnose_platform",
    "platform_services",
    "secret_dirs_of",
]

# Secrets every service must hold identically (compared by fingerprint, never by value).
SHARED_SECRETS = ("SERVICE_SECRET",)
DEPLOYED_TARGETS = (Environment.STAGING, Environment.PRODUCTION)


@dataclass(frozen=True, slots=True)
class FieldRow:
    """One field as the doctor shows it: masked value and source."""

    field: str
    variable: str
    value: str | None
    source: str
    sensitive: bool
    critical: bool
    is_default: bool

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready form (the value is already masked)."""
        return {
            "field": self.field,
            "variable": self.variable,
            "value": self.value,
            "source": self.source,
            "sensitive": self.sensitive,
            "critical": self.critical,
            "default": self.is_default,
        }


@dataclass(frozen=True)
class ServiceDiagnosis:
    """One service in the detected environment.

    Attributes:
        service: the service name.
        schema: the profile class used.
        env_files: the ``.env`` files loaded (none outside development).
        fields: every field, masked, with its source.
        validation: the result in the environment's own mode.
        modes: the result in each of the three modes.
    """

    service: str
    schema: str
    env_files: tuple[str, ...]
    fields: tuple[FieldRow, ...]
    validation: ValidationResult
    modes: dict[ValidationMode, ValidationResult]

    @property
    def starts(self) -> bool:
        """True when the service would start (no error in the environment's mode)."""
        return self.validation.is_valid

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready form."""
        return {
            "service": self.service,
            "schema": self.schema,
            "starts": self.starts,
            "env_files": list(self.env_files),
            "validation": self.validation.to_dict(),
            "modes": {
                mode.value: {
                    "valid": result.is_valid,
                    "errors": len(result.errors),
                    "warnings": len(result.warnings),
                    "health_score": result.health_score,
                }
                for mode, result in self.modes.items()
            },
            "fields": [row.to_dict() for row in self.fields],
        }


@dataclass(frozen=True, slots=True)
class SecretConsistency:
    """Whether the services resolve the same value of one shared secret (by fingerprint).

    Attributes:
        name: what is compared (``JWT secret``, ``SERVICE_SECRET``).
        fingerprints: service -> fingerprint (None where it did not resolve).
        problems: service -> why it did not resolve.
    """

    name: str
    fingerprints: dict[str, str | None]
    problems: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def consistent(self) -> bool:
        """True when every service resolved the same secret."""
        values = set(self.fingerprints.values())
        return len(values) == 1 and None not in values

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready form (fingerprints only)."""
        return {
            "name": self.name,
            "consistent": self.consistent,
            "fingerprints": dict(self.fingerprints),
            "problems": {k: list(v) for k, v in self.problems.items()},
        }


@dataclass(frozen=True)
class DeploymentCheck:
    """What would happen if the platform were deployed to one environment.

    Attributes:
        environment: the target.
        basis: what the simulation used (the target's ``.env`` files, or the process
            environment), plus the target's mounted secrets.
        results: service -> validation result in the target's mode.
        secrets: the shared-secret consistency in the target.
    """

    environment: Environment
    basis: str
    results: dict[str, ValidationResult]
    secrets: tuple[SecretConsistency, ...]

    @property
    def would_start(self) -> bool:
        """True when every service would start and agree on shared secrets."""
        return all(r.is_valid for r in self.results.values()) and all(
            s.consistent for s in self.secrets
        )

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready form."""
        return {
            "environment": self.environment.value,
            "basis": self.basis,
            "would_start": self.would_start,
            "services": {name: r.to_dict() for name, r in self.results.items()},
            "secrets": [s.to_dict() for s in self.secrets],
        }


@dataclass(frozen=True)
class DoctorReport:
    """Everything ``confwarden doctor`` found; every value masked."""

    root: str
    detection: Detection
    services: tuple[ServiceDiagnosis, ...]
    secrets: tuple[SecretConsistency, ...]
    deployments: tuple[DeploymentCheck, ...]

    @property
    def ok(self) -> bool:
        """True when every service starts here and the services agree on shared secrets."""
        return all(s.starts for s in self.services) and all(c.consistent for c in self.secrets)

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready form."""
        return {
            "root": self.root,
            "ok": self.ok,
            "environment": {
                "name": self.detection.environment.value,
                "reason": self.detection.reason,
                "test_context": self.detection.is_test_context,
                "deployment_marker": self.detection.deployment_marker,
            },
            "services": [s.to_dict() for s in self.services],
            "secrets": [s.to_dict() for s in self.secrets],
            "deployments": [d.to_dict() for d in self.deployments],
        }


def platform_services(root: str | os.PathLike[str]) -> dict[str, type[ConfigSchema]]:
    """The services of the project at or above ``root``: its ``[tool.confwarden.configs]``.

    Raises:
        ProjectError: no project is found (it says how to start), or a schema reference
            cannot be imported.
    """
    from confwarden.project import require_project

    return require_project(root).schemas()


def diagnose_platform(
    root: str | os.PathLike[str],
    *,
    environ: Mapping[str, str] | None = None,
    environment: Environment | None = None,
    services: Mapping[str, type[ConfigSchema]] | None = None,
    targets: Sequence[Environment] = DEPLOYED_TARGETS,
) -> DoctorReport:
    """Diagnose every service of the project at or above ``root``.

    Args:
        root: the project's directory, or a directory inside it.
        environ: the process environment (default ``os.environ``; never modified).
        environment: force the environment instead of detecting it.
        services: service -> schema; default :func:`platform_services`.
        targets: the deployments to simulate.
    """
    from confwarden.project import find_project

    project = find_project(root)
    base = project.root if project is not None else Path(root)
    env_vars = dict(os.environ if environ is None else environ)
    detection = EnvironmentDetector(env_vars).detect()
    if environment is not None:
        detection = Detection(
            environment,
            "forced by the caller",
            detection.is_test_context,
            detection.deployment_marker,
        )
    schemas = dict(services) if services is not None else platform_services(base)
    secret_dirs = secret_dirs_of(base)
    diagnoses: list[ServiceDiagnosis] = []
    resolved: dict[str, dict[str, str]] = {}
    for name, schema in schemas.items():
        diagnosis, resolved[name] = _diagnose(
            base,
            name=name,
            schema=schema,
            env_vars=env_vars,
            environment=detection.environment,
            secret_dirs=secret_dirs,
        )
        diagnoses.append(diagnosis)
    secrets = _consistency(resolved, detection.environment)
    deployments = tuple(
        _deploy(
            base,
            schemas=schemas,
            env_vars=env_vars,
            target=target,
            secret_dirs=secret_dirs,
        )
        for target in targets
        if target is not detection.environment
    )
    return DoctorReport(str(base), detection, tuple(diagnoses), secrets, deployments)


def secret_dirs_of(root: str | os.PathLike[str]) -> dict[Environment, Path]:
    """``[tool.confwarden.secrets_dirs]`` of the project: environment -> mounted secrets dir.

    Example (``pyproject.toml``)::

        [tool.confwarden.secrets_dirs]
        staging = "secrets/staging"
    """
    from confwarden.project import find_project

    project = find_project(root)
    return project.secret_dirs() if project is not None else {}


def _service_dir(base: Path, schema: type[ConfigSchema]) -> Path | None:
    package = schema.__module__.split(".")[0]
    candidate = base / package
    return candidate if candidate.is_dir() else None


def _env_files(base: Path, service_dir: Path | None, environment: Environment) -> list[Path]:
    names = (f".env.{environment.value}", ".env")
    dirs = [d for d in (service_dir, base) if d is not None]
    return [d / n for d in dirs for n in names]


def _diagnose(
    base: Path,
    *,
    name: str,
    schema: type[ConfigSchema],
    env_vars: dict[str, str],
    environment: Environment,
    secret_dirs: Mapping[Environment, Path],
) -> tuple[ServiceDiagnosis, dict[str, str]]:
    """The diagnosis and the variables the service resolved (fallbacks included)."""
    from confwarden.config.inspection import inspect_service

    env = IsolatedEnvironment(environ=dict(env_vars), isolated=True)
    files = _env_files(base, _service_dir(base, schema), environment)
    report = load_env_files(env, files, environment=environment)
    mounted = [secret_dirs[environment]] if environment in secret_dirs else []
    inspection = inspect_service(schema, env, environment, secret_dirs=mounted)
    diagnosis = ServiceDiagnosis(
        name,
        inspection.load.schema.__name__,
        tuple(_relative(base, r.path) for r in report.results),
        _rows(inspection, base),
        inspection.validation,
        _modes(inspection),
    )
    return diagnosis, _effective(inspection)


def _relative(base: Path, path: str) -> str:
    try:
        return str(Path(path).relative_to(base))
    except ValueError:
        return path


def _rows(inspection: ConfigInspection, base: Path) -> tuple[FieldRow, ...]:
    from confwarden.environment.provenance import SourceKind

    load = inspection.load
    rows = []
    for spec in load.fields:
        resolved = load.values[spec.name]
        rows.append(
            FieldRow(
                spec.name,
                resolved.variable or spec.canonical,
                load.shown_value(spec),
                str(resolved.source).replace(f"{base}{os.sep}", ""),
                spec.sensitive,
                spec.critical,
                resolved.source.kind is SourceKind.DEFAULT,
            )
        )
    return tuple(rows)


def _modes(inspection: ConfigInspection) -> dict[ValidationMode, ValidationResult]:
    from confwarden.config.validation import ConfigurationValidator, ValidationContext, rules_for

    load = inspection.load
    ctx = ValidationContext(
        load.environment,
        load.fields,
        load.values,
        load.variables,
        load.schema.__confwarden_prefix__,
        tuple(load.problems),
        load.schema.__confwarden_defaults__,
    )
    rules = rules_for(load.schema)
    return {
        mode: ConfigurationValidator(mode, rules=rules).validate(ctx) for mode in ValidationMode
    }


def _effective(inspection: ConfigInspection) -> dict[str, str]:
    """Every variable the service sees, with its resolved field values on top."""
    load = inspection.load
    variables = dict(load.variables)
    for resolved in load.values.values():
        if resolved.variable is not None and resolved.raw is not None:
            variables[resolved.variable] = resolved.raw
    return variables


def _consistency(
    resolved: Mapping[str, Mapping[str, str]], environment: Environment
) -> tuple[SecretConsistency, ...]:
    from confwarden.components.jwt_secret import (
        MIN_SECRET_LENGTH,
        SharedJWTSecretManager,
        fingerprint,
    )
    from confwarden.components.weak_secrets import weakness

    if len(resolved) < 2:
        return ()
    report = SharedJWTSecretManager.check_consistency(resolved, environment=environment)
    results = [
        SecretConsistency(
            "JWT secret",
            dict(report.fingerprints),
            {k: tuple(str(p) for p in v) for k, v in report.problems.items()},
        )
    ]
    for variable in SHARED_SECRETS:
        holders = {
            name: variables[variable].strip()
            for name, variables in resolved.items()
            if (variables.get(variable) or "").strip()
        }
        # Compared among the services that use it: a service without it does not need it.
        if len(holders) < 2:
            continue
        fingerprints: dict[str, str | None] = {}
        problems: dict[str, tuple[str, ...]] = {}
        for name, value in holders.items():
            # A weak or short secret's fingerprint would confirm a dictionary guess offline:
            # none is computed, and the service is reported instead.
            reason = weakness(value, min_length=MIN_SECRET_LENGTH, deployed=environment.is_deployed)
            fingerprints[name] = None if reason is not None else fingerprint(value)
            if reason is not None:
                problems[name] = (
                    f"{variable} {reason} (value not shown): no fingerprint is computed",
                )
        results.append(SecretConsistency(variable, fingerprints, problems))
    return tuple(results)


def _deploy(
    base: Path,
    *,
    schemas: Mapping[str, type[ConfigSchema]],
    env_vars: Mapping[str, str],
    target: Environment,
    secret_dirs: Mapping[Environment, Path],
) -> DeploymentCheck:
    from confwarden.config.inspection import inspect_service

    results: dict[str, ValidationResult] = {}
    simulated: dict[str, dict[str, str]] = {}
    bases: set[str] = set()
    mounted = [secret_dirs[target]] if target in secret_dirs else []
    for name, schema in schemas.items():
        files = [
            path
            for path in _env_files(base, _service_dir(base, schema), target)
            if path.name != ".env" and path.is_file()
        ]
        # What the deployed service reads: the process environment and the deployment's
        # .env.{target} file (which wins, each value keeping its file:line) with the
        # target's mounted secrets below them. This machine's development .env never
        # reaches the target: a deployed service does not read it.
        env = IsolatedEnvironment(
            environ={k: v for k, v in env_vars.items() if k != "ENVIRONMENT"}, isolated=True
        )
        if files:
            for path in reversed(files):  # most specific last, so that it wins
                env.load_from_file(path, override=True)
            bases.add(", ".join(_relative(base, str(p)) for p in files))
        else:
            bases.add("the process environment")
        env.set("ENVIRONMENT", target.value, source=f"doctor: simulated {target.value}")
        inspection = inspect_service(schema, env, target, secret_dirs=mounted, include_dotenv=True)
        results[name] = inspection.validation
        simulated[name] = _effective(inspection)
    basis = "; ".join(sorted(bases))
    if mounted:
        basis += f" + secrets mounted from {_relative(base, str(mounted[0]))}"
    return DeploymentCheck(target, basis, results, _consistency(simulated, target))
