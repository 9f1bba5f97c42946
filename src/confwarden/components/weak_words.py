"""The vocabulary of weak secrets: the words people type in placeholders and dev values.

:mod:`confwarden.components.weak_secrets` reads these sets row by row (docs/security.md
prints the table); they live here so that the table's logic fits in one screenful and the
lists can grow without crowding it.
"""

from __future__ import annotations

__all__ = [
    "COMMON_PASSWORD_WORDS",
    "DEVELOPMENT_WORDS",
    "KNOWN_PLACEHOLDERS",
    "PHRASE_WORDS",
    "PLACEHOLDER_WORDS",
    "RUN_TOGETHER_WORDS",
    "SECRET_WORDS",
]

# Values copied from examples, templates and tutorials, compared case-insensitively after
# dropping separators, so that "Change-Me" and "change_me" are both caught.
KNOWN_PLACEHOLDERS = frozenset(
    {
        "password",
        "passw0rd",
        "postgres",
        "root",
        "admin",
        "secret",
        "changeme",
        "changethis",
        "default",
        "example",
        "test",
        "testing",
        "dev",
        "development",
        "placeholder",
        "redis",
        "clickhouse",
        "123456",
        "12345678",
        "qwerty",
        "letmein",
        "yoursecretkey",
        "yoursecretkeyhere",
        "yourpassword",
        "yourpasswordhere",
        "secretkey",
        "jwtsecret",
        "jwtsecretkey",
        "mysecret",
        "mysecretkey",
        "supersecret",
        "notasecret",
        "insecure",
        "todo",
        "fixme",
        "xxx",
        "none",
        "null",
    }
)
# Words that say "not for deployment" when they stand alone between separators
# (``dev_password``, ``development-jwt-secret-...``), in a value written by a person: every
# run of letters in one case (lower, UPPER or Title). A random token_urlsafe secret mixes
# cases within its runs, so it is never taken for one.
DEVELOPMENT_WORDS = frozenset(
    {
        "dev",
        "develop",
        "development",
        "test",
        "tests",
        "testing",
        "local",
        "localdev",
        "example",
        "sample",
        "dummy",
        "fake",
        "demo",
        "insecure",
        "unsafe",
        "notforproduction",
    }
)
# Placeholder phrases written by a person: "your-service-secret-here-at-least-32-chars",
# "TODO_SET_ME_BEFORE_DEPLOYING". A word of PLACEHOLDER_WORDS says it alone; a word of
# PHRASE_WORDS says it next to a word of SECRET_WORDS ("please-change-this-secret",
# "staging-jwt-secret-key-minimum-32-characters"). A diceware passphrase has neither pair.
PLACEHOLDER_WORDS = frozenset(
    {"todo", "fixme", "tbd", "placeholder", "replace", "replaceme", "changeme", "changeit"}
)
PHRASE_WORDS = frozenset(
    {
        "your",
        "my",
        "here",
        "change",
        "please",
        "real",
        "insert",
        "enter",
        "put",
        "this",
        "that",
        "super",
        "min",
        "minimum",
        "least",
        "chars",
        "characters",
        "long",
        "share",
        "deploying",
        "staging",
        "stage",
        "production",
        "prod",
    }
)
SECRET_WORDS = frozenset(
    {
        "secret",
        "secrets",
        "key",
        "password",
        "passwd",
        "pass",
        "token",
        "jwt",
        "value",
        "credential",
        "credentials",
        "api",
        "apikey",
        "signing",
        "salt",
    }
)
# The stems of the passwords every cracking list starts with; "Password123!" and
# "Summer2024" are one of them plus digits and symbols, found in the first minute.
COMMON_PASSWORD_WORDS = frozenset(
    {
        "password",
        "passwd",
        "pass",
        "welcome",
        "qwerty",
        "qwertz",
        "azerty",
        "letmein",
        "admin",
        "administrator",
        "login",
        "root",
        "guest",
        "user",
        "default",
        "secret",
        "changeme",
        "test",
        "abc",
        "abcd",
        "monkey",
        "dragon",
        "master",
        "sunshine",
        "princess",
        "football",
        "baseball",
        "iloveyou",
        "trustno",
        "hello",
        "shadow",
        "superman",
        "batman",
        "freedom",
        "whatever",
        "spring",
        "summer",
        "autumn",
        "fall",
        "winter",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    }
)
# Every word a person types in a development, test or placeholder secret, run together
# without separators ("DevPassword2024", "mysupersecretservicesecretvalue"): a value made of
# these words only is no secret. A diceware passphrase draws from thousands of other words.
RUN_TOGETHER_WORDS = frozenset(
    word
    for word in (
        DEVELOPMENT_WORDS
        | PLACEHOLDER_WORDS
        | PHRASE_WORDS
        | SECRET_WORDS
        | COMMON_PASSWORD_WORDS
        | KNOWN_PLACEHOLDERS
        | {
            "service",
            "services",
            "app",
            "application",
            "auth",
            "session",
            "cookie",
            "encryption",
            "private",
            "shared",
            "database",
            "db",
            "env",
            "environment",
            "internal",
            "do",
            "not",
            "use",
            "only",
            "for",
            "the",
            "and",
            "new",
            "old",
            "me",
        }
    )
    if word.isalpha() and len(word) >= 2
)
