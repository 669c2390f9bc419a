"""The Whoosh index on disk: schema, opening, writing with a lock timeout, atomic swap.

SEARCH_INDEX_DIR is a symbolic link to a versioned directory beside it
(``<SEARCH_INDEX_DIR>.versions/<stamp>``): a rebuild fills a new version, then replaces the link
with os.replace(), which is atomic, so readers see either the whole old index or the whole new one.
"""
from __future__ import annotations

import os
import shutil
import threading
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from flask import current_app
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.filedb.structfile import StructFile
from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema
from whoosh.index import LockError  # noqa: F401 - re-exported for the queue

from network_space.search.analysis import french_analyzer, spelling_analyzer

# The schema's version is in the index name: after an upgrade that changes the schema, the old
# index is not opened (search says it is being rebuilt) and the worker rebuilds it.
INDEX_NAME = "MAIN2"


def writer_options() -> dict:
    """How writers lay out segments.

    - Uncompressed postings blocks of 512 (instead of zlib-compressed blocks of 128) make reading
      a common word's postings a third faster, for an index about twice as large (see
      docsets.py: query words are read whole).
    - One file per part of a segment, not one compound file: Whoosh opens a compound file's parts
      as in-memory copies, so every process serving searches would hold a copy of the whole index
      and copy it again each time the index changes. Separate files are read where they are."""
    return {"codec": W3Codec(blocklimit=512, compression=0), "compound": False}


def abandon(writer) -> None:
    """Give up a writer whose work or commit failed (a full disk). Whoosh releases the index's
    write lock only at the end of a commit that succeeds, or of a cancel, and a cancel after a
    commit that failed half-way may fail too (its segment's files are half closed): the lock would
    stay held by this process, the worker, and no change would reach the index until it ends."""
    try:
        writer.cancel()
    except Exception:  # noqa: BLE001 - whatever the cancel met, the lock must go
        lock = getattr(writer, "writelock", None)
        if lock is not None:
            lock.release()


def make_schema() -> Schema:
    fr = french_analyzer()
    return Schema(
        uid=ID(unique=True, stored=True),
        kind=ID(stored=True, sortable=True),
        obj_id=STORED(),
        title=TEXT(analyzer=fr, stored=True, field_boost=4.0),
        # One analysed field for the running text (summary, then body): a query word costs one
        # posting list instead of one per source field, at indexing and at query time. Positions
        # (for phrases) but no character offsets: those would triple the postings to read for
        # every query; snippets find their words again in the stored text (engine._snippet).
        content=TEXT(analyzer=fr, stored=True),
        # Short labels worth more than running text: tags, sectors, category, territory, author.
        keywords=TEXT(analyzer=fr, field_boost=2.0),
        summary=STORED(),
        tags=KEYWORD(commas=True, lowercase=True, stored=True),
        sectors=KEYWORD(commas=True, stored=True),
        category=ID(stored=True, sortable=True),
        subtype=ID(stored=True, sortable=True),
        territory=ID(stored=True, sortable=True),
        year=ID(stored=True, sortable=True),
        date=DATETIME(stored=True, sortable=True),
        audience=ID(stored=True),
        spell=TEXT(analyzer=spelling_analyzer(), phrase=False),
    )


# The full-text fields a user query searches; snippets come from SNIPPET_FIELD.
TEXT_FIELDS = ("title", "keywords", "content")
SNIPPET_FIELD = "content"


def index_path() -> Path:
    return Path(current_app.config["SEARCH_INDEX_DIR"])


def _versions_dir(path: Path) -> Path:
    return path.with_name(path.name + ".versions")


def new_version_dir(path: Path | None = None) -> Path:
    path = path or index_path()
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")
    target = _versions_dir(path) / f"{stamp}-{os.getpid()}"
    target.mkdir(parents=True)
    return target


def _exists(path: Path) -> bool:
    return path.exists() and whoosh_index.exists_in(str(path), indexname=INDEX_NAME)


def open_index():
    """The current index, or None when it does not exist yet."""
    path = index_path()
    if not _exists(path):
        return None
    return whoosh_index.open_dir(str(path), indexname=INDEX_NAME)


