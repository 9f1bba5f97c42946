"""Every command acts on the project it stands in (issue 9 items 1, 2 and 9).

A "shop" project like a new user's: one service, its own schema, no platform preset.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from tests.projects import make_project

from confwarden.cli.main import cli

CANARY = "CANARY-5f0e1d-shop-0123456789abcdef"

SHOP_SCHEMA = """
from typing import Annotated

from pydantic import SecretStr

from confwarden.config.common import ServiceConfig
from confwarden.config.schema import ConfigSchema, Env
from confwarden.config.spec import DEPLOYED


class ShopConfig(ConfigSchema):
    shop_page_size: Annotated[int, Env("SHOP_PAGE_SIZE", description="Items per page")] = 50
    shop_stripe_api_key: Annotated[
        SecretStr | None,
        Env("SHOP_STRIPE_API_KEY", sensitive=True, critical=True, required_in=DEPLOYED),
    ] = None


class ShopServiceConfig(ServiceConfig):
    shop_page_size: int = 50
"""


def _shop(root: Path, configs: str = 'shop = "shop.config:ShopConfig"') -> Path:
    (root / "shop").mkdir(parents=True)
    (root / "shop" / "__init__.py").write_text("")
    (root / "shop" / "config.py").write_text(SHOP_SCHEMA)
    (root / "pyproject.toml").write_text(
        f'[project]\nname = "shop"\n\n[tool.confwarden.configs]\n{configs}\n'
    )
    return root


@pytest.fixture
def shop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = _shop(tmp_path / "shop-project")
    monkeypatch.chdir(root)
    return root


def _invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.output


@pytest.mark.parametrize(
    "command",
    [
        ["validate"],
        ["explain", "SHOP_PAGE_SIZE"],
        ["docs"],
        ["impact", "POSTGRES_PASSWORD"],
        ["doctor"],
        ["schema", "--json"],
    ],
)
def test_command_without_project_says_how_to_start_and_exits_2(
    command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, output = _invoke(*command)
    assert code == 2
    assert "no confwarden project found" in output
    assert "confwarden init" in output
    assert "AppConfig" not in output


def test_impact_of_a_shop_secret_is_critical_without_naming_the_service(shop: Path) -> None:
    code, output = _invoke("impact", "SHOP_STRIPE_API_KEY", "--json")
    data = json.loads(output)
    assert code == 0
    assert data["impact"] == "CRITICAL"
    assert data["can_delete"] is False
    assert data["dependency"]["required_by"] == ["shop"]


def test_impact_of_postgres_password_lists_the_projects_services(tmp_path: Path) -> None:
    root = _shop(
        tmp_path,
        'shop = "shop.config:ShopServiceConfig"\nbilling = "shop.config:ShopServiceConfig"',
    )
    code, output = _invoke("--project", str(root), "impact", "POSTGRES_PASSWORD", "--json")
    required_by = json.loads(output)["dependency"]["required_by"]
    assert code == 0
    assert required_by[:2] == ["shop", "billing"]
    assert not {"backend", "auth_service"} & set(required_by)


def test_explain_finds_the_project_from_a_subdirectory(
    shop: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (shop / "shop" / "views").mkdir()
    monkeypatch.chdir(shop / "shop" / "views")
    code, output = _invoke(
        "explain", "SHOP_PAGE_SIZE", "--env", "testing", env={"SHOP_PAGE_SIZE": "10"}
    )
    assert code == 0, output
    assert "ShopConfig.shop_page_size" in output
    assert "value:   10" in output


def test_docs_document_the_projects_schema(shop: Path) -> None:
    code, output = _invoke("docs")
    assert code == 0
    assert output.startswith("# Configuration reference: ShopConfig")
    assert "GOOGLE" not in output


def test_unknown_service_exits_2_naming_the_known_ones(shop: Path) -> None:
    code, output = _invoke("validate", "--service", "billing")
    assert code == 2
    assert "unknown service 'billing'" in output
    assert "shop" in output


def test_project_option_points_at_another_directory(
    shop: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, output = _invoke("--project", str(shop), "schema", "--json")
    document = json.loads(output)
    assert code == 0
    assert document["title"] == "ShopConfig"
    assert document["properties"]["shop_page_size"]["env"] == ["SHOP_PAGE_SIZE"]
    assert document["properties"]["shop_stripe_api_key"]["sensitive"] is True


def test_validate_reads_dotenv_in_development_like_the_app(shop: Path) -> None:
    (shop / ".env").write_text("SHOP_PAGE_SIZE=abc\n")
    code, output = _invoke("explain", "SHOP_PAGE_SIZE", "--env", "development", "--json")
    info = json.loads(output)["services"][0]
    assert code == 0
    assert info["source"]["kind"] == "dotenv"
    assert info["invalid"] is True


def test_validate_reads_the_configured_secrets_dir_like_the_app(shop: Path) -> None:
    secrets = shop / "secrets" / "production"
    secrets.mkdir(parents=True)
    (secrets / "SHOP_STRIPE_API_KEY").write_text(CANARY)
    with (shop / "pyproject.toml").open("a") as file:
        file.write('\n[tool.confwarden.secrets_dirs]\nproduction = "secrets/production"\n')
    code, output = _invoke("validate", "--env", "production", "--json")
    report = json.loads(output)
    assert code == 0, output
    assert report["services"][0]["fields"]["shop_stripe_api_key"]["source"].startswith("secret")
    assert CANARY not in output


def test_doctor_target_production_exits_1_when_that_deploy_would_fail(shop: Path) -> None:
    code, output = _invoke("doctor", "--target", "production", env={"ENVIRONMENT": "development"})
    assert code == 1
    assert "FAIL: the production deployment would fail" in output
    code, _ = _invoke("doctor", env={"ENVIRONMENT": "development"})
    assert code == 0


def test_doctor_target_passes_when_the_deploy_would_start(shop: Path) -> None:
    (shop / ".env.production").write_text(f"SHOP_STRIPE_API_KEY={CANARY}\n")
    code, output = _invoke(
        "doctor", "--target", "production", "--json", env={"ENVIRONMENT": "development"}
    )
    assert code == 0, output
    assert json.loads(output)["targets"] == {"production": True}
    assert CANARY not in output


def test_piped_output_keeps_whole_names(shop: Path) -> None:
    long_name = "SHOP_" + "VERY_LONG_VARIABLE_NAME_" * 5 + "PASSWORD"
    code, output = _invoke("env", "show", env={long_name: CANARY})
    assert code == 0
    assert long_name in output
    assert "…" not in output
    assert CANARY not in output


@pytest.mark.parametrize("value", ["[/x]", "[red]x[/red]", "[bold"])
def test_values_with_markup_print_literally(value: str, shop: Path) -> None:
    code, output = _invoke("env", "show", env={"CW_MARKUP_VALUE": value})
    assert code == 0
    assert value in output


def test_shell_completion_offers_the_projects_services(shop: Path) -> None:
    result = CliRunner().invoke(
        cli,
        [],
        prog_name="confwarden",
        env={
            "_CONFWARDEN_COMPLETE": "bash_complete",
            "COMP_WORDS": "confwarden validate --service ",
            "COMP_CWORD": "3",
        },
    )
    assert result.output.split() == ["plain,shop"]


def test_shell_completion_offers_environments(shop: Path) -> None:
    result = CliRunner().invoke(
        cli,
        [],
        prog_name="confwarden",
        env={
            "_CONFWARDEN_COMPLETE": "bash_complete",
            "COMP_WORDS": "confwarden validate --env st",
            "COMP_CWORD": "3",
        },
    )
    assert result.output.split() == ["plain,staging"]


def test_python_dash_m_runs_the_command_line(shop: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "confwarden", "schema", "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["title"] == "ShopConfig"


def test_script_without_click_prints_the_extra_and_exits_2() -> None:
    code = (
        "import sys; sys.modules['click'] = None; sys.modules['rich'] = None; "
        "from confwarden.cli import main; sys.exit(main(['--help']))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, env=os.environ
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "confwarden: the command line needs click and rich, which are not installed. "
        "Install them with: pip install 'confwarden[cli]'"
    ]


def test_doctor_prints_values_literally_and_names_whole_when_piped(shop: Path) -> None:
    (shop / ".env").write_text("SHOP_PAGE_SIZE=7\n")
    code, output = _invoke(
        "doctor", env={"ENVIRONMENT": "development", "SHOP_STRIPE_API_KEY": "[/x][red]k[/red]"}
    )
    assert code == 0, output
    assert "shop_stripe_api_key *\tSHOP_STRIPE_API_KEY\t***\tos environment" in output
    assert "[/x]" not in output  # a secret: masked, whatever it contains
    assert "SHOP_PAGE_SIZE\t7\t.env" in output


@pytest.mark.parametrize(
    "command",
    [
        ["validate", "--env", "qa"],
        ["validate", "--service", "nope"],
        ["explain", "SHOP_PAGE_SIZE", "--schema", "nope.module:Thing"],
        ["doctor", "--target", "qa"],
        ["impact", "X", "--env", "qa"],
        ["--project", "/nonexistent-dir", "validate"],
        ["diff", "missing.env", "other.env"],
        ["validate", "--mode", "loud"],
    ],
)
def test_every_bad_input_exits_2(command: list[str], shop: Path) -> None:
    code, output = _invoke(*command)
    assert code == 2, output
    assert "Traceback" not in output


def test_malformed_pyproject_exits_2(shop: Path) -> None:
    (shop / "pyproject.toml").write_text("[tool.confwarden\n")
    code, output = _invoke("validate")
    assert code == 2
    assert "cannot read [tool.confwarden]" in output


def test_explain_a_nested_group_key_shows_its_group(tmp_path: Path) -> None:
    (tmp_path / "nested_shop.py").write_text(
        "from pydantic import BaseModel\n"
        "from confwarden import ConfigSchema\n\n"
        "class Payment(BaseModel):\n    provider: str = 'stripe'\n\n"
        "class NestedShop(ConfigSchema, env_prefix='SHOP_'):\n    payment: Payment = Payment()\n"
    )
    (tmp_path / "pyproject.toml").write_text(
        '[tool.confwarden.configs]\nshop = "nested_shop:NestedShop"\n'
    )
    code, output = _invoke(
        "--project",
        str(tmp_path),
        "explain",
        "SHOP_PAYMENT__PROVIDER",
        "--env",
        "testing",
        "--json",
        env={"SHOP_PAYMENT__PROVIDER": "adyen"},
    )
    assert code == 0, output
    (info,) = json.loads(output)["services"]
    assert info["field"] == "payment"
    assert "adyen" in info["value"]


def test_output_cut_short_by_the_reader_is_not_an_internal_error(shop: Path) -> None:
    reader = subprocess.Popen(
        [sys.executable, "-m", "confwarden", "schema"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert reader.stdout is not None
    reader.stdout.close()  # the reader leaves at once, like `| head -0`
    _, stderr = reader.communicate()
    assert "internal error" not in stderr
    assert "Traceback" not in stderr


def test_secrets_dir_option_is_one_option_for_every_command() -> None:
    def declared(*path: str) -> tuple[object, ...]:
        command: click.Command = cli
        for name in path:
            assert isinstance(command, click.Group)
            found = command.get_command(click.Context(command), name)
            assert found is not None
            command = found
        (option,) = (p for p in command.params if "--secrets-dir" in getattr(p, "opts", ()))
        return (option.name, option.multiple, option.help)  # type: ignore[attr-defined]

    assert declared("validate") == declared("explain") == declared("serve")


DB_SCHEMA = """
from typing import Annotated

