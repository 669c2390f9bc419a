"""DATA_DIR shared by several servers (docs/exploitation.md, "Plusieurs serveurs"): two processes
storing the same file at the same moment both succeed, and nobody ever reads half a file."""
from __future__ import annotations

import io
import multiprocessing
import queue
import threading
from pathlib import Path

from flask import Flask
from werkzeug.datastructures import FileStorage

ROUNDS = 4
SIZE = 4 * 1024 * 1024


def _content(round_: int) -> bytes:
    line = f"Tour {round_} : heures d'insertion du chantier, suivi mensuel par la facilitatrice.\n".encode()
    return line * (SIZE // len(line))


def _store_in_child(data_dir: str, barrier, results) -> None:
    """A server process: stores each round's content as an upload, starting with the other one."""
    from flask_babel import Babel

    from network_space.core.storage import store_upload

    app = Flask(__name__)  # what store_upload reads of the site: its settings and its messages' language
    app.config.update(DATA_DIR=data_dir, MAX_UPLOAD_MB=25)
    Babel(app)
    with app.app_context():
        for round_ in range(ROUNDS):
            upload = FileStorage(io.BytesIO(_content(round_)), filename="suivi.txt")
            barrier.wait(60)
            results.put(store_upload(upload).key)


def _watch(path_for, stop: threading.Event, seen: list[tuple[int, bool]]) -> None:
    """A third server serving the files meanwhile: every read of a stored file must be whole."""
    while not stop.is_set():
        for round_ in range(ROUNDS):
            path = path_for(round_)
            try:
                data = path.read_bytes()
            except FileNotFoundError:
                continue
            seen.append((round_, data == _content(round_)))


def test_two_processes_storing_the_same_file_at_once(tmp_path):
    import hashlib

    data_dir = tmp_path / "shared"
    keys = {r: hashlib.sha256(_content(r)).hexdigest() for r in range(ROUNDS)}
    context = multiprocessing.get_context("spawn")  # no copy of the test process's threads and connections
    barrier, results = context.Barrier(2), context.Queue()
    stop, seen = threading.Event(), []
    watcher = threading.Thread(target=_watch, args=(
        lambda r: data_dir / "files" / keys[r][:2] / keys[r], stop, seen))
    watcher.start()
    children = [context.Process(target=_store_in_child, args=(str(data_dir), barrier, results)) for _ in range(2)]
    try:
        for child in children:
            child.start()
        stored = []
        while len(stored) < 2 * ROUNDS and all(child.exitcode in (None, 0) for child in children):
            try:
                stored.append(results.get(timeout=1))
            except queue.Empty:
                pass
        stored.sort()
        for child in children:
            child.join(60)
    finally:
        stop.set()
        watcher.join()
        for child in children:
            if child.is_alive():
                child.kill()
    assert [child.exitcode for child in children] == [0, 0]
    assert stored == sorted(list(keys.values()) * 2)  # both processes stored each file
    for round_, key in keys.items():
        assert (data_dir / "files" / key[:2] / key).read_bytes() == _content(round_)
    assert seen and all(whole for _round, whole in seen), f"{sum(not w for _r, w in seen)} partial reads"
    assert list(Path(data_dir / "tmp").iterdir()) == []  # no temporary file left behind
