"""The pytest plugin acts on the project it runs in (issue 9 item 3), through pytester.

A user's "shop" project: its own schema, tests written with ``monkeypatch``, no preset.
"""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

INI = """
[pytest]
filterwarnings = error
addopts = -p no:cacheprovider
"""

SHOP_SCHEMA = """
from confwarden.config.schema import ConfigSchema


class ShopConfig(ConfigSchema):
    shop_page_size: int = 50
    shop_currency: str = "EUR"
"""

SHOP_PYPROJECT = """
[project]
name = "shop"

[tool.confwarden.configs]
shop = "shop.config:ShopConfig"
"""

SHOP_TESTS = """
import os

from confwarden import bootstrap, get_env


def test_monkeypatch_is_seen_by_bootstrap(monkeypatch):
    monkeypatch.setenv("SHOP_PAGE_SIZE", "10")
    assert bootstrap().shop_page_size == 10


def test_monkeypatch_after_get_env_is_seen_too(monkeypatch):
    env = get_env()
    monkeypatch.setenv("SHOP_PAGE_SIZE", "20")
    assert env.get("SHOP_PAGE_SIZE") == "20"
    assert bootstrap().shop_page_size == 20


def test_monkeypatch_undone_for_the_next_test():
    assert bootstrap().shop_page_size == 50


def test_get_env_writes_stay_out_of_os_environ():
    get_env().set("SHOP_CURRENCY", "USD", source="test")
    assert "SHOP_CURRENCY" not in os.environ
    assert bootstrap().shop_currency == "USD"


def test_unified_config_builds_the_projects_schema(unified_config):
    config = unified_config(SHOP_PAGE_SIZE="7")
    assert type(config).__name__ == "ShopConfig"
    assert config.shop_page_size == 7


def test_isolated_env_sees_monkeypatch(monkeypatch, isolated_env):
    monkeypatch.setenv("SHOP_PAGE_SIZE", "30")
    assert isolated_env.get("SHOP_PAGE_SIZE") == "30"
"""

LEAKING_TEST = """
import os


def test_leaks():
    os.environ["SHOP_LEAKED"] = "1"


def test_after():
    pass
"""


def _shop(pytester: pytest.Pytester, pyproject: str = SHOP_PYPROJECT) -> None:
    pytester.makeini(INI)
    pytester.makepyprojecttoml(pyproject)
    package = pytester.mkpydir("shop")
    (package / "config.py").write_text(SHOP_SCHEMA)


def test_plugin_in_a_project_sees_monkeypatch_and_builds_its_schema(
    pytester: pytest.Pytester,
) -> None:
    _shop(pytester)
    pytester.makepyfile(test_shop=SHOP_TESTS)
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(passed=6)


def test_leaks_warn_by_default_in_a_project(pytester: pytest.Pytester) -> None:
    _shop(pytester)
    pytester.makepyfile(test_leak=LEAKING_TEST)
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        ["*confwarden environment leaks*", "*SHOP_LEAKED*", "*mode warn: reported only*"]
    )


def test_leaks_fail_when_the_project_opts_in(pytester: pytest.Pytester) -> None:
    _shop(
        pytester,
        '[tool.confwarden]\nleaks = "fail"\n'
        + SHOP_PYPROJECT.replace('[project]\nname = "shop"\n', ""),
    )
    pytester.makepyfile(test_leak=LEAKING_TEST)
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*ERROR at teardown of test_leaks*"])


def test_leaks_fail_when_the_ini_option_opts_in(pytester: pytest.Pytester) -> None:
    _shop(pytester)
    pytester.makeini(INI + "confwarden_leaks = fail\n")
    pytester.makepyfile(test_leak=LEAKING_TEST)
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(passed=2, errors=1)


def test_suite_without_confwarden_project_is_untouched(pytester: pytest.Pytester) -> None:
    pytester.makeini(INI)
    pytester.makepyfile(
        test_plain="""
        import os

        from confwarden import get_env

        def test_leaks():
            os.environ["PLAIN_LEAKED"] = "1"

        def test_env_is_the_plain_process_env():
            env = get_env()
            assert type(env).__name__ == "IsolatedEnvironment"
        """
    )
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(passed=2)
    assert "confwarden environment leaks" not in result.stdout.str()


LATE_IMPORT_TESTS = """
def test_first_loads_confwarden_late():
    from confwarden import get_env

    get_env().set("SHOP_CURRENCY", "USD", source="test")


def test_later_tests_get_a_live_environment(monkeypatch):
    from confwarden import bootstrap

    monkeypatch.setenv("SHOP_PAGE_SIZE", "12")
    config = bootstrap()
    assert config.shop_page_size == 12
"""


def test_plugin_environment_is_live_when_confwarden_is_imported_late(
    pytester: pytest.Pytester,
) -> None:
    _shop(pytester)
    pytester.makepyfile(test_late=LATE_IMPORT_TESTS)
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(passed=2)
