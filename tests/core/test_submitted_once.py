"""A form sent twice does its work once (core/forms.SubmittedOnce, through attempt()): a reply, a
message to an event's registrants, a new partner, an edit. What the browser's guard (site.js)
cannot catch: JavaScript off, a post sent again by the browser or a proxy, two at the same instant.
The second sending leads where the first went (the reply, the partner's page), saying so."""
from __future__ import annotations

import re
import threading

from sqlalchemy import func, select

from network_space.core.forms import FormSubmission
from network_space.discussions.models import Reply
from network_space.directory.demo import fictional_siret
from network_space.directory.models import Organisation
from network_space.events.models import Registration
from network_space.extensions import db
from tests.directory.conftest import reference  # noqa: F401 - fixture
from tests.discussions.conftest import category_id, discussions_ready, make_thread  # noqa: F401 - fixtures
from tests.events.conftest import make_event  # noqa: F401 - fixture
from tests.helpers import _FormsAsBrowser, csrf_token

SENT_ALREADY = "Ce formulaire vient déjà d&#39;être envoyé"
SAVED_ONCE = "Ce formulaire avait déjà été envoyé (double clic, ou page envoyée de nouveau) : il n&#39;est enregistré qu&#39;une fois"


def _led_to_the_first(client, first, again) -> str:
    """The second sending's answer: a redirect where the first went, whose page says it."""
    assert first.status_code == 302 and again.status_code == 302
    assert again.headers["Location"] == first.headers["Location"]
    page = client.get(again.headers["Location"], follow_redirects=True).get_data(as_text=True)
    assert SAVED_ONCE in page
    return page


def _replies(app, thread_id) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Reply.id)).where(Reply.thread_id == thread_id))


def test_a_reply_sent_twice_is_posted_once(app, client, login_as, make_thread):
    author = login_as("member")
    thread_id = make_thread(author)
    page = client.get(f"/discussions/{thread_id}").get_data(as_text=True)
    action, data = _FormsAsBrowser(page).submission("Publier la réponse", {"body": "Oui, avec le CCAS."})
    first = client.post(action, data=data)
    again = client.post(action, data=data)
    assert "Oui, avec le CCAS." in _led_to_the_first(client, first, again)
    assert _replies(app, thread_id) == 1
    # A new page is a new form: the same words may be posted again, on purpose.
    page = client.get(f"/discussions/{thread_id}").get_data(as_text=True)
    action, data = _FormsAsBrowser(page).submission("Publier la réponse", {"body": "Oui, avec le CCAS."})
    assert client.post(action, data=data).status_code == 302
    assert _replies(app, thread_id) == 2


def test_two_sendings_at_the_same_instant_post_once(app, login_as, make_user, make_thread):
    author = make_user("member")
    thread_id = make_thread(author)
    first, second = app.test_client(), app.test_client()
    with first.session_transaction() as session:
        session["_user_id"], session["_fresh"] = author.session_token, True
    page = first.get(f"/discussions/{thread_id}").get_data(as_text=True)
    second.set_cookie("session", first.get_cookie("session").value)  # the same browser, twice
    action, data = _FormsAsBrowser(page).submission("Publier la réponse", {"body": "Deux clics, une réponse."})
    barrier, answers = threading.Barrier(2), []

    def post(client):
        barrier.wait()
        answers.append(client.post(action, data=data))

    threads = [threading.Thread(target=post, args=(c,)) for c in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Whichever came second waited for the first's answer and was sent to the same reply.
    assert [a.status_code for a in answers] == [302, 302]
    assert answers[0].headers["Location"] == answers[1].headers["Location"]
    assert _replies(app, thread_id) == 1


def test_a_message_to_registrants_sent_twice_is_queued_once(app, client, login_as, make_user, make_event):
    from network_space.core.outbox import OutboxMessage

    organiser = login_as("coanimator")
    event_id = make_event(organisers=[organiser])
    with app.app_context():
        db.session.add_all(Registration(event_id=event_id, user_id=make_user().id) for _ in range(2))
        db.session.commit()
    page = client.get(f"/events/{event_id}/message").get_data(as_text=True)
    action, data = _FormsAsBrowser(page).submission("Envoyer", {"subject": "Plan d'accès", "body": "Parking derrière."})
    first = client.post(action or f"/events/{event_id}/message", data=data)
    _led_to_the_first(client, first, client.post(action or f"/events/{event_id}/message", data=data))
    with app.app_context():
        assert db.session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.subject == "Plan d'accès")) == 2


