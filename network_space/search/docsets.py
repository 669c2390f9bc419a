"""Matching and ranking as array algebra over per-term postings read once per index version.

A results page needs the whole set of matching documents, not only the best ones: for the total,
the facet counts and the newest-first order. Whoosh gets that set, and ranks, by walking every
posting of every matcher in Python: hundreds of milliseconds per query when common words match
most of 20,000 documents. Here each term's postings are read once per index version into two
numpy arrays, documents and BM25F scores (Whoosh's own scoring function and statistics); a set
of documents is a boolean mask over the index's document numbers, so a query costs a few
vectorised operations whatever the number of documents it matches. What is computed is kept
until the index changes (every update starts a new version) or the posting budget is spent;
what is read from a segment is kept as long as the segment is part of the index.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import threading
from collections import OrderedDict
from itertools import accumulate
from pathlib import Path

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, W3PerDocReader, _lenfield
from whoosh.columns import NumericColumn
from whoosh.matching.wrappers import FilterMatcher
from whoosh.util.numeric import byte_to_length

MULTI_TERM_QUERIES = (wq.Prefix, wq.Wildcard, wq.FuzzyTerm, wq.Variations)
DOC = np.int32
SCORE = np.float64  # as Whoosh's: equal sums, hence the same ranking


def _blocks(leaf, fieldname: str, btext: bytes, offset: int, values: bool = False):
    """(document numbers, weights) of a term's postings in one segment, a block at a time;
    with ``values``, (document numbers, encoded values) instead (positions for phrases).
    Deleted documents may be included: the caller keeps the live ones.

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
    while matcher.is_active():
        if values:
            matcher._read_ids()
            matcher._read_values()
            docs, items = matcher._ids, matcher._values
        else:
            docs, items = _ids_and_weights(matcher)
        if offset:
            docs = [d + offset for d in docs]
        yield docs, items
        matcher._next_block()


# A W3 block is pickled (protocol 2) as (document number deltas, weights, values). The values of
# a field with positions are one byte string per posting, each pickled through _codecs.encode:
# nine tenths of the cost of loading a block, for nothing when only documents and weights are
# wanted. Their tuple starts with this MARK and GLOBAL, which cannot occur in the numbers before
# it (binary operands of at most 8 bytes; none of these letters is an opcode they use).
_VALUES_START = b"(c_codecs\nencode\n"


def _ids_and_weights(matcher: W3LeafMatcher):
    """(document numbers, weights) of the matcher's current block, decoding the values only if
    the block is not laid out as expected (then Whoosh loads it whole, as usual)."""
    if not matcher._byteids and not matcher._compression:
        raw = matcher._postfile.get(matcher._dataoffset, matcher._nextoffset - matcher._dataoffset)
        cut = raw.find(_VALUES_START)
        try:
            # Without its values: (deltas, weights) then NONE, TUPLE3, STOP. A block without such
            # values (an ID or KEYWORD field) is cheap to load whole.
            deltas, weights, _values = pickle.loads(raw[:cut] + b"N\x87." if cut > 0 else raw)
        except Exception:  # noqa: BLE001 - another layout: loaded the usual way below
            deltas = weights = None
        if type(deltas) is tuple and len(deltas) == matcher._blocklength and (
                weights is None or type(weights) in (float, tuple)):
            # As Whoosh's _read_ids() and _read_weights(), without their per-posting generators.
            if weights is None or type(weights) is float:
                weights = [1.0 if weights is None else weights] * len(deltas)
            return list(accumulate(deltas)), weights
    matcher._read_ids()
    matcher._read_weights()
    return matcher._ids, matcher._weights


# Whoosh stores a field's length in one byte per document (a lossy scale); the scorer reads it
# back through byte_to_length(), and a length of 0 (no such field) scores as 1.
_BYTE_TO_LENGTH = np.array([1] + [byte_to_length(i) or 1 for i in range(1, 256)], dtype=SCORE)


