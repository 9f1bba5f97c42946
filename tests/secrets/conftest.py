"""Real servers for the remote secret sources: etcd, OpenBao and the Secret Manager protocol
server (see tests/servers/README.md)."""

from tests.servers.etcd import etcd_server, lone_etcd
from tests.servers.gcp_secret_manager import (
    gcp_secret_manager,
    no_google_credentials,
)
from tests.servers.openbao import openbao_server

__all__ = [
    "etcd_server",
    "gcp_secret_manager",
    "lone_etcd",
    "no_google_credentials",
    "openbao_server",
]
