"""What the HTTP benchmarks share: the bare Flask route served as the reference, starting and
stopping gunicorn, statistics after a bulk load, the machine's load, percentiles, and a load
generator holding N connections."""
from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"

# What the reference server answers: no database, no template, no session.
bare_app = Flask("bare")


@bare_app.route("/")
def bare():
    return "ok"


BARE_TARGET = "_common:bare_app"  # gunicorn's app name, served from BENCH
LAYOUT_PATH = "/_bench/layout"  # the layout-only page bench/_layout.py adds to the site


def percentile(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def analyze(session) -> None:
    """Give the planner its statistics after a bulk load and commit: a live database has them
    (autovacuum analyses a table once enough of it changed), a freshly loaded one not yet, and
    PostgreSQL then guesses its plans (the discussions' unread filter took 400 ms instead of 15)."""
    from sqlalchemy import text  # local import: the reference server must not load SQLAlchemy

    session.execute(text("ANALYZE"))
    session.commit()


def extensions(session) -> set[str]:
    """The database's PostgreSQL extensions. The migrations and the search engine create unaccent
    and pg_trgm; a benchmark given an empty database drops those it made (drop_extensions), or the
    next one, in a schema of its own, would find them outside its search path."""
    from sqlalchemy import text  # local import: the reference server must not load SQLAlchemy

    return set(session.scalars(text("SELECT extname FROM pg_extension")))


def drop_extensions(session, names: set[str]) -> None:
    from sqlalchemy import text  # local import: the reference server must not load SQLAlchemy

    for name in sorted(names):
        session.execute(text(f'DROP EXTENSION IF EXISTS "{name}" CASCADE'))
    session.commit()


def machine_load() -> str:
    """The machine's load average over the last minute (other processes share the cores)."""
    return f"{os.getloadavg()[0]:.1f}"


def _processes() -> list[tuple[int, int, str, float]]:
    """(pid, parent pid, command line, CPU seconds used) of the machine's processes, from /proc
    (Linux); empty elsewhere."""
    found = []
    ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    for entry in Path("/proc").glob("[0-9]*/stat"):
        try:
            stat = entry.read_text()
            command = (entry.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # the process ended meanwhile
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        found.append((int(entry.parent.name), int(fields[1]), command, (int(fields[11]) + int(fields[12])) / ticks))
    return found


def cpu_reading(server: subprocess.Popen, database: str) -> dict[str, dict[int, float]]:
    """CPU seconds used so far, per process: by the server's workers (gunicorn's children), by the
    PostgreSQL backends serving ``database`` on this machine (none: a database on another machine,
    or no /proc), and by this process (the load generator)."""
    processes = _processes()
    return {
        "workers": {pid: cpu for pid, parent, _command, cpu in processes if parent == server.pid},
        # A backend's title: "postgres: <user> <database> <client> <state>".
        "base": {pid: cpu for pid, _parent, command, cpu in processes
                 if command.startswith("postgres: ") and f" {database} " in command},
        "client": {os.getpid(): time.process_time()},
    }


def cpu_per_request(before: dict, after: dict, requests: int) -> list[str]:
    """Milliseconds of CPU per request between two readings (cpu_reading), per part: what each
    process still running spent (a process started meanwhile counts from zero; one that ended
    is left out), "—" for a part without processes."""
    spent = []
    for part, now in after.items():
        used = sum(cpu - before[part].get(pid, 0.0) for pid, cpu in now.items())
        spent.append(f"{used * 1000 / requests:.2f}" if now else "—")
    return spent


def serve(target: str, port: int, env: dict, cwd: Path, workers: int = 2, log=subprocess.DEVNULL) -> subprocess.Popen:
    """Start gunicorn (``workers`` sync workers) and wait until it answers."""
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}", target],
        cwd=str(cwd), env=env, stdout=log, stderr=subprocess.STDOUT if log is not subprocess.DEVNULL else log)
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).read()
            return server
        except urllib.error.HTTPError:
            return server  # answering (a redirect to the login page, say)
        except OSError:
            time.sleep(0.2)
    stop(server)
    raise RuntimeError(f"gunicorn did not start for {target}")


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


@dataclass
class Load:
    """What a load run measured: latencies of the answered requests (ms), and the failures."""

    seconds: float
    latencies: list[float] = field(default_factory=list)
    failures: int = 0

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds


async def _worker(port: int, request: bytes, expect: bytes, deadline: float, load: Load) -> None:
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(request)
            response = await reader.read()  # gunicorn's sync workers close the connection after each answer
            writer.close()
        except OSError:
            load.failures += 1
            continue
        elapsed = (time.perf_counter() - started) * 1000
        if response.startswith(b"HTTP/1.1 200") and expect in response:
            load.latencies.append(elapsed)
        else:
            load.failures += 1


def drive(port: int, path: str, *, cookie: str | None = None, expect: bytes = b"", connections: int = 30,
          seconds: float = 30) -> Load:
    """Keep ``connections`` requests of ``path`` in flight for ``seconds`` (one process, asyncio,
    a new connection per request as gunicorn's sync workers want) and time each answer; an answer
    other than 200 with ``expect`` in it counts as a failure."""
    headers = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n"
    if cookie:
        headers += f"Cookie: session={cookie}\r\n"
    request = (headers + "\r\n").encode()

    async def run() -> Load:
        load = Load(seconds)
        deadline = time.perf_counter() + seconds
        await asyncio.gather(*(_worker(port, request, expect, deadline, load) for _ in range(connections)))
        return load

    return asyncio.run(run())
