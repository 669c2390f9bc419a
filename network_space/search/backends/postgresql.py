"""The PostgreSQL engine: the search_document table of the site's own database.

Several application servers share it with nothing else to run: a change and its document are
written in the same transaction (no queue, no index lock, no rebuild swap). Each document has a
weighted ``tsvector`` (title A > keywords B > running text D) analysed by the ``ns_french`` text
search configuration: stop words, then accents folded (``unaccent``), then French Snowball
stemming, so "Isere" = "Isère" and "facilitateur" finds "facilitateurs". A GIN index finds the
matches; ts_rank() orders them; facets are SQL aggregates over the matches; ts_headline() cuts
the snippets; "did you mean" looks for close words (pg_trgm) in the search_word vocabulary.

Needs the ``unaccent`` and ``pg_trgm`` extensions: the migration creates them when the role may
(both are "trusted" extensions: a database owner may, since PostgreSQL 13); otherwise a DBA runs
the commands of docs/exploitation.md, then `flask search reindex` creates the rest.
"""
from __future__ import annotations

import logging
import re
import threading
import time
from contextlib import contextmanager

from markupsafe import escape
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from network_space.extensions import db
from network_space.search import documents
from network_space.search.backends import SearchBackend
from network_space.search.backends.tsquery import parse
from network_space.search.engine import SORT_DATE, matches_everything
from network_space.search.registry import AUDIENCE_MEMBERS, all_types, sees_every_audience

log = logging.getLogger(__name__)

CONFIG = "ns_french"  # documents and queries
SPELL_CONFIG = "ns_spell"  # the vocabulary: whole words, accents folded, not stemmed
STOP_DICTIONARY = "ns_french_stop"
EXTENSIONS = ("unaccent", "pg_trgm")
# The same weights as the Whoosh engine's field boosts (title 4, keywords 2, text 1), in
# ts_rank()'s order {D, C, B, A}; normalisation 1 divides by 1 + log(length), as BM25 damps
# long texts.
RANK_WEIGHTS = "{0.25, 0.25, 0.5, 1.0}"
RANK_NORMALISATION = 1

# Ranking reads, for every match, a vector of the title, the keywords and the beginning of the
# text (the summary first): reading each match's whole-text vector would cost a read apart per
# match (see docs/performance.md).
RANKED_CHARS = 600

# A tsvector holds at most 1 MB: a text whose analysis would exceed it (a huge file of distinct
# words) is indexed up to this many characters instead (stored whole all the same).
LONG_TEXT = 200_000
LONG_TEXT_INDEXED = 100_000
SETUP_RETRY_SECONDS = 60

# Snippets: the first characters of a text first, then further when some wanted word is not
# there (as the Whoosh engine does), at most three fragments of about 30 words.
SNIPPET_FIRST_CHARS = 2_000
SNIPPET_SCAN_CHARS = 60_000
# ts_headline() does not escape the text: it marks the words with these private-use characters,
# and the text is escaped before they become <mark> elements.
_START, _STOP, _BETWEEN = "\ue000", "\ue001", "\ue002"
HEADLINE_OPTIONS = (f"StartSel={_START}, StopSel={_STOP}, FragmentDelimiter={_BETWEEN}, "
                    "MaxFragments=3, MaxWords=30, MinWords=12, ShortWord=2")
_MARKED = re.compile(f"{_START}(.*?){_STOP}", re.DOTALL)
# Notes and comments are Markdown: an extract reads better without emphasis and heading marks.
_MARKDOWN_MARKS = re.compile(r"\*{1,3}|`+|^#{1,6}\s+", re.MULTILINE)
# The classes Whoosh's HtmlFormatter gives, so that both engines' snippets look alike.
_TERM_CLASSES = 5

# Words of the vocabulary, from a document's title, summary and tags (as Whoosh's spelling field).
_SPELL_WORDS = f"""
    SELECT DISTINCT w FROM search_document d,
        unnest(tsvector_to_array(to_tsvector('{SPELL_CONFIG}',
            d.title || ' ' || d.summary || ' ' || array_to_string(d.tags, ' ')))) w
    WHERE {{where}} AND length(w) BETWEEN 3 AND 100 AND w !~ '[0-9_]'"""