def test_a_refused_sending_leaves_the_form_free_to_go_once_corrected(app, client, login_as, reference, make_user):  # noqa: F811
    from network_space.directory import services
    from network_space.directory.models import OrganisationKind

    kinds, _ = reference
    taken = fictional_siret(5)
    with app.app_context():
        services.create_organisation({"name": "Déjà là (fictif)", "kind": db.session.get(OrganisationKind, kinds["ea"]),
                                      "siret": taken}, None)
        db.session.commit()
    login_as("member")
    page = client.get("/directory/new").get_data(as_text=True)
    typed = {"name": "ESAT du Test (fictif)", "kind": str(kinds["esat"]), "siret": taken}
    action, data = _FormsAsBrowser(page).submission("Enregistrer", typed)
    refused = client.post(action or "/directory/new", data=data)
    assert refused.status_code == 200 and SENT_ALREADY not in refused.get_data(as_text=True)
    data["siret"] = fictional_siret(6)  # corrected on the same page
    first = client.post(action or "/directory/new", data=data)
    assert "ESAT du Test (fictif)" in _led_to_the_first(client, first, client.post(action or "/directory/new", data=data))
    with app.app_context():
        assert db.session.scalar(select(func.count(Organisation.id)).where(
            Organisation.name == "ESAT du Test (fictif)")) == 1


def test_an_edit_sent_twice_is_named_for_what_it_is_not_a_colleague_s_change(app, client, login_as, make_event):
    organiser = login_as("coanimator")
    event_id = make_event(organisers=[organiser])
    url = f"/events/{event_id}/modifier"
    action, data = _FormsAsBrowser(client.get(url).get_data(as_text=True)).submission(
        "Enregistrer", {"title": "Job dating du printemps"})
    first = client.post(action or url, data=data)
    again = _led_to_the_first(client, first, client.post(action or url, data=data))
    assert "modifiée depuis l&#39;ouverture de ce formulaire" not in again


def test_a_hostile_token_is_only_a_form_without_one(app, client, login_as, make_thread):
    author = login_as("member")
    thread_id = make_thread(author)
    token = csrf_token(client.get(f"/discussions/{thread_id}").get_data(as_text=True))
    for hostile in ("", "x" * 5000, "' OR 1=1 --", "é" * 20):
        response = client.post(f"/discussions/{thread_id}/repondre",
                               data={"csrf_token": token, "submission": hostile, "body": f"Réponse {len(hostile)}"})
        assert response.status_code == 302
    assert _replies(app, thread_id) == 4
    with app.app_context():
        assert all(re.fullmatch(r"[A-Za-z0-9_-]{16,64}", t) for t in db.session.scalars(select(FormSubmission.token)))


def test_an_agenda_item_sent_twice_is_added_once(app, client, login_as):
    from network_space.meetings.models import AgendaItem
    from tests.meetings.conftest import make_meeting

    organiser = login_as("coanimator")
    with app.app_context():
        meeting_id = make_meeting(organiser.id)
    page = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    action, data = _FormsAsBrowser(page).submission("Ajouter", {"title": "Bilan des heures d'insertion"})
    first = client.post(action, data=data)
    _led_to_the_first(client, first, client.post(action, data=data))
    with app.app_context():
        assert db.session.scalar(select(func.count(AgendaItem.id)).where(
            AgendaItem.title == "Bilan des heures d'insertion")) == 1


def test_a_form_whose_first_sending_was_answered_with_a_page_is_refused_there(app, client, login_as, make_thread):
    """Nowhere to lead (the first sending was answered with a page, not sent on): the form comes
    back with what was typed and the reason, and nothing is saved twice."""
    author = login_as("member")
    thread_id = make_thread(author)
    page = client.get(f"/discussions/{thread_id}").get_data(as_text=True)
    action, data = _FormsAsBrowser(page).submission("Publier la réponse", {"body": "Oui, avec le CCAS."})
    assert client.post(action, data=data).status_code == 302
    with app.app_context():
        submission = db.session.get(FormSubmission, data["submission"])
        assert submission.location.startswith(f"/discussions/{thread_id}")
        submission.location = ""
        db.session.commit()
    again = client.post(action, data=data).get_data(as_text=True)
    assert SENT_ALREADY in again and "Oui, avec le CCAS." in again
    assert _replies(app, thread_id) == 1