from confwarden import ConfigSchema, Env, SecretStr


class DbConfig(ConfigSchema):
    postgres_host: Annotated[str, Env("POSTGRES_HOST")] = "localhost"
    postgres_password: Annotated[SecretStr | None, Env("POSTGRES_PASSWORD")] = None
"""


@pytest.fixture
def db_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    table = '[project]\nname = "db"\n\n[tool.confwarden.configs]\ndb = "dbshop.config:DbConfig"\n'
    root = make_project(tmp_path / "db-project", table, package="dbshop", schema=DB_SCHEMA)
    monkeypatch.chdir(root)
    return root


def test_validate_judges_the_database_on_the_schema_own_variables_and_defaults(
    db_project: Path,
) -> None:
    code, output = _invoke(
        "validate", "--env", "development", "--json", env={"POSTGRES_PASSWORD": CANARY}
    )
    assert code == 0, output
    (service,) = json.loads(output)["services"]
    # POSTGRES_USER/POSTGRES_DB are not the schema's; its POSTGRES_HOST default is fine here.
    assert (service["errors"], service["warnings"], service["health_score"]) == ([], [], 100)
    assert CANARY not in output


@pytest.mark.parametrize("target", ["staging", "production"])
def test_doctor_target_ignores_database_variables_the_schema_does_not_declare(
    db_project: Path, target: str
) -> None:
    (db_project / f".env.{target}").write_text(
        f"POSTGRES_HOST=db.internal\nPOSTGRES_PASSWORD={CANARY}\n"
    )
    code, output = _invoke("doctor", "--target", target, env={"ENVIRONMENT": "development"})
    assert code == 0, output
    assert "POSTGRES_USER" not in output
    assert "POSTGRES_DB" not in output
    assert CANARY not in output


IMPACT_SCHEMA = """
from typing import Annotated

