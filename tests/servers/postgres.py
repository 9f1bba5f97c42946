"""A real PostgreSQL for integration tests, started with initdb/pg_ctl under a temp directory.

PostgreSQL refuses to run as root, so when the tests run as root the server runs as the
``postgres`` user (``runuser``) in a directory that user owns. It listens on 127.0.0.1 (a free
port, TLS with a throwaway self-signed certificate) and on a unix socket in a directory named
like a Cloud SQL instance. The directory is made with ``mkdtemp(prefix="cw")`` under /tmp:
a unix socket path may not exceed 107 bytes and pytest's tmp_path is much longer.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from tests.servers import free_port, self_signed_cert

__all__ = ["PostgresServer", "postgres_server", "start_postgres"]

ADMIN_USER = "cw_admin"
APP_USER = "cw_app"
UNICODE_USER = "cw_unicode"
DATABASE = "cw_app"
# The passwords the builder must percent-encode: every URL delimiter, then spaces and unicode.
APP_PASSWORD = "p@ss/w:rd%#?&=+[]!$'()*,;~ CANARY-5f0e1d"
UNICODE_PASSWORD = "mot de passe ünïcødé ✓ 密码 @/:?#%"
ADMIN_PASSWORD = "adm1n-pw-Zq8@/:%#?"
CLOUDSQL_INSTANCE = "proj:region:inst"


@dataclass(frozen=True)
class PostgresServer:
    """A running server and how to reach it."""

    port: int
    socket_dir: str
    base_dir: str
    data_dir: str
    pid: int
    host: str = "127.0.0.1"
    user: str = APP_USER
    password: str = field(default=APP_PASSWORD, repr=False)
    unicode_user: str = UNICODE_USER
    unicode_password: str = field(default=UNICODE_PASSWORD, repr=False)
    database: str = DATABASE

    def component_vars(self, *, socket: bool = False, unicode: bool = False) -> dict[str, str]:
        """``POSTGRES_*`` variables pointing at this server over TCP or the socket."""
        return {
            "POSTGRES_HOST": self.socket_dir if socket else self.host,
            "POSTGRES_PORT": str(self.port),
            "POSTGRES_USER": self.unicode_user if unicode else self.user,
            "POSTGRES_PASSWORD": self.unicode_password if unicode else self.password,
            "POSTGRES_DB": self.database,
        }


def _bin_dir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise RuntimeError(
            "PostgreSQL is not installed: run `make system-deps` (Debian package postgresql)"
        )
    return Path(found[-1]).parent


def _as_server_user(args: list[str], owner: str | None) -> list[str]:
    return ["runuser", "-u", owner, "--", *args] if owner else args


def _chown_tree(path: Path, owner: str | None) -> None:
    if owner is None:
        return
    entry = pwd.getpwnam(owner)
    for root, dirs, files in os.walk(path):
        for name in [root, *(os.path.join(root, d) for d in dirs)]:
            os.chown(name, entry.pw_uid, entry.pw_gid)
        for name in files:
            os.chown(os.path.join(root, name), entry.pw_uid, entry.pw_gid)


def _create_roles(server: PostgresServer) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(
        host=server.socket_dir,
        port=server.port,
        user=ADMIN_USER,
        password=ADMIN_PASSWORD,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        for user, password in ((APP_USER, APP_PASSWORD), (UNICODE_USER, UNICODE_PASSWORD)):
            conn.execute(
                sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                    sql.Identifier(user), sql.Literal(password)
                )
            )
        conn.execute(
            sql.SQL("CREATE DATABASE {} OWNER {}").format(
                sql.Identifier(DATABASE), sql.Identifier(APP_USER)
            )
        )
        conn.execute(
            sql.SQL("GRANT ALL ON DATABASE {} TO {}").format(
                sql.Identifier(DATABASE), sql.Identifier(UNICODE_USER)
            )
        )


def start_postgres() -> tuple[PostgresServer, str | None]:
    """Start a server; returns it and the OS user it runs as (None: the current user)."""
    bindir = _bin_dir()
    owner = "postgres" if os.geteuid() == 0 else None
    base = Path(tempfile.mkdtemp(prefix="cw", dir="/tmp"))
    data = base / "data"
    socket_dir = base / "cloudsql" / CLOUDSQL_INSTANCE
    socket_dir.mkdir(parents=True)
    (base / "pwfile").write_text(ADMIN_PASSWORD + "\n", encoding="utf-8")
    cert, key = self_signed_cert(base)
    _chown_tree(base, owner)
    subprocess.run(
        _as_server_user(
            [str(bindir / "initdb"), "-D", str(data), "-U", ADMIN_USER,
             f"--pwfile={base / 'pwfile'}", "--auth=scram-sha-256", "-E", "UTF8",
             "--locale=C.UTF-8"],
            owner,
        ),
        check=True, capture_output=True,
    )  # fmt: skip
    port = free_port()
    with (data / "postgresql.conf").open("a", encoding="utf-8") as conf:
        conf.write(
            f"listen_addresses = '127.0.0.1'\nport = {port}\n"
            f"unix_socket_directories = '{socket_dir}'\n"
            f"ssl = on\nssl_cert_file = '{cert}'\nssl_key_file = '{key}'\n"
            "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
            "max_connections = 40\nshared_buffers = 16MB\n"
        )
    subprocess.run(
        _as_server_user(
            [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(base / "server.log"),
             "-w", "-t", "60", "start"],
            owner,
        ),
        check=True, capture_output=True,
    )  # fmt: skip
    pid = int((data / "postmaster.pid").read_text(encoding="utf-8").splitlines()[0])
    server = PostgresServer(port, str(socket_dir), str(base), str(data), pid)
    try:
        _create_roles(server)
    except BaseException:
        stop_postgres(server, owner)
        raise
    return server, owner


def stop_postgres(server: PostgresServer, owner: str | None) -> None:
    """Stop with ``pg_ctl stop``; kill the postmaster by PID if that fails; remove the files."""
    try:
        subprocess.run(
            _as_server_user(
                [str(_bin_dir() / "pg_ctl"), "-D", server.data_dir, "-m", "fast", "-w",
                 "-t", "30", "stop"],
                owner,
            ),
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip
    except (subprocess.SubprocessError, OSError):
        with contextlib.suppress(ProcessLookupError):
            os.kill(server.pid, signal.SIGKILL)
    shutil.rmtree(server.base_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server for the whole session of this (xdist) worker."""
    server, owner = start_postgres()
    try:
        yield server
    finally:
        stop_postgres(server, owner)
