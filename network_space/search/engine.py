"""Querying: parse what the user typed (leniently), filter by audience and facets, re-check
every hit against the database and its type's can_view(), highlight, count facets, suggest."""
from __future__ import annotations

import logging
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import reduce
from datetime import timezone
from typing import Any, Iterable

from flask import current_app
from markupsafe import Markup
from sqlalchemy import select
from whoosh import qparser, query as wq
from whoosh.analysis import Token
from whoosh.highlight import Highlighter, HtmlFormatter, PinpointFragmenter, top_fragments

from network_space.core.permissions import ROLE_COANIMATOR, has_role
from network_space.extensions import db
from network_space.search import docsets, index as search_index
from network_space.search.analysis import find_terms, fold
from network_space.search.docsets import DocSets
from network_space.search.registry import AUDIENCE_MEMBERS, get_type

log = logging.getLogger(__name__)

MAX_QUERY_LENGTH = 300
MAX_FACET_VALUES = 15
SORT_RELEVANCE = "relevance"
SORT_DATE = "date"


@dataclass
class Hit:
    kind: str
    label: Any
    obj: Any
    title: str
    url: str
    snippet: Markup
    date: Any
    fields: dict


@dataclass
class SearchResults:
    query: str
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    page: int = 1
    per_page: int = 20
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    suggestion: str | None = None
    available: bool = True
    sort: str = SORT_RELEVANCE

    # The attributes the pagination macro reads.
    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page)) if self.total else 0

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


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


_LONE_OPERATOR = re.compile(r"^(\s*(AND|OR|NOT|ET|OU|NON|SAUF|ANDNOT)\b\s*)+|(\s*\b(AND|OR|NOT|ET|OU|NON|SAUF|ANDNOT))+\s*$")


def clean_query(text: str | None) -> str:
    text = (text or "").replace("\x00", " ").strip()[:MAX_QUERY_LENGTH]
    if text.count('"') % 2:
        text = text.replace('"', " ")  # an unbalanced quote: search the words
    return _LONE_OPERATOR.sub(" ", text).strip()


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
    for name, values in (facets or {}).items():
        values = [v for v in values if v] if name in search_index.FACET_FIELDS else []
        if values:
            clauses.append(reduce(lambda a, b: a | b, (sets.value(name, v.lower() if name == "tags" else v) for v in values)))
    if not has_role(user, ROLE_COANIMATOR):
        clauses.append(sets.value("audience", AUDIENCE_MEMBERS))
    if not clauses:
        return None
    return reduce(lambda a, b: a & b, clauses)


def search(
    text: str | None,
    user,
    *,
    kinds: Iterable[str] | None = None,
    facets: dict[str, Iterable[str]] | None = None,
    facet_fields: Iterable[str] = (),
    page: int = 1,
    per_page: int = 20,
    sort: str = SORT_RELEVANCE,
) -> SearchResults:
    """Search what ``user`` may see. ``kinds`` limits to some registered kinds; ``facets`` maps a
    facet field (category, subtype, tags, sectors, territory, year, kind) to the values to keep
    (values of one field are OR-ed, fields AND-ed); ``facet_fields`` are the fields whose counts
    to return. A missing or damaged index gives ``available=False`` instead of an error."""
    text = clean_query(text)
    sort = SORT_DATE if sort == SORT_DATE or not text else SORT_RELEVANCE
    results = SearchResults(query=text, page=max(1, page), per_page=per_page, sort=sort)
    # Only the index reading is guarded: errors in the database re-check or in a type's
    # callbacks are bugs and must surface as such.
    version_dir = None
    try:
        with search_index.shared_searcher() as (searcher, version_dir):
            if searcher is None:
                results.available = False
                return results
            raw_hits = _run(searcher, version_dir, results, text, user, kinds, facets, tuple(facet_fields))
    except Exception as error:  # noqa: BLE001 - a damaged index must never break a page: it is rebuildable
        search_index.mark_damaged(error, version_dir)
        log.error("search: the index could not be read (%s: %s); the worker will rebuild it",
                  type(error).__name__, str(error))
        return SearchResults(query=text, page=results.page, per_page=per_page, sort=sort, available=False)
    results.hits = _checked_hits(raw_hits, user)
    return results


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
        values = sorted(((v, n) for v, n in sets.facet_counts(name, matched) if v), key=lambda kv: (-kv[1], kv[0]))
        results.facets[name] = values[:MAX_FACET_VALUES]
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
    fragments = top_fragments(fragments, 3, highlighter.scorer, highlighter.order)
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


def _checked_hits(stored: list[tuple[dict, str]], user) -> list[Hit]:
    """Only hits whose object still exists and which ``user`` may see, now, in the database."""
    ids_by_kind: dict[str, list[int]] = defaultdict(list)
    for fields, _text in stored:
        ids_by_kind[fields["kind"]].append(fields["obj_id"])
    objects: dict[tuple[str, int], Any] = {}
    for kind, ids in ids_by_kind.items():
        search_type = get_type(kind)
        if search_type is None:
            continue
        model = search_type.model
        for obj in db.session.scalars(select(model).where(model.id.in_(ids)).options(*search_type.hit_options)):
            objects[(kind, obj.id)] = obj
    hits = []
    for fields, snippet in stored:
        kind = fields["kind"]
        obj = objects.get((kind, fields["obj_id"]))
        search_type = get_type(kind)
        if obj is None or search_type is None or not search_type.can_view(user, obj):
            continue
        hits.append(Hit(
            kind=kind, label=search_type.label, obj=obj,
            title=search_type.hit_title(obj) if search_type.hit_title else fields.get("title", ""),
            url=search_type.url(obj), snippet=Markup(snippet), date=_aware(fields.get("date")), fields=fields,
        ))
    return hits


def _aware(value):
    return value.replace(tzinfo=timezone.utc) if value is not None and value.tzinfo is None else value


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
