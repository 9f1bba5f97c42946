"""Safety checks at startup: what detection, weak-value and fail-fast checks cost.

Every service pays these once per start (and the monitoring loop once per validation), so
they must stay small next to loading itself. Targets (issue 10):

* judging one secret against the weak-value table: at most 5 us;
* the issue-10 rules (weak values, numbers, components, unread variants) on a 150-field
  schema with 30 secrets: at most 150 us together;
* environment detection with the deployment-marker table: at most 20 us;
* a development secret read from the project's store, once cached: at most 1 us.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Annotated, Any

from pydantic import SecretStr

from _harness import Measurement, absolute, per_call, per_run, report
from confwarden.components.weak_secrets import weak_value_reason
from confwarden.config.loader import load_config
from confwarden.config.schema import ConfigSchema, Env, fields_of
from confwarden.config.sources import LoadContext
from confwarden.config.validation import ValidationContext
from confwarden.config.validation.components import ComponentRule
from confwarden.config.validation.defaults import LibraryDefaultRule
from confwarden.config.validation.numbers import NumberRule
from confwarden.config.validation.secrets import SecretStrengthRule
from confwarden.config.validation.variants import UnreadVariantRule
from confwarden.environment.detection import Environment, EnvironmentDetector
from confwarden.environment.dev_secrets import DevSecretStore

FIELDS = 150
# Passes every row of the weak-value table: the worst case, each row is tried.
SECRET = "Xq9Lk2Pz8Mn4Vb6Rt1Wy3aBcD-7hJ5gF0sE-0001"


def _schema() -> tuple[type[ConfigSchema], dict[str, str]]:
    annotations: dict[str, Any] = {}
    defaults: dict[str, Any] = {}
    environ: dict[str, str] = {f"UNRELATED_VARIABLE_{i}": "x" for i in range(60)}
    for index in range(FIELDS):
        name = f"bench_field_{index:03d}"
        secret = index % 5 == 4
        kind: Any = SecretStr | None if secret else str | None
        annotations[name] = Annotated[kind, Env(name.upper(), sensitive=secret)]
        defaults[name] = None
        environ[name.upper()] = f"{SECRET}-{index}" if secret else "value"
    namespace = {"__annotations__": annotations, "__module__": __name__, **defaults}
    return type("SafetyBenchConfig", (ConfigSchema,), namespace), environ


def bench_weak_value() -> list[Measurement]:
    t = per_call(lambda: weak_value_reason(SECRET, deployed=True), number=20_000)
    return [absolute("weak-value table, one secret", t * 1e6, "us", at_most=5)]


def bench_rules() -> list[Measurement]:
    schema, environ = _schema()
    loaded = load_config(schema, LoadContext(Environment.PRODUCTION, environ))
    fields = fields_of(schema)
    rules = (
        SecretStrengthRule(),
        LibraryDefaultRule(),
        NumberRule(),
        ComponentRule(),
        UnreadVariantRule(),
    )

    def context() -> ValidationContext:
        return ValidationContext(Environment.PRODUCTION, fields, loaded.values, loaded.variables)

    def run() -> None:
        ctx = context()
        for rule in rules:
            list(rule.check(ctx))

    t = per_call(run, number=200) - per_call(context, number=200)
    return [
        absolute(
            f"issue-10 rules on {FIELDS} fields (30 secrets)",
            t * 1e6,
            "us",
            at_most=150,
            detail="secrets.weak_value/length, defaults.library_value, numbers, components, "
            "variants.unread",
        )
    ]


def bench_detection() -> list[Measurement]:
    environ = dict(os.environ)
    environ["ENVIRONMENT"] = "production"
    detector = EnvironmentDetector(environ, modules={})
    t = per_call(detector.detect, number=20_000)
    return [absolute("detection with deployment markers", t * 1e6, "us", at_most=20)]


def bench_dev_secrets() -> list[Measurement]:
    with tempfile.TemporaryDirectory() as directory:
        first = per_run(
            lambda: DevSecretStore(Path(directory) / str(os.urandom(4).hex())).get("JWT_SECRET_KEY")
        )
        store = DevSecretStore(directory)
        store.get("JWT_SECRET_KEY")
        cached = per_call(lambda: store.get("JWT_SECRET_KEY"), number=100_000)
    return [
        absolute(
            "development secret from the store, cached",
            cached * 1e6,
            "us",
            at_most=1,
            detail=f"first use (generate, 0600 file, link): {first * 1e3:.2f} ms",
        )
    ]


if __name__ == "__main__":
    report(
        "Safety checks at startup (issue 10)",
        [*bench_weak_value(), *bench_rules(), *bench_detection(), *bench_dev_secrets()],
    )
