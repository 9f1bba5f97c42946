"""The server package: a public API, and the exact install command when the extra is missing."""

from __future__ import annotations

import subprocess
import sys

from confwarden import server


def test_server_all_is_sorted_and_resolves() -> None:
    assert server.__all__ == sorted(set(server.__all__))
    for name in server.__all__:
        assert getattr(server, name) is not None, name


def test_server_without_the_extra_names_the_install_command() -> None:
    code = (
        "import sys; sys.modules['starlette'] = None\n"
        "import importlib.util, importlib.machinery\n"
        "real = importlib.util.find_spec\n"
        "importlib.util.find_spec = lambda n, *a: None if n == 'starlette' else real(n, *a)\n"
        "try:\n"
        "    import confwarden.server\n"
        "except ImportError as exc:\n"
        "    print(exc)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "pip install 'confwarden[server]'" in out.stdout
    assert "'starlette'" in out.stdout