_FACET_COLUMNS = {"kind": "kind", "category": "category", "subtype": "subtype", "territory": "territory",
                  "year": "year", "tags": "tags", "sectors": "sectors"}
_LIST_COLUMNS = {"tags", "sectors"}


def _clean(value: str | None) -> str:
    return (value or "").replace("\x00", " ")


def _row(document: documents.Document, indexed_chars: int | None = None) -> dict:
    content = _clean(document.content)
    ranked = content if len(content) <= RANKED_CHARS else content[:RANKED_CHARS].rsplit(None, 1)[0]
    return {
        "kind": document.kind, "obj_id": document.obj_id, "title": _clean(document.title),
        "summary": _clean(document.summary), "content": content,
        "indexed": content if indexed_chars is None else content[:indexed_chars], "ranked": ranked,
        "keywords": _clean(document.keywords), "tags": [_clean(t) for t in document.tags],
        "sectors": [_clean(s) for s in document.sectors], "category": document.category,
        "subtype": document.subtype, "territory": document.territory, "year": document.year,
        "date": document.date, "audience": document.audience,
    }


_LOCK_ROWS = text("""
    INSERT INTO search_document (kind, obj_id, title, summary, content, tags, sectors, audience, tsv, rank_tsv)
    VALUES (:kind, :obj_id, '', '', '', '{}', '{}', 'member', '', '')
    ON CONFLICT (kind, obj_id) DO UPDATE SET kind = EXCLUDED.kind""")
_UPDATE = text(f"""
    UPDATE search_document SET title = :title, summary = :summary, content = :content,
        tags = CAST(:tags AS text[]), sectors = CAST(:sectors AS text[]), category = :category,
        subtype = :subtype, territory = :territory, year = :year, date = :date, audience = :audience,
        tsv = labels.vector || setweight(to_tsvector('{CONFIG}', :indexed), 'D'),
        rank_tsv = labels.vector || setweight(to_tsvector('{CONFIG}', :ranked), 'D')
    FROM (SELECT setweight(to_tsvector('{CONFIG}', :title), 'A')
                 || setweight(to_tsvector('{CONFIG}', :keywords), 'B') AS vector) labels
    WHERE kind = :kind AND obj_id = :obj_id""")
_DELETE = text("DELETE FROM search_document WHERE kind = :kind AND obj_id = :obj_id")
_ADD_WORDS = text(f"""
    INSERT INTO search_word (word)
    SELECT w FROM ({_SPELL_WORDS.format(where="d.kind = :kind AND d.obj_id = ANY(:ids)")}) words ORDER BY w
    ON CONFLICT DO NOTHING""")


def write_documents(connection, pairs) -> int:
    """Write the documents of these (kind, id) pairs in ``connection``'s transaction; returns
    how many were written (the others, gone or not indexable, are deleted).

    Each pair's row is locked (created if absent) before its document is read from the
    database, in one order for every writer: two transactions changing one object (two comments
    at once, a change during a rebuild) write its document one after the other, the second from
    what the first committed, so the last document written is never older than the database."""
    keys = sorted(pairs)
    if not keys:
        return 0
    connection.execute(_LOCK_ROWS, [{"kind": kind, "obj_id": obj_id} for kind, obj_id in keys])
    # A session of its own on the same connection: the caller's session may hold objects whose
    # loaded collections predate this transaction's last changes.
    with Session(bind=connection) as fresh:
        loaded = documents.load_documents(fresh, keys)
    written = [doc for doc in loaded.values() if doc is not None]
    gone = [{"kind": kind, "obj_id": obj_id} for (kind, obj_id), doc in loaded.items() if doc is None]
    if gone:
        connection.execute(_DELETE, gone)
    short = [_row(doc) for doc in written if len(doc.content) <= LONG_TEXT]
    if short:
        connection.execute(_UPDATE, short)
    for doc in written:
        if len(doc.content) > LONG_TEXT:
            _write_long(connection, doc)
    by_kind: dict[str, list[int]] = {}
    for doc in written:
        by_kind.setdefault(doc.kind, []).append(doc.obj_id)
    for kind, ids in sorted(by_kind.items()):
        connection.execute(_ADD_WORDS, {"kind": kind, "ids": sorted(ids)})
    return len(written)


