"""Matching and ranking as set algebra over per-term postings read once per index version.

A results page needs the whole set of matching documents, not only the best ones: for the total,
the facet counts and the newest-first order. Whoosh gets that set, and ranks, by walking every
posting of every matcher in Python: hundreds of milliseconds per query when common words match
most of 20,000 documents. Here each term's postings are read once per index version into two
compact arrays, documents and BM25F scores (Whoosh's own scoring function and statistics); a
query then costs set operations and a pass over those arrays, which run in C or close to it.
What is read is kept until the index changes (every update starts a new version) or the
posting budget is spent.
"""
from __future__ import annotations

import hashlib
import heapq
import os
import shutil
import threading
from array import array
from collections import OrderedDict, defaultdict
from functools import reduce
from operator import itemgetter
from pathlib import Path

from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher

MULTI_TERM_QUERIES = (wq.Prefix, wq.Wildcard, wq.FuzzyTerm, wq.Variations)


def _blocks(leaf, fieldname: str, btext: bytes, live: frozenset, offset: int, values: bool = False):
    """(document numbers, weights) of a term's postings in one segment, a block at a time;
    with ``values``, (document numbers, encoded values) instead (positions for phrases).

    Whoosh 2.7.4's W3LeafMatcher decodes a whole block of postings at once (_read_ids,
    _read_weights, _read_values) but hands them out one by one through several method calls per
    posting, which is most of the cost of reading a word found in most documents. Its decoded
    blocks are read directly here; any other matcher (another codec) is read the public way.
    """
    postings = leaf.postings(fieldname, btext)
    matcher = postings.child if isinstance(postings, FilterMatcher) else postings
    if type(matcher) is not W3LeafMatcher:
        docs, items = [], []
        while postings.is_active():
            docs.append(postings.id() + offset)
            items.append(postings.value() if values else postings.weight())
            postings.next()
        yield docs, items
        return
    matcher.reset()  # a FilterMatcher has already stepped over deleted documents
    deletions = leaf.has_deletions()
    while matcher.is_active():
        matcher._read_ids()
        if values:
            matcher._read_values()
        else:
            matcher._read_weights()
        docs, items = matcher._ids, (matcher._values if values else matcher._weights)
        if offset:
            docs = [d + offset for d in docs]
        if deletions:
            kept = [i for i, d in enumerate(docs) if d in live]
            docs, items = [docs[i] for i in kept], [items[i] for i in kept]
        yield docs, items
        matcher._next_block()


# Arrays worth sharing (a common word's postings, the documents of common facet values and of
# phrases, the length norms, the live documents, the date order) are also written beside the
# index version, so that the other processes serving it (gunicorn workers) load them instead of
# computing them again. Files of older versions of the same index are removed.
SHARE_MIN_POSTINGS = 1000
SHARED_DIR = "docsets"


class _SharedArrays:
    """Byte strings computed for one index version, in files every process serving it reads."""

    def __init__(self, directory: Path):
        self.directory = directory
        self._ready = False

    def load(self, name: str) -> bytes | None:
        try:
            return (self.directory / name).read_bytes()
        except OSError:
            return None

    def save(self, name: str, data: bytes) -> None:
        if len(name) > 200:
            return
        try:
            if not self._ready:
                self.directory.mkdir(parents=True, exist_ok=True)
                for other in self.directory.parent.iterdir():
                    if other != self.directory:
                        shutil.rmtree(other, ignore_errors=True)
                self._ready = True
            temporary = self.directory / f".{name}.{os.getpid()}.{threading.get_ident()}"
            temporary.write_bytes(data)
            os.replace(temporary, self.directory / name)  # readers see all of it or nothing
        except OSError:
            pass  # a cache: the next process computes it again


