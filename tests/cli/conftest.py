"""The Secret Manager protocol server for ``confwarden secrets`` (see tests/servers/README.md)."""

from tests.servers.gcp_secret_manager import gcp_secret_manager

__all__ = ["gcp_secret_manager"]
