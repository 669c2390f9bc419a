"""Consistency after commit, the search page, reindex and resilience: on each engine (the
search_backend fixture, autouse in this directory), and the Whoosh engine's queue and files."""
import multiprocessing
import re

import pytest
from flask import current_app
from sqlalchemy import func, select

from network_space.extensions import db
from network_space.search import cli as search_cli
from network_space.search import index as search_index
from network_space.search import queue
from network_space.search.backends import get_backend
from network_space.search.engine import search
from network_space.search.models import SearchQueue


def kinds_and_titles(results):
    return [(hit.kind, hit.title) for hit in results.hits]


def find(user, text, **kwargs):
    from network_space.accounts.models import User

    viewer = db.session.get(User, user.id)
    return search(text, viewer, **kwargs)


def test_members_are_indexed_after_commit(ctx, make_user):
    viewer = make_user("member")
    make_user("member", full_name="Élodie Martin", job_title="Facilitatrice clauses sociales")
    results = find(viewer, "facilitatrice")
    assert [h.title for h in results.hits] == ["Élodie Martin"]
    assert find(viewer, "elodie").total == 1
    assert db.session.scalar(select(func.count(SearchQueue.id))) == 0


def test_change_and_deactivation_leave_results_at_once(ctx, make_user):
    from network_space.accounts.models import User

    viewer = make_user("member")
    other = make_user("member", full_name="Julien Roux")
    user = db.session.get(User, other.id)
    user.full_name = "Julien Bernard"
    db.session.commit()
    assert find(viewer, "Roux").total == 0
    assert find(viewer, "Bernard").total == 1
    user = db.session.get(User, other.id)
    user.active = False
    db.session.commit()
    assert find(viewer, "Bernard").total == 0


def test_stale_index_entry_is_not_shown(ctx, make_user, app):
    """Even when the index still has the document (change not yet applied), the database wins."""
    from network_space.accounts.models import User

    viewer = make_user("member")
    other = make_user("member", full_name="Anaïs Girard")
    with app.app_context():
        # Bypass the ORM hooks: the index keeps the old state, as when another process changed it.
        db.session.execute(db.update(User).where(User.id == other.id).values(active=False))
        db.session.commit()
    assert find(viewer, "Anaïs").hits == []


def test_rollback_queues_nothing(ctx, make_user):
    from network_space.accounts.models import User

    viewer = make_user("member")
    db.session.add(User(email="x@example.org", full_name="Zoé Fantôme", password_hash="x"))
    db.session.flush()
    db.session.rollback()
    assert db.session.scalar(select(func.count(SearchQueue.id))) == 0
    assert find(viewer, "Zoé").total == 0


def test_enqueue_refuses_unknown_kind(ctx):
    with pytest.raises(KeyError):
        queue.enqueue("nope", 1)


WHOOSH_ONLY = pytest.mark.search_backends("whoosh")


def _hold_lock(path, locked, release):
    from whoosh import index

    ix = index.open_dir(path, indexname=search_index.INDEX_NAME)
    writer = ix.writer()
    locked.set()
    release.wait(30)
    writer.cancel()


@WHOOSH_ONLY
def test_lock_held_by_another_process_keeps_the_change_queued(ctx, make_user, app):
    viewer = make_user("member")
    search_index.open_or_create_index()
    mp = multiprocessing.get_context("spawn")
    locked, release = mp.Event(), mp.Event()
    holder = mp.Process(target=_hold_lock, args=(str(search_index.index_path()), locked, release))
    holder.start()
    saved = app.config["SEARCH_LOCK_TIMEOUT"]
    try:
        assert locked.wait(30)
        app.config["SEARCH_LOCK_TIMEOUT"] = 0.2
        make_user("member", full_name="Maëlle Perrin")  # commits: no error despite the lock
        assert db.session.scalar(select(func.count(SearchQueue.id))) == 1
        assert find(viewer, "Maëlle").total == 0
    finally:
        app.config["SEARCH_LOCK_TIMEOUT"] = saved
        release.set()
        holder.join(30)
    from network_space.core.worker import run_once

    assert run_once()["search"] == 1
    assert db.session.scalar(select(func.count(SearchQueue.id))) == 0
    assert find(viewer, "Maëlle").total == 1


