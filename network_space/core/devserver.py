"""`flask serve` (what `make run` starts): the development site and the worker side by side,
stopped together by Ctrl-C or SIGTERM, exit status 0.

Ctrl-C in a terminal signals every process of the terminal's foreground process group, make
included, and make then dies of the signal ("make: *** [run] Interrupt", status 130) whatever
its recipe does. So, as a shell's job control does, this command puts itself and its two
children in their own process group and hands that group the terminal while it runs: Ctrl-C
reaches the site, the worker and this command only; each stops cleanly, and make, whose recipe
ended with 0, exits 0. SIGTERM (make forwards it to its recipe) stops them the same way.

A worker that dies on its own (killed, out of memory) is started again, as a service manager
would: the site stays up. One that keeps dying (a setting it refuses) stops everything, with
its status, rather than looping.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import click


def _take_terminal() -> int | None:
    """Make this process group the terminal's foreground one; the group to give it back to."""
    if not os.isatty(sys.stdin.fileno()):
        return None
    previous = os.tcgetpgrp(sys.stdin.fileno())
    os.setpgid(0, 0)
    signal.signal(signal.SIGTTOU, signal.SIG_IGN)  # a background group may not take the terminal otherwise
    os.tcsetpgrp(sys.stdin.fileno(), os.getpgrp())
    return previous


def _give_back_terminal(previous: int | None) -> None:
    if previous is not None:
        try:
            os.tcsetpgrp(sys.stdin.fileno(), previous)
        except OSError:  # make is gone already: nothing to give back to
            pass


# A worker that dies this many times within WORKER_RESTART_WINDOW seconds is not started again.
WORKER_RESTARTS = 3
WORKER_RESTART_WINDOW = 60


def _wait_all(children: list[subprocess.Popen], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(child.poll() is None for child in children):
        time.sleep(0.1)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
def serve_command(host: str, port: int) -> None:
    """Lance le site de développement et le worker ; Ctrl-C arrête les deux."""
    previous = _take_terminal()
    stop_signals: list[int] = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda number, _frame: stop_signals.append(number))
    flask = [sys.executable, "-m", "flask"]
    children = [subprocess.Popen(flask + ["worker"]),
                subprocess.Popen(flask + ["run", "--host", host, "--port", str(port)])]
    restarts: list[float] = []
    try:
        while not stop_signals and children[1].poll() is None:
            time.sleep(0.2)
            if children[0].poll() is not None and not stop_signals:
                now = time.monotonic()
                restarts = [t for t in restarts if now - t < WORKER_RESTART_WINDOW] + [now]
                if len(restarts) > WORKER_RESTARTS:
                    break
                click.echo(f"Le worker s'est arrêté (statut {children[0].returncode}) : il est relancé.", err=True)
                children[0] = subprocess.Popen(flask + ["worker"])
    finally:
        # Ctrl-C reached the children too (same process group): let them stop by themselves, as
        # a second SIGINT during Werkzeug's shutdown would print a traceback. Then SIGINT: both
        # stop cleanly on it (Werkzeug's server, the worker's own handler).
        if stop_signals[:1] == [signal.SIGINT]:
            _wait_all(children, 3)
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGINT)
        for child in children:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        _give_back_terminal(previous)
    failed = [child.returncode for child in children if child.returncode not in (0, -signal.SIGINT)]
    if failed and not stop_signals:  # e.g. the port is taken: make run says it failed
        raise SystemExit(failed[0])
    click.echo("Site et worker arrêtés.")


def init_app(app) -> None:
    app.cli.add_command(serve_command)
