"""``server.run``: the listening socket and the startup errors a person meets."""

from __future__ import annotations

import asyncio
import socket

import pytest

from confwarden.server.run import BindError, bind


def test_run_bind_creates_a_tcp_socket_with_nodelay() -> None:
    # proto 0 made asyncio skip TCP_NODELAY on accepted connections: ~40 ms per keep-alive
    # request (Nagle's algorithm meeting delayed ACKs).
    sock = bind("127.0.0.1", 0)
    with sock:
        assert sock.proto == socket.IPPROTO_TCP
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1


def test_run_bind_accepted_connections_have_nodelay() -> None:
    sock = bind("127.0.0.1", 0)
    port = sock.getsockname()[1]

    async def main() -> int:
        accepted: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            raw = writer.get_extra_info("socket")
            accepted.set_result(raw.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        server = await asyncio.start_server(handle, sock=sock)
        async with server:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            value = await accepted
            writer.close()
            await writer.wait_closed()
        return value

    assert asyncio.run(main()) != 0


def test_run_bind_an_address_in_use_says_what_to_do() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        with pytest.raises(BindError) as info:
            bind("127.0.0.1", port)
    message = str(info.value)
    assert f"127.0.0.1:{port} is already in use" in message
    assert "--port" in message
    assert info.value.exit_code == 2


def test_run_bind_an_unknown_address_says_so() -> None:
    with pytest.raises(BindError, match=r"cannot bind 256\.1\.1\.1") as info:
        bind("256.1.1.1", 0)
    assert "--host" in str(info.value)
