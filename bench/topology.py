"""The production topology of `bench/commands.py`: `ticketing serve` (API processes) and a
separate `ticketing worker all`, each in its own session, and the CPU each part spends
(from /proc: the processes' trees, and the PostgreSQL backends serving the bench's database)."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TextIO

import psycopg

ROOT = Path(__file__).resolve().parent.parent
TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Child:
    """A `ticketing ...` command in a child process of its own session, output kept."""

    def __init__(self, args: Sequence[str], env: dict[str, str]) -> None:
        self.log: TextIO = tempfile.TemporaryFile("w+")  # noqa: SIM115 - closed in stop()
        # Own session: Ctrl-C reaches only us, and we stop the children in order.
        self.proc = subprocess.Popen(
            [str(ROOT / ".venv/bin/ticketing"), *args],
            env=os.environ | env,
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read()

    def cpu_seconds(self) -> float:
        """User + system time of the process and every descendant alive now."""
        return sum(pid_cpu_seconds(pid) for pid in tree(self.proc.pid))

    def stop(self) -> str:
        """Stops the child (SIGTERM, then SIGKILL to its own group); answers its output."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)  # our own session's group only
                self.proc.wait()
        text = self.output()
        self.log.close()
        return text


class Server(Child):
    """The real `ticketing serve` on its own port."""

    def __init__(self, env: dict[str, str], workers: int, server: str) -> None:
        self.port = free_port()
        args = ["serve", "--host", "127.0.0.1", "--port", str(self.port)]
        super().__init__([*args, "--workers", str(workers), "--server", server], env)

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited ({self.proc.returncode}):\n{self.output()}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/readyz")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"server not ready after {timeout}s:\n{self.output()}")


def tree(root: int) -> list[int]:
    """The process and its descendants, from /proc's parent links."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _stat(int(entry))
            if stat:
                children.setdefault(int(stat[1]), []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def _stat(pid: int) -> list[str] | None:
    """/proc/pid/stat after the command name: state, ppid, ... (None if gone)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text.rpartition(")")[2].split()


def pid_cpu_seconds(pid: int) -> float:
    stat = _stat(pid)
    return 0.0 if stat is None else (int(stat[11]) + int(stat[12])) / TICKS


class Backends:
    """CPU of the PostgreSQL backends connected to one database (other databases on the
    shared server are not ours to count); a backend that left is counted until it left
    only if sampled, so sample before and after each run."""

    def __init__(self, admin_url: str, dbname: str) -> None:
        self.admin_url, self.dbname = admin_url, dbname
        self.seen: dict[int, float] = {}

    def pids(self) -> Iterable[int]:
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            rows = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s", (self.dbname,)
            ).fetchall()
        return [int(r[0]) for r in rows]

    def cpu_seconds(self) -> float:
        for pid in self.pids():
            self.seen[pid] = pid_cpu_seconds(pid)
        return sum(self.seen.values())


def settle(child: Child, quiet: float = 0.5, cap: float = 15.0) -> None:
    """Waits until the child stops spending CPU (a worker has caught up with the log)."""
    deadline, before = time.monotonic() + cap, child.cpu_seconds()
    while time.monotonic() < deadline:
        time.sleep(quiet)
        now = child.cpu_seconds()
        if now - before < 0.02 * quiet:
            return
        before = now
