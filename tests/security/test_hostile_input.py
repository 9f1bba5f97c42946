"""Issue 11 item 6: masking and parsing stay linear on hostile values.

The bounds are correctness bounds, not benchmarks: a quadratic path takes minutes on these
inputs (31 s for 200 KB before the fix), a linear one a tenth of a second, so a generous
bound separates them on any machine. They are measured in CPU time of this process, so that
a machine busy with other work does not fail them.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.security import canaries

from confwarden.cli.main import cli
from confwarden.environment.dotenv import parse_dotenv
from confwarden.environment.masking import is_sensitive_name, mask_text, mask_value
from confwarden.environment.process import reset_env

MB = 1 << 20
BOUND = 1.0  # seconds for 1 MB

HOSTILE = {
    "equals": "=" * MB,
    "colons": ":" * MB,
    "ats": "@" * MB,
    "slashes": "/" * MB,
    "mixed": "a=:@//" * (MB // 6),
    "schemes": "x://u:p" * (MB // 7),
    "open-userinfo": "x://u:" * (MB // 6) + "@",
    "spaced-userinfo": "a://b:c d" * (MB // 9),
    "pairs": "a=b " * (MB // 4),
    "open-quotes": "password='" * (MB // 10),
    "json-keys": '"password":"' * (MB // 12),
    "prefixes": "sk-" * (MB // 3),
    "jwt-heads": "eyJa." * (MB // 5),
    "pem-heads": "-----BEGIN PRIVATE KEY-----" * (MB // 27),
    "webhooks": "hooks.slack.com/services/" * (MB // 25),
    "queries": "?key=" * (MB // 5),
    "colon-keys": "password: " * (MB // 10),
    "colon-quotes": "'password': '" * (MB // 13),
    "colon-open-quotes": "password: '" + 'password: "' * (MB // 11),
    "auth-headers": "Authorization: Bearer " * (MB // 22),
    "npm-tokens": ":_authToken=" * (MB // 12),
    "curl-users": "curl -u a:" * (MB // 10),
    "teams-hooks": "webhook.office.com/webhookb2/" * (MB // 29),
    "no-space-word": "aZ09" * (MB // 4),
    # Second audit: Vault/OpenBao prefixes, Azure keys, JSON Authorization headers.
    "vault-heads": "hvs." * (MB // 4),
    "vault-legacy-heads": "s." * (MB // 2),
    "vault-legacy-run": "s." + "aZ9" * (MB // 3),
    "account-keys": ";AccountKey=" * (MB // 12),
    "json-authorization": '{"Authorization": "Bearer ' * (MB // 26),
    # One long scheme-like word: the old URL expression rescanned it from every letter.
    "scheme-run": "a" * MB + "=x",
    "scheme-run-colon": "a" * (MB // 2) + "://" + "b" * (MB // 2) + "=",
}


def _seconds(call: Callable[[], object]) -> float:
    start = time.process_time()
    call()
    return time.process_time() - start


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_masking_a_hostile_megabyte_is_linear(kind: str) -> None:
    value = HOSTILE[kind]
    elapsed = _seconds(lambda: (mask_value("SETTING", value), mask_text(value, ["s3cr/et-x"])))
    assert elapsed < BOUND, f"{kind}: {elapsed:.2f} s"


@pytest.mark.parametrize("value", [":" * MB, "a:" * (MB // 2), "a" * MB + ":", "a:" + " " * MB])
def test_masking_a_hostile_credential_pair_is_linear(value: str) -> None:
    assert _seconds(lambda: mask_value("LDAP_BIND", value)) < BOUND


def test_sensitive_name_check_of_a_huge_name_is_linear() -> None:
    name = "SECRT_" * (MB // 6)
    assert _seconds(lambda: is_sensitive_name(name)) < BOUND


@pytest.mark.parametrize(
    "text",
    [
        "A=${" * (MB // 4),
        "A=${A:-" * (MB // 7),
        "A='" + "\\'" * (MB // 2),
        'A="' + "\\\\" * (MB // 2) + '"',
        "export " * (MB // 7),
        "=" * MB,
        "A=x\n" + "A=${A}${A}\n" * 40,
    ],
    ids=["open-refs", "open-defaults", "escaped-quotes", "backslashes", "exports", "eq", "bomb"],
)
def test_parsing_a_hostile_env_file_is_linear(text: str) -> None:
    assert _seconds(lambda: parse_dotenv(text, strict=False)) < BOUND


def test_cli_stays_fast_with_120kb_hostile_values(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    size = 120 * 1024
    values = {
        "HOSTILE_EQ": "=" * size,
        "HOSTILE_URL": "x://u:" * (size // 6),
        "HOSTILE_MIX": "a=:@//" * (size // 6),
        "HOSTILE_SECRET": "p@ss:" * (size // 5),
    }
    files = canaries.write_project(tmp_path / "project")
    monkeypatch.chdir(files["root"])
    dotenv = tmp_path / ".env"
    dotenv.write_text("".join(f"{key}={value}\n" for key, value in values.items()))
    reset_env()
    runner = CliRunner()
    start = time.process_time()
    result = runner.invoke(cli, ["env", "show", "--json", "--env-file", str(dotenv)])
    shown = runner.invoke(cli, ["env", "show", "--env-file", str(dotenv)])
    validated = runner.invoke(
        cli, ["validate", "--json", "--env", "development", "--env-file", str(dotenv)]
    )
    elapsed = time.process_time() - start
    assert result.exit_code == 0, result.output[-500:]
    assert shown.exit_code == 0
    assert validated.exit_code in (0, 1), validated.output[-500:]
    assert "backend" in json.dumps(json.loads(validated.stdout))
    assert {v["key"] for v in json.loads(result.stdout)["variables"]} >= set(values)
    assert elapsed < 10 * BOUND, f"env show and validate took {elapsed:.2f} s"
