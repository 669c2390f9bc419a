"""Fixtures of the discussion tests: the seeded categories, and threads and replies written
through the services (committed, as a view would), returned as ids."""
from __future__ import annotations

import pytest

from network_space.extensions import db


@pytest.fixture(autouse=True)
def discussions_ready(app):
    """No index left by earlier tests; the categories the migration seeds."""
    from network_space.discussions.reference import ensure_default_categories
    from network_space.search.index import remove_index

    with app.app_context():
        remove_index()
        ensure_default_categories()
        db.session.commit()
    yield


@pytest.fixture
def category_id(app):
    """category_id("Questions et entraide") -> its id."""
    from network_space.discussions.models import DiscussionCategory

    def _id(name: str = "Questions et entraide") -> int:
        with app.app_context():
            return db.session.scalar(db.select(DiscussionCategory.id).where(DiscussionCategory.name == name))

    return _id


@pytest.fixture
def make_thread(app, category_id):
    """make_thread(author, title="…", body="…", category="…", kind="discussion", **data) -> thread id."""
    from network_space.accounts.models import User
    from network_space.discussions import services
    from network_space.discussions.models import DiscussionCategory

    def _make(author, title="Une question de terrain", body="Comment faites-vous ?",
              category="Questions et entraide", kind="discussion", **data):
        with app.app_context():
            user = db.session.get(User, author.id)
            thread = services.create_thread(user, services.ThreadData(
                title=title, body=body, category=db.session.get(DiscussionCategory, category_id(category)), kind=kind,
                **data))
            db.session.commit()
            return thread.id

    return _make


@pytest.fixture
def make_reply(app):
    """make_reply(author, thread_id, body) -> the reply's number."""
    from network_space.accounts.models import User
    from network_space.discussions import services
    from network_space.discussions.models import Thread

    def _reply(author, thread_id, body="Nous faisons comme ceci."):
        with app.app_context():
            reply = services.post_reply(db.session.get(Thread, thread_id), db.session.get(User, author.id), body)
            db.session.commit()
            return reply.number

    return _reply