# One searcher per process, kept open between requests: opening one reads every segment's
# term and length files (tens of milliseconds on a large index). Whoosh readers seek shared file
# objects, so the threads of a process take turns.
_shared: dict = {"target": None, "searcher": None}
_shared_lock = threading.RLock()


@contextmanager
def shared_searcher():
    """(searcher, version directory) of the current index version ((None, None) when there is no
    index); the searcher is refreshed when the index changes. A failure while it is in use drops
    it, so the next search reopens."""
    with _shared_lock:
        path = index_path()
        # The version directory behind the link: a rebuild swapped in means another target.
        target = os.path.realpath(path)
        searcher = _shared["searcher"]
        # The searcher kept is still the index's (same version directory, same generation: its
        # table of contents is there): no need to ask whether an index exists, which opens it.
        kept = searcher is not None and _shared["target"] == target and _up_to_date(searcher)
        if not kept and not _exists(path):
            _drop_shared()
            yield None, None
            return
        try:
            if not kept:
                # Not Searcher.refresh(): Whoosh 2.7.4 reuses none of the old segment readers
                # (it looks them up by segment id in a dict keyed by generation) and closes only
                # one of them, leaving the others' files open.
                _drop_shared()
                searcher = whoosh_index.open_dir(target, indexname=INDEX_NAME).searcher()
            _shared.update(target=target, searcher=searcher)
            # The directory this searcher reads, even if a rebuild swaps the link meanwhile.
            yield searcher, Path(target)
        except BaseException:
            _drop_shared()
            raise


def _up_to_date(searcher) -> bool:
    try:
        return searcher.up_to_date()
    except Exception:  # noqa: BLE001 - a damaged or vanished index: the searcher is not kept
        return False


def _drop_shared() -> None:
    searcher = _shared["searcher"]
    _shared.update(target=None, searcher=None)
    if searcher is not None:
        try:
            searcher.close()
        except Exception:  # noqa: BLE001 - a damaged index may fail to close; it is dropped anyway
            pass


def open_or_create_index():
    """For writers: an empty index is created on first use (a fresh site has nothing to index);
    None while an index of an older schema waits for its rebuild."""
    ix = open_index()
    if ix is not None:
        return ix
    path = index_path()
    if _holds_older_schema(path):
        return None  # an upgrade changed the schema: the worker's rebuild will apply the changes
    target = new_version_dir(path)
    ix = whoosh_index.create_in(str(target), make_schema(), indexname=INDEX_NAME)
    if path.is_symlink() and not path.exists():
        path.unlink()  # a dangling link left by a removed version
    try:
        os.symlink(target, path)  # fails if another process won the race: use theirs
    except FileExistsError:
        shutil.rmtree(target, ignore_errors=True)
        return whoosh_index.open_dir(str(path), indexname=INDEX_NAME)
    return ix


def _holds_older_schema(path: Path) -> bool:
    # Whoosh names its table of contents _<index name>_<generation>.toc.
    return path.exists() and any(not toc.name.startswith(f"_{INDEX_NAME}_") for toc in path.glob("_*.toc"))


def create_index_in(target: Path):
    return whoosh_index.create_in(str(target), make_schema(), indexname=INDEX_NAME)


def swap_in(target: Path) -> None:
    """Point SEARCH_INDEX_DIR at ``target`` atomically, then remove older versions."""
    path = index_path()
    link = path.with_name(path.name + f".link-{os.getpid()}")
    if link.is_symlink() or link.exists():
        link.unlink()
    os.symlink(target, link)
    if path.exists() and not path.is_symlink():
        # A plain directory (older layout or copied by hand): move it aside; os.replace cannot
        # replace a non-empty directory with a link.
        path.rename(path.with_name(path.name + ".old"))
        shutil.rmtree(path.with_name(path.name + ".old"), ignore_errors=True)
    os.replace(link, path)
    # Open searchers keep their files (POSIX unlink semantics), so removing old versions is safe.
    for version in _versions_dir(path).iterdir():
        if version != target:
            shutil.rmtree(version, ignore_errors=True)


def remove_index() -> None:
    """Delete the index entirely (tests, or an operator starting over before a reindex)."""
    path = index_path()
    if path.is_symlink():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)
    shutil.rmtree(_versions_dir(path), ignore_errors=True)
    shutil.rmtree(_set_aside_path(path), ignore_errors=True)
    _damage_mark_path(path).unlink(missing_ok=True)


