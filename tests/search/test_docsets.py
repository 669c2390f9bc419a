"""The set-algebra evaluation of queries gives exactly Whoosh's own matches and ranking."""
import random
from datetime import datetime

import numpy as np
import pytest
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.writing import NO_MERGE

from network_space.search import docsets
from network_space.search.analysis import french_analyzer
from network_space.search.backends.whoosh import parse_query
from network_space.search.engine import clean_query
from network_space.search.index import make_schema, writer_options

# The Whoosh engine's own parts (tests/search/test_engines.py runs the same checks on both engines).
pytestmark = pytest.mark.search_backends("whoosh")

WORDS = ("clause sociale insertion facilitateur marché réservé bailleur social heures cahier des charges "
         "assemblée générale Isère événement ESAT handicap jeunes qualification propreté voirie").split()
QUERIES = ("insertion", "clause sociale", "facilitateurs", "Isere", "assemblee", '"cahier des charges"',
           '"assemblée générale"', "clause OU handicap", "propreté SAUF voirie", "NON voirie", "fac*",
           "inser?ion", "jeunes qualification ESAT", "(clause OU bailleur) ET heures", "mot-absent",
           '"charges cahier"')


@pytest.fixture()
def searcher(tmp_path):
    """A real index of 300 documents in three segments, with deletions: two written as the site
    writes them, the last one with Whoosh's default (compressed) blocks."""
    rng = random.Random(7)
    ix = whoosh_index.create_in(str(tmp_path), make_schema(), indexname="T")
    for segment in range(3):
        writer = ix.writer(**writer_options()) if segment < 2 else ix.writer()
        for n in range(100):
            i = segment * 100 + n
            words = [rng.choice(WORDS) for _ in range(rng.randint(5, 60))]
            writer.add_document(uid=f"t:{i}", kind="t", obj_id=i, title=" ".join(words[:4]),
                                content=" ".join(words[4:]), keywords=rng.choice(WORDS))
        writer.commit(merge=False) if segment < 2 else writer.commit(mergetype=NO_MERGE)
    writer = ix.writer()
    for i in range(0, 300, 7):
        writer.delete_by_term("uid", f"t:{i}")
    writer.commit(mergetype=NO_MERGE)
    with ix.searcher() as s:
        assert len(s.reader().leaf_readers()) == 3 and s.reader().has_deletions()
        yield s


@pytest.mark.parametrize("budget", [1_000_000, 10])  # 10 postings: every term evicts the previous one
@pytest.mark.parametrize("text", QUERIES)
def test_matches_are_whooshs(searcher, tmp_path, text, budget):
    q = parse_query(searcher.schema, clean_query(text))
    sets = docsets.for_searcher(searcher, tmp_path / str(budget), budget)
    assert set(sets.numbers(sets.matching(q))) == set(searcher.docs_for_query(q))


# Not for NON alone (nothing to score) nor phrases: Whoosh scores a phrase by its own span
# statistics, docsets by the sum of its words' scores, among the documents holding the phrase.
@pytest.mark.parametrize("text", [q for q in QUERIES if "NON" not in q and '"' not in q])
def test_ranking_is_whooshs(searcher, tmp_path, text):
    q = parse_query(searcher.schema, clean_query(text))
    sets = docsets.for_searcher(searcher, tmp_path, 1_000_000)
    matched = sets.matching(q)
    ours = sets.best(q, matched, 15)
    theirs = searcher.search(q, limit=None, scored=True)
    scores = {hit.docnum: hit.score for hit in theirs}
    # The same documents in the same order, up to ties (equal scores may come in any order).
    assert [round(scores[d], 6) for d in ours] == [round(s, 6) for s in sorted(scores.values(), reverse=True)[:15]]


def test_phrases_need_the_words_side_by_side(searcher, tmp_path):
    sets = docsets.for_searcher(searcher, tmp_path, 1_000_000)
    phrase = set(sets.numbers(sets.matching(parse_query(searcher.schema, '"cahier des charges"'))))
    words = set(sets.numbers(sets.matching(parse_query(searcher.schema, "cahier charges"))))
    assert phrase and phrase < words

    def side_by_side(text):  # stop words ("des") take no position
        terms = [token.text for token in french_analyzer()(text)]
        return any(pair == ("cahi", "charg") for pair in zip(terms, terms[1:]))

    for docnum in words:
        fields = searcher.stored_fields(docnum)
        assert (docnum in phrase) == (side_by_side(fields["title"]) or side_by_side(fields["content"]))


def test_postings_of_another_codec_are_read_the_public_way(searcher):
    from whoosh.matching import ListMatcher

    leaf, offset = list(searcher.reader().leaf_readers())[1]
    live = frozenset(searcher.reader().all_doc_ids())
    fast = [(list(d), list(w)) for d, w in docsets._blocks(leaf, "content", b"claus", offset)]
    # The fast path leaves deleted documents to the caller; the public way steps over them.
    docs = [d for block, _ in fast for d in block]
    weights = [w for _, block in fast for w in block]
    assert set(docs) - live
    weights = [w for d, w in zip(docs, weights) if d in live]
    docs = [d for d in docs if d in live]

    class OtherCodecLeaf:  # the same postings behind a matcher that is not Whoosh 2.7.4's W3LeafMatcher
        def postings(self, fieldname, btext):
            return ListMatcher([d - offset for d in docs], weights)

    slow = list(docsets._blocks(OtherCodecLeaf(), "content", b"claus", offset))
    assert slow == [(docs, weights)] and docs


