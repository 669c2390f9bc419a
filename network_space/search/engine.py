"""Querying: parse what the user typed (leniently), filter by audience and facets, re-check
every hit against the database and its type's can_view(), highlight, count facets, suggest."""
from __future__ import annotations

import logging
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timezone
from typing import Any, Iterable

from markupsafe import Markup
from sqlalchemy import select
from whoosh import qparser, query as wq
from whoosh.highlight import Highlighter, HtmlFormatter, PinpointFragmenter

from network_space.core.permissions import ROLE_COANIMATOR, has_role
from network_space.extensions import db
from network_space.search import index as search_index
from network_space.search.analysis import fold
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


def audience_filter(user):
    if has_role(user, ROLE_COANIMATOR):
        return None
    return wq.Term("audience", AUDIENCE_MEMBERS)


def _facet_filter(facets: dict[str, Iterable[str]] | None) -> list:
    clauses = []
    for name, values in (facets or {}).items():
        if name not in search_index.FACET_FIELDS:
            continue
        values = [v for v in values if v]
        if values:
            clauses.append(wq.Or([wq.Term(name, v.lower() if name == "tags" else v) for v in values]))
    return clauses


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
    try:
        ix = search_index.open_index()
        if ix is None:
            results.available = False
            return results
        with ix.searcher() as searcher:
            raw_hits = _run(searcher, ix.schema, results, text, user, kinds, facets, tuple(facet_fields))
    except Exception as error:  # noqa: BLE001 - a damaged index must never break a page: it is rebuildable
        search_index.close_leaked_files(error)
        log.error("search: the index could not be read (%s: %s); run `flask search reindex`",
                  type(error).__name__, str(error))
        return SearchResults(query=text, page=results.page, per_page=per_page, sort=sort, available=False)
    results.hits = _checked_hits(raw_hits, user)
    return results


def _run(searcher, schema, results, text, user, kinds, facets, facet_fields) -> list[tuple[dict, str]]:
    """Fill totals, facets and suggestion; return the page's (stored fields, snippet) pairs."""
    q = parse_query(schema, text)
    clauses = [c for c in [audience_filter(user)] if c is not None] + _facet_filter(facets)
    if kinds:
        clauses.append(wq.Or([wq.Term("kind", k) for k in kinds]))
    filter_q = wq.And(clauses) if clauses else None
    kwargs = dict(filter=filter_q, terms=True)
    if results.sort == SORT_DATE:
        kwargs.update(sortedby="date", reverse=True)
    page = searcher.search_page(q, results.page, pagelen=results.per_page, **kwargs)
    results.total = page.total
    results.page = page.pagenum
    hits = page.results
    hits.highlighter = Highlighter(fragmenter=PinpointFragmenter(maxchars=220, surround=60, autotrim=True),
                                   formatter=HtmlFormatter(tagname="mark", between=" … "))
    if facet_fields:
        matched = set(searcher.docs_for_query(wq.And([q, filter_q]) if filter_q is not None else q))
        for name in facet_fields:
            counts = ((value, len(matched & ids)) for value, ids in _facet_postings(searcher, name))
            values = sorted(((v, n) for v, n in counts if n and v), key=lambda kv: (-kv[1], kv[0]))
            results.facets[name] = values[:MAX_FACET_VALUES]
    if text and not isinstance(q, wq.Every):
        results.suggestion = _suggest(searcher, text)
    highlight = bool(text) and not isinstance(q, wq.Every)
    return [(hit.fields(), (hit.highlights("body") or hit.highlights("summary")) if highlight else "") for hit in page]


# Facet counts are set intersections: the matched documents with each facet value's documents.
# Those per-value sets depend only on the index version, so they are kept until it changes.
_facet_cache: dict = {"key": None, "fields": {}}


def _facet_postings(searcher, name: str) -> list[tuple[str, frozenset]]:
    reader = searcher.reader()
    key = (str(search_index.index_path().resolve()), reader.generation(), reader.doc_count_all())
    if _facet_cache["key"] != key:
        _facet_cache.update(key=key, fields={})
    fields = _facet_cache["fields"]
    if name not in fields:
        field = searcher.schema[name]
        fields[name] = [
            (field.from_bytes(term), frozenset(reader.postings(name, term).all_ids()))
            for term in reader.lexicon(name)
        ]
    return fields[name]


def _checked_hits(stored: list[tuple[dict, str]], user) -> list[Hit]:
    """Only hits whose object still exists and which ``user`` may see, now, in the database."""
    ids_by_kind: dict[str, list[int]] = defaultdict(list)
    for fields, _snippet in stored:
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
            kind=kind, label=search_type.label, obj=obj, title=fields.get("title", ""),
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
        suggestions = corrector.suggest(folded, limit=1, maxdist=2)
        if suggestions and suggestions[0] != folded:
            out.append(suggestions[0])
            changed = True
        else:
            out.append(word)
    return " ".join(out) if changed else None