@WHOOSH_ONLY
def test_a_disk_full_while_committing_leaves_the_index_writable(ctx, make_user, monkeypatch):
    """The commit that met a full disk gives the index's write lock back: once room is made, the
    worker applies the change, without being restarted (it kept the lock, and every later change
    waited in the queue)."""
    import errno

    from whoosh.writing import SegmentWriter

    from network_space.core.worker import run_once

    viewer = make_user("member")
    search_index.open_or_create_index()

    def disk_full(self, segments):
        raise OSError(errno.ENOSPC, "No space left on device")

    # The table of contents is the last file a commit writes: the segment is there, half done.
    monkeypatch.setattr(SegmentWriter, "_commit_toc", disk_full)
    make_user("member", full_name="Maëlle Perrin")  # the change is committed, its indexing fails
    assert db.session.scalar(select(func.count(SearchQueue.id))) == 1
    assert isinstance(run_once()["search"], OSError)  # still full: the worker says so, and goes on
    monkeypatch.undo()
    assert run_once()["search"] == 1
    assert db.session.scalar(select(func.count(SearchQueue.id))) == 0
    assert find(viewer, "Maëlle").total == 1


@WHOOSH_ONLY
def test_two_rebuilds_at_once_take_turns(app, make_user):
    """`flask search reindex` while the worker rebuilds: each swap removed the other versions, one
    of them still being written, and the slower rebuild failed. The second now waits its turn."""
    import threading
    import time

    with app.app_context():
        viewer = make_user("member")
        for name in ("Camille Durand", "Louis Moreau"):
            make_user("member", full_name=name)
    outcomes = {}
    slow_started = threading.Event()

    def slow_progress(count):
        slow_started.set()
        time.sleep(1)  # the other rebuild starts and would finish meanwhile

    def rebuild(name, progress):
        with app.app_context():
            try:
                outcomes[name] = search_cli.rebuild(progress)
            except Exception as error:  # noqa: BLE001 - the outcome is what the test looks at
                outcomes[name] = error

    slow = threading.Thread(target=rebuild, args=("slow", slow_progress))
    slow.start()
    assert slow_started.wait(30)
    quick = threading.Thread(target=rebuild, args=("quick", None))
    quick.start()
    slow.join(60)
    quick.join(60)
    assert all(isinstance(counts, dict) and counts["accounts.member"] == 3 for counts in outcomes.values()), outcomes
    with app.app_context():
        assert find(viewer, "camille").total == 1
        assert len(list(search_index.index_path().with_name(search_index.index_path().name + ".versions").iterdir())) == 1


def test_reindex_gives_the_same_results(ctx, make_user):
    viewer = make_user("member")
    for name in ("Camille Durand", "Camille Petit", "Louis Moreau"):
        make_user("member", full_name=name, job_title="Chargé de mission insertion")
    queries = ("camille", "insertion", "moreau", "")
    before = [kinds_and_titles(find(viewer, q)) for q in queries]
    assert [len(titles) for titles in before] == [2, 3, 1, 4]
    get_backend().clear()
    assert find(viewer, "camille").hits == []
    counts = search_cli.rebuild()
    assert counts["accounts.member"] == 4
    after = [kinds_and_titles(find(viewer, q)) for q in queries]
    assert after == before
    assert get_backend().indexed_counts()["accounts.member"] == 4


@WHOOSH_ONLY
def test_whoosh_rebuild_swaps_a_new_version_in(ctx, make_user):
    viewer = make_user("member")
    make_user("member", full_name="Camille Durand")
    search_index.remove_index()
    assert find(viewer, "camille").available is False
    search_cli.rebuild()
    assert search_index.index_path().is_symlink()
    # A second rebuild swaps again and leaves a single version directory.
    search_cli.rebuild()
    versions = search_index.index_path().with_name(search_index.index_path().name + ".versions")
    assert len(list(versions.iterdir())) == 1
    assert find(viewer, "camille").total == 1


