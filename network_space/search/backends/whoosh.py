"""The embedded Whoosh engine: files in SEARCH_INDEX_DIR (index.py), matching and ranking as
array algebra (docsets.py), French analysis (analysis.py); changes reach it through the
search_queue table after each commit (queue.py). With analysis.py, index.py, docsets.py and
queue.py, the only code that imports Whoosh."""
from __future__ import annotations

import fcntl
import heapq
import logging
import os
import re
import shutil
from functools import reduce

from flask import current_app
from sqlalchemy.orm import Session
from whoosh import qparser, query as wq
from whoosh.analysis import Token
from whoosh.highlight import Highlighter, HtmlFormatter, PinpointFragmenter

from network_space.extensions import db
from network_space.search import docsets, documents, index as search_index, queue
from network_space.search.analysis import find_terms, fold
from network_space.search.backends import SearchBackend
from network_space.search.docsets import DocSets
from network_space.search.engine import SORT_DATE
from network_space.search.registry import AUDIENCE_MEMBERS, all_types, sees_every_audience

log = logging.getLogger(__name__)


class Backend(SearchBackend):
    name = "whoosh"
    queued = True

    def run(self, results, text, user, kinds, facets, facet_fields):
        # Only the index reading is guarded: errors in a type's callbacks are bugs and must
        # surface as such.
        version_dir = None
        try:
            with search_index.shared_searcher() as (searcher, version_dir):
                if searcher is None:
                    return None
                return _run(searcher, version_dir, results, text, user, kinds, facets, facet_fields)
        except Exception as error:  # noqa: BLE001 - a damaged index must never break a page: it is rebuildable
            search_index.mark_damaged(error, version_dir)
            log.error("search: the index could not be read (%s: %s); the worker will rebuild it",
                      type(error).__name__, str(error))
            return None

    def rebuild(self, progress=None):
        return _rebuild(progress)

    def indexed_counts(self):
        try:
            ix = search_index.open_index()
            if ix is None:
                return None
            with ix.searcher() as searcher:
                return {t.kind: searcher.doc_frequency("kind", t.kind) for t in all_types()}
        except Exception as error:  # noqa: BLE001 - status reports a damaged index instead of failing
            search_index.close_leaked_files(error)
            return None

    def status_lines(self):
        return [f"Modifications en attente : {queue.pending_count()}",
                f"Répertoire : {search_index.index_path()} ({search_index.index_size_bytes() // 1024} Kio)"]

    def worker_round(self):
        """Apply the queued changes to the index, or build the index whole when there is none
        (first start, deleted, or damaged: then it is moved aside first)."""
        state = search_index.state()
        if state == search_index.DAMAGED:
            aside = search_index.set_aside()
            log.error("search: the index could not be read; moved aside to %s and rebuilt", aside)
        if state != search_index.READABLE:
            counts = _rebuild(wait=False)
            return sum(counts.values()) if counts is not None else 0
        total = 0
        for _ in range(20):  # bounded per round; the next round continues
            applied = queue.drain()
            if not applied:
                break
            total += applied
        return total

    def clear(self):
        search_index.remove_index()


