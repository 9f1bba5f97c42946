"""Which variable names hold a secret *value*, as the checker judges them.

The masking layer's :func:`~confwarden.environment.masking.is_sensitive_name` errs on the
side of hiding: a value is masked when its name merely mentions a secret. The checker must
err the other way, or a platform team stops reading its findings: on a real platform,
``TOKEN_VALIDATION_ENABLED``, ``ACCESS_TOKEN_EXPIRE_MINUTES`` and ``SHOP_SECRETS_DIR`` were
reported as secrets read around the configuration layer. A flag, a duration, a count, a path
or a directory *about* a secret is not the secret, and it is named so by its last word (or
its first, for flags such as ``USE_SECRET_MANAGER``), or by a word of quantity or lifetime
anywhere (``LLM_MAX_TOKENS``, ``ACCESS_TOKEN_EXPIRES_IN``). An environment suffix
(``_STAGING``...) is set aside first: ``TOKEN_EXPIRE_MINUTES_STAGING`` is a duration and
``JWT_SECRET_KEY_STAGING`` a secret. The tables only ever *remove* a name the masking layer
calls sensitive, and only for words that clearly mark a non-secret; this is the checker's
judgement (findings and report excerpts), never the masking layer's, which stays
conservative.
"""

from __future__ import annotations

from functools import lru_cache

from confwarden.environment.masking import is_sensitive_name

__all__ = [
    "ENVIRONMENT_SUFFIXES",
    "NOT_A_SECRET_ANYWHERE",
    "NOT_A_SECRET_FIRST",
    "NOT_A_SECRET_LAST",
    "SECRET_ONLY_LAST",
    "is_secret_variable",
]

# The last word of a name that holds a setting about a secret, not the secret.
NOT_A_SECRET_LAST = frozenset(
    {
        # flags
        "ENABLED", "DISABLED", "ENABLE", "DISABLE", "REQUIRED", "ENFORCED", "STRICT", "MODE",
        # durations
        "SECONDS", "SECS", "SEC", "MINUTES", "MINS", "HOURS", "DAYS", "MS", "TTL", "TIMEOUT",
        "EXPIRE", "EXPIRES", "EXPIRY", "EXPIRATION", "LIFETIME", "INTERVAL", "AGE", "DELAY",
        # counts and sizes
        "COUNT", "LENGTH", "LEN", "SIZE", "LIMIT", "MAX", "MIN", "RETRIES", "ATTEMPTS", "NUM",
        "BYTES", "BITS", "ROUNDS", "ITERATIONS",
        # paths, directories, locations and descriptions
        "DIR", "DIRS", "DIRECTORY", "PATH", "PATHS", "FILE", "FILES", "FOLDER", "MOUNT",
        "NAME", "NAMES", "ID", "IDS", "VERSION", "TYPE", "ALGORITHM", "ALG", "HEADER",
        "PREFIX", "ISSUER", "AUDIENCE", "URL", "URI", "ENDPOINT", "HOST", "PORT", "PROVIDER",
        "BACKEND", "SOURCE", "FORMAT", "LOCATION", "PROJECT", "DOMAIN",
        # switches and tuning of a service named after a secret (AUTH_DEBUG, AUTH_WORKERS)
        "DEBUG", "LEVEL", "VERBOSE", "WORKERS", "THREADS", "READY", "SECURE", "SAMESITE",
        "HTTPONLY", "DIGITS",
    }
)  # fmt: skip
# The first word of a flag about a secret (USE_SECRET_MANAGER, ENABLE_TOKEN_AUTH).
NOT_A_SECRET_FIRST = frozenset(
    {"USE", "ENABLE", "DISABLE", "IS", "HAS", "ALLOW", "REQUIRE", "SKIP", "NO"}
)
# Words of quantity or lifetime, wherever they stand (MAX_TOKENS, PASSWORD_MIN_CHARS,
# ACCESS_TOKEN_EXPIRES_IN): the value is a number or a duration.
NOT_A_SECRET_ANYWHERE = frozenset(
    {"MAX", "MIN", "NUM", "COUNT", "EXPIRE", "EXPIRES", "EXPIRY", "EXPIRATION", "TTL", "LIFETIME"}
)
# Words that name a secret only as the last word (BASIC_AUTH, SESSION_COOKIE, WALLET_SEED) or
# followed by a secret word (AUTH_TOKEN, OTP_SECRET): elsewhere they name the service or the
# feature the setting is about (AUTH_DEBUG, SESSION_COOKIE_SECURE, RANDOM_SEED, OTP_DIGITS).
SECRET_ONLY_LAST = frozenset({"AUTH", "COOKIE", "SEED", "OTP"})
# A seed for reproducibility, not a wallet's: the word before SEED says so.
_RANDOM = frozenset({"RANDOM", "RNG", "SHUFFLE", "SAMPLING", "FAKER"})
# The environment a per-environment variable is for (JWT_SECRET_KEY_STAGING): set aside.
ENVIRONMENT_SUFFIXES = frozenset({"STAGING", "PRODUCTION", "DEVELOPMENT", "TESTING"})


@lru_cache(maxsize=4096)
def is_secret_variable(name: str) -> bool:
    """Tell whether the variable ``name`` holds a secret value.

    Example:
        >>> is_secret_variable("JWT_SECRET_KEY"), is_secret_variable("SMTP_PASSWORD")
        (True, True)
        >>> is_secret_variable("ACCESS_TOKEN_EXPIRE_MINUTES")
        False
        >>> is_secret_variable("SHOP_SECRETS_DIR"), is_secret_variable("TOKEN_VALIDATION_ENABLED")
        (False, False)
        >>> is_secret_variable("AUTH_DEBUG"), is_secret_variable("BASIC_AUTH")
        (False, True)
    """
    if not is_sensitive_name(name):
        return False
    words = [w for w in name.upper().split("_") if w]
    if len(words) > 2 and words[-1] in ENVIRONMENT_SUFFIXES:
        words.pop()
    if len(words) < 2:
        return True
    if words[-1] not in SECRET_ONLY_LAST and not is_sensitive_name(
        "_".join(w for w in words if w not in SECRET_ONLY_LAST)
    ):
        return False  # only AUTH/COOKIE/SEED/OTP, and not as the last word
    if words[-1] == "SEED" and words[-2] in _RANDOM:
        return False
    return (
        words[-1] not in NOT_A_SECRET_LAST
        and words[0] not in NOT_A_SECRET_FIRST
        and NOT_A_SECRET_ANYWHERE.isdisjoint(words)
    )
