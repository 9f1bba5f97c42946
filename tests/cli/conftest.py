"""Every CLI test runs inside a project, as a user does: a pyproject.toml naming its services.

The project here is the spec platform preset's two services; tests about discovery itself
(no project, a subdirectory, ``--project``) build their own. ``confwarden secrets`` tests also
get the Secret Manager protocol server (see tests/servers/README.md).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.servers.gcp_secret_manager import gcp_secret_manager

__all__ = ["gcp_secret_manager", "platform_project"]

PLATFORM_PYPROJECT = """\
[project]
name = "platform-under-test"

[tool.confwarden.configs]
backend = "confwarden.presets.agent_platform:AppConfig"
auth = "confwarden.presets.agent_platform:AuthEnvironment"
"""


@pytest.fixture(autouse=True)
def platform_project(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """A project with the preset's ``backend`` and ``auth`` services, as the working directory."""
    root = tmp_path_factory.mktemp("platform")
    (root / "pyproject.toml").write_text(PLATFORM_PYPROJECT)
    monkeypatch.chdir(root)
    return root
