"""SharedJWTSecretManager: one JWT secret for every service, resolved by one set of rules.

spec/000: the backend and the auth service each resolved the JWT secret their own way and
ended up signing and verifying with different secrets in staging; the platform had four
copies of that logic which disagreed. Here the rules are written once:

1. ``JWT_SECRET_KEY``, then ``JWT_SECRET_{ENVIRONMENT}`` (e.g. ``JWT_SECRET_STAGING``), then
   the deprecated ``JWT_SECRET``: :data:`JWT_SECRET_VARIABLES`, the one order the
   configuration schema's JWT field declares too (the two used to disagree, so a service's
   config signed with one secret and the manager with another). Two different secrets set
   for the one credential are an error where deployed, a warning elsewhere; another
   environment's ``JWT_SECRET_<ENV>`` set in a deployment is an error.
2. Development and testing may fall back to a generated secret, with a warning: random, once
   per project checkout and machine in development (shared by the project's services, so
   they still agree), per process in testing; never a value anyone else knows.
3. Staging and production fail if the secret is unset, shorter than 32 characters or a known
   placeholder.

Services compare what they resolved through a fingerprint, a memory-hard hash (scrypt) that
tells "same secret" without revealing it and is given only for secrets that pass the rules;
:meth:`SharedJWTSecretManager.check_consistency` says which services differ.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from confwarden.components.problems import (
    Problem,
    ValidationResult,
    class_or_instance,
    collect,
    resolve_environment,
    text_variables,
)
from confwarden.components.weak_secrets import placeholder_reason, short_reason
from confwarden.environment.detection import Environment, EnvironmentDetector
from confwarden.environment.dev_secrets import DevSecretStore
from confwarden.environment.policy import Severity, policy_for

__all__ = [
    "ALLOWED_ALGORITHMS",
    "JWT_SECRET_DEPRECATED",
    "JWT_SECRET_VARIABLES",
    "ConsistencyReport",
    "JWTSecretResolution",
    "SharedJWTSecretManager",
    "fingerprint",
]

_COMPONENT = "SharedJWTSecretManager"
MIN_SECRET_LENGTH = 32
ALLOWED_ALGORITHMS = ("HS256", "HS384", "HS512")
DEFAULT_ALGORITHM = "HS256"
# The variables of the JWT secret, in precedence order: the single source of truth for the
# manager and for the schema field (config/common.py declares ``Env(*JWT_SECRET_VARIABLES,
# deprecated=JWT_SECRET_DEPRECATED)``). ``JWT_SECRET_KEY`` comes first because it is the
# canonical name, the one users set and docs, ``.env.example`` and ``explain`` show.
JWT_SECRET_VARIABLES = ("JWT_SECRET_KEY", "JWT_SECRET_{ENVIRONMENT}")
JWT_SECRET_DEPRECATED = ("JWT_SECRET",)
# Fingerprints must compare across services without a shared key, so the salt is public; what
# protects a secret is the cost of each guess. scrypt (memory-hard, in the standard library) at
# n=2**12, r=8 costs about 5 ms and 4 MiB per guess, where the former HMAC cost microseconds:
# a word list of 10 million candidates takes hours of CPU and 4 MiB per parallel guess, and a
# secret that passes the strength rules (32+ random characters) is out of reach. Weak or
# placeholder secrets get no fingerprint at all.
_FINGERPRINT_SALT = b"confwarden/jwt-fingerprint/v2"
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**12, 8, 1
_FINGERPRINT_LENGTH = 16


@functools.lru_cache(maxsize=64)
def fingerprint(secret: str) -> str:
    """A short scrypt hash of ``secret``: equal for equal secrets, expensive to guess from.

    Example:
        >>> len(fingerprint("x" * 40))
        16
    """
    digest = hashlib.scrypt(
        secret.encode("utf-8"),
        salt=_FINGERPRINT_SALT,
        n=_SCRYPT_N,
        r=_SCRYPT_R,
        p=_SCRYPT_P,
        dklen=_FINGERPRINT_LENGTH // 2,
    )
    return digest.hex()


def _generated_secret(environment: Environment) -> str:
    # Development: random, once per project checkout and machine, shared by the project's
    # services (they still agree); testing: random per process. Never a public constant.
    if environment is Environment.DEVELOPMENT:
        return DevSecretStore.default().get("JWT_SECRET_KEY")
    return _process_secrets.setdefault(environment, "confwarden-test-" + secrets.token_urlsafe(48))


_process_secrets: dict[Environment, str] = {}


@dataclass(frozen=True, slots=True)
class JWTSecretResolution:
    """What was resolved and from where; ``repr`` never shows the secret.

    Attributes:
        variable: the variable the secret came from, or None when generated or unresolved.
        generated: True when the development/testing fallback was used.
        algorithm: the ``JWT_ALGORITHM`` in use.
        result: every problem found.
    """

    variable: str | None
    generated: bool
    algorithm: str
    result: ValidationResult
    # Only to compute the fingerprint on demand: scrypt costs milliseconds on purpose, and a
    # service that only signs tokens must not pay it at every start.
    _strong_secret: str | None = field(default=None, repr=False, compare=False)

    @property
    def fingerprint(self) -> str | None:
        """The scrypt fingerprint of the secret; None when unresolved, weak or a placeholder."""
        return None if self._strong_secret is None else fingerprint(self._strong_secret)

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready form (no secret)."""
        return {
            "environment": self.result.environment.value,
            "variable": self.variable,
            "generated": self.generated,
            "fingerprint": self.fingerprint,
            "algorithm": self.algorithm,
            "ok": self.result.ok,
            "problems": [p.to_dict() for p in self.result.problems],
        }


