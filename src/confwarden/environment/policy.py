"""What each environment allows: DESIGN.md's environment table, as data.

Every decision that depends on the environment (isolation, ``.env`` loading, fallbacks,
validation mode, cache, localhost, secret length) reads this table instead of comparing
environment names in place, so changing a rule means changing one row here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from confwarden.environment.detection import Environment

__all__ = ["POLICIES", "EnvironmentPolicy", "FallbackKind", "Severity", "policy_for"]


class FallbackKind(StrEnum):
    """What fills in a missing value after every real source."""

    GENERATED = "generated"  # development: random dev secrets, one set per checkout and machine
    TEST_DEFAULTS = "test_defaults"  # testing: test values, under a test runner only
    NONE = "none"  # staging/production: nothing, fail fast


class Severity(StrEnum):
    """How bad a problem is, and how a policy counts a rule's finding.

    ``ignore`` appears only in the policy table (no problem is reported at all); ``info`` only
    on problems (worth showing, never a warning). The configuration layer's validation mode
    then decides whether an error stops startup.
    """

    IGNORE = "ignore"
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class EnvironmentPolicy:
    """The behaviour of one environment (one column of DESIGN.md's table)."""

    environment: Environment
    isolation: bool
    load_dotenv: bool
    fallbacks: FallbackKind
    validation_mode: str  # a ValidationMode value; the configuration layer owns the enum
    config_cache_ttl: float | None  # None: cached for the life of the process
    localhost_urls: Severity
    short_secret: Severity

    @property
    def fallbacks_allowed(self) -> bool:
        """True where a missing value may be filled in by a fallback."""
        return self.fallbacks is not FallbackKind.NONE


POLICIES: dict[Environment, EnvironmentPolicy] = {
    Environment.DEVELOPMENT: EnvironmentPolicy(
        Environment.DEVELOPMENT,
        isolation=True,
        load_dotenv=True,
        fallbacks=FallbackKind.GENERATED,
        validation_mode="warn",
        config_cache_ttl=None,
        localhost_urls=Severity.IGNORE,
        short_secret=Severity.WARNING,
    ),
    Environment.TESTING: EnvironmentPolicy(
        Environment.TESTING,
        isolation=True,
        load_dotenv=False,
        fallbacks=FallbackKind.TEST_DEFAULTS,
        validation_mode="warn",
        config_cache_ttl=30.0,
        localhost_urls=Severity.IGNORE,
        short_secret=Severity.IGNORE,
    ),
    Environment.STAGING: EnvironmentPolicy(
        Environment.STAGING,
        isolation=False,
        load_dotenv=False,
        fallbacks=FallbackKind.NONE,
        validation_mode="enforce_critical",
        config_cache_ttl=None,
        localhost_urls=Severity.ERROR,
        short_secret=Severity.ERROR,
    ),
    Environment.PRODUCTION: EnvironmentPolicy(
        Environment.PRODUCTION,
        isolation=False,
        load_dotenv=False,
        fallbacks=FallbackKind.NONE,
        validation_mode="enforce_all",
        config_cache_ttl=None,
        localhost_urls=Severity.ERROR,
        short_secret=Severity.ERROR,
    ),
}


def policy_for(environment: Environment) -> EnvironmentPolicy:
    """The policy row of ``environment``."""
    return POLICIES[environment]
