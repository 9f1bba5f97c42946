"""Real servers for the remote secret sources: OpenBao and the Secret Manager protocol server."""

from tests.servers.gcp_secret_manager import gcp_secret_manager
from tests.servers.openbao import openbao_server

__all__ = ["gcp_secret_manager", "openbao_server"]