def _lengths(leaf, fieldname: str) -> np.ndarray:
    """The length of ``fieldname`` in each document of a segment, as the scorer sees it.

    Whoosh 2.7.4's W3 codec keeps these bytes in a column read one document at a time (a fifth
    of a second per field at 20,000 documents); that column's bytes are read at once here. Any
    other reader is read the public way."""
    perdoc = getattr(leaf, "_perdoc", None)
    if type(perdoc) is W3PerDocReader:
        column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        count = leaf.doc_count_all()
        if column is None:  # no document has the field
            return np.ones(count, dtype=SCORE)
        if type(column) is NumericColumn.Reader and column._typecode == "B":
            stored = np.frombuffer(column._dbfile.get(column._basepos, column._count), dtype=np.uint8)
            codes = np.zeros(count, dtype=np.uint8)  # documents after the last stored one: 0
            codes[:len(stored)] = stored
            return _BYTE_TO_LENGTH[codes]
    return np.array([leaf.doc_field_length(docnum, fieldname, 1) or 1 for docnum in range(leaf.doc_count_all())],
                    dtype=SCORE)


def _dates(leaf) -> np.ndarray:
    """The date of each document of a segment as the sortable integer Whoosh stores (cheaper
    than datetimes); 0 for a document without one, so that it sorts as the oldest."""
    count = leaf.doc_count_all()
    field = leaf.schema["date"] if "date" in leaf.schema else None
    if not count or field is None or field.column_type is None:
        return np.zeros(count, dtype=np.uint64)
    column = leaf.column_reader("date", translate=False)  # the column's default where missing
    dates = np.fromiter((column[docnum] for docnum in range(count)), dtype=np.uint64, count=count)
    dates[dates == field.column_type.default_value()] = 0
    return dates


# Arrays worth sharing (a common word's postings, the documents of facet values and of phrases,
# the length norms, the live documents, the date order) are also written beside the index
# version, so that the other processes serving it (gunicorn workers) load them instead of
# computing them again. Files of older versions of the same index are removed.
SHARE_MIN_POSTINGS = 1000
SHARED_DIR = "docsets"
# In the name of each version's directory: files written by another layout of these arrays (an
# older release of the site) are never read, and are removed like those of older index versions.
SHARED_FORMAT = 2


class _SharedArrays:
    """Arrays computed for one index version, in files every process serving it reads."""

    def __init__(self, directory: Path):
        self.directory = directory
        self._ready = False

    def load(self, name: str, dtype) -> np.ndarray | None:
        try:
            data = (self.directory / name).read_bytes()
        except OSError:
            return None
        return np.frombuffer(data, dtype=dtype)  # read-only, like everything the cache hands out

    def save(self, name: str, *arrays: np.ndarray) -> None:
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
            temporary.write_bytes(b"".join(a.tobytes() for a in arrays))
            os.replace(temporary, self.directory / name)  # readers see all of it or nothing
        except OSError:
            pass  # a cache: the next process computes it again


def _frozen(a: np.ndarray) -> np.ndarray:
    """Cached arrays are shared by every search of the process: none may change them in place."""
    a.flags.writeable = False
    return a


class _Budget:
    """Arrays kept by key, the least recently used dropped beyond ``max_items`` items (the
    length of the first array of each entry)."""

    def __init__(self, max_items: int):
        self.max_items = max_items
        self.lock = threading.Lock()
        self.entries: OrderedDict = OrderedDict()
        self.size = 0

    def get(self, key, compute):
        with self.lock:
            found = self.entries.get(key)
            if found is not None:
                self.entries.move_to_end(key)
                return found
        found = compute()
        with self.lock:
            if key not in self.entries:
                self.entries[key] = found
                self.size += len(found[0])
            while self.size > self.max_items and len(self.entries) > 1:
                _key, evicted = self.entries.popitem(last=False)
                self.size -= len(evicted[0])
        return found

    def keep_only(self, wanted) -> None:
        """Drop the entries whose key ``wanted(key)`` refuses."""
        with self.lock:
            for key in [key for key in self.entries if not wanted(key)]:
                self.size -= len(self.entries.pop(key)[0])