@dataclass(frozen=True, slots=True)
class ConsistencyReport:
    """Which services resolved which secret (by fingerprint).

    Attributes:
        fingerprints: service name -> fingerprint (None where the secret did not resolve).
        problems: service name -> the errors that kept its secret from resolving.
    """

    fingerprints: dict[str, str | None]
    problems: dict[str, tuple[Problem, ...]]

    @property
    def consistent(self) -> bool:
        """True when every service resolved the same secret."""
        values = set(self.fingerprints.values())
        return len(values) == 1 and None not in values

    @property
    def groups(self) -> dict[str | None, list[str]]:
        """Fingerprint -> the services that resolved it."""
        groups: dict[str | None, list[str]] = {}
        for service, value in self.fingerprints.items():
            groups.setdefault(value, []).append(service)
        return groups

    @property
    def differing(self) -> list[str]:
        """The services outside the largest group (all of them if none resolved)."""
        groups = self.groups
        if self.consistent:
            return []
        resolved = {k: v for k, v in groups.items() if k is not None}
        majority = max(resolved.values(), key=len, default=[])
        return sorted(s for s in self.fingerprints if s not in majority)


class SharedJWTSecretManager:
    """Resolve and validate the JWT secret the same way in every service.

    Args:
        env_vars: the variables (``get_env().get_all()``, a test's dict).
        environment: the environment; by default ``ENVIRONMENT`` from ``env_vars``, else
            development.
        origins: variable -> where its value came from (e.g. from
            ``IsolatedEnvironment.get_variable_source``), quoted in every problem.

    Example:
        >>> manager = SharedJWTSecretManager({"JWT_SECRET_KEY": "k" * 16 + "9Xq" * 8},
        ...     environment="staging")
        >>> manager.resolve().variable
        'JWT_SECRET_KEY'
    """

    def __init__(
        self,
        env_vars: Mapping[str, object],
        *,
        environment: Environment | str | None = None,
        origins: Mapping[str, str] | None = None,
    ) -> None:
        self._vars = text_variables(env_vars)
        self._origins = origins
        self.environment = resolve_environment(self._vars, environment)
        self.policy = policy_for(self.environment)
        self._cache: tuple[JWTSecretResolution, str | None] | None = None

    @classmethod
    def from_process_env(cls) -> SharedJWTSecretManager:
        """A manager over the process's variables, read through ``get_env()``."""
        from confwarden.environment.process import get_env

        return cls(get_env().get_all())

    @property
    def candidates(self) -> tuple[str, ...]:
        """The variables read, in order of precedence (:data:`JWT_SECRET_VARIABLES`)."""
        upper = self.environment.value.upper()
        return tuple(
            name.replace("{ENVIRONMENT}", upper)
            for name in (*JWT_SECRET_VARIABLES, *JWT_SECRET_DEPRECATED)
        )

    def resolve(self) -> JWTSecretResolution:
        """Resolve and validate without raising; the secret itself is not returned."""
        return self._resolve()[0]

    def validate(self) -> ValidationResult:
        """Every problem with the JWT variables in this environment."""
        return self._resolve()[0].result

    def _get_jwt_secret(self, *, log_warnings: bool = True) -> str:
        """The JWT signing secret.

        Args:
            log_warnings: log the warnings (a short development secret...); False when the
                caller reported them already (a validated configuration did, at startup).

        Raises:
            ComponentConfigError: the secret is missing, short or a placeholder where that is
                an error, or ``JWT_ALGORITHM`` is not allowed (every problem listed).
        """
        resolution, secret = self._resolve()
        resolution.result.raise_for_errors()
        if log_warnings:
            resolution.result.log_warnings()
        assert secret is not None  # no error means a secret was found or generated
        return secret

    get_jwt_secret = class_or_instance(_get_jwt_secret)

    def _fingerprint(self) -> str:
        """The fingerprint of the secret (raises like :meth:`get_jwt_secret`)."""
        return fingerprint(self._get_jwt_secret())

    get_fingerprint = class_or_instance(_fingerprint)

    def get_algorithm(self) -> str:
        """The validated ``JWT_ALGORITHM`` (default HS256)."""
        resolution = self.resolve()
        resolution.result.raise_for_errors()
        return resolution.algorithm

    @staticmethod
    def check_consistency(
        services: Mapping[str, Mapping[str, str] | SharedJWTSecretManager],
        *,
        environment: Environment | str | None = None,
    ) -> ConsistencyReport:
        """Compare the secrets several services resolve, by fingerprint.

        Args:
            services: service name -> its variables (or a manager already built).
            environment: the environment to judge mappings for (default: each one's own).

        Example:
            >>> same = {"JWT_SECRET_KEY": "s3" * 20}
            >>> report = SharedJWTSecretManager.check_consistency(
            ...     {"backend": same, "auth": {"JWT_SECRET": "other" * 8}}, environment="staging")
            >>> report.consistent
            False
        """
        fingerprints: dict[str, str | None] = {}
        problems: dict[str, tuple[Problem, ...]] = {}
        for name, source in services.items():
            manager = (
                source
                if isinstance(source, SharedJWTSecretManager)
                else SharedJWTSecretManager(source, environment=environment)
            )
            resolution = manager.resolve()
            fingerprints[name] = resolution.fingerprint if resolution.result.ok else None
            if not resolution.result.ok:
                problems[name] = resolution.result.errors
        return ConsistencyReport(fingerprints, problems)

    def __repr__(self) -> str:
        resolution = self.resolve()
        return (
            f"{type(self).__name__}(environment={self.environment.value!r}, "
            f"variable={resolution.variable!r}, fingerprint={resolution.fingerprint!r})"
        )

    # -- resolution -------------------------------------------------------------------------

    def _resolve(self) -> tuple[JWTSecretResolution, str | None]:
        if self._cache is None:
            self._cache = self._do_resolve()
        return self._cache

    def _do_resolve(self) -> tuple[JWTSecretResolution, str | None]:
        problems: list[Problem] = []
        algorithm = self._algorithm(problems)
        found = [
            (name, value.strip())
            for name in self.candidates
            if (value := self._vars.get(name)) is not None and value.strip()
        ]
        variable: str | None = None
        secret: str | None = None
        weak: list[Problem] = []
        generated = False
        problems.extend(self._foreign_secrets())
        problems.extend(self._blank_names())
        if found:
            variable, secret = found[0]
            conflicts = self._conflicts(found)
            problems.extend(conflicts)
            weak = self._check_secret(variable, secret)
            problems.extend(weak)
        elif self._fallback_allowed():
            secret, generated = _generated_secret(self.environment), True
            problems.append(
                Problem(
                    variable="/".join(self.candidates),
                    message="no JWT secret is set; using a generated "
                    f"{self.environment.value} secret",
                    fix=f"Set {self.candidates[0]} to a random value of at least "
                    f"{MIN_SECRET_LENGTH} characters",
                    severity=Severity.WARNING,
                )
            )
        else:
            problems.append(
                Problem(
                    variable="/".join(self.candidates),
                    message=f"no JWT secret is set; {self.environment.value} has no fallback"
                    + (" outside a test runner" if self.environment is Environment.TESTING else ""),
                    fix=f"Set {self.candidates[0]} or {self.candidates[1]} from the secret store "
                    "(the same secret for every service)",
                )
            )
        # The JWT secret is a critical credential: with a wrong one every authenticated
        # request fails (the configuration's auth.jwt_secret rule says the same).
        problems = [replace(p, critical=True) for p in problems]
        result = collect(_COMPONENT, self.environment, problems, self._origins)
        resolution = JWTSecretResolution(
            variable,
            generated,
            algorithm,
            result,
            # A weak or placeholder secret's fingerprint would confirm a dictionary guess
            # offline: none is computed, in any environment; nor for a refused one.
            None if weak or not result.ok else secret,
        )
        return resolution, secret

    def _fallback_allowed(self) -> bool:
        # Testing generates a secret only under a test runner: ENVIRONMENT=testing copied
        # into a deployment (with TESTING=true or not) gets no secret it did not configure.
        if not self.policy.fallbacks_allowed:
            return False
        if self.environment is not Environment.TESTING:
            return True
        return EnvironmentDetector(self._vars).test_runner_reason() is not None

    def _conflicts(self, found: list[tuple[str, str]]) -> list[Problem]:
        # Two different values for the one credential: services that read the variables in
        # another order, or an operator who set one and forgot the other, sign with
        # different secrets. Deployed, nobody may guess which was meant.
        variable, secret = found[0]
        deployed = self.environment.is_deployed
        problems = []
        for other, value in found[1:]:
            if value == secret:
                continue
            outcome = "refused" if deployed else f"{variable} wins"
            problems.append(
                Problem(
                    variable=f"{variable}/{other}",
                    message=f"{variable} and {other} are both set, to different secrets "
                    f"(values not shown); {outcome}",
                    fix=f"Keep one: unset {other}, or give it the same secret as {variable}, "
                    "so that every service resolves the same one",
                    severity=Severity.ERROR if deployed else Severity.WARNING,
                )
            )
        return problems

    def _blank_names(self) -> list[Problem]:
        # A blank name counts as unset when choosing the secret, here and in the
        # configuration's loader alike; deployed, it is an unset template variable of the
        # deployment, refused by both rather than silently passed over.
        if not self.environment.is_deployed:
            return []
        return [
            Problem(
                variable=name,
                message="is set but blank (an unset template variable?); a blank JWT secret "
                "is never read as unset where deployed",
                fix=f"Give {name} the shared secret, or remove it from the deployment",
            )
            for name in self.candidates
            if (value := self._vars.get(name)) is not None and not value.strip()
        ]

    def _foreign_secrets(self) -> list[Problem]:
        # Another environment's JWT_SECRET_<ENV> in a deployment is never read, and is a
        # secret where it does not belong (production's secret in staging widens its reach).
        if not self.environment.is_deployed:
            return []
        problems = []
        for other in Environment:
            if other is self.environment:
                continue
            for template in JWT_SECRET_VARIABLES:
                if "{ENVIRONMENT}" not in template:
                    continue
                name = template.replace("{ENVIRONMENT}", other.value.upper())
                if self._vars.get(name, "").strip():
                    problems.append(
                        Problem(
                            variable=name,
                            message=f"{name} is {other.value}'s secret, set in "
                            f"{self.environment.value}; it is never read here",
                            fix=f"Unset {name} in {self.environment.value}; "
                            f"{self.environment.value} reads {' or '.join(self.candidates[:2])}",
                        )
                    )
        return problems

    def _check_secret(self, variable: str, secret: str) -> list[Problem]:
        reason = placeholder_reason(secret, deployed=self.environment.is_deployed)
        if reason is not None:
            severity = Severity.ERROR if not self.policy.fallbacks_allowed else Severity.WARNING
            return [
                Problem(
                    variable=variable,
                    message=f"{reason} (value not shown)",
                    fix="Generate a random secret, e.g. `python -c "
                    "'import secrets; print(secrets.token_urlsafe(48))'`",
                    severity=severity,
                )
            ]
        if len(secret) < MIN_SECRET_LENGTH:
            return [
                Problem(
                    variable=variable,
                    # The length is not shown: it narrows a brute-force search.
                    message=f"{short_reason(MIN_SECRET_LENGTH)} (value not shown)",
                    fix=f"Use a random secret of at least {MIN_SECRET_LENGTH} characters",
                    severity=self.policy.short_secret,
                )
            ]
        return []

    def _algorithm(self, problems: list[Problem]) -> str:
        raw = self._vars.get("JWT_ALGORITHM", "").strip()
        if not raw:
            return DEFAULT_ALGORITHM
        algorithm = raw.upper()
        if algorithm not in ALLOWED_ALGORITHMS:
            why = (
                "'none' disables signatures"
                if algorithm == "NONE"
                else "a shared secret signs with HMAC only"
            )
            problems.append(
                Problem(
                    variable="JWT_ALGORITHM",
                    message=f"{raw!r} is not allowed ({why})",
                    fix=f"Set JWT_ALGORITHM to one of: {', '.join(ALLOWED_ALGORITHMS)}",
                )
            )
        return algorithm