# --- damage ---------------------------------------------------------------------------------------
# Whoosh fails in many ways on a damaged segment (OSError, EOFError, struct and unpickling errors…),
# and some damage only shows when a query reads the damaged part. So every reader and writer that
# fails on the index marks the version it used as damaged (a file beside the index naming it);
# the worker also tries to open the index each round. A damaged index is moved aside and rebuilt
# by the worker (see search/__init__.py).

def _damage_mark_path(path: Path) -> Path:
    return path.with_name(path.name + ".damaged")


def _set_aside_path(path: Path) -> Path:
    return path.with_name(path.name + ".set-aside")


def mark_damaged(error: BaseException, version_dir: Path | str | None = None) -> None:
    """Record that the index version ``version_dir`` (default: the current one) failed to read or
    write, for the worker to rebuild it; closes the files the failure left open."""
    close_leaked_files(error)
    path = index_path()
    target = os.path.realpath(version_dir or path)
    try:
        _damage_mark_path(path).write_text(target)
    except OSError:  # a full or read-only disk: the worker's own check still finds the damage
        pass


MISSING, DAMAGED, READABLE = "missing", "damaged", "readable"


def state() -> str:
    """MISSING (none yet, deleted, or of an older schema), DAMAGED (marked so by a failed read
    or write, or it cannot be opened) or READABLE."""
    path = index_path()
    mark = _damage_mark_path(path)
    if mark.exists():
        if mark.read_text().strip() == os.path.realpath(path):
            return DAMAGED
        mark.unlink(missing_ok=True)  # about a version already replaced
    try:
        if not _exists(path):
            return MISSING
        ix = whoosh_index.open_dir(str(path), indexname=INDEX_NAME)
        with ix.searcher() as searcher:
            searcher.doc_count()
    except Exception as error:  # noqa: BLE001 - whatever Whoosh raises, the index cannot be read
        close_leaked_files(error)
        return DAMAGED
    return READABLE


def set_aside() -> Path:
    """Move the current (damaged) index out of the way, where an operator can still look at it:
    readers see no index ("en cours de reconstruction") until the rebuild swaps a new one in.
    Keeps only the last damaged copy."""
    path = index_path()
    aside = _set_aside_path(path)
    shutil.rmtree(aside, ignore_errors=True)
    target = Path(os.path.realpath(path))
    if path.is_symlink():
        path.unlink()
    if target.exists():
        os.replace(target, aside)
    _damage_mark_path(path).unlink(missing_ok=True)
    return aside


def close_leaked_files(error: BaseException) -> None:
    """Whoosh 2.7.4 leaves files open when it cannot parse one (TOC.read and the segment readers
    have no try/finally): the file being read, and those a half-built reader had opened before.
    Close the files the failed frames still reference, directly or as an attribute of an object
    they hold (the reader under construction is its frame's ``self``), so descriptors do not pile
    up (and no "unclosed file" warning fires) while the index is damaged."""
    def close(value) -> None:
        if isinstance(value, StructFile) and not value.is_closed:
            value.close()

    traceback = error.__traceback__
    while traceback is not None:
        for value in list(traceback.tb_frame.f_locals.values()):
            close(value)
            for attribute in list(getattr(value, "__dict__", {}).values()):
                close(attribute)
        traceback = traceback.tb_next


def index_size_bytes() -> int:
    path = index_path()
    if not path.exists():
        return 0
    return sum(f.stat().st_size for f in path.resolve().iterdir() if f.is_file())


def to_fields(document) -> dict:
    """A documents.Document as the Whoosh fields of one document."""
    fields = {
        "uid": document.uid,
        "kind": document.kind,
        "obj_id": document.obj_id,
        "title": document.title,
        "summary": document.summary,
        "content": document.content,
        "keywords": document.keywords,
        "tags": ",".join(document.tags),
        "sectors": ",".join(document.sectors),
        "audience": document.audience,
        "spell": document.spell,
    }
    for key in ("category", "subtype", "territory", "year"):
        if getattr(document, key):
            fields[key] = getattr(document, key)
    if document.date is not None:
        fields["date"] = document.date.replace(tzinfo=None)  # Whoosh wants naive UTC
    return fields