# A segment's files never change: Whoosh adds segments and records deletions apart (the live mask
# applies them). What is read from a segment (a term's postings, the field lengths, the dates)
# is therefore kept across index versions, so that after an update only the new, small segment
# is read. Keys: (index directory, segment id, what).
_segments = _Budget(0)


def _segment_arrays(version_dir: Path, leaf, what: tuple, compute):
    segment = leaf.segment()
    if segment is None:  # the reader of an index without any segment: nothing worth keeping
        return compute()
    return _segments.get((str(version_dir), segment.segment_id()) + what, compute)


class _VersionCache:
    """What is kept for one index version."""

    def __init__(self, max_postings: int, shared: _SharedArrays):
        self.shared = shared
        # (field, btext) -> (documents, scores); ("phrase", …) -> (documents, None)
        self.postings = _Budget(max_postings)
        self.values: dict[tuple[str, bytes], np.ndarray] = {}  # facet and filter values: masks
        self.fields: dict[str, tuple] = {}  # facet field -> (values, their documents, offsets)
        self.norms: dict[str, np.ndarray] = {}
        self.live: np.ndarray | None = None
        self.date_rank: np.ndarray | None = None


class DocSets:
    """The sets and scores of the index version ``searcher`` reads (see for_searcher()).
    A set of documents is a boolean mask indexed by document number."""

    def __init__(self, cache: _VersionCache, searcher, version_dir: Path):
        self._cache = cache
        self._searcher = searcher
        self._version_dir = version_dir
        self._reader = searcher.reader()
        self.size = self._reader.doc_count_all()

    @staticmethod
    def count(mask: np.ndarray) -> int:
        return int(np.count_nonzero(mask))

    @staticmethod
    def numbers(mask: np.ndarray) -> list[int]:
        """The document numbers of a set, in index order."""
        return np.flatnonzero(mask).tolist()

    def _mask(self, docs) -> np.ndarray:
        mask = np.zeros(self.size, dtype=bool)
        mask[docs] = True
        return mask

    @property
    def live(self) -> np.ndarray:
        """Every document not deleted."""
        if self._cache.live is None:
            def compute():
                mask = np.ones(self.size, dtype=bool)
                for leaf, offset in self._reader.leaf_readers():
                    if not leaf.has_deletions():
                        continue
                    segment = leaf.segment()
                    if segment is not None:  # its (few) deleted documents, not its (many) others
                        mask[np.fromiter(segment.deleted_docs(), dtype=DOC) + offset] = False
                    else:
                        count = leaf.doc_count_all()
                        mask[offset:offset + count] = False
                        mask[np.fromiter(leaf.all_doc_ids(), dtype=DOC) + offset] = True
                return mask
            self._cache.live = _frozen(self._shared("live", bool, compute))
        return self._cache.live

    def _shared(self, name: str, dtype, compute, min_items: int = 0) -> np.ndarray:
        """compute() (an array), or what another process serving this index version saved."""
        loaded = self._cache.shared.load(name, dtype)
        if loaded is not None:
            return loaded
        computed = compute()
        if len(computed) >= min_items:
            self._cache.shared.save(name, computed)
        return _frozen(computed)

    def _read(self, fieldname: str, btext: bytes, scored: bool):
        """(documents, BM25F scores or None) of a term's live postings."""
        parts, weights = [np.empty(0, dtype=DOC)], [np.empty(0, dtype=SCORE)]
        for leaf, offset in self._reader.leaf_readers():
            if (fieldname, btext) not in leaf:
                continue
            segment_docs, segment_weights = self._segment_postings(leaf, fieldname, btext)
            parts.append(segment_docs + offset)
            weights.append(segment_weights)
        docs = np.concatenate(parts)
        keep = self.live[docs]
        docs = docs[keep]
        if not scored:
            return docs, None
        if not len(docs):  # (and Whoosh's idf fails on an index without documents)
            return docs, np.empty(0, dtype=SCORE)
        # bm25(idf, tf, length, avgfl, B, K1) of Whoosh's BM25FScorer, written as
        # c * tf / (tf + norm[doc]) with the per-document part computed once per field.
        tf = np.concatenate(weights)[keep]
        c = self._searcher.idf(fieldname, btext) * (self._searcher.weighting.K1 + 1)
        return docs, c * tf / (tf + self._norms(fieldname)[docs])

    def _segment_postings(self, leaf, fieldname: str, btext: bytes):
        """(documents numbered within the segment, weights) of a term in one segment, deleted
        documents included."""
        def read():
            docs, weights = [], []
            for block_docs, block_weights in _blocks(leaf, fieldname, btext, 0):
                docs.extend(block_docs)
                weights.extend(block_weights)
            return _frozen(np.array(docs, dtype=DOC)), _frozen(np.array(weights, dtype=SCORE))
        return _segment_arrays(self._version_dir, leaf, ("postings", fieldname, btext), read)

    def _postings(self, fieldname: str, btext: bytes):
        """(documents, BM25F scores) of a term of a text field."""
        def read():
            name = f"{fieldname}.{btext.hex()}"
            data = self._cache.shared.load(name, np.uint8)
            if data is not None:
                count = len(data) // (np.dtype(DOC).itemsize + np.dtype(SCORE).itemsize)
                split = count * np.dtype(DOC).itemsize
                return data[:split].view(DOC), data[split:].view(SCORE)
            docs, scores = self._read(fieldname, btext, scored=True)
            if len(docs) >= SHARE_MIN_POSTINGS:
                self._cache.shared.save(name, docs, scores)
            return _frozen(docs), _frozen(scores)
        return self._remember((fieldname, btext), read)

    def _remember(self, key, compute):
        """compute(), kept under ``key`` for this index version within the posting budget."""
        return self._cache.postings.get(key, compute)

    def _norms(self, fieldname: str) -> np.ndarray:
        """K1 * ((1 - B) + B * length / average length), per document."""
        norms = self._cache.norms.get(fieldname)
        if norms is None:
            def compute():
                searcher, weighting = self._searcher, self._searcher.weighting
                b = weighting._field_B.get(fieldname, weighting.B)
                k1 = weighting.K1
                avgfl = searcher.avg_field_length(fieldname) or 1
                lengths = np.concatenate([np.empty(0, dtype=SCORE)] + [
                    _segment_arrays(self._version_dir, leaf, ("lengths", fieldname),
                                    lambda leaf=leaf: (_frozen(_lengths(leaf, fieldname)),))[0]
                    for leaf, _offset in self._reader.leaf_readers()])
                return k1 * ((1 - b) + b * lengths / avgfl)
            norms = self._cache.norms[fieldname] = self._shared(f"norms.{fieldname}", SCORE, compute)
        return norms

    def term(self, fieldname: str, btext: bytes) -> np.ndarray:
        """The documents holding a term."""
        if self._reader.schema[fieldname].scorable:
            return self._mask(self._postings(fieldname, btext)[0])
        # Facet and filter values: few, asked by every search, kept for the whole version.
        key = (fieldname, btext)
        found = self._cache.values.get(key)
        if found is None:
            found = self._cache.values[key] = _frozen(self._mask(self._value_docs(fieldname, btext)))
        return found

    def _value_docs(self, fieldname: str, btext: bytes) -> np.ndarray:
        return self._shared(f"{fieldname}.{btext.hex()}", DOC,
                            lambda: self._read(fieldname, btext, scored=False)[0], SHARE_MIN_POSTINGS)

    def value(self, fieldname: str, value: str) -> np.ndarray:
        return self.term(fieldname, self._reader.schema[fieldname].to_bytes(value))

    def facet_counts(self, fieldname: str, matched: np.ndarray) -> list[tuple[str, int]]:
        """(value, number of ``matched`` documents having it) for every value of an ID or
        KEYWORD field that some of them have."""
        found = self._cache.fields.get(fieldname)
        if found is None:
            field = self._reader.schema[fieldname]
            values, docs = [], []
            for btext in self._reader.lexicon(fieldname):
                value_docs = self._value_docs(fieldname, btext)
                if len(value_docs):
                    values.append(field.from_bytes(btext))
                    docs.append(value_docs)
            if docs:
                offsets = np.cumsum([0] + [len(d) for d in docs[:-1]])
                found = (values, _frozen(np.concatenate(docs)), _frozen(offsets))
            else:
                found = ([], None, None)
            self._cache.fields[fieldname] = found
        values, docs, offsets = found
        if not values:
            return []
        # One pass over every (value, document) pair of the field.
        counts = np.add.reduceat(matched[docs].astype(np.int32), offsets)
        return [(value, int(n)) for value, n in zip(values, counts) if n]

    def newest_first(self, matched: np.ndarray, count: int) -> list[int]:
        """The ``count`` most recent of ``matched`` (ties: most recently indexed first)."""
        if self._cache.date_rank is None:
            def compute():
                dates = np.concatenate([np.empty(0, dtype=np.uint64)] + [
                    _segment_arrays(self._version_dir, leaf, ("dates",), lambda leaf=leaf: (_frozen(_dates(leaf)),))[0]
                    for leaf, _offset in self._reader.leaf_readers()])
                order = np.lexsort((np.arange(len(dates)), dates))  # by date, then index order
                rank = np.empty(len(dates), dtype=DOC)
                rank[order] = np.arange(len(dates), dtype=DOC)
                return rank
            self._cache.date_rank = self._shared("date-rank", DOC, compute)
        docs = np.flatnonzero(matched)
        return _top(docs, self._cache.date_rank[docs], count)

    def best(self, q, matched: np.ndarray, count: int) -> list[int]:
        """The ``count`` best-scored of ``matched`` for ``q``: the sum of the BM25F scores of the
        query's wanted terms (as Whoosh sums the scores of the matchers of And and Or), times
        their boosts; ties and documents matched by NOT alone (no score) in index order.
        A phrase scores as its words (Whoosh has its own span statistics)."""
        scores = np.zeros(self.size, dtype=SCORE)
        for fieldname, btext, boost in self._scored_terms(q):
            term_docs, term_scores = self._postings(fieldname, btext)
            scores[term_docs] += term_scores * boost  # a term's documents are distinct
        docs = np.flatnonzero(matched)
        return _top(docs, scores[docs], count)

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

    def _union(self, masks) -> np.ndarray:
        union = np.zeros(self.size, dtype=bool)
        for mask in masks:
            union |= mask
        return union

    def matching(self, q) -> np.ndarray:
        """Every live document ``q`` matches (a new mask or a cached one: never change it)."""
        if isinstance(q, wq.Every):
            return self.live
        if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
            return np.zeros(self.size, dtype=bool)
        if isinstance(q, wq.Term):
            return self.term(q.fieldname, self._bytes(q.fieldname, q.text))
        if isinstance(q, MULTI_TERM_QUERIES):
            return self._union(self.term(f, t) for f, t in q.expanded_terms(self._reader))
        if isinstance(q, wq.And):
            if not q.subqueries:
                return np.zeros(self.size, dtype=bool)
            result = self.matching(q.subqueries[0])
            for child in q.subqueries[1:]:
                result = result & self.matching(child)
            return result
        if isinstance(q, (wq.Or, wq.DisjunctionMax)):
            return self._union(self.matching(child) for child in q.subqueries)
        if isinstance(q, wq.AndNot):
            return self.matching(q.a) & ~self.matching(q.b)
        if isinstance(q, wq.AndMaybe):
            return self.matching(q.a)
        if isinstance(q, wq.Not):
            return self.live & ~self.matching(q.query)
        if isinstance(q, wq.Phrase):
            key = ("phrase", q.fieldname, tuple(q.words), q.slop)
            name = "phrase." + hashlib.sha1(repr(key).encode()).hexdigest()
            return self._mask(self._remember(key, lambda: (self._shared(
                name, DOC, lambda: np.array(sorted(self._phrase(q)), dtype=DOC)), None))[0])
        # Anything rarer: Whoosh's own matcher.
        return self._mask(np.fromiter(self._searcher.docs_for_query(q), dtype=DOC))

    def _phrase(self, q: wq.Phrase) -> set:
        """Live documents with the phrase's words in order (within its slop). Found segment by
        segment and kept per segment: after an index update, only the new segment is searched."""
        words = tuple(self._bytes(q.fieldname, word) for word in q.words)
        parts = [np.empty(0, dtype=DOC)]
        for leaf, offset in self._reader.leaf_readers():
            local = _segment_arrays(self._version_dir, leaf, ("phrase", q.fieldname, words, q.slop), lambda leaf=leaf: (
                _frozen(np.array(sorted(self._segment_phrase(leaf, q.fieldname, words, q.slop)), dtype=DOC)),))[0]
            parts.append(local + offset)
        docs = np.concatenate(parts)
        return set(docs[self.live[docs]].tolist())

    def _segment_phrase(self, leaf, fieldname: str, words: tuple, slop: int) -> set:
        """The documents of one segment (deleted ones included) with the words in order: among
        those holding all the words, the positions of each word are decoded only where the
        previous words still follow each other."""
        alive = None
        for btext in words:
            if (fieldname, btext) not in leaf:
                return set()
            docs = set(self._segment_postings(leaf, fieldname, btext)[0].tolist())
            alive = docs if alive is None else alive & docs
        if len(words) == 1 or not alive:
            return alive or set()
        decode = self._reader.schema[fieldname].format.decode_positions
        # As Whoosh's SpanNear2: each word 1 to `slop` positions after the previous one.
        ends = None
        for btext in words:
            found = {}
            for docs, encoded in _blocks(leaf, fieldname, btext, 0, values=True):
                for docnum, value in zip(docs, encoded):
                    if docnum not in alive:
                        continue
                    positions = decode(value)
                    if ends is not None:
                        before = ends[docnum]
                        positions = [p for p in positions if any(1 <= p - e <= slop for e in before)]
                    if positions:
                        found[docnum] = positions
            ends, alive = found, set(found)
            if not alive:
                break
        return alive


def _top(docs: np.ndarray, keys: np.ndarray, count: int) -> list[int]:
    """The ``count`` documents of ``docs`` with the largest ``keys``, largest first; equal keys
    in index order."""
    if count <= 0 or not len(docs):
        return []
    if len(docs) > count:
        # Only those at least as large as the count-th largest key are sorted.
        kth = np.partition(keys, len(keys) - count)[len(keys) - count]
        keep = keys >= kth
        docs, keys = docs[keep], keys[keep]
    return docs[np.lexsort((docs, -keys))][:count].tolist()


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
            shared = _SharedArrays(version_dir / SHARED_DIR / f"f{SHARED_FORMAT}-{key[1]}-{key[2]}")
            _current.update(key=key, cache=_VersionCache(max_postings, shared))
            # Segments no longer in the index (merged, or another index version) are dropped.
            live_segments = {(str(version_dir), leaf.segment().segment_id())
                             for leaf, _ in reader.leaf_readers() if leaf.segment() is not None}
            _segments.max_items = max_postings
            _segments.keep_only(lambda segment_key: segment_key[:2] in live_segments)
        return DocSets(_current["cache"], searcher, version_dir)