from confwarden import ConfigSchema, Env, SecretStr


class ImpactConfig(ConfigSchema, env_prefix="SHOP_"):
    stripe_api_key: Annotated[
        SecretStr | None, Env(critical=True, required_in=("staging", "production"))
    ] = None
    postgres_password: Annotated[SecretStr | None, Env("POSTGRES_PASSWORD")] = None
    postgres_user: Annotated[str, Env("POSTGRES_USER", required_in=("production",))] = "shop"
"""


@pytest.fixture
def impact_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    table = (
        '[project]\nname = "impact"\n\n[tool.confwarden.configs]\n'
        'shop = "impactshop.config:ImpactConfig"\n'
    )
    root = make_project(
        tmp_path / "impact-project", table, package="impactshop", schema=IMPACT_SCHEMA
    )
    monkeypatch.chdir(root)
    return root


@pytest.mark.parametrize("as_json", [False, True])
def test_impact_accepts_required_in_given_as_environment_names(
    impact_project: Path, as_json: bool
) -> None:
    args = ["impact", "SHOP_STRIPE_API_KEY", *(["--json"] if as_json else [])]
    code, output = _invoke(*args)
    assert code == 0, output
    assert "staging" in output
    assert "CRITICAL" in output


GENERIC_GROUPS = ("session_store", "state_persistence", "database,")


def test_impact_of_an_optional_field_speaks_of_the_project_only(impact_project: Path) -> None:
    code, output = _invoke("impact", "POSTGRES_PASSWORD", "--json")
    data = json.loads(output)
    assert code == 0
    assert data["can_delete"] is True
    assert data["dependency"]["required_by"] == []
    assert "shop" in data["reason"]
    assert "optional" in data["reason"]
    assert not [group for group in GENERIC_GROUPS if group in output]


def test_impact_of_a_required_field_names_the_projects_services_only(
    impact_project: Path,
) -> None:
    code, output = _invoke("impact", "POSTGRES_USER")
    assert code == 0
    assert "required by: shop\n" in output
    assert not [group for group in GENERIC_GROUPS if group in output]
    code, output = _invoke("impact", "POSTGRES_USER", "--json")
    assert json.loads(output)["dependency"]["required_by"] == ["shop"]


def test_impact_of_a_generic_variable_the_project_does_not_read(impact_project: Path) -> None:
    code, output = _invoke("impact", "SERVICE_SECRET", "--json")
    data = json.loads(output)
    assert code == 0
    assert (data["known"], data["can_delete"]) == (False, True)
    assert "inter_service_auth" not in output
