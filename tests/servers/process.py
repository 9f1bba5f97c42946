"""A server process whose log announces readiness, started and stopped by PID.

OpenBao, Redis and etcd all print a line when they are ready to serve. Waiting for that line
(an event, not polling) needs the log read on a thread until the process exits, which also
keeps the server from blocking on a full pipe; stopping needs the signal, a bounded wait, a
kill when it does not stop, and the reader joined before the pipe is closed. This module does
that once for every fixture of this package.
"""

from __future__ import annotations

import collections
import os
import signal
import subprocess
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["LoggedProcess"]

_KEPT_LINES = 50  # the log tail shown when a server does not become ready


@dataclass
class LoggedProcess:
    """A running process, the thread reading its log, and whether its ready line was seen."""

    process: subprocess.Popen[str] = field(repr=False)
    reader: threading.Thread = field(repr=False)
    ready: threading.Event = field(repr=False)
    tail: collections.deque[str] = field(repr=False)

    @classmethod
    def start(
        cls,
        args: Sequence[str],
        *,
        ready_line: str,
        name: str,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
    ) -> LoggedProcess:
        """Start ``args`` with its output on a pipe read by a thread named ``name``.

        Does not wait: call :meth:`wait_ready` (members of an etcd cluster must all be
        started before any of them becomes ready).
        """
        process = subprocess.Popen(
            list(args), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env=None if env is None else dict(env), cwd=cwd,
        )  # fmt: skip
        ready = threading.Event()
        tail: collections.deque[str] = collections.deque(maxlen=_KEPT_LINES)

        def drain() -> None:
            # Reads the log until the process exits, so that it never blocks on a full pipe.
            assert process.stdout is not None
            for line in process.stdout:
                tail.append(line)
                if ready_line in line:
                    ready.set()

        reader = threading.Thread(target=drain, name=name, daemon=True)
        reader.start()
        return cls(process, reader, ready, tail)

    @property
    def pid(self) -> int:
        """The process id."""
        return self.process.pid

    def wait_ready(self, what: str, *, timeout: float) -> None:
        """Wait for the ready line; kill the process and raise with the log tail if it never comes.

        Raises:
            RuntimeError: ``what`` did not become ready within ``timeout`` seconds.
        """
        if not self.ready.wait(timeout=timeout):
            self.stop(signal.SIGKILL)
            raise RuntimeError(f"{what} did not become ready:\n" + "".join(self.tail))

    def stop(self, sig: signal.Signals = signal.SIGTERM) -> None:
        """Send ``sig`` by PID (after SIGCONT, for a paused process), SIGKILL if it does not
        stop within 20 s, then join the log reader and close the pipe (idempotent)."""
        process = self.process
        if process.poll() is None:
            os.kill(process.pid, signal.SIGCONT)
            process.send_signal(sig)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=20)
        # The reader ends at end of file, once the process is gone; then the pipe can be closed.
        self.reader.join(timeout=20)
        if process.stdout is not None:
            process.stdout.close()
