"""The admin page of event kinds: add, rename, delete (only when no event uses it), duplicates
refused with the typed name kept, follows kept on rename and removed on delete, admins only."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from network_space.accounts.models import User
from network_space.core.audit import AuditEntry
from network_space.events.models import Event, EventKind
from network_space.extensions import db
from network_space.notifications.models import Follow
from network_space.notifications.services import follow
from network_space.search.engine import search
from network_space.search.index import remove_index
from tests.helpers import csrf_token


def _kind(label: str) -> EventKind | None:
    return db.session.scalar(select(EventKind).where(EventKind.label == label))


def _row(page: str, label: str) -> str:
    """The table row of the kind named ``label``."""
    return next(row for row in re.findall(r"<tr>.*?</tr>", page, re.S) if f"<td>{label}</td>" in row)


def test_admin_adds_a_kind_last_with_a_code_that_never_changes(client, login_as, app):
    login_as("admin")
    page = client.get("/events/types").get_data(as_text=True)
    assert "<h1>Types d'événements</h1>" in page and "Visite de chantier" in page
    response = client.post("/events/types", data={"csrf_token": csrf_token(page), "label": "  Petit-déjeuner des entreprises "})
    assert response.status_code == 302
    assert "Type d&#39;événement ajouté." in client.get("/events/types").get_data(as_text=True)
    with app.app_context():
        kind = _kind("Petit-déjeuner des entreprises")
        assert kind.code == "petit_dejeuner_des_entre"
        assert kind.position == max(db.session.scalars(select(EventKind.position)))
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "events.kind_add"))
        assert entry.target == "Petit-déjeuner des entreprises"
    # Offered at once in the event form, the calendar filter and the follow choices.
    login_as("coanimator")
    assert "Petit-déjeuner des entreprises" in client.get("/events/nouveau").get_data(as_text=True)
    assert 'value="petit_dejeuner_des_entre">Petit-déjeuner des entreprises' in client.get("/events/").get_data(as_text=True)
    assert "Petit-déjeuner des entreprises" in client.get("/events/mon-agenda").get_data(as_text=True)


def test_a_kind_added_by_two_admins_at_once_gives_a_message_not_an_error(client, login_as, app, monkeypatch):
    from network_space.events import kinds

    login_as("admin")
    page = client.get("/events/types").get_data(as_text=True)
    with app.app_context():
        taken = db.session.scalars(select(EventKind.code)).first()
    # The other admin's row is committed between this request's code check and its insert.
    monkeypatch.setattr(kinds, "_new_code", lambda label: taken)
    response = client.post("/events/types", data={"csrf_token": csrf_token(page), "label": "Forum de l'emploi"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "vient d&#39;être ajouté par quelqu&#39;un d&#39;autre" in body and 'value="Forum de l&#39;emploi"' in body


def test_same_first_words_and_unlettered_names_get_distinct_codes(client, login_as, app):
    login_as("admin")
    token = csrf_token(client.get("/events/types").get_data(as_text=True))
    for label in ("Réunion d'information des entreprises du BTP", "Réunion d'information des entreprises de la propreté", "★★★"):
        assert client.post("/events/types", data={"csrf_token": token, "label": label}).status_code == 302
    with app.app_context():
        codes = set(db.session.scalars(select(EventKind.code)))
        assert {"reunion_d_information_de", "reunion_d_information_de_2", "type"} <= codes
        assert all(len(code) <= 30 for code in codes)


def test_members_who_follow_every_kind_follow_a_new_one(client, login_as, make_user, app):
    everything, one = make_user(), make_user()
    with app.app_context():
        for kind in db.session.scalars(select(EventKind)):
            follow(db.session.get(User, everything.id), kind)
        follow(db.session.get(User, one.id), db.session.scalar(select(EventKind).where(EventKind.code == "forum")))
        db.session.commit()
    login_as("admin")
    token = csrf_token(client.get("/events/types").get_data(as_text=True))
    client.post("/events/types", data={"csrf_token": token, "label": "Salon de l'emploi"})
    with app.app_context():
        new_id = _kind("Salon de l'emploi").id
        followers = set(db.session.scalars(select(Follow.user_id).where(Follow.target_type == "event_kind",
                                                                         Follow.target_id == new_id)))
        assert followers == {everything.id}


@pytest.mark.parametrize("typed", ["visite DE CHANTIER", "VISITE DE CHANTIER  "])
def test_duplicate_name_refused_with_the_typed_name_kept(client, login_as, app, typed):
    login_as("admin")
    page = client.get("/events/types").get_data(as_text=True)
    response = client.post("/events/types", data={"csrf_token": csrf_token(page), "label": typed})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<p class="field-error" id="label-error">Ce type d&#39;événement existe déjà.</p>' in html
    assert f'value="{typed.strip()}"' in html
    with app.app_context():
        assert db.session.scalar(select(db.func.count(EventKind.id)).where(
            db.func.lower(EventKind.label) == "visite de chantier")) == 1


def test_duplicate_with_accented_capitals_refused(client, login_as, app):
    login_as("admin")
    token = csrf_token(client.get("/events/types").get_data(as_text=True))
    client.post("/events/types", data={"csrf_token": token, "label": "Échange de pratiques"})
    html = client.post("/events/types", data={"csrf_token": token, "label": "échange de pratiques"}).get_data(as_text=True)
    assert "existe déjà" in html
    with app.app_context():
        assert _kind("échange de pratiques") is None


@pytest.mark.parametrize("label, message", [("", "Indiquez un nom."), ("x" * 101, "100 caractères au maximum.")])
def test_empty_or_too_long_name_refused_in_french(client, login_as, app, label, message):
    login_as("admin")
    token = csrf_token(client.get("/events/types").get_data(as_text=True))
    html = client.post("/events/types", data={"csrf_token": token, "label": label}).get_data(as_text=True)
    assert message in html
    assert f'value="{label}"' in html or not label
    with app.app_context():
        assert db.session.scalar(select(db.func.count(EventKind.id))) == 8


def test_admin_renames_a_kind_events_follows_and_filters_kept(client, login_as, make_user, make_event, app):
    with app.app_context():
        remove_index()
    follower = make_user()
    event_id = make_event(kind="site_visit", title="Visite du chantier Bouchayer-Viallet")
    with app.app_context():
        kind = db.session.scalar(select(EventKind).where(EventKind.code == "site_visit"))
        kind_id = kind.id
        follow(db.session.get(User, follower.id), kind)
        db.session.commit()
    with app.app_context():
        hit = search("bouchayer", db.session.get(User, follower.id), kinds=["events.event"]).hits[0]
        assert hit.fields["summary"].startswith("Visite de chantier · ")
    login_as("admin")
    page = client.get("/events/types").get_data(as_text=True)
    assert "1 événement" in _row(page, "Visite de chantier") and "1 membre" in _row(page, "Visite de chantier")
    response = client.post(f"/events/types/{kind_id}", data={"csrf_token": csrf_token(page), "label": "Visite de chantier ou d'atelier"})
    assert response.status_code == 302
    with app.app_context():
        kind = db.session.get(EventKind, kind_id)
        assert (kind.code, kind.label) == ("site_visit", "Visite de chantier ou d'atelier")
        assert db.session.get(Event, event_id).kind_label == "Visite de chantier ou d'atelier"
        assert db.session.scalar(select(Follow.user_id).where(Follow.target_type == "event_kind",
                                                              Follow.target_id == kind_id)) == follower.id
        # The event's search document carries the kind's name: it is re-indexed.
        hit = search("bouchayer", db.session.get(User, follower.id), kinds=["events.event"]).hits[0]
        assert hit.fields["summary"].startswith("Visite de chantier ou d'atelier · ")
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "events.kind_rename"))
        assert (entry.target, entry.detail) == ("Visite de chantier ou d'atelier", "Visite de chantier")
    # Filter links made before the rename still work, and show the new name.
    html = client.get("/events/a-venir?kind=site_visit").get_data(as_text=True)
    assert "Visite du chantier Bouchayer-Viallet" in html
    assert '<option value="site_visit" selected>Visite de chantier ou d&#39;atelier</option>' in html
    assert "Visite de chantier ou d&#39;atelier" in client.get(f"/events/{event_id}").get_data(as_text=True)


def test_rename_to_an_existing_name_refused_in_its_row_with_the_typed_name_kept(client, login_as, app):
    with app.app_context():
        forum_id = db.session.scalar(select(EventKind.id).where(EventKind.code == "forum"))
    login_as("admin")
    page = client.get("/events/types").get_data(as_text=True)
    response = client.post(f"/events/types/{forum_id}", data={"csrf_token": csrf_token(page), "label": "visite de chantier"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Le type n&#39;a pas été renommé" in html
    row = _row(html, "Forum ou job dating")
    assert 'value="visite de chantier"' in row and 'aria-invalid="true"' in row
    assert f'<p class="field-error" id="rename-{forum_id}-error">Ce type d&#39;événement existe déjà.</p>' in row
    # Renaming a kind to its own name in other capitals is allowed.
    response = client.post(f"/events/types/{forum_id}", data={"csrf_token": csrf_token(page), "label": "Forum ou Job Dating"})
    assert response.status_code == 302
    response = client.post(f"/events/types/{forum_id}", data={"csrf_token": csrf_token(page), "label": "é" * 101})
    html = response.get_data(as_text=True)
    assert "100 caractères au maximum." in html and f'value="{"é" * 101}"' in html
    with app.app_context():
        assert db.session.get(EventKind, forum_id).label == "Forum ou Job Dating"


def test_delete_refused_while_an_event_uses_the_kind(client, login_as, make_event, app):
    make_event(kind="training")
    make_event(kind="training", title="Webinaire marchés réservés")
    with app.app_context():
        kind_id = db.session.scalar(select(EventKind.id).where(EventKind.code == "training"))
    login_as("admin")
    page = client.get("/events/types").get_data(as_text=True)
    assert "Type utilisé" in _row(page, "Formation ou webinaire")
    response = client.post(f"/events/types/{kind_id}/supprimer", data={"csrf_token": csrf_token(page)},
                           follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "« Formation ou webinaire » est le type de 2 événements : il ne peut pas être supprimé." in html
    with app.app_context():
        assert db.session.get(EventKind, kind_id) is not None
        assert db.session.scalar(select(db.func.count(Event.id)).where(Event.kind == "training")) == 2
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "events.kind_delete")) is None


def test_delete_an_unused_kind_removes_its_follows(client, login_as, make_user, make_event, app):
    follower = make_user()
    make_event(kind="forum")
    with app.app_context():
        user = db.session.get(User, follower.id)
        other = db.session.scalar(select(EventKind).where(EventKind.code == "other"))
        forum = db.session.scalar(select(EventKind).where(EventKind.code == "forum"))
        other_id, forum_id = other.id, forum.id
        follow(user, other)
        follow(user, forum)
        db.session.commit()
    login_as("admin")
    page = client.get("/events/types").get_data(as_text=True)
    assert 'data-confirm="Supprimer le type « Autre » ? 1 membre le suit : ce suivi sera retiré."' in page
    response = client.post(f"/events/types/{other_id}/supprimer", data={"csrf_token": csrf_token(page)}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Type d&#39;événement « Autre » supprimé." in html
    assert "<td>Autre</td>" not in html
    with app.app_context():
        assert db.session.get(EventKind, other_id) is None
        follows = list(db.session.scalars(select(Follow).where(Follow.target_type == "event_kind")))
        assert [(f.user_id, f.target_id) for f in follows] == [(follower.id, forum_id)]
        assert db.session.scalar(select(AuditEntry.target).where(AuditEntry.action == "events.kind_delete")) == "Autre"
    # Old links filtering on the deleted kind show the unfiltered calendar, not an error.
    for url in ("/events/?kind=other", "/events/semaine?kind=other", "/events/a-venir?kind=other"):
        assert client.get(url).status_code == 200
    login_as(follower)
    page = client.get("/events/mon-agenda").get_data(as_text=True)
    assert '<label for="kind_ids-0">Action conjointe' in page and ">Autre</label>" not in page
    assert client.get("/events/types").status_code == 403


@pytest.mark.parametrize("role", ["member", "coanimator"])
def test_only_admins_manage_kinds(client, login_as, app, role):
    with app.app_context():
        kind_id = db.session.scalar(select(EventKind.id).where(EventKind.code == "other"))
    login_as(role)
    page = client.get("/events/").get_data(as_text=True)
    assert "/events/types" not in page
    token = csrf_token(client.get("/profile").get_data(as_text=True))
    assert client.get("/events/types").status_code == 403
    assert client.post("/events/types", data={"csrf_token": token, "label": "Intrus"}).status_code == 403
    assert client.post(f"/events/types/{kind_id}", data={"csrf_token": token, "label": "Intrus"}).status_code == 403
    assert client.post(f"/events/types/{kind_id}/supprimer", data={"csrf_token": token}).status_code == 403
    assert client.post("/events/types/987654/supprimer", data={"csrf_token": token}).status_code == 403
    with app.app_context():
        assert db.session.get(EventKind, kind_id).label == "Autre" and _kind("Intrus") is None
    login_as("admin")
    assert 'href="/events/types"' in client.get("/events/").get_data(as_text=True)
    assert client.post("/events/types/987654/supprimer", data={"csrf_token": token}).status_code == 404
    assert client.post("/events/types/987654", data={"csrf_token": token, "label": "x"}).status_code == 404


def test_anonymous_sent_to_login(client, app):
    assert client.get("/events/types").status_code == 302
    assert "/login" in client.get("/events/types").headers["Location"]


def test_hostile_names_never_break_the_page(client, login_as, app):
    with app.app_context():
        kind_id = db.session.scalar(select(EventKind.id).where(EventKind.code == "other"))
    login_as("admin")
    token = csrf_token(client.get("/events/types").get_data(as_text=True))
    for value in ("ab\x00cd", "<script>alert(1)</script>", "x" * 120_000, "   ", "-1"):
        for url in ("/events/types", f"/events/types/{kind_id}"):
            response = client.post(url, data={"csrf_token": token, "label": value})
            assert response.status_code in (200, 302), (url, value)
            assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
        response = client.post(url, data={"csrf_token": token})
        assert response.status_code == 200 and "Indiquez un nom." in response.get_data(as_text=True)
    assert client.get("/events/types").status_code == 200
