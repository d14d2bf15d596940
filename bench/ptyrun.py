"""Run a full-screen command in a pseudo-terminal and time it to the markers it prints.

The child's stdin and stderr (where Textual draws) are a pty of a fixed size, drained as
it writes; its stdout is a pipe carrying only the benchmark markers. Peak memory is the
child's ru_maxrss from wait4().
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import termios
import time
from dataclasses import dataclass

SIZE = (48, 160)  # rows, columns


@dataclass(frozen=True)
class PtyRun:
    marks: dict[str, float]  # marker -> seconds since the process was started
    max_rss_bytes: int
    exit_code: int
    screen_bytes: int


def run_in_pty(
    argv: list[str], env: dict[str, str], *, until: str, timeout: float = 120.0
) -> PtyRun:
    """Start argv, wait for the `until` marker line on stdout (then for the exit)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[0], SIZE[1], 0, 0))
    marks_r, marks_w = os.pipe()
    started = time.perf_counter()
    proc = subprocess.Popen(
        argv, stdin=slave, stdout=marks_w, stderr=slave, env=env, start_new_session=True
    )
    os.close(slave)
    os.close(marks_w)
    marks: dict[str, float] = {}
    pending = b""
    screen = 0
    deadline = started + timeout
    open_fds = {master, marks_r}
    try:
        while open_fds and time.perf_counter() < deadline:
            ready, _, _ = select.select(list(open_fds), [], [], 0.5)
            for fd in ready:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:  # EIO: the pty closed as the child exited
                    chunk = b""
                now = time.perf_counter()
                if not chunk:
                    open_fds.discard(fd)
                    continue
                if fd == master:
                    screen += len(chunk)
                    continue
                pending += chunk
                while b"\n" in pending:
                    line, pending = pending.split(b"\n", 1)
                    marks.setdefault(line.decode().strip(), now - started)
            if until in marks and marks_r not in open_fds:
                break
        if until not in marks:
            os.killpg(proc.pid, signal.SIGKILL)
            raise RuntimeError(f"{argv[:3]}… never printed {until} (got {sorted(marks)})")
        try:
            _, status, usage = _wait4(proc.pid, deadline)
        except TimeoutError:
            os.killpg(proc.pid, signal.SIGKILL)
            _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    finally:
        os.close(master)
        os.close(marks_r)
    return PtyRun(marks, usage.ru_maxrss * 1024, proc.returncode, screen)


def _wait4(pid: int, deadline: float) -> tuple[int, int, object]:
    while True:
        found, status, usage = os.wait4(pid, os.WNOHANG)
        if found:
            return found, status, usage
        if time.perf_counter() > deadline:
            raise TimeoutError
        time.sleep(0.005)
