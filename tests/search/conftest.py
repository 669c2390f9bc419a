import pytest


@pytest.fixture(autouse=True)
def fresh_index(app):
    """Each test starts with no index: the session-wide index would otherwise keep documents of
    earlier tests whose database rows (and ids) were truncated."""
    from network_space.search.index import remove_index

    with app.app_context():
        remove_index()
    yield