class _VersionCache:
    """What is kept for one index version."""

    def __init__(self, max_postings: int, shared: _SharedArrays):
        self.shared = shared
        self.lock = threading.Lock()
        self.max_postings = max_postings
        # (field, btext) -> (documents, scores) arrays; ("phrase", …) -> (documents, None)
        self.postings: OrderedDict = OrderedDict()
        self.size = 0
        self.values: dict[tuple[str, bytes], frozenset] = {}  # facet and filter values
        self.fields: dict[str, list[tuple[str, frozenset]]] = {}
        self.norms: dict[str, array] = {}
        self.live: frozenset | None = None
        self.date_rank: array | None = None


class DocSets:
    """The sets and scores of the index version ``searcher`` reads (see for_searcher())."""

    def __init__(self, cache: _VersionCache, searcher):
        self._cache = cache
        self._searcher = searcher
        self._reader = searcher.reader()

    @property
    def live(self) -> frozenset:
        """Every document not deleted."""
        if self._cache.live is None:
            self._cache.live = frozenset(self._shared_array("live", "i", lambda: array("i", self._reader.all_doc_ids())))
        return self._cache.live

    def _shared_array(self, name: str, typecode: str, compute, min_items: int = 0) -> array:
        """compute() (an array), or what another process serving this index version saved."""
        data = self._cache.shared.load(name)
        if data is not None:
            loaded = array(typecode)
            loaded.frombytes(data)
            return loaded
        computed = compute()
        if len(computed) >= min_items:
            self._cache.shared.save(name, computed.tobytes())
        return computed

    def _read(self, fieldname: str, btext: bytes, scored: bool):
        docs, scores = array("i"), array("d")
        if scored:
            # bm25(idf, tf, length, avgfl, B, K1) of Whoosh's BM25FScorer, written as
            # c * tf / (tf + norm[doc]) with the per-document part computed once per field.
            c = self._searcher.idf(fieldname, btext) * (self._searcher.weighting.K1 + 1)
            norms = self._norms(fieldname)
        for leaf, offset in self._reader.leaf_readers():
            if (fieldname, btext) not in leaf:
                continue
            for block_docs, weights in _blocks(leaf, fieldname, btext, self.live, offset):
                docs.extend(block_docs)
                if scored:
                    scores.extend([c * tf / (tf + norms[d]) for d, tf in zip(block_docs, weights)])
        return docs, scores

    def _postings(self, fieldname: str, btext: bytes):
        """(documents, BM25F scores) of a term of a text field."""
        def read():
            name = f"{fieldname}.{btext.hex()}"
            docs, scores = array("i"), array("d")
            data = self._cache.shared.load(name)
            if data is not None:
                count = len(data) // (docs.itemsize + scores.itemsize)
                docs.frombytes(data[:count * docs.itemsize])
                scores.frombytes(data[count * docs.itemsize:])
                return docs, scores
            docs, scores = self._read(fieldname, btext, scored=True)
            if len(docs) >= SHARE_MIN_POSTINGS:
                self._cache.shared.save(name, docs.tobytes() + scores.tobytes())
            return docs, scores
        return self._remember((fieldname, btext), read)

    def _remember(self, key, compute):
        """compute(), kept under ``key`` for this index version within the posting budget."""
        cache = self._cache
        with cache.lock:
            found = cache.postings.get(key)
            if found is not None:
                cache.postings.move_to_end(key)
                return found
        found = compute()
        with cache.lock:
            if key not in cache.postings:
                cache.postings[key] = found
                cache.size += len(found[0])
            while cache.size > cache.max_postings and len(cache.postings) > 1:
                _key, (evicted, _scores) = cache.postings.popitem(last=False)
                cache.size -= len(evicted)
        return found

    def _norms(self, fieldname: str) -> array:
        """K1 * ((1 - B) + B * length / average length), per document."""
        norms = self._cache.norms.get(fieldname)
        if norms is None:
            def compute():
                searcher, weighting = self._searcher, self._searcher.weighting
                b = weighting._field_B.get(fieldname, weighting.B)
                k1 = weighting.K1
                avgfl = searcher.avg_field_length(fieldname) or 1
                computed = array("d")
                for leaf, _offset in self._reader.leaf_readers():
                    length = leaf.doc_field_length
                    computed.extend(k1 * ((1 - b) + b * (length(docnum, fieldname, 1) or 1) / avgfl)
                                    for docnum in range(leaf.doc_count_all()))
                return computed
            norms = self._cache.norms[fieldname] = self._shared_array(f"norms.{fieldname}", "d", compute)
        return norms

    def term(self, fieldname: str, btext: bytes) -> frozenset:
        """The documents holding a term."""
        if self._reader.schema[fieldname].scorable:
            return frozenset(self._postings(fieldname, btext)[0])
        # Facet and filter values: few, asked by every search, kept for the whole version.
        key = (fieldname, btext)
        found = self._cache.values.get(key)
        if found is None:
            docs = self._shared_array(f"{fieldname}.{btext.hex()}", "i",
                                      lambda: self._read(fieldname, btext, scored=False)[0], SHARE_MIN_POSTINGS)
            found = self._cache.values[key] = frozenset(docs)
        return found

    def field_values(self, fieldname: str) -> list[tuple[str, frozenset]]:
        """(value, documents) for every value of an ID or KEYWORD field (facets, filters)."""
        values = self._cache.fields.get(fieldname)
        if values is None:
            field = self._reader.schema[fieldname]
            values = [(field.from_bytes(btext), self.term(fieldname, btext))
                      for btext in self._reader.lexicon(fieldname)]
            self._cache.fields[fieldname] = values
        return values

    def value(self, fieldname: str, value: str) -> frozenset:
        return self.term(fieldname, self._reader.schema[fieldname].to_bytes(value))

    def newest_first(self, docs, count: int) -> list[int]:
        """The ``count`` most recent of ``docs`` (ties: most recently indexed first)."""
        if self._cache.date_rank is None:
            def compute():
                # The stored integers, not datetimes: cheaper, and a missing date sorts first.
                order = range(self._reader.doc_count_all())
                if self._reader.has_column("date"):  # (Whoosh fails on a column no document has)
                    dates = self._reader.column_reader("date", translate=False)
                    order = sorted(order, key=lambda d: (dates[d], d))
                rank = array("i", bytes(len(order) * array("i").itemsize))
                for position, docnum in enumerate(order):
                    rank[docnum] = position
                return rank
            self._cache.date_rank = self._shared_array("date-rank", "i", compute)
        return heapq.nlargest(count, docs, key=self._cache.date_rank.__getitem__)

    def best(self, q, docs, count: int) -> list[int]:
        """The ``count`` best-scored of ``docs`` for ``q``: the sum of the BM25F scores of the
        query's wanted terms (as Whoosh sums the scores of the matchers of And and Or), times
        their boosts. A phrase scores as its words (Whoosh has its own span statistics)."""
        scores: dict[int, float] = defaultdict(float)
        for fieldname, btext, boost in self._scored_terms(q):
            term_docs, term_scores = self._postings(fieldname, btext)
            for docnum, score in zip(term_docs, term_scores):
                if docnum in docs:
                    scores[docnum] += score * boost
        best = [d for d, _ in heapq.nlargest(count, scores.items(), key=itemgetter(1))]
        if len(best) < count:  # documents matched by NOT alone score nothing: index order
            best += heapq.nsmallest(count - len(best), (d for d in docs if d not in scores))
        return best

    def _scored_terms(self, q, boost: float = 1.0):
        """(field, term, boost) of the terms that add to a document's score: not those of NOT."""
        boost *= q.boost
        if isinstance(q, wq.Not):
            return
        if isinstance(q, wq.AndNot):
            yield from self._scored_terms(q.a, boost)
            return
        if isinstance(q, wq.Term):
            yield q.fieldname, self._bytes(q.fieldname, q.text), boost
        elif isinstance(q, wq.Phrase):
            for word in q.words:
                yield q.fieldname, self._bytes(q.fieldname, word), boost
        elif isinstance(q, MULTI_TERM_QUERIES):
            for fieldname, btext in q.expanded_terms(self._reader):
                yield fieldname, btext, boost
        else:
            for child in q.children():
                yield from self._scored_terms(child, boost)

    def _bytes(self, fieldname: str, text) -> bytes:
        return text if isinstance(text, bytes) else self._reader.schema[fieldname].to_bytes(text)

    def matching(self, q) -> frozenset:
        """Every live document ``q`` matches."""
        if isinstance(q, wq.Every):
            return self.live
        if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
            return frozenset()
        if isinstance(q, wq.Term):
            return self.term(q.fieldname, self._bytes(q.fieldname, q.text))
        if isinstance(q, MULTI_TERM_QUERIES):
            return frozenset().union(*(self.term(f, t) for f, t in q.expanded_terms(self._reader)))
        if isinstance(q, wq.And):
            parts = sorted((self.matching(child) for child in q.subqueries), key=len)
            return parts[0].intersection(*parts[1:]) if parts else frozenset()
        if isinstance(q, (wq.Or, wq.DisjunctionMax)):
            return frozenset().union(*(self.matching(child) for child in q.subqueries))
        if isinstance(q, wq.AndNot):
            return self.matching(q.a) - self.matching(q.b)
        if isinstance(q, wq.AndMaybe):
            return self.matching(q.a)
        if isinstance(q, wq.Not):
            return self.live - self.matching(q.query)
        if isinstance(q, wq.Phrase):
            key = ("phrase", q.fieldname, tuple(q.words), q.slop)
            name = "phrase." + hashlib.sha1(repr(key).encode()).hexdigest()
            return frozenset(self._remember(key, lambda: (self._shared_array(
                name, "i", lambda: array("i", sorted(self._phrase(q)))), None))[0])
        # Anything rarer: Whoosh's own matcher.
        return frozenset(self._searcher.docs_for_query(q))

    def _phrase(self, q: wq.Phrase) -> set:
        """Documents with the phrase's words in order (within its slop): the documents holding
        all the words, then their positions, read in one pass per word."""
        words = [self._bytes(q.fieldname, word) for word in q.words]
        candidates = reduce(frozenset.intersection, sorted((self.term(q.fieldname, w) for w in words), key=len))
        if len(words) == 1 or not candidates:
            return set(candidates)
        positions = []
        decode = self._reader.schema[q.fieldname].format.decode_positions
        for btext in words:
            by_doc = {}
            for leaf, offset in self._reader.leaf_readers():
                if (q.fieldname, btext) not in leaf:
                    continue
                for docs, encoded in _blocks(leaf, q.fieldname, btext, self.live, offset, values=True):
                    for docnum, value in zip(docs, encoded):
                        if docnum in candidates:
                            by_doc[docnum] = decode(value)
            positions.append(by_doc)
        # As Whoosh's SpanNear2: each word 1 to `slop` positions after the previous one.
        slop = q.slop
        found = set()
        for docnum in candidates:
            ends = positions[0][docnum]
            for by_doc in positions[1:]:
                ends = [p for p in by_doc[docnum] if any(1 <= p - e <= slop for e in ends)]
                if not ends:
                    break
            if ends:
                found.add(docnum)
        return found


_current: dict = {"key": None, "cache": None}
_current_lock = threading.Lock()


def for_searcher(searcher, version_dir: Path, max_postings: int) -> DocSets:
    """The sets of the index version ``searcher`` reads; what is computed is kept for the next
    searches of this process until the index changes, within ``max_postings`` postings
    (12 bytes each: a document number and a score)."""
    reader = searcher.reader()
    key = (str(version_dir), reader.generation(), reader.doc_count_all())
    with _current_lock:
        if _current["key"] != key:
            shared = _SharedArrays(version_dir / SHARED_DIR / f"{key[1]}-{key[2]}")
            _current.update(key=key, cache=_VersionCache(max_postings, shared))
        return DocSets(_current["cache"], searcher)