@WHOOSH_ONLY
def test_changes_during_a_rebuild_reach_the_new_index(ctx, make_user):
    viewer = make_user("member")
    flag = queue.rebuilding_flag_path()
    flag.parent.mkdir(parents=True, exist_ok=True)
    flag.touch()
    try:
        make_user("member", full_name="Inès Lambert")
        # Applied to the current index, but kept queued for the index being built.
        assert db.session.scalar(select(func.count(SearchQueue.id))) == 1
    finally:
        flag.unlink()
    search_cli.rebuild()
    assert db.session.scalar(select(func.count(SearchQueue.id))) == 0
    assert find(viewer, "Inès").total == 1


def test_cli_status_and_reindex(app, make_user, search_backend):
    make_user("member", full_name="Hugo Fabre")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert "Index reconstruit" in result.output
    result = runner.invoke(args=["search", "status"])
    assert result.exit_code == 0, result.output
    assert f"Moteur : {search_backend}" in result.output
    # The one member, in the database and in the index alike.
    assert re.search(r"accounts\.member +1 +1\n", result.output), result.output
    assert ("Modifications en attente : 0" if search_backend == "whoosh" else "Table search_document") in result.output


@WHOOSH_ONLY
def test_an_index_of_an_older_schema_waits_for_the_workers_rebuild(ctx, make_user):
    import os

    from whoosh import fields, index as whoosh_index

    from network_space.core.worker import run_once

    viewer = make_user("member")
    search_index.remove_index()
    old = search_index.new_version_dir()
    whoosh_index.create_in(str(old), fields.Schema(uid=fields.ID(unique=True), body=fields.TEXT()), indexname="MAIN")
    os.symlink(old, search_index.index_path())
    assert find(viewer, "Lambert").available is False
    make_user("member", full_name="Inès Lambert")
    # Not written into the old index: kept for the rebuild.
    assert db.session.scalar(select(func.count(SearchQueue.id))) == 1
    run_once()
    results = find(viewer, "Lambert")
    assert results.available and kinds_and_titles(results) == [("accounts.member", "Inès Lambert")]
    assert db.session.scalar(select(func.count(SearchQueue.id))) == 0


@WHOOSH_ONLY
def test_search_page_with_missing_or_corrupt_index(client, login_as, app):
    login_as("member", full_name="Nina Leroy")
    with app.app_context():
        search_index.remove_index()
    response = client.get("/search?q=Nina")
    assert response.status_code == 200
    assert "index en cours de reconstruction" in response.get_data(as_text=True)
    with app.app_context():
        search_cli.rebuild()
        for f in search_index.index_path().resolve().iterdir():
            f.write_bytes(b"\x00garbage" * 10)
    response = client.get("/search?q=Nina")
    assert response.status_code == 200
    assert "index en cours de reconstruction" in response.get_data(as_text=True)
    assert client.get("/").status_code == 200


def _segment_file(suffix: str):
    files = [f for f in search_index.index_path().resolve().iterdir() if f.name.endswith(suffix)]
    assert len(files) == 1, files
    return files[0]