def _write_long(connection, doc: documents.Document) -> None:
    savepoint = connection.begin_nested()
    try:
        connection.execute(_UPDATE, _row(doc))
        savepoint.commit()
    except DBAPIError as error:
        if getattr(error.orig, "sqlstate", None) != "54000":  # program_limit_exceeded: tsvector too long
            raise
        savepoint.rollback()
        log.warning("search: %s has too many distinct words for a tsvector; its first %d characters are indexed",
                    doc.uid, LONG_TEXT_INDEXED)
        connection.execute(_UPDATE, _row(doc, LONG_TEXT_INDEXED))


def create_extensions(connection) -> list[str]:
    """Create the extensions the engine needs when the role may; returns those still missing."""
    missing = []
    for extension in EXTENSIONS:
        if _extension_schema(connection, extension) is None:
            savepoint = connection.begin_nested()
            try:
                connection.execute(text(f"CREATE EXTENSION IF NOT EXISTS {extension}"))
                savepoint.commit()
            except DBAPIError:
                savepoint.rollback()
                missing.append(extension)
    return missing


def setup(connection) -> list[str]:
    """Create what the engine needs and is missing (idempotent): the extensions when the role
    may, the text search dictionary and configurations, the vocabulary's trigram index. Returns
    the extensions still missing (a DBA must create them)."""
    connection.execute(text("SELECT pg_advisory_xact_lock(hashtext('network_space search setup'))"))
    missing = create_extensions(connection)
    unaccent = _extension_schema(connection, "unaccent")
    if unaccent is not None:
        for name, statements in configuration_ddl(unaccent):
            if not _exists(connection, name):
                for statement in statements:
                    connection.execute(text(statement))
    trgm = _extension_schema(connection, "pg_trgm")
    # Looked up first: CREATE INDEX IF NOT EXISTS would wait for every transaction adding words.
    if trgm is not None and connection.scalar(text("SELECT to_regclass('ix_search_word_trigram')")) is None:
        connection.execute(text(f'CREATE INDEX ix_search_word_trigram ON search_word USING gin (word "{trgm}".gin_trgm_ops)'))
    return missing


def configuration_ddl(unaccent_schema: str) -> list[tuple[str, list[str]]]:
    """The text search objects, each with the statements that make it: the stop words
    dictionary, then the configurations: French (documents, queries) and spelling (vocabulary).
    Stop words are dropped before accents are folded: PostgreSQL's list has "à", "été"."""
    mapping = "asciiword, asciihword, hword_asciipart, word, hword, hword_part"
    return [
        (STOP_DICTIONARY, [f"CREATE TEXT SEARCH DICTIONARY {STOP_DICTIONARY} "
                           "(TEMPLATE = simple, STOPWORDS = french, ACCEPT = false)"]),
        (CONFIG, [f"CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = french)",
                  f'ALTER TEXT SEARCH CONFIGURATION {CONFIG} ALTER MAPPING FOR {mapping} '
                  f'WITH {STOP_DICTIONARY}, "{unaccent_schema}".unaccent, french_stem']),
        (SPELL_CONFIG, [f"CREATE TEXT SEARCH CONFIGURATION {SPELL_CONFIG} (COPY = simple)",
                        f'ALTER TEXT SEARCH CONFIGURATION {SPELL_CONFIG} ALTER MAPPING FOR {mapping} '
                        f'WITH {STOP_DICTIONARY}, "{unaccent_schema}".unaccent, simple']),
    ]


