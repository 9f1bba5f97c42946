"""Fixtures shared by tests of several packages."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Callable

import pytest

from confwarden.presets.agent_platform import register_services

# Generated development secrets go to a directory of this run, never into the checkout,
# and the directory goes with the run.
if "CONFWARDEN_DEV_SECRETS_DIR" not in os.environ:
    _dev_secrets = tempfile.mkdtemp(prefix="confwarden-dev-secrets-")
    os.environ["CONFWARDEN_DEV_SECRETS_DIR"] = _dev_secrets
    atexit.register(shutil.rmtree, _dev_secrets, ignore_errors=True)

# Many tests of the core use the spec platform's preset as their rich, realistic schema and
# start it by its service names ("backend", "auth"); a project registers a preset the same way.
register_services()


@pytest.fixture
def deployed_vars() -> Callable[..., dict[str, str]]:
    """``make(environment="staging", **extra)``: a complete, valid set of deployed variables."""
    return _deployed_vars


def _deployed_vars(environment: str = "staging", **extra: str) -> dict[str, str]:
    values = {
        "ENVIRONMENT": environment,
        "SERVICE_ID": "backend",
        "SERVICE_SECRET": "s" * 20 + "Q7x9Lk2Pz8Mn4Vb6Rt1Wy3",
        "SECRET_KEY": "k" * 20 + "H5j8Df2Gs9Qw3Ez7Rc1Tv6",
        "JWT_SECRET_KEY": "j" * 20 + "N4m7Bx2Cv9Zl5Kp8Jh3Gf1",
        "POSTGRES_HOST": "db.internal.example.com",
        "POSTGRES_USER": "app",
        "POSTGRES_PASSWORD": "pg" + "Wq8Er5Ty2Ui9Op3As6Df1",
        "POSTGRES_DB": "app",
        "FRONTEND_URL": "https://app.example.com",
        "AUTH_SERVICE_URL": "https://auth.example.com",
        "GOOGLE_CLIENT_ID": "1234-abc.apps.googleusercontent.com",
        "GOOGLE_CLIENT_SECRET": "GOCSPX-" + "a1B2c3D4e5F6g7H8i9J0k1L2",
    }
    values.update(extra)
    return values