def test_another_process_loads_the_postings_the_first_one_read(searcher, tmp_path, monkeypatch):
    monkeypatch.setattr(docsets, "SHARE_MIN_POSTINGS", 1)
    stale = tmp_path / docsets.SHARED_DIR / "1-1"  # files of an older version of the index
    stale.mkdir(parents=True)
    first = docsets.for_searcher(searcher, tmp_path, 1_000_000)
    expected = first._postings("content", b"claus")
    phrase = first.matching(parse_query(searcher.schema, '"cahier des charges"'))
    newest = first.newest_first(first.live, 10)
    assert len(expected[0]) > 10 and not stale.exists()
    monkeypatch.setitem(docsets._current, "key", None)  # a process of its own, with an empty cache
    second = docsets.for_searcher(searcher, tmp_path, 1_000_000)
    monkeypatch.setattr(docsets.DocSets, "_read", lambda *args, **kwargs: pytest.fail("postings read again"))
    monkeypatch.setattr(docsets.DocSets, "_phrase", lambda *args, **kwargs: pytest.fail("phrase read again"))
    assert all(np.array_equal(a, b) for a, b in zip(second._postings("content", b"claus"), expected))
    assert np.array_equal(second._norms("content"), first._norms("content"))
    assert np.array_equal(second.matching(parse_query(searcher.schema, '"cahier des charges"')), phrase)
    assert np.array_equal(second.live, first.live) and second.newest_first(second.live, 10) == newest
    shared = {path.name for path in (tmp_path / docsets.SHARED_DIR).glob("*/*")}
    assert {"live", "date-rank", "norms.content"} <= shared


def test_field_lengths_read_at_once_are_those_the_scorer_reads(searcher):
    for leaf, _offset in searcher.reader().leaf_readers():
        for fieldname in ("title", "content", "keywords", "summary"):
            expected = [leaf.doc_field_length(d, fieldname, 1) or 1 for d in range(leaf.doc_count_all())]
            assert docsets._lengths(leaf, fieldname).tolist() == expected


def test_blocks_are_read_without_decoding_the_positions(searcher, monkeypatch):
    from whoosh.codec.whoosh3 import W3LeafMatcher

    leaf, _offset = list(searcher.reader().leaf_readers())[0]
    matcher = leaf.postings("content", b"claus").child
    matcher.reset()
    matcher._read_ids()
    matcher._read_weights()
    expected = (list(matcher._ids), list(matcher._weights))
    matcher.reset()
    monkeypatch.setattr(W3LeafMatcher, "_read_data", lambda self: pytest.fail("whole block decoded"))
    docs, weights = docsets._ids_and_weights(matcher)
    assert (list(docs), list(weights)) == expected and len(docs) > 3


def test_after_an_update_only_the_new_segment_is_read(tmp_path, monkeypatch):
    ix = whoosh_index.create_in(str(tmp_path), make_schema(), indexname="T")
    rng = random.Random(3)
    for segment in range(2):
        writer = ix.writer(**writer_options())
        for n in range(50):
            i = segment * 50 + n
            writer.add_document(uid=f"t:{i}", kind="t", obj_id=i, title="clause",
                                content=" ".join(rng.choice(WORDS) for _ in range(20)), date=datetime(2026, 1, 1 + i % 28))
        writer.commit(mergetype=NO_MERGE)
    with ix.searcher() as first:
        sets = docsets.for_searcher(first, tmp_path, 1_000_000)
        sets._postings("content", b"claus")
        sets.newest_first(sets.live, 5)
        sets.matching(parse_query(first.schema, '"clause sociale"'))
        old = {leaf.segment().segment_id() for leaf, _ in first.reader().leaf_readers()}
    writer = ix.writer(**writer_options())
    writer.add_document(uid="t:new", kind="t", obj_id=999, title="clause", content="clause sociale", date=datetime(2027, 1, 1))
    writer.delete_by_term("uid", "t:3")
    writer.commit(mergetype=NO_MERGE)
    read = []
    real_blocks, real_dates = docsets._blocks, docsets._dates
    monkeypatch.setattr(docsets, "_blocks", lambda leaf, *a, **k: read.append(leaf.segment().segment_id()) or real_blocks(leaf, *a, **k))
    monkeypatch.setattr(docsets, "_dates", lambda leaf: read.append(leaf.segment().segment_id()) or real_dates(leaf))
    with ix.searcher() as second:
        sets = docsets.for_searcher(second, tmp_path, 1_000_000)
        docs, scores = sets._postings("content", b"claus")
        newest = sets.newest_first(sets.live, 3)
        phrase = parse_query(second.schema, '"clause sociale"')
        assert set(sets.numbers(sets.matching(phrase))) == set(second.docs_for_query(phrase))
        assert read and not set(read) & old  # the two old segments were not read again
        expected = {hit.docnum: hit.score for hit in second.search(wq.Term("content", "claus"), limit=None)}
        assert dict(zip(docs.tolist(), scores.round(6).tolist())) == {d: round(s, 6) for d, s in expected.items()}
        assert second.stored_fields(newest[0])["obj_id"] == 999


def test_an_index_without_documents_answers_empty(tmp_path):
    ix = whoosh_index.create_in(str(tmp_path), make_schema(), indexname="T")  # a fresh site's index
    with ix.searcher() as searcher:
        sets = docsets.for_searcher(searcher, tmp_path, 1_000_000)
        for text in ("", "insertion", '"cahier des charges"', "NON voirie"):
            matched = sets.matching(parse_query(searcher.schema, clean_query(text)))
            assert sets.count(matched) == 0
            assert sets.best(parse_query(searcher.schema, "insertion"), matched, 10) == []
        assert sets.newest_first(sets.live, 10) == [] and sets.facet_counts("kind", sets.live) == []
