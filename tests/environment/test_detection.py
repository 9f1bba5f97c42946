"""EnvironmentDetector: explicit ENVIRONMENT, aliases, test context, deployment markers."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from types import ModuleType

import pytest

from confwarden.environment.detection import Environment, EnvironmentDetector, detect_environment
from confwarden.environment.markers import container_reason, in_container
from confwarden.errors import EnvironmentDetectionError

NO_MODULES: dict[str, ModuleType] = {}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("development", Environment.DEVELOPMENT),
        ("dev", Environment.DEVELOPMENT),
        ("local", Environment.DEVELOPMENT),
        ("testing", Environment.TESTING),
        ("test", Environment.TESTING),
        ("staging", Environment.STAGING),
        ("stage", Environment.STAGING),
        ("production", Environment.PRODUCTION),
        ("prod", Environment.PRODUCTION),
        ("  PROD ", Environment.PRODUCTION),
        ("Staging", Environment.STAGING),
    ],
)
def test_detect_environment_variable_and_aliases(value: str, expected: Environment) -> None:
    detection = EnvironmentDetector({"ENVIRONMENT": value}, modules=NO_MODULES).detect()
    assert detection.environment is expected
    assert "ENVIRONMENT" in detection.reason


def test_detect_unknown_value_is_error_not_default() -> None:
    with pytest.raises(EnvironmentDetectionError, match="'prodution' is not a known") as exc:
        EnvironmentDetector({"ENVIRONMENT": "prodution"}, modules=NO_MODULES).detect()
    assert "production" in str(exc.value)
    assert exc.value.exit_code == 2


def test_detect_explicit_environment_wins_over_test_context() -> None:
    detection = EnvironmentDetector(
        {"ENVIRONMENT": "staging", "TESTING": "1"}, modules=NO_MODULES
    ).detect()
    assert detection.environment is Environment.STAGING
    assert detection.is_test_context


@pytest.mark.parametrize(
    "environ",
    [
        {"PYTEST_CURRENT_TEST": "tests/test_x.py::test_y (call)"},
        {"TESTING": "true"},
        {"TESTING": "1"},
        {"TEST_MODE": "yes"},
        {"ENVIRONMENT": "testing"},
    ],
)
def test_detect_test_context(environ: dict[str, str]) -> None:
    detection = EnvironmentDetector(environ, modules=NO_MODULES).detect()
    assert detection.environment is Environment.TESTING
    assert detection.is_test_context


def test_detect_testing_false_is_not_test_context() -> None:
    detection = EnvironmentDetector({"TESTING": "false"}, modules=NO_MODULES).detect()
    assert detection.environment is Environment.DEVELOPMENT


def test_detect_pytest_module_means_testing() -> None:
    detection = EnvironmentDetector({}, modules=sys.modules).detect()
    assert detection.environment is Environment.TESTING
    assert detection.reason == "running under pytest"


def test_detect_default_is_development() -> None:
    detection = EnvironmentDetector({}, modules=NO_MODULES).detect()
    assert detection.environment is Environment.DEVELOPMENT
    assert not detection.is_test_context


# Every orchestrator marker of markers.py, with a value the platform really sets.
DEPLOYED = [
    ({"KUBERNETES_SERVICE_HOST": "10.96.0.1"}, "Kubernetes"),
    ({"K_SERVICE": "backend-prod"}, "Cloud Run service"),
    ({"CLOUD_RUN_JOB": "nightly-export"}, "Cloud Run job"),
    ({"ECS_CONTAINER_METADATA_URI_V4": "http://169.254.170.2/v4/abc"}, "ECS"),
    ({"ECS_CONTAINER_METADATA_URI": "http://169.254.170.2/v3/abc"}, "ECS"),
    ({"AWS_EXECUTION_ENV": "AWS_ECS_FARGATE"}, "ECS"),
    ({"AWS_EXECUTION_ENV": "AWS_Lambda_python3.12"}, "Lambda"),
    ({"AWS_LAMBDA_FUNCTION_NAME": "resize-images"}, "Lambda"),
    ({"NOMAD_ALLOC_ID": "5c1d2f0e-0000-4000-8000-000000000000"}, "Nomad"),
    ({"GAE_APPLICATION": "s~my-project"}, "App Engine"),
    ({"GAE_ENV": "standard"}, "App Engine"),
    ({"WEBSITE_SITE_NAME": "shop-api"}, "Azure App Service"),
    ({"WEBSITE_INSTANCE_ID": "0123abcd"}, "Azure App Service"),
    ({"FLY_APP_NAME": "shop"}, "Fly.io"),
    ({"FLY_MACHINE_ID": "3d8d9e1b2c4e87"}, "Fly.io"),
    ({"DYNO": "web.1"}, "Heroku"),
    ({"RENDER": "true"}, "Render"),
    ({"RENDER_SERVICE_ID": "srv-abc123"}, "Render"),
]


@pytest.mark.parametrize(("environ", "platform"), DEPLOYED)
def test_detect_deployment_marker_without_environment_is_error(
    environ: dict[str, str], platform: str
) -> None:
    with pytest.raises(EnvironmentDetectionError, match="Set ENVIRONMENT=staging") as exc:
        EnvironmentDetector(environ, modules=NO_MODULES).detect()
    marker = next(iter(environ))
    assert marker in str(exc.value)
    assert platform in str(exc.value)


@pytest.mark.parametrize(("environ", "platform"), DEPLOYED)
def test_detect_deployment_marker_beats_test_signals(
    environ: dict[str, str], platform: str
) -> None:
    signals = {**environ, "TESTING": "true", "PYTEST_CURRENT_TEST": "t.py::t (call)"}
    with pytest.raises(EnvironmentDetectionError, match=r"test signal .* is ignored"):
        EnvironmentDetector(signals, modules=sys.modules).detect()


def test_detect_cloud_run_prod_name_with_testing_flag_is_not_testing() -> None:
    environ = {"K_SERVICE": "backend-prod", "TESTING": "true"}
    with pytest.raises(EnvironmentDetectionError, match=r"K_SERVICE \(Cloud Run service\)"):
        EnvironmentDetector(environ, modules=NO_MODULES).detect()


@pytest.mark.parametrize(
    "environ",
    [
        {"AWS_EXECUTION_ENV": "CloudShell"},
        {"GAE_ENV": "localdev", "GAE_APPLICATION": "dev~my-project"},
        {"GAE_ENV": "flexible-test"},
        {"KUBERNETES_SERVICE_HOST": "  "},
        {"REMOTE_CONTAINERS": "true", "container": "podman", "CI": "true"},
    ],
)
def test_detect_non_deployment_markers_stay_development(environ: dict[str, str]) -> None:
    detection = EnvironmentDetector(environ, modules=NO_MODULES).detect()
    assert detection.environment is Environment.DEVELOPMENT
    assert detection.deployment_marker is None


def test_detect_explicit_environment_under_marker_records_marker() -> None:
    detection = EnvironmentDetector(
        {"KUBERNETES_SERVICE_HOST": "10.96.0.1", "ENVIRONMENT": "prod", "TESTING": "1"},
        modules=NO_MODULES,
    ).detect()
    assert detection.environment is Environment.PRODUCTION
    assert detection.deployment_marker == "KUBERNETES_SERVICE_HOST (Kubernetes)"
    assert not detection.is_test_context


def test_detect_explicit_testing_in_cluster_is_allowed() -> None:
    # A CI job in a Kubernetes runner says so explicitly.
    detection = EnvironmentDetector(
        {"KUBERNETES_SERVICE_HOST": "10.96.0.1", "ENVIRONMENT": "testing"}, modules=NO_MODULES
    ).detect()
    assert detection.environment is Environment.TESTING


@pytest.mark.parametrize("value", ["", "   ", "\t"])
def test_detect_blank_environment_is_error(value: str) -> None:
    with pytest.raises(EnvironmentDetectionError, match="set but blank") as exc:
        EnvironmentDetector({"ENVIRONMENT": value}, modules=NO_MODULES).detect()
    assert exc.value.exit_code == 2


def test_detect_blank_environment_is_error_under_test_runner() -> None:
    with pytest.raises(EnvironmentDetectionError, match="set but blank"):
        EnvironmentDetector({"ENVIRONMENT": ""}, modules=sys.modules).detect()


def test_detect_test_runner_reason_ignores_testing_flag() -> None:
    detector = EnvironmentDetector({"TESTING": "true"}, modules=NO_MODULES)
    assert detector.test_context_reason() == "TESTING is set"
    assert detector.test_runner_reason() is None
    assert EnvironmentDetector({}, modules=sys.modules).test_runner_reason() == (
        "running under pytest"
    )


def test_detect_test_runner_reason_needs_pytest_in_the_process() -> None:
    # Gap (audit 2, item 6): PYTEST_CURRENT_TEST alone (a copied environment) was a runner.
    copied = {"ENVIRONMENT": "testing", "PYTEST_CURRENT_TEST": "t.py::t (call)"}
    assert EnvironmentDetector(copied, modules=NO_MODULES).test_runner_reason() is None
    assert EnvironmentDetector(copied, modules=sys.modules).test_runner_reason() is not None


# -- containers ----------------------------------------------------------------------------


def test_container_nothing_found_on_empty_root(tmp_path: Path) -> None:
    assert container_reason({}, root=tmp_path) is None


@pytest.mark.parametrize(
    ("relative", "runtime"), [(".dockerenv", "Docker"), ("run/.containerenv", "Podman")]
)
def test_container_marker_files(tmp_path: Path, relative: str, runtime: str) -> None:
    marker = tmp_path / relative
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text("")
    assert container_reason({}, root=tmp_path) == f"/{relative} exists ({runtime})"


@pytest.mark.parametrize("name", ["RUNNING_IN_DOCKER", "DOCKER_CONTAINER", "container"])
def test_container_variables(tmp_path: Path, name: str) -> None:
    assert container_reason({name: "true"}, root=tmp_path) == f"{name} is set"
    assert container_reason({name: "false"}, root=tmp_path) is None


@pytest.mark.parametrize(
    ("line", "word"),
    [
        ("12:memory:/docker/3f9a2c", "docker"),
        ("0::/kubepods/besteffort/pod1234/abcd", "kubepods"),
        ("1:name=systemd:/machine.slice/libpod-3f9a.scope", "libpod"),
    ],
)
def test_container_cgroup(tmp_path: Path, line: str, word: str) -> None:
    cgroup = tmp_path / "proc" / "1" / "cgroup"
    cgroup.parent.mkdir(parents=True)
    cgroup.write_text(line + "\n")
    assert container_reason({}, root=tmp_path) == f"/proc/1/cgroup names {word}"


def test_container_cgroup_v2_host_is_not_container(tmp_path: Path) -> None:
    cgroup = tmp_path / "proc" / "1" / "cgroup"
    cgroup.parent.mkdir(parents=True)
    cgroup.write_text("0::/init.scope\n")
    assert container_reason({}, root=tmp_path) is None


def test_container_cgroup_fifo_does_not_hang(tmp_path: Path) -> None:
    cgroup = tmp_path / "proc" / "1" / "cgroup"
    cgroup.parent.mkdir(parents=True)
    os.mkfifo(cgroup)
    assert container_reason({}, root=tmp_path) is None


def test_container_alone_is_not_deployed(tmp_path: Path) -> None:
    (tmp_path / ".dockerenv").write_text("")
    detector = EnvironmentDetector({}, modules=NO_MODULES, root=tmp_path)
    assert detector.container_reason() == "/.dockerenv exists (Docker)"
    assert detector.detect().environment is Environment.DEVELOPMENT


def test_detect_cloud_run_with_environment_uses_it() -> None:
    detection = EnvironmentDetector(
        {"K_SERVICE": "backend", "ENVIRONMENT": "production"}, modules=NO_MODULES
    ).detect()
    assert detection.environment is Environment.PRODUCTION


def test_detect_custom_variable_name() -> None:
    detector = EnvironmentDetector({"APP_ENV": "prod"}, modules=NO_MODULES, variable="APP_ENV")
    assert detector.detect().environment is Environment.PRODUCTION


def test_detect_environment_shortcut() -> None:
    assert detect_environment({"ENVIRONMENT": "stage"}) is Environment.STAGING


def test_environment_is_deployed() -> None:
    assert [e for e in Environment if e.is_deployed] == [
        Environment.STAGING,
        Environment.PRODUCTION,
    ]


def test_in_container_looks_under_the_marker_directory(tmp_path: Path) -> None:
    marker = tmp_path / ".dockerenv"
    assert not in_container({}, dockerenv_path=marker)
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / ".containerenv").write_text("")
    assert in_container({}, dockerenv_path=marker)


def test_in_container_reads_variables_of_the_mapping(tmp_path: Path) -> None:
    marker = tmp_path / ".dockerenv"
    assert in_container({"RUNNING_IN_DOCKER": "1"}, dockerenv_path=marker)
    assert not in_container({"RUNNING_IN_DOCKER": "1"}, dockerenv_path=tmp_path / "flag")


def test_components_use_the_whole_container_detection(tmp_path: Path) -> None:
    from confwarden.components.ports import PortDiscovery
    from confwarden.components.redis_url import RedisURLBuilder

    marker = tmp_path / ".dockerenv"
    podman = {"container": "podman"}
    assert RedisURLBuilder(podman, dockerenv_path=marker).in_docker
    assert PortDiscovery(podman, dockerenv_path=marker).in_docker
    assert not RedisURLBuilder({}, dockerenv_path=marker).in_docker
