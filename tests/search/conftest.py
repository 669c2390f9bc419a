import pytest


@pytest.fixture(autouse=True)
def fresh_index(search_backend):
    """Every test here runs against each search engine, starting with no document: the
    session-wide index would otherwise keep documents of earlier tests whose database rows (and
    ids) were truncated."""
    yield
