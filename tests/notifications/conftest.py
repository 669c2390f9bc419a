from __future__ import annotations

import pytest

from network_space.extensions import db
from network_space.notifications.registry import register_kind


@pytest.fixture(autouse=True)
def _test_kinds(app):
    """Kinds of every category, as other parts of the site would declare them."""
    register_kind("test.meeting", "Réunion modifiée", "meetings")
    register_kind("test.resource", "Nouvelle ressource", "library")
    register_kind("test.security", "Réinitialisation", "security", mandatory=True)


@pytest.fixture
def announcement(app, make_user):
    """A registered notification target (Announcement), committed; returns its id."""
    from network_space.announcements.models import Announcement


    author = make_user("coanimator")

    def _make(title="Réunion plénière du 12 mars", **fields):
        with app.app_context():
            item = Announcement(title=title, body=fields.pop("body", "Texte"), author_id=author.id, **fields)
            db.session.add(item)
            db.session.commit()
            return item.id

    return _make