@pytest.mark.parametrize("suffix, damage", [
    # The terms: the index no longer opens. Whoosh's reader() retries an open that fails with an
    # OSError ten times (a writer may have just deleted a file) and drops the half-built readers
    # of the failed tries without closing them; CPython closes their files as it frees them, with
    # a ResourceWarning each. Only the files of the last try are reachable (close_leaked_files).
    pytest.param(".trm", "truncate", marks=pytest.mark.filterwarnings(
        "ignore::pytest.PytestUnraisableExceptionWarning")),
    ("_stored.col", "overwrite"),  # the stored fields: it opens, and fails when a search reads them
])
@WHOOSH_ONLY
def test_the_worker_moves_a_damaged_index_aside_and_rebuilds_it(client, login_as, app, suffix, damage):
    from network_space.core.worker import run_once

    login_as("member", full_name="Nina Leroy")
    with app.app_context():
        search_cli.rebuild()
        segment = _segment_file(suffix)
        content = segment.read_bytes()
        segment.write_bytes(content[:len(content) // 3] if damage == "truncate"
                            else content[:8] + b"\x00garbage" * (len(content) // 8))
    assert "index en cours de reconstruction" in client.get("/search?q=Nina").get_data(as_text=True)
    with app.app_context():
        results = run_once()
        assert not isinstance(results["search"], Exception), results["search"]
        aside = search_index.index_path().with_name(search_index.index_path().name + ".set-aside")
        assert (aside / segment.name).read_bytes() != content  # kept for a look, out of the way
    html = client.get("/search?q=Nina").get_data(as_text=True)
    assert "Nina Leroy" in html and "reconstruction" not in html
    with app.app_context():
        assert run_once()["search"] == 0  # rebuilt once, then back to draining the queue


@WHOOSH_ONLY
def test_a_change_made_while_the_index_is_set_aside_reaches_the_rebuilt_index(ctx, make_user):
    viewer = make_user("member")
    search_cli.rebuild()
    search_index.set_aside()
    queue.rebuilding_flag_path().touch()  # the worker's rebuild has started
    make_user("member", full_name="Inès Lambert")
    assert search_index.open_index() is None  # no empty index made meanwhile, which would look complete
    queue.rebuilding_flag_path().unlink()
    search_cli.rebuild()
    assert kinds_and_titles(find(viewer, "Lambert")) == [("accounts.member", "Inès Lambert")]


@pytest.mark.parametrize("q", ['"clauses sociales', "AND", "OR", "NOT", "*", "?", "a AND", "(((", ")",
                               "title:x", "audience:coanimator", "l'assemblée", "x" * 1000, "ET OU",
                               # to_tsquery()'s own syntax, which the PostgreSQL engine must quote
                               "a' | 'b", "paul:*", "paul:A", "!paul", "a <-> b", "a & b", "\\", "'", "''", "a\\' OR b",
                               '"" paul', "NOT (a OU)", "(a) (b) SAUF", "é*", "**x", "-", "<2>", "\u00a0\u200b"])
def test_malformed_queries_still_answer(client, login_as, q):
    login_as("member", full_name="Paul Garnier")
    response = client.get("/search", query_string={"q": q, "page": "abc", "type": "nope"})
    assert response.status_code == 200


def test_site_search_page_filters_by_type(client, login_as, make_user, app):
    from network_space.accounts.models import Structure

    with app.app_context():
        structure = Structure(name="Grenoble-Alpes Métropole insertion", kind="epci")
        db.session.add(structure)
        db.session.commit()
    make_user("member", full_name="Sarah Insertion")
    login_as("member")
    html = client.get("/search?q=insertion").get_data(as_text=True)
    assert "Sarah Insertion" in html and "Grenoble-Alpes Métropole insertion" in html
    html = client.get("/search?q=insertion&type=accounts.structure").get_data(as_text=True)
    assert "Sarah Insertion" not in html and "Grenoble-Alpes Métropole insertion" in html


def test_did_you_mean(ctx, make_user):
    viewer = make_user("member")
    make_user("member", full_name="Claire Vidal", job_title="Facilitatrice")
    results = find(viewer, "facilitatrise")
    assert results.suggestion == "facilitatrice"
    assert find(viewer, "facilitatrice").suggestion is None


def test_anonymous_is_redirected(client):
    assert client.get("/search?q=x").status_code == 302


def test_a_fresh_sites_empty_index_answers(ctx, make_user, search_backend):
    """Before anything is indexed, a search answers "nothing found", not "being rebuilt"."""
    viewer = make_user("member")
    get_backend().clear()
    if search_backend == "whoosh":
        search_index.open_or_create_index()  # as the first writer of a fresh site leaves it
    for text in ("", "insertion", '"cahier des charges"'):
        results = find(viewer, text, facet_fields=("kind",))
        assert results.available and results.total == 0 and results.hits == []
