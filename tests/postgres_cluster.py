"""A PostgreSQL server of the test's own, for tests that stop and restart the database.

The shared cluster (15/main here, the one CI starts) serves every other test and engineer: it is
never restarted. This one lives in a temporary directory on a free port; it is made with initdb and
driven with pg_ctl, as the "postgres" system user when the tests run as root (CI does), and is
deleted afterwards.
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.helpers import free_port


def _bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def skip_reason() -> str | None:
    """Why these tests cannot run here, or None."""
    if not (os.environ.get("TEST_DATABASE_URL") or "").startswith("postgresql"):
        return "runs in the PostgreSQL pass (TEST_DATABASE_URL=postgresql+psycopg://…)"
    if _bindir() is None:
        return "no PostgreSQL server binaries (initdb, pg_ctl) on this machine"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root without a 'postgres' system user to run the server"
    return None


class PrivateCluster:
    def __init__(self):
        self.bindir = _bindir()
        self.base = Path(tempfile.mkdtemp(prefix="ns-pg-"))
        self.data = self.base / "data"
        self.port = free_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"
        if os.geteuid() == 0:  # initdb and the server refuse to run as root
            postgres = pwd.getpwnam("postgres")
            os.chown(self.base, postgres.pw_uid, postgres.pw_gid)

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bindir / program), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        # Output to a file: the server started by pg_ctl would keep a pipe open.
        with open(self.base / "pg_ctl.log", "a") as out:
            subprocess.run(command, check=True, stdin=subprocess.DEVNULL, stdout=out, stderr=out, timeout=120)

    def create(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale")
        self.start()

    def start(self) -> None:
        # No durability needed for a throw-away server: fsync off keeps it quick.
        options = f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.base / "server.log"), "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def restart(self) -> None:
        """As `pg_ctlcluster … restart` does: every connection is cut, the server comes back."""
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.base / "server.log"), "-m", "fast", "-w", "restart")

    def remove(self) -> None:
        try:
            self.stop("immediate")
        except subprocess.CalledProcessError:
            pass  # already stopped
        shutil.rmtree(self.base, ignore_errors=True)


@pytest.fixture
def private_postgres():
    reason = skip_reason()
    if reason:
        pytest.skip(reason)
    cluster = PrivateCluster()
    try:
        cluster.create()
        yield cluster
    finally:
        cluster.remove()