def _exists(connection, name: str) -> bool:
    """Whether the text search dictionary or configuration ``name`` is on the search path."""
    if name == STOP_DICTIONARY:
        return bool(connection.scalar(text(
            "SELECT count(*) FROM pg_ts_dict WHERE dictname = :name AND pg_ts_dict_is_visible(oid)"), {"name": name}))
    return _has_config(connection, name)


def _extension_schema(connection, name: str) -> str | None:
    return connection.scalar(text(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = :name"),
        {"name": name})


def _has_config(connection, name: str) -> bool:
    return bool(connection.scalar(text(
        "SELECT count(*) FROM pg_ts_config WHERE cfgname = :name AND pg_ts_config_is_visible(oid)"), {"name": name}))


class Backend(SearchBackend):
    name = "postgresql"
    queued = False

    def __init__(self):
        self._ready: set[str] = set()  # databases found set up
        self._retry_at: dict[str, float] = {}  # databases where an extension was missing: when to look again
        self._lock = threading.Lock()

    def check_app(self, app) -> None:
        if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
            raise RuntimeError("SEARCH_BACKEND=postgresql needs the site's database to be PostgreSQL "
                               "(DATABASE_URL=postgresql+psycopg://…); use SEARCH_BACKEND=whoosh otherwise.")

    def ready(self, connection) -> bool:
        """Whether the engine is set up in this database. What is missing is created on first
        use (in a transaction of its own), so a site needs nothing but the extensions; while an
        extension is missing, the search answers "unavailable" and writes are skipped."""
        url = str(connection.engine.url)
        if url in self._ready:
            return True
        with self._lock:
            if not (_has_config(connection, CONFIG) and _has_config(connection, SPELL_CONFIG)
                    and _extension_schema(connection, "pg_trgm") is not None):
                if time.monotonic() < self._retry_at.get(url, 0):
                    return False
                with connection.engine.begin() as own:
                    missing = setup(own)
                if missing:
                    self._retry_at[url] = time.monotonic() + SETUP_RETRY_SECONDS
                    log.error("search: the PostgreSQL engine needs the extensions %s, which this role may not "
                              "create; see docs/exploitation.md, then run `flask search reindex`", ", ".join(missing))
                    return False
            self._ready.add(url)
        return True

    def write_in_transaction(self, session, pairs) -> None:
        connection = session.connection()
        if self.ready(connection):
            write_documents(connection, pairs)

    def run(self, results, text_, user, kinds, facets, facet_fields):
        connection = db.session.connection()
        if not self.ready(connection):
            return None
        everything = matches_everything(text_) or not re.search(r"\w", text_)
        query = None if everything else parse(text_)
        params: dict = {"per_page": results.per_page, "page": results.page}
        where = []
        if query is not None:
            params["query"] = query.text
            # The function in the condition itself: the planner then reads the matches through
            # the GIN index (it estimates few of them, not knowing the query's words).
            where.append(f"d.tsv @@ to_tsquery('{CONFIG}', :query)")
        if kinds:
            params["kinds"] = kinds
            where.append("d.kind = ANY(:kinds)")
        for name, values in facets.items():
            params[f"f_{name}"] = values
            column = _FACET_COLUMNS[name]
            where.append(f"d.{column} && CAST(:f_{name} AS text[])" if name in _LIST_COLUMNS
                         else f"d.{column} = ANY(:f_{name})")
        if not sees_every_audience(user):
            params["audience"] = AUDIENCE_MEMBERS
            where.append("d.audience = :audience")
        if results.sort == SORT_DATE or query is None:
            order, rank = "m.date DESC NULLS LAST, m.id DESC", ""
        else:
            order = "m.rank DESC, m.id"
            rank = f", ts_rank(CAST('{RANK_WEIGHTS}' AS real[]), d.rank_tsv, q, {RANK_NORMALISATION}) AS rank"
        facet_parts = []
        for name in facet_fields:
            column = _FACET_COLUMNS[name]
            # A list column's values are spread in the select list (one ProjectSet node), not
            # joined to a function scan per document: the tags' counts over 20,000 matches take
            # 31 ms instead of 45, the whole statement about 15 % less.
            source = f"(SELECT unnest(m.{column}) AS value FROM m) u" if name in _LIST_COLUMNS \
                else f"(SELECT m.{column} AS value FROM m) u"
            facet_parts.append(f"SELECT 1, '{name}', value, count(*), NULL::int FROM {source} GROUP BY value")
        # One statement: the matches once (m), their number, each facet's counts, the page's ids.
        # Ranking reads the query once, from the FROM clause.
        source = f"search_document d, to_tsquery('{CONFIG}', :query) q" if rank else "search_document d"
        sql = f"""
            WITH m AS MATERIALIZED (
                SELECT d.id, d.kind, d.category, d.subtype, d.territory, d.year, d.tags, d.sectors, d.date{rank}
                FROM {source} {"WHERE " + " AND ".join(where) if where else ""}),
            n AS (SELECT count(*) AS total FROM m),
            page AS (
                SELECT m.id, row_number() OVER (ORDER BY {order}) AS position FROM m ORDER BY {order}
                LIMIT :per_page
                OFFSET greatest(least(:page - 1, ((SELECT total FROM n) - 1) / :per_page), 0) * :per_page)
            SELECT 0 AS part, NULL AS name, NULL AS value, (SELECT total FROM n) AS n, NULL::int AS id
            {"".join(" UNION ALL " + part for part in facet_parts)}
            UNION ALL SELECT 2, NULL, NULL, page.position, page.id FROM page"""
        with _planner_settings(connection, query is not None):
            rows = connection.execute(text(sql), params).all()
        results.total = next(row.n for row in rows if row.part == 0)
        results.page = min(results.page, max(1, results.pages))
        page_ids = [row.id for row in sorted((r for r in rows if r.part == 2), key=lambda r: r.n)]
        for name in facet_fields:
            results.facets[name] = [(row.value, row.n) for row in rows if row.part == 1 and row.name == name]
        stored = _stored(connection, page_ids, query)
        if query is not None:
            results.suggestion = suggest(connection, text_)
        return stored

    def rebuild(self, progress=None) -> dict[str, int]:
        with db.engine.begin() as connection:
            missing = setup(connection)
        self._retry_at.clear()
        if missing:
            raise RuntimeError("search: PostgreSQL extensions missing (" + ", ".join(missing) + "): "
                               "a DBA must create them (see docs/exploitation.md)")
        counts = {t.kind: 0 for t in all_types()}
        registered = list(counts)
        with Session(db.engine) as session:
            previous: dict[str, int] = {}
            for kind, ids in documents.id_batches(session):
                low = previous.get(kind, 0)
                # Batch by batch, each in its own short transaction: writers are never held up
                # for long, and documents of objects gone meanwhile (ids in the range) go too.
                with db.engine.begin() as connection:
                    orphans = connection.scalars(text(
                        "SELECT obj_id FROM search_document WHERE kind = :kind AND obj_id > :low AND obj_id <= :high"),
                        {"kind": kind, "low": low, "high": ids[-1]}).all()
                    counts[kind] += write_documents(connection, {(kind, i) for i in set(ids) | set(orphans)})
                previous[kind] = ids[-1]
                if progress:
                    progress(len(ids))
        with db.engine.begin() as connection:
            for kind in registered:
                stale = connection.scalars(text("SELECT obj_id FROM search_document WHERE kind = :kind AND obj_id > :low"),
                                           {"kind": kind, "low": previous.get(kind, 0)}).all()
                write_documents(connection, {(kind, i) for i in stale})
            connection.execute(text("DELETE FROM search_document WHERE kind <> ALL(:kinds)"), {"kinds": registered})
            # Words no document holds any more (new ones are added as documents are written).
            connection.execute(text(f"DELETE FROM search_word WHERE word NOT IN ({_SPELL_WORDS.format(where='true')})"))
            connection.execute(text("ANALYZE search_document"))
            connection.execute(text("ANALYZE search_word"))
        return counts

    def indexed_counts(self) -> dict[str, int] | None:
        rows = db.session.execute(text("SELECT kind, count(*) FROM search_document GROUP BY kind")).all()
        return {kind: n for kind, n in rows}

    def status_lines(self) -> list[str]:
        connection = db.session.connection()
        size = connection.scalar(text("SELECT pg_total_relation_size('search_document')")) or 0
        words = connection.scalar(text("SELECT count(*) FROM search_word"))
        lines = [f"Table search_document : {size // 1024} Kio ; vocabulaire : {words} mots"]
        missing = [name for name in EXTENSIONS if _extension_schema(connection, name) is None]
        if missing:
            lines.append("Extensions PostgreSQL manquantes : " + ", ".join(missing)
                         + " (à créer par un administrateur de la base, voir docs/exploitation.md)")
        elif not _has_config(connection, CONFIG):
            lines.append(f"Configuration de recherche {CONFIG} absente : lancez « flask search reindex ».")
        return lines

    def worker_round(self) -> int:
        """Fills the table when it is empty while the database has objects: the first start
        after switching SEARCH_BACKEND to postgresql."""
        with db.engine.connect() as connection:
            if connection.scalar(text("SELECT EXISTS (SELECT 1 FROM search_document)")):
                return 0
            if not any(connection.scalar(select(t.model.id).limit(1)) for t in all_types()):
                return 0
            if not self.ready(connection):
                return 0
        return sum(self.rebuild().values())

    def clear(self) -> None:
        with db.engine.begin() as connection:
            connection.execute(text("DELETE FROM search_document"))
            connection.execute(text("DELETE FROM search_word"))


@contextmanager
def _planner_settings(connection, matching: bool):
    """For a query's statement, the planner reads the matches through the GIN index: it would
    otherwise scan the table when most documents match, reading each one's whole-text vector
    from its TOAST table (ten times slower). No JIT compilation for these short statements.
    Set for the transaction (SET LOCAL), then back to the defaults: one round trip each."""
    if not matching:
        yield
        return
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off; SET LOCAL jit = off")
    try:
        yield
    finally:
        connection.exec_driver_sql("SET LOCAL enable_seqscan TO DEFAULT; SET LOCAL jit TO DEFAULT")


def _beginning(column: str, chars: int) -> str:
    """The first ``chars`` characters of a text column, cut between words."""
    return (f"(CASE WHEN length({column}) <= {chars} THEN {column} "
            f"ELSE regexp_replace(left({column}, {chars}), '\\S+$', '') END)")


# The page's documents, with a snippet when the query wants some words: ts_headline() on the
# beginning of the text; again on more of it when the words marked there are not all the wanted
# ones (a word only further down, as the Whoosh engine does).
_STORED = text(f"""
    WITH first AS MATERIALIZED (
        SELECT d.id, CASE WHEN :any_wanted = '' THEN ''
                     ELSE ts_headline('{CONFIG}', {{first}}, to_tsquery('{CONFIG}', :any_wanted), :options) END AS headline
        FROM search_document d WHERE d.id = ANY(:ids))
    SELECT d.id, d.kind, d.obj_id, d.title, d.summary, d.tags, d.sectors, d.category, d.subtype,
           d.territory, d.year, d.date, d.audience,
           CASE WHEN :any_wanted = '' OR length(d.content) <= {SNIPPET_FIRST_CHARS}
                     OR to_tsvector('{CONFIG}', coalesce((SELECT string_agg(marked[1], ' ')
                            FROM regexp_matches(first.headline, '{_START}([^{_STOP}]*){_STOP}', 'g') marked), ''))
                        @@ to_tsquery('{CONFIG}', :all_wanted)
                THEN first.headline
                ELSE ts_headline('{CONFIG}', {{scan}}, to_tsquery('{CONFIG}', :any_wanted), :options) END AS snippet
    FROM search_document d JOIN first ON first.id = d.id""".format(
    first=_beginning("d.content", SNIPPET_FIRST_CHARS), scan=_beginning("d.content", SNIPPET_SCAN_CHARS)))


def _stored(connection, ids, query) -> list[tuple[dict, str]]:
    """The page's stored fields and snippets, in ``ids`` order."""
    if not ids:
        return []
    wanted = query.wanted if query is not None else ()
    rows = connection.execute(_STORED, {
        "ids": ids, "any_wanted": " | ".join(wanted), "all_wanted": " & ".join(wanted),
        "options": HEADLINE_OPTIONS}).mappings().all()
    by_id = {row["id"]: row for row in rows}
    seen: dict[str, int] = {}  # one numbering of the marked words per page, as Whoosh's formatter
    stored = []
    for doc_id in ids:
        row = by_id.get(doc_id)
        if row is None:
            continue
        fields = {key: row[key] for key in ("kind", "obj_id", "title", "summary", "category", "subtype",
                                             "territory", "year", "date", "audience")}
        fields.update(uid=f"{row['kind']}:{row['obj_id']}", tags=",".join(row["tags"]),
                      sectors=",".join(row["sectors"]))
        stored.append((fields, _snippet_html(row["snippet"] or "", seen)))
    return stored


def _snippet_html(headline: str, seen: dict[str, int]) -> str:
    """ts_headline()'s output as escaped HTML with <mark> elements; "" when no word is marked
    (the text holds none of the query's words: the summary is shown instead)."""
    if _START not in headline:
        return ""
    fragments = []
    for fragment in headline.split(_BETWEEN):
        if _START not in fragment:
            continue
        fragment = _MARKDOWN_MARKS.sub("", fragment).strip()
        out, last = [], 0
        for match in _MARKED.finditer(fragment):
            out.append(str(escape(fragment[last:match.start()])))
            word = match.group(1)
            number = seen.setdefault(word, len(seen) % _TERM_CLASSES)
            out.append(f'<mark class="match term{number}">{escape(word)}</mark>')
            last = match.end()
        out.append(str(escape(fragment[last:])))
        fragments.append("".join(out))
    return " … ".join(fragments)


def suggest(connection, text_: str) -> str | None:
    """The query with each word unknown to the vocabulary replaced by its closest known word
    (edit distance at most 2, same first letter, then the most similar), as the Whoosh engine."""
    words = re.findall(r"\w+", text_)
    if not words or len(words) > 8:
        return None
    checked = [w for w in words if len(w) >= 4 and not w.isupper()]
    if not checked:
        return None
    rows = connection.execute(text(f"""
        SELECT w.word, f.folded,
               EXISTS (SELECT 1 FROM search_word v WHERE v.word = f.folded) AS known,
               ARRAY(SELECT v.word FROM search_word v
                     WHERE v.word % f.folded AND left(v.word, 1) = left(f.folded, 1)
                     ORDER BY similarity(v.word, f.folded) DESC, v.word LIMIT 10) AS candidates
        FROM unnest(CAST(:words AS text[])) AS w(word)
        CROSS JOIN LATERAL (SELECT coalesce((SELECT x FROM unnest(tsvector_to_array(to_tsvector('{SPELL_CONFIG}', w.word))) x
                                             LIMIT 1), lower(w.word)) AS folded) f"""),
        {"words": checked}).all()
    replacements = {}
    for row in rows:
        if row.known or len(row.folded) < 4:
            continue
        close = [c for c in row.candidates if c != row.folded and _distance(c, row.folded) <= 2]
        if close:
            best = min(close, key=lambda c: _distance(c, row.folded))  # stable: similarity order breaks ties
            replacements[row.word] = best
    if not replacements:
        return None
    return " ".join(replacements.get(word, word) for word in words)


def _distance(a: str, b: str) -> int:
    """Levenshtein distance with adjacent transpositions (optimal string alignment)."""
    previous2, previous = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if previous2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]
