"""Deploy checks of secret mappings: what ``confwarden secrets plan|check`` reports.

A deployment goes wrong in three quiet ways the mappings can show before it happens
(spec/003 "OAuth Dual Naming Convention Rationale", spec/002):

* a critical secret of a service has no stored secret mapped in staging or production, so
  the service starts without it (or with a value someone typed into the console);
* the two names of one credential (``CLIENT_ID`` for one service,
  ``OAUTH_CLIENT_ID_PRODUCTION`` for another, both names of one schema field) map to two
  different secrets, and the services use different OAuth clients;
* a production variable maps to a staging secret.

:func:`mapping_problems` finds all three; :func:`secret_plan` lists what each service of an
environment reads (and the Cloud Run ``--set-secrets`` argument); :func:`check_secrets` reads
each required secret from a store and checks it exists, is not empty and passes the schema's
validation, without ever returning a value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from confwarden.config.binding import REQUIRED
from confwarden.config.schema import ConfigSchema, fields_of
from confwarden.config.spec import DEPLOYED, FieldSpec, Problem, Severity
from confwarden.environment.detection import Environment
from confwarden.secrets.base import SecretSourceError, SourceNotConfigured, ValueSource
from confwarden.secrets.mapping import SecretMappings, SecretRef, environments_named_in

__all__ = [
    "PlannedSecret",
    "check_secrets",
    "mapping_problems",
    "project_mappings",
    "secret_plan",
    "set_secrets_argument",
]

Services = Mapping[str, type[ConfigSchema]]
_ABSENT = frozenset({"secrets.missing", "secrets.empty", "secrets.unreadable"})


@dataclass(frozen=True)
class PlannedSecret:
    """One variable of one service and the stored secret it reads (never a value).

    Attributes:
        service: the service name.
        variable: the variable the service reads (the field's first mapped name).
        secret: the stored secret and its version (``latest`` or pinned).
        critical: the field is critical.
        required: the field is required in the environment.
        key: the store's key when it keeps the variable under its own name (etcd), else None.
    """

    service: str
    variable: str
    secret: SecretRef
    critical: bool
    required: bool
    key: str | None = None

    @property
    def stored(self) -> str:
        """Where the value is read: the key (``/confwarden/acme/staging/JWT_SECRET_KEY``) or
        the secret and its version (``jwt-secret-key-staging:latest``)."""
        return self.key if self.key is not None else str(self.secret)

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready form."""
        if self.key is not None:
            where: dict[str, object] = {"key": self.key}
        else:
            where = {"secret": self.secret.name, "version": self.secret.version}
        return {
            "service": self.service,
            "variable": self.variable,
            **where,
            "critical": self.critical,
            "required": self.required,
        }


def project_mappings(
    services: Services, configured: SecretMappings | None = None
) -> SecretMappings:
    """The schemas' ``Env(secret=...)`` mappings of every service, with ``configured``
    (``[tool.confwarden.secret_mappings]``) added on top."""
    mappings = SecretMappings()
    for schema in services.values():
        mappings = mappings.merged(SecretMappings.from_fields(fields_of(schema)))
    return mappings if configured is None else mappings.merged(configured)


def _profile_fields(schema: type[ConfigSchema], environment: Environment) -> tuple[FieldSpec, ...]:
    return fields_of(schema.for_environment(environment))


def _required(schema: type[ConfigSchema], spec: FieldSpec, environment: Environment) -> bool:
    """Required in ``environment``: declared so, or without a default (startup refuses it)."""
    defaults = schema.for_environment(environment).__confwarden_defaults__
    return spec.is_required(environment) or defaults.get(spec.name) is REQUIRED


def _is_secret_to_map(spec: FieldSpec, environment: Environment) -> bool:
    # Critical non-secret fields (a host, a user name) are plain variables of the deploy.
    return spec.sensitive and spec.critical and spec.is_required(environment)


def mapping_problems(
    services: Services,
    mappings: SecretMappings,
    environments: Iterable[Environment] = sorted(DEPLOYED),
) -> list[Problem]:
    """Every problem of the mappings for the deployed ``environments``, all at once."""
    problems: list[Problem] = []
    for environment in environments:
        table = mappings.for_environment(environment)
        for service, schema in services.items():
            for spec in _profile_fields(schema, environment):
                names = spec.variable_names(environment)
                refs = {n: table[n] for n in names if n in table}
                if not refs and _is_secret_to_map(spec, environment):
                    problems.append(
                        Problem(
                            variable=spec.canonical,
                            origin=f"service {service}, {environment.value}",
                            message=f"is a critical secret of {service} in {environment.value} "
                            "but no stored secret is mapped to it.",
                            fix=f'Add secret="..." to its Env(...) or map {spec.canonical} in '
                            "[tool.confwarden.secret_mappings].",
                            rule="secrets.unmapped",
                            severity=Severity.ERROR,
                            critical=True,
                        )
                    )
                stored = sorted({ref.name for ref in refs.values()})
                if len(stored) > 1:
                    pairs = ", ".join(f"{n} -> {ref.name}" for n, ref in refs.items())
                    problems.append(
                        Problem(
                            variable=spec.canonical,
                            origin=f"service {service}, {environment.value}",
                            message="names one credential under several names that map to "
                            f"different secrets ({pairs}): services would disagree.",
                            fix="Map every name of the credential to the same stored secret.",
                            rule="secrets.split_credential",
                            severity=Severity.ERROR,
                            critical=spec.critical,
                        )
                    )
        for variable, ref in sorted(table.items()):
            named = environments_named_in(ref.name)
            if named and environment not in named:
                others = ", ".join(sorted(e.value for e in named))
                problems.append(
                    Problem(
                        variable=variable,
                        origin=f"secret mapping, {environment.value}",
                        message=f"maps to {ref.name!r}, a {others} secret, in {environment.value}.",
                        fix="Use '{environment}' in the secret name, or the name of this "
                        "environment's secret.",
                        rule="secrets.cross_environment",
                        severity=Severity.ERROR,
                        critical=True,
                    )
                )
    return _unique(problems)


def _unique(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple[str, str, str]] = set()
    result = []
    for problem in problems:
        key = (problem.variable, problem.rule, problem.message)
        if key not in seen:
            seen.add(key)
            result.append(problem)
    return result


def secret_plan(
    services: Services,
    mappings: SecretMappings,
    environment: Environment,
    *,
    resolve_version: Callable[[str], str | None] | None = None,
) -> list[PlannedSecret]:
    """What every service reads from the store in ``environment``, one row per field.

    Args:
        resolve_version: variable -> the current version number of its secret (a store's
            ``current_version``), to pin ``latest`` at deploy time.
    """
    table = mappings.for_environment(environment)
    rows: list[PlannedSecret] = []
    for service, schema in services.items():
        for spec in _profile_fields(schema, environment):
            variable = next((n for n in spec.variable_names(environment) if n in table), None)
            if variable is None:
                continue
            ref = table[variable]
            if resolve_version is not None and not ref.pinned:
                ref = SecretRef(ref.name, resolve_version(variable) or ref.version)
            rows.append(
                PlannedSecret(
                    service, variable, ref, spec.critical, _required(schema, spec, environment)
                )
            )
    return rows


def set_secrets_argument(rows: Iterable[PlannedSecret]) -> str:
    """The ``gcloud run deploy --set-secrets`` argument of one service's rows.

    Example:
        >>> row = PlannedSecret("api", "JWT_SECRET_KEY", SecretRef("jwt-prod", "3"), True, True)
        >>> set_secrets_argument([row])
        '--set-secrets=JWT_SECRET_KEY=jwt-prod:3'
    """
    pairs = ",".join(f"{row.variable}={row.secret.name}:{row.secret.version}" for row in rows)
    return f"--set-secrets={pairs}"


def check_secrets(
    services: Services,
    mappings: SecretMappings,
    environment: Environment,
    source: ValueSource,
) -> tuple[list[PlannedSecret], list[Problem]]:
    """Read every required secret of every service from ``source`` and judge it.

    A secret must exist, be readable, not be empty, and pass the schema's validation
    (the same rules as at startup, e.g. a 32-character minimum in staging). Values are
    read into memory only; nothing returned holds one. The secrets are those the mappings
    name, or, for a store keeping variables under their own names (``source.key_of``), every
    sensitive field required in ``environment`` (and optional ones the store holds).

    Returns:
        The rows checked and every problem found (empty when the deploy can proceed).

    Raises:
        SourceNotConfigured: the store cannot be asked at all (no credentials).
    """
    from confwarden.config.inspection import inspect_service

    keyed = source.key_of("VARIABLE") is not None
    if keyed:
        problems: list[Problem] = []
        rows = _keyed_rows(services, environment, source)
    else:
        problems = mapping_problems(services, mappings, [environment])
        rows = secret_plan(services, mappings, environment)
        source.prefetch(row.variable for row in rows)
    for service, schema in services.items():
        mine = [row for row in rows if row.service == service]
        variables = {row.variable for row in mine}
        for row in mine:
            try:
                hit = source.lookup(row.variable)
            except SourceNotConfigured:
                raise  # nothing can be read: one error, not one per secret
            except SecretSourceError as exc:
                problems.append(_problem(row, source, str(exc), "secrets.unreadable"))
                continue
            if hit is None:
                problems.append(
                    _problem(row, source, "has no value in the store.", "secrets.missing")
                )
            elif not hit.value.strip():
                problems.append(_problem(row, source, "is empty in the store.", "secrets.empty"))
        absent = {p.variable for p in problems if p.rule in _ABSENT}
        inspection = inspect_service(schema, {}, environment, sources=[source])
        problems.extend(
            p
            for p in (*inspection.validation.errors, *inspection.validation.warnings)
            if p.variable in variables
            and p.rule != "source.unavailable"
            # "not set" again after "has no value in the store" says nothing new.
            and not (p.rule == "required.missing" and p.variable in absent)
        )
    return rows, _unique(problems)


def _keyed_rows(
    services: Services, environment: Environment, source: ValueSource
) -> list[PlannedSecret]:
    """One row per sensitive field of each service, read under its own name: every
    required one, and optional ones the store holds (their values are judged too)."""
    rows: list[PlannedSecret] = []
    for service, schema in services.items():
        for spec in _profile_fields(schema, environment):
            if not spec.sensitive:
                continue
            names = spec.variable_names(environment)
            required = _required(schema, spec, environment)
            variable = _first_held(source, names)
            if variable is None and not required:
                continue
            variable = variable or names[0]
            key = source.key_of(variable)
            rows.append(
                PlannedSecret(
                    service, variable, SecretRef(key or variable), spec.critical, required, key
                )
            )
    return rows


def _first_held(source: ValueSource, names: Iterable[str]) -> str | None:
    """The first of a field's names the store has a value for (None: none, or unreadable:
    the row's own lookup then reports why)."""
    for name in names:
        try:
            if source.lookup(name) is not None:
                return name
        except SourceNotConfigured:
            raise
        except SecretSourceError:
            return None
    return None


def _problem(row: PlannedSecret, source: ValueSource, message: str, rule: str) -> Problem:
    if row.key is not None:
        origin = f"{source.name}, key {row.key}"
        fix = f"{source.how_to_write(row.key)} before deploying {row.service}."
    else:
        origin = f"{source.name}, secret {row.secret}"
        fix = f"Create or fix the secret {row.secret.name!r} before deploying {row.service}."
    return Problem(
        variable=row.variable,
        origin=origin,
        message=message if message.endswith(".") else f"{message}.",
        fix=fix,
        rule=rule,
        severity=Severity.ERROR,
        critical=row.critical,
    )
