"""Two people editing the same shared row: the second save, from a form opened before the first
was saved, is refused with everything typed kept, and goes through once made knowingly
(core/forms.EditedRow). The row's version moves with its collections too, and not with counters."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from network_space.directory.models import Organisation
from network_space.library.models import Sector
from network_space.events.models import Event
from network_space.extensions import db
from network_space.library.models import Resource
from network_space.meetings.models import Meeting
from network_space.accounts.models import User
from tests.demo_network import demo_network
from tests.helpers import _FormsAsBrowser

# (model, edit page, field typed in the form, the text column a colleague changes)
PAGES = [
    (Organisation, "/directory/{id}/edit", "name", "description"),
    (Resource, "/library/{id}/edit", "title", "summary"),
    (Event, "/events/{id}/modifier", "title", "description"),
    (Meeting, "/meetings/{id}/edit", "title", "description"),
]


def _first(model):
    query = select(model).order_by(model.id)
    if model is Meeting:  # an upcoming one, whose form takes any change
        query = query.where(Meeting.status == "scheduled")
    return db.session.scalar(query)


@pytest.mark.parametrize("model, page, field, other", PAGES, ids=[p[0].__name__ for p in PAGES])
def test_a_save_over_a_colleague_s_is_refused_with_the_typed_text_kept(app, client, model, page, field, other):
    admin = demo_network(app).by_role["admin"]
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = admin.session_token, True
    with app.app_context():
        row = _first(model)
        row_id, before = row.id, getattr(row, field)
    url = page.format(id=row_id)
    opened = client.get(url)
    assert opened.status_code == 200
    mine = "Titre saisi dans le premier onglet"

    # A colleague saves a change meanwhile.
    with app.app_context():
        row = db.session.get(model, row_id)
        setattr(row, other, (getattr(row, other) or "") + " (complété par une collègue)")
        db.session.commit()

    action, data = _FormsAsBrowser(opened.get_data(as_text=True)).submission("Enregistrer", {field: mine})
    refused = client.post(action or url, data=data)
    body = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "Cette fiche a été modifiée depuis l&#39;ouverture de ce formulaire (par un·e collègue" in body
    assert mine in body
    with app.app_context():
        row = db.session.get(model, row_id)
        assert getattr(row, field) == before and getattr(row, other).endswith("(complété par une collègue)")

    # Saved again from the page that said so: done knowingly (the form as it stands wins), it goes through.
    action, data = _FormsAsBrowser(body).submission("Enregistrer", {})
    assert data[field] == mine
    assert client.post(action or url, data=data).status_code == 302
    with app.app_context():
        assert getattr(db.session.get(model, row_id), field) == mine


def test_a_change_to_a_collection_alone_moves_the_version_and_a_view_does_not(app, client):
    admin = demo_network(app).by_role["admin"]
    with app.app_context():
        org = _first(Organisation)
        org_id, version = org.id, org.updated_at
        org.sectors = [*org.sectors, *[s for s in db.session.scalars(select(Sector)) if s not in org.sectors][:1]]
        db.session.commit()
        assert db.session.get(Organisation, org_id).updated_at > version

        resource = db.session.scalar(select(Resource).where(Resource.kind == "file").order_by(Resource.id))
        resource_id, version, views = resource.id, resource.updated_at, resource.view_count
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = admin.session_token, True
    assert client.get(f"/library/{resource_id}").status_code == 200
    with client.get(f"/library/{resource_id}/download") as download:  # closes the file it streams
        assert download.status_code == 200
    with app.app_context():
        resource = db.session.get(Resource, resource_id)
        # Counted, but neither "Mise à jour" nor the version an editor opened moved.
        assert resource.view_count == views + 1 and resource.updated_at == version


def test_what_is_not_an_edit_of_the_row_leaves_its_version(app, client):
    """Saving a partner's page unchanged, commenting a resource, adding a meeting's agenda item:
    an editor who opened the row's form meanwhile is not told that someone changed it."""
    from network_space.library.models import ResourceComment
    from network_space.meetings.models import AgendaItem

    admin = demo_network(app).by_role["admin"]
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = admin.session_token, True
    with app.app_context():
        org = _first(Organisation)
        org_id, org_version, contacts = org.id, org.updated_at, [c.id for c in org.contacts]
    url = f"/directory/{org_id}/edit"
    action, data = _FormsAsBrowser(client.get(url).get_data(as_text=True)).submission("Enregistrer", {})
    response = client.post(action or url, data=data, follow_redirects=True)
    assert "Aucun changement." in response.get_data(as_text=True)
    with app.app_context():
        org = db.session.get(Organisation, org_id)
        assert org.updated_at == org_version and [c.id for c in org.contacts] == contacts

        resource = _first(Resource)
        meeting = _first(Meeting)
        versions = (resource.updated_at, meeting.updated_at)
        db.session.add(ResourceComment(resource=resource, author_id=admin.id, body="Très utile."))
        db.session.add(AgendaItem(meeting=meeting, title="Point ajouté", position=99))
        db.session.commit()
        assert (db.session.get(Resource, resource.id).updated_at, db.session.get(Meeting, meeting.id).updated_at) \
            == versions


def test_a_thread_s_text_edited_meanwhile_is_not_undone_and_a_reply_is_no_edit(app, client, make_user):
    """The author corrects the opening message while a moderator has its form open: the
    moderator's save is refused; a reply posted meanwhile changes nothing of the text."""
    from network_space.discussions import services
    from network_space.discussions.models import DiscussionCategory, Thread
    from network_space.discussions.reference import ensure_default_categories

    author, moderator = make_user("member"), make_user("coanimator")
    with app.app_context():
        ensure_default_categories()
        thread = services.create_thread(db.session.get(User, author.id), services.ThreadData(
            title="Clause dans un marché de voirie", body="Texte d'origine.", kind="discussion",
            category=db.session.scalar(select(DiscussionCategory).order_by(DiscussionCategory.position))))
        db.session.commit()
        thread_id = thread.id
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = moderator.session_token, True
    url = f"/discussions/{thread_id}/modifier"
    opened = client.get(url).get_data(as_text=True)
    with app.app_context():
        services.post_reply(db.session.get(Thread, thread_id), db.session.get(User, author.id), "Une réponse.")
        db.session.commit()
    action, data = _FormsAsBrowser(opened).submission("Enregistrer", {"title": "Clause dans un marché de voirie (BTP)"})
    assert client.post(action or url, data=data).status_code == 302  # a reply is no edit of the text

    opened = client.get(url).get_data(as_text=True)
    with app.app_context():
        services.update_thread(db.session.get(Thread, thread_id), db.session.get(User, author.id), services.ThreadData(
            title="Clause dans un marché de voirie (BTP)", body="Texte corrigé par l'autrice.", kind="discussion",
            category=db.session.get(Thread, thread_id).category))
        db.session.commit()
    action, data = _FormsAsBrowser(opened).submission("Enregistrer", {"title": "Voirie : la clause"})
    refused = client.post(action or url, data=data)
    assert refused.status_code == 409 and "Voirie : la clause" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Thread, thread_id).body == "Texte corrigé par l'autrice."
