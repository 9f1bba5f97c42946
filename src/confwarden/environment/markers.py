"""What the platform a process runs on says about it: deployment and container markers.

A Kubernetes pod with ``ENVIRONMENT`` unset used to start as *development*, with generated
development secrets, because only Cloud Run was recognised. Every orchestrator sets variables
of its own in every process it starts; their presence means "this is a deployment", and a
deployment never silently becomes development or testing (see ``detection.py``).

A container alone means nothing of the kind: devcontainers, CI jobs and ``docker compose``
on a laptop are containers too. Container detection only tells components that a compose
service name may stand for ``localhost``.

Both read only what is passed in (a mapping of variables, a root directory), so tests hand
in a dict and a temporary directory and never read the machine they run on.

The marker table (kept in docs/security.md too):

============================  ==============================  ===============================
variable                      platform                        set by
============================  ==============================  ===============================
KUBERNETES_SERVICE_HOST       Kubernetes (GKE, EKS, AKS...)   kubelet, in every container
K_SERVICE                     Cloud Run service, Knative,     the runtime (with K_REVISION)
                              Cloud Functions (2nd gen)
CLOUD_RUN_JOB                 Cloud Run job                   the runtime (with
                                                              CLOUD_RUN_EXECUTION)
ECS_CONTAINER_METADATA_URI_V4 Amazon ECS / Fargate            the ECS agent (agent >= 1.39,
                                                              Fargate >= 1.4)
ECS_CONTAINER_METADATA_URI    Amazon ECS (metadata v3)        the ECS agent
AWS_EXECUTION_ENV             Amazon ECS / Lambda             ``AWS_ECS_FARGATE``,
                                                              ``AWS_ECS_EC2``,
                                                              ``AWS_Lambda_<runtime>`` only
                                                              (CloudShell sets it too)
AWS_LAMBDA_FUNCTION_NAME      AWS Lambda                      the Lambda runtime
NOMAD_ALLOC_ID                HashiCorp Nomad                 the Nomad client, every task
GAE_APPLICATION               Google App Engine               the runtime (not with
                                                              ``GAE_ENV=localdev``)
GAE_ENV                       App Engine standard             ``standard`` only
WEBSITE_SITE_NAME             Azure App Service / Functions   the App Service platform
WEBSITE_INSTANCE_ID           Azure App Service / Functions   the App Service platform
FLY_APP_NAME                  Fly.io                          every Machine
FLY_MACHINE_ID                Fly.io                          every Machine
DYNO                          Heroku                          every dyno (``web.1``)
RENDER                        Render                          ``true`` in every service
RENDER_SERVICE_ID             Render                          every service
============================  ==============================  ===============================
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "CONTAINER_FILES",
    "CONTAINER_VARIABLES",
    "DEPLOYMENT_MARKERS",
    "DeploymentMarker",
    "container_reason",
    "deployment_marker",
    "in_container",
]


@dataclass(frozen=True, slots=True)
class DeploymentMarker:
    """A variable an orchestrator sets in every process it runs.

    Attributes:
        variable: the variable.
        platform: the platform, for messages.
        values: when not empty, the marker counts only if the value starts with one of
            these (``AWS_EXECUTION_ENV`` is also set by CloudShell, which is no deployment).
    """

    variable: str
    platform: str
    values: tuple[str, ...] = ()

    def matches(self, value: str | None) -> bool:
        """Whether ``value`` (the variable's value, or None) shows this marker."""
        if value is None or not value.strip():
            return False
        return not self.values or value.strip().startswith(self.values)

    def describe(self, value: str) -> str:
        """``KUBERNETES_SERVICE_HOST (Kubernetes)``; the value only when it is a fixed word."""
        shown = f"={value.strip()}" if self.values else ""
        return f"{self.variable}{shown} ({self.platform})"


DEPLOYMENT_MARKERS: tuple[DeploymentMarker, ...] = (
    DeploymentMarker("KUBERNETES_SERVICE_HOST", "Kubernetes"),
    DeploymentMarker("K_SERVICE", "Cloud Run service"),
    DeploymentMarker("CLOUD_RUN_JOB", "Cloud Run job"),
    DeploymentMarker("ECS_CONTAINER_METADATA_URI_V4", "Amazon ECS/Fargate"),
    DeploymentMarker("ECS_CONTAINER_METADATA_URI", "Amazon ECS"),
    DeploymentMarker("AWS_EXECUTION_ENV", "Amazon ECS/Lambda", ("AWS_ECS_", "AWS_Lambda_")),
    DeploymentMarker("AWS_LAMBDA_FUNCTION_NAME", "AWS Lambda"),
    DeploymentMarker("NOMAD_ALLOC_ID", "Nomad"),
    DeploymentMarker("GAE_APPLICATION", "App Engine"),
    DeploymentMarker("GAE_ENV", "App Engine standard", ("standard",)),
    DeploymentMarker("WEBSITE_SITE_NAME", "Azure App Service"),
    DeploymentMarker("WEBSITE_INSTANCE_ID", "Azure App Service"),
    DeploymentMarker("FLY_APP_NAME", "Fly.io"),
    DeploymentMarker("FLY_MACHINE_ID", "Fly.io"),
    DeploymentMarker("DYNO", "Heroku"),
    DeploymentMarker("RENDER", "Render"),
    DeploymentMarker("RENDER_SERVICE_ID", "Render"),
)
# The App Engine development server sets GAE_* too, with GAE_ENV=localdev.
_LOCAL_EMULATION = ("GAE_ENV", "localdev")


def deployment_marker(environ: Mapping[str, str]) -> str | None:
    """The first deployment marker found in ``environ``, described, or None.

    Example:
        >>> deployment_marker({"KUBERNETES_SERVICE_HOST": "10.0.0.1"})
        'KUBERNETES_SERVICE_HOST (Kubernetes)'
        >>> deployment_marker({"AWS_EXECUTION_ENV": "CloudShell"}) is None
        True
    """
    emulated = environ.get(_LOCAL_EMULATION[0], "").strip() == _LOCAL_EMULATION[1]
    for marker in DEPLOYMENT_MARKERS:
        value = environ.get(marker.variable)
        if marker.matches(value) and not (emulated and marker.variable.startswith("GAE_")):
            assert value is not None
            return marker.describe(value)
    return None


# Files a container runtime creates in every container it starts.
CONTAINER_FILES: tuple[tuple[str, str], ...] = (
    (".dockerenv", "Docker"),
    ("run/.containerenv", "Podman"),
)
# Variables set by a runtime (``container``: systemd-nspawn, Podman, LXC) or, by
# convention, by images (``RUNNING_IN_DOCKER``, ``DOCKER_CONTAINER``).
CONTAINER_VARIABLES: tuple[str, ...] = ("container", "RUNNING_IN_DOCKER", "DOCKER_CONTAINER")
_FALSY = frozenset({"0", "false", "no", "off"})
_CGROUP_FILE = "proc/1/cgroup"
_CGROUP_WORDS = ("docker", "kubepods", "containerd", "libpod", "lxc", "ecs")
_CGROUP_READ_LIMIT = 64 * 1024


def container_reason(
    environ: Mapping[str, str], *, root: str | os.PathLike[str] = "/"
) -> str | None:
    """Why this process looks like it runs in a container, or None.

    Args:
        environ: the variables to read.
        root: the file system root to look under (a temporary directory in tests).

    Example:
        >>> container_reason({"RUNNING_IN_DOCKER": "true"}, root="/nonexistent")
        'RUNNING_IN_DOCKER is set'
    """
    for name in CONTAINER_VARIABLES:
        value = environ.get(name, "").strip()
        if value and value.lower() not in _FALSY:
            return f"{name} is set"
    base = Path(root)
    for relative, runtime in CONTAINER_FILES:
        if (base / relative).is_file():
            return f"/{relative} exists ({runtime})"
    cgroup = _read_small(base / _CGROUP_FILE)
    for word in _CGROUP_WORDS:
        if word in cgroup:
            return f"/{_CGROUP_FILE} names {word}"
    return None


def in_container(
    environ: Mapping[str, str], *, dockerenv_path: str | os.PathLike[str] = "/.dockerenv"
) -> bool:
    """Whether this process runs in a container, for components' ``dockerenv_path=``.

    The marker file itself, then (when it is named ``.dockerenv``) everything
    :func:`container_reason` checks under its directory: a test that passes
    ``tmp_path / ".dockerenv"`` gets the whole detection under ``tmp_path``.

    Example:
        >>> in_container({"container": "podman"}, dockerenv_path="/nonexistent/.dockerenv")
        True
    """
    path = Path(dockerenv_path)
    if path.is_file():
        return True
    if path.name != ".dockerenv":
        return False
    return container_reason(environ, root=path.parent) is not None


def _read_small(path: Path) -> str:
    # /proc files report size 0 and a FIFO planted there would block: read a bounded
    # prefix of regular files only.
    try:
        if not path.is_file():
            return ""
        with path.open("rb") as handle:
            return handle.read(_CGROUP_READ_LIMIT).decode("utf-8", "replace")
    except OSError:
        return ""
