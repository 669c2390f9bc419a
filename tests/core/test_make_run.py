"""`make run` as a newcomer uses it, in a real subprocess: `PORT=… make run` serves the site on
that port, and stopping it (Ctrl-C in a terminal, or SIGTERM to its process group) stops the
site and the worker cleanly: no process left, no "Segmentation fault", no traceback; Ctrl-C
leaves `make` with exit status 0.

The demo database goes to a temporary instance folder (NS_INSTANCE_DIR); `-o .venv/.installed`
keeps make from reinstalling the virtualenv.
"""
from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.helpers import free_port

ROOT = Path(__file__).resolve().parents[2]
MAKE = ["make", "--no-print-directory", "-o", ".venv/.installed", "run"]


@pytest.fixture(scope="module")
def instance(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("make-run")


def _env(instance: Path, port: int) -> dict:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("FLASK_", "NS_", "DATABASE_URL", "TEST_DATABASE_URL", "SITE_URL", "MAIL_"))}
    env.update(NS_INSTANCE_DIR=str(instance), PORT=str(port), PYTHONUNBUFFERED="1")
    return env


def _answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _wait_until_up(port: int, alive, seconds: float = 240) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert alive(), "make run stopped before the site answered"
        if _answers(port):
            return
        time.sleep(0.5)
    raise AssertionError(f"the site did not answer on port {port}")


def _instance_processes(instance: Path) -> list[tuple[int, str]]:
    """(pid, command line) of the processes running with this instance folder."""
    marker = f"NS_INSTANCE_DIR={instance}".encode()
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            if marker in (proc / "environ").read_bytes().split(b"\0"):
                found.append((int(proc.name), (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")))
        except OSError:
            continue
    return found


def _processes_of(instance: Path) -> list[str]:
    """Command lines of the processes still running with this instance folder."""
    return [command for _pid, command in _instance_processes(instance)]


@contextmanager
def _make_run(instance: Path, port: int):
    """`make run` in its own process group, without a terminal; killed if the test fails."""
    make = subprocess.Popen(MAKE, cwd=ROOT, env=_env(instance, port), stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_until_up(port, lambda: make.poll() is None)
        yield make
    finally:
        if make.poll() is None:
            os.killpg(make.pid, signal.SIGKILL)


def _terminate(make: subprocess.Popen) -> str:
    """SIGTERM to make's process group (as a service manager stops it); what it printed."""
    os.killpg(make.pid, signal.SIGTERM)
    output, _ = make.communicate(timeout=30)
    return output.decode(errors="replace")


def _read_all(fd: int, seconds: float) -> bytes:
    out = b""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # the terminal closed: every process on it is gone
                break
            if not chunk:
                break
            out += chunk
    return out


def _assert_clean(output: str, instance: Path) -> None:
    assert "Segmentation fault" not in output, output
    assert "Traceback" not in output, output
    assert "Site et worker arrêtés." in output, output
    assert not _processes_of(instance), _processes_of(instance)


def test_ctrl_c_in_a_terminal_stops_site_and_worker_with_status_0(instance):
    port = free_port()
    pid, terminal = pty.fork()
    if pid == 0:  # the child: make in a terminal, as typed by a person
        os.chdir(ROOT)
        os.execvpe(MAKE[0], MAKE, _env(instance, port))
    output = b""
    try:
        def alive():
            nonlocal output
            output += _read_all(terminal, 0.1)
            return os.waitpid(pid, os.WNOHANG) == (0, 0)

        _wait_until_up(port, alive)
        assert f"http://127.0.0.1:{port}" in output.decode(errors="replace")
        os.write(terminal, b"\x03")  # Ctrl-C: the terminal signals its foreground process group
        output += _read_all(terminal, 30)
        _, status = os.waitpid(pid, 0)
    finally:
        os.close(terminal)
    text = output.decode(errors="replace")
    assert os.waitstatus_to_exitcode(status) == 0, text
    assert "Interrupt" not in text and "Error" not in text, text
    assert not _answers(port)
    _assert_clean(text, instance)


def test_sigterm_to_the_process_group_stops_site_and_worker(instance):
    port = free_port()
    with _make_run(instance, port) as make:
        text = _terminate(make)
    # make itself dies of the SIGTERM it was sent (it re-raises it: status 143 in a shell, and
    # "Terminated" is its own report); what it ran stopped cleanly before.
    assert make.returncode == -signal.SIGTERM, text
    assert not _answers(port)
    _assert_clean(text, instance)


def test_a_worker_that_dies_is_started_again_and_the_site_stays_up(instance):
    """`kill -9` of the worker (out of memory, say) took the site down with it: `flask serve`
    starts a new worker and the site keeps answering."""
    def workers() -> list[int]:
        return [pid for pid, command in _instance_processes(instance) if command.rstrip().endswith(" worker")]

    port = free_port()
    with _make_run(instance, port) as make:
        [first] = workers()
        os.kill(first, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not [p for p in workers() if p != first]:
            time.sleep(0.2)
        assert [p for p in workers() if p != first], "no new worker"
        assert make.poll() is None and _answers(port)
        text = _terminate(make)
    assert "Le worker s'est arrêté (statut -9) : il est relancé." in text, text
    _assert_clean(text, instance)
