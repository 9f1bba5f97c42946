"""Benchmark: building a database URL with DatabaseURLBuilder, against a hand-written f-string.

The builder does more than the f-string (environment policy, validation of every component,
percent-encoding, the TLS parameter per driver), so the ratio is context, not a target; the
target is the absolute cost of building one URL from a fresh builder: at most 20 us.
"""

from __future__ import annotations

from urllib.parse import quote

from _harness import absolute, per_call, ratio, report
from confwarden.components.database_url import DatabaseURLBuilder
from confwarden.components.jwt_secret import SharedJWTSecretManager
from confwarden.components.url import SecretURL

ENV = {
    "ENVIRONMENT": "production",
    "POSTGRES_HOST": "db.internal",
    "POSTGRES_PORT": "5432",
    "POSTGRES_USER": "app",
    "POSTGRES_PASSWORD": "p@ss/w:rd%#?-generated-Zq8vT2",
    "POSTGRES_DB": "app",
    "JWT_SECRET_KEY": "Kq8vT2mZp4xR7wN1yB5cL0-generated-secret",
}


def build_url() -> SecretURL:
    return DatabaseURLBuilder(ENV, in_docker=False).get_url_for_environment()


def build_url_string() -> str:
    return build_url().render(hide_password=False)


def f_string() -> str:
    # What services wrote by hand (here with encoding, which most of them forgot).
    env = ENV
    return (
        f"postgresql+asyncpg://{quote(env['POSTGRES_USER'], safe='')}:"
        f"{quote(env['POSTGRES_PASSWORD'], safe='')}@{env['POSTGRES_HOST']}:"
        f"{int(env['POSTGRES_PORT'])}/{quote(env['POSTGRES_DB'], safe='')}?ssl=require"
    )


def jwt_secret() -> str:
    return SharedJWTSecretManager(ENV).get_jwt_secret()


def main() -> None:
    assert build_url_string() == f_string(), "the baseline must build the same URL"
    ours = per_call(build_url, number=5_000)
    ours_string = per_call(build_url_string, number=5_000)
    baseline = per_call(f_string, number=50_000)
    jwt = per_call(jwt_secret, number=5_000)
    report(
        "Shared components",
        [
            absolute(
                "DatabaseURLBuilder: build one URL (fresh builder, validated)",
                ours * 1e6,
                "us",
                at_most=20,
            ),
            absolute(
                "DatabaseURLBuilder: build and render to a string",
                ours_string * 1e6,
                "us",
                at_most=30,
                detail="render(hide_password=False) percent-encodes every component",
            ),
            ratio(
                "DatabaseURLBuilder (to a string) vs hand-written f-string with quote()",
                ours_string,
                baseline,
                at_most=100,
                detail="context only: the builder validates every component and the policy",
            ),
            absolute(
                "SharedJWTSecretManager: resolve, validate, return the secret",
                jwt * 1e6,
                "us",
                at_most=50,
                detail="includes the keyed fingerprint (HMAC-SHA256) of the secret",
            ),
        ],
    )


if __name__ == "__main__":
    main()