def _rebuild(progress=None, *, wait: bool = True) -> dict[str, int] | None:
    """Build a complete index from the database in a new directory, then swap it in.

    Changes committed meanwhile are applied to the old index as usual but their queue rows are
    kept (the rebuilding flag), and drained into the new index right after the swap.

    One rebuild at a time (a lock file beside the index): a swap removes every other version
    directory, and would remove one another rebuild is still writing (`flask search reindex` run
    while the worker rebuilds a deleted index). ``wait=False`` (the worker): None at once when a
    rebuild is already running, which will do.
    """
    lock_path = search_index.index_path().with_name(search_index.index_path().name + ".rebuild.lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            return None
        try:
            return _rebuild_alone(progress)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _rebuild_alone(progress=None) -> dict[str, int]:
    flag = queue.rebuilding_flag_path()
    flag.parent.mkdir(parents=True, exist_ok=True)
    flag.touch()
    target = search_index.new_version_dir()
    counts = {t.kind: 0 for t in all_types()}
    try:
        ix = search_index.create_index_in(target)
        # One analysing process per core (SEARCH_REINDEX_PROCS); each writes its own segment.
        procs = current_app.config["SEARCH_REINDEX_PROCS"] or os.cpu_count() or 1
        writer = ix.writer(limitmb=current_app.config["SEARCH_REINDEX_LIMITMB"], procs=procs,
                           multisegment=procs > 1, **search_index.writer_options())
        try:
            with Session(db.engine) as session:
                for kind, ids in documents.id_batches(session):
                    counts.setdefault(kind, 0)
                    for document in documents.load_documents(session, [(kind, i) for i in ids]).values():
                        if document is not None:
                            writer.add_document(**search_index.to_fields(document))
                            counts[kind] += 1
                    if progress:
                        progress(len(ids))
                    session.expunge_all()
            writer.commit()
        except BaseException:
            writer.cancel()
            raise
        search_index.swap_in(target)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    finally:
        flag.unlink(missing_ok=True)
    for _ in range(1000):  # bounded: another rebuild starting now would keep the rows
        if not queue.drain(timeout=30):
            break
    return counts


def _parser(schema) -> qparser.QueryParser:
    parser = qparser.MultifieldParser(list(search_index.TEXT_FIELDS), schema, group=qparser.AndGroup)
    # No field:value syntax (internal fields stay internal), no ranges or boosts, and no
    # single-quoted literals: French apostrophes ("l'assemblée") are not quotes.
    for plugin in (qparser.FieldsPlugin, qparser.RangePlugin, qparser.BoostPlugin, qparser.SingleQuotePlugin):
        parser.remove_plugin_class(plugin)
    parser.replace_plugin(qparser.OperatorsPlugin(
        And=r"(?<=\s)(AND|ET)(?=\s)", Or=r"(?<=\s)(OR|OU)(?=\s)",
        AndNot=r"(?<=\s)(ANDNOT|SAUF)(?=\s)", Not=r"(^|(?<=(\s|[()])))(NOT|NON)(?=\s)",
    ))
    return parser


def parse_query(schema, text: str):
    """The Whoosh query for what the user typed; never raises, whatever the syntax."""
    if not text or text.strip("*? ") == "":
        return wq.Every()
    try:
        q = _parser(schema).parse(text)
    except Exception:  # noqa: BLE001 - the parser's failure modes are not documented; fall back to words
        q = None
    if q is None or q is wq.NullQuery:
        words = " ".join(re.findall(r"\w+", text))
        if not words:
            return wq.Every()
        q = qparser.MultifieldParser(list(search_index.TEXT_FIELDS), schema, plugins=[]).parse(words)
    return q


def _allowed(sets: DocSets, user, kinds, facets):
    """The documents ``user`` may get for these kinds and facet values; None: no restriction.
    Values of one field are OR-ed, fields AND-ed."""
    clauses = []
    if kinds:
        clauses.append(reduce(lambda a, b: a | b, (sets.value("kind", k) for k in kinds)))
    for name, values in facets.items():
        clauses.append(reduce(lambda a, b: a | b, (sets.value(name, v) for v in values)))
    if not sees_every_audience(user):
        clauses.append(sets.value("audience", AUDIENCE_MEMBERS))
    if not clauses:
        return None
    return reduce(lambda a, b: a & b, clauses)


def _run(searcher, version_dir, results, text, user, kinds, facets, facet_fields) -> list[tuple[dict, str]]:
    """Fill totals, facets and suggestion; return the page's (stored fields, snippet) pairs."""
    q = parse_query(searcher.schema, text)
    sets = docsets.for_searcher(searcher, version_dir, current_app.config["SEARCH_CACHE_POSTINGS"])
    allowed = _allowed(sets, user, kinds, facets)
    matched = sets.matching(q)
    if allowed is not None:
        matched = matched & allowed
    results.total = sets.count(matched)
    results.page = min(results.page, max(1, results.pages))
    first = (results.page - 1) * results.per_page
    wanted = first + results.per_page
    if results.sort == SORT_DATE or isinstance(q, wq.Every):
        docnums = sets.newest_first(matched, wanted)[first:]
    else:
        docnums = sets.best(q, matched, wanted)[first:]
    for name in facet_fields:
        results.facets[name] = sets.facet_counts(name, matched)
    highlight = bool(text) and not isinstance(q, wq.Every)
    if highlight:
        results.suggestion = _suggest(searcher, text)
    terms = {btext.decode("utf-8") for btext in _snippet_terms(q, searcher)} if highlight else set()
    # One per page: the formatter numbers the words it meets (class="term0"…) across its calls.
    highlighter = new_highlighter()
    pages = []
    for docnum in docnums:
        fields = searcher.stored_fields(docnum)
        pages.append((fields, _snippet(fields.get(search_index.SNIPPET_FIELD) or "", terms, highlighter)))
    return pages


def _snippet_terms(q, searcher) -> set[bytes]:
    """The terms of the query that exist in the snippet field (prefixes expanded), minus those
    only wanted absent (NOT x)."""
    reader = searcher.reader()
    negated, nodes = set(), [q]
    while nodes:
        node = nodes.pop()
        if isinstance(node, wq.Not):
            negated |= _field_terms(node.query, reader)
        elif isinstance(node, wq.AndNot):
            negated |= _field_terms(node.b, reader)
        nodes.extend(node.children())
    return _field_terms(q, reader) - negated


def _field_terms(q, reader, fieldname: str = search_index.SNIPPET_FIELD) -> set[bytes]:
    # Not Query.existing_terms(): in Whoosh 2.7.4 its loop variable overwrites its `fieldname`
    # argument, so it skips the leaves of every field after the first one it meets.
    field, found = reader.schema[fieldname], set()
    for leaf in q.leaves():
        for name, text in leaf.expanded_terms(reader, phrases=True):
            if name == fieldname:
                btext = text if isinstance(text, bytes) else field.to_bytes(text)
                if (name, btext) in reader:
                    found.add(btext)
    return found


# Snippets look for the query's words in the first characters of a long text only: enough for
# nearly every hit, and a bounded cost per page whatever the size of the files. The beginning is
# scanned first; the rest only when some word of the query was not met there.
SNIPPET_FIRST_CHARS = 2_000
SNIPPET_SCAN_CHARS = 60_000
# Notes and comments are Markdown: an extract reads better without emphasis and heading marks.
_MARKDOWN_MARKS = re.compile(r"\*{1,3}|`+|^#{1,6}\s+", re.MULTILINE)


def new_highlighter() -> Highlighter:
    return Highlighter(fragmenter=PinpointFragmenter(maxchars=220, surround=60, autotrim=True),
                       formatter=HtmlFormatter(tagname="mark"))


def _snippet(text: str, terms: set[str], highlighter: Highlighter) -> str:
    """Up to three fragments of ``text`` around the words whose indexed term the query holds."""
    if not terms or not text:
        return ""
    for limit in (SNIPPET_FIRST_CHARS, SNIPPET_SCAN_CHARS):
        # Cut between words, not inside one.
        cut = len(text) if len(text) <= limit else (text.rfind(" ", 0, limit) + 1 or limit)
        scanned = _MARKDOWN_MARKS.sub("", text[:cut])
        found = find_terms(scanned, terms)
        if cut == len(text) or {term for term, _start, _end in found} == terms:
            break
    text = scanned
    tokens = [Token(text=term, pos=i, startchar=start, endchar=end, matched=True)
              for i, (term, start, end) in enumerate(found)]
    if not tokens:
        return ""
    fragments = highlighter.fragmenter.fragment_matches(text, tokens)
    # The three best, the earliest among equals (Whoosh's top_fragments() breaks ties by the
    # fragments' memory addresses: the same search would show other extracts at each request).
    fragments = heapq.nsmallest(3, fragments, key=lambda f: (-highlighter.scorer(f), f.startchar))
    snippet, previous_end = "", None
    for fragment in sorted(fragments, key=lambda f: f.startchar):
        cut_before = _start_at_boundary(fragment)
        if previous_end is not None and fragment.startchar <= previous_end:  # they touch: one extract
            fragment.startchar = previous_end
            fragment.matches = [m for m in fragment.matches if m.startchar >= previous_end]
            snippet = snippet.removesuffix("…")
        elif snippet:
            snippet += " " + ("…" if cut_before else "")
        elif cut_before:
            snippet = "…"
        cut_after = _end_at_boundary(fragment)
        snippet += highlighter.formatter.format_fragment(fragment) + ("…" if cut_after else "")
        previous_end = fragment.endchar
    return snippet


_SENTENCE_END = re.compile(r"[.!?…]\s+|\n\s*")
_SEPARATORS = " \t\n·•|-–—,;:/"


def _is_word_start(text: str, i: int) -> bool:
    """A word begins at i: after a space, a letter or a digit, and not the next digit group of a
    number written with spaces ("150 000")."""
    if not (text[i - 1].isspace() and text[i].isalnum()):
        return False
    before = text[:i].rstrip()
    return not (text[i].isdigit() and before[-1:].isdigit())


def _start_at_boundary(fragment) -> bool:
    """Move the fragment's start to the sentence holding its first match, or else to a word start;
    whether text before it was left out."""
    text, start = fragment.text, fragment.startchar
    first = fragment.matches[0].startchar if fragment.matches else fragment.endchar
    if start <= 0:
        fragment.startchar = 0
        return False
    sentence = None
    for boundary in _SENTENCE_END.finditer(text, start, first):
        sentence = boundary.end()
    if sentence is not None:
        fragment.startchar = sentence
        return False
    while start < first and not _is_word_start(text, start):
        start += 1
    fragment.startchar = start
    return True


def _end_at_boundary(fragment) -> bool:
    """Move the fragment's end back to the end of a word (separators dropped); whether text after
    it was left out."""
    text, end = fragment.text, fragment.endchar
    last = fragment.matches[-1].endchar if fragment.matches else fragment.startchar
    if end >= len(text):
        return False
    if not text[end].isspace():
        while end > last and not text[end - 1].isspace():
            end -= 1
    while end > last and text[end - 1] in _SEPARATORS:
        end -= 1
    fragment.endchar = end
    return text[end - 1:end] not in (".", "!", "?", "…")


def _suggest(searcher, text: str) -> str | None:
    """The query with each word unknown to the vocabulary replaced by its closest known word."""
    words = re.findall(r"\w+", text)
    if not words or len(words) > 8:
        return None
    corrector = searcher.corrector("spell")
    reader = searcher.reader()
    changed, out = False, []
    for word in words:
        folded = fold(word)
        if len(folded) < 4 or word.isupper() or reader.frequency("spell", folded) > 0:
            out.append(word)
            continue
        # prefix=1: candidates share the first letter (people rarely mistype it), which spares
        # an edit distance with every word of the vocabulary.
        suggestions = corrector.suggest(folded, limit=1, maxdist=2, prefix=1)
        if suggestions and suggestions[0] != folded:
            out.append(suggestions[0])
            changed = True
        else:
            out.append(word)
    return " ".join(out) if changed else None
