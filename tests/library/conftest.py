import io

import pytest
from werkzeug.datastructures import FileStorage

from network_space.extensions import db


@pytest.fixture(autouse=True)
def library_ready(app):
    """No index left by earlier tests, and the reference categories and sectors in place."""
    from network_space.library.services import ensure_defaults
    from network_space.search.index import remove_index

    with app.app_context():
        remove_index()
        ensure_defaults()
        db.session.commit()
    yield


@pytest.fixture
def add_resource(app):
    """add_resource(author, title, file=(name, bytes) | None, **metadata) through the service, committed."""
    from network_space.accounts.models import User
    from network_space.library import services
    from network_space.library.models import Category, Resource

    def _add(author, title, file=None, kind=None, category="Guides et méthodes", **data):
        with app.app_context():
            user = db.session.get(User, author.id)
            stored = None
            if file is not None:
                name, content = file
                stored = services.store_file(FileStorage(stream=io.BytesIO(content), filename=name))
            category_id = db.session.scalar(db.select(Category.id).where(Category.name == category))
            payload = {"kind": kind or ("file" if file else "note"), "title": title, "category_id": category_id,
                       "tags": [], "sector_ids": [], "visibility": "members"}
            if payload["kind"] == "note":
                payload["body"] = data.pop("body", "Une note.")
            payload.update(data)
            resource = services.create_resource(user, payload, stored, None)
            db.session.commit()
            return db.session.get(Resource, resource.id).id

    return _add
