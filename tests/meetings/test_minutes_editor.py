"""The minutes editor loses nothing typed (issue 13, item 1): text typed in the minutes, then
"Ajouter la décision" or "Ajouter l'action" clicked before "Enregistrer", is saved with the
decision or action. Posted here exactly as a browser without JavaScript posts the page's form;
tests/meetings/test_minutes_editor_js.py does the same in Chromium."""
from __future__ import annotations

import html as htmllib

import pytest

from network_space.extensions import db
from network_space.meetings.models import Meeting
from tests.helpers import submit_as_browser
from tests.meetings.conftest import make_held_meeting

TEXT = "## Tour de table\n\nLa CAPI présente **trois** marchés."


def _editor(app, make_user, login_as):
    organiser = make_user("coanimator")
    with app.app_context():
        meeting_id = make_held_meeting(organiser.id, minutes="Premier jet")
    login_as(organiser)
    return meeting_id, f"/meetings/{meeting_id}/minutes/edit"


@pytest.mark.parametrize("button, field, anchor", [
    ("Ajouter la décision", "decision-text", "#decisions"), ("Ajouter l'action", "action-title", "#actions")])
def test_adding_a_decision_or_an_action_saves_the_text_typed_above(app, client, make_user, login_as,
                                                                    button, field, anchor):
    meeting_id, url = _editor(app, make_user, login_as)
    response = submit_as_browser(client, url, button, {"body": TEXT, field: "Relancer les bailleurs"})
    assert response.status_code == 302 and response.headers["Location"].endswith(anchor)
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        assert meeting.minutes.body == TEXT
        assert [d.text for d in meeting.decisions] + [a.title for a in meeting.actions] == ["Relancer les bailleurs"]
    page = client.get(url).get_data(as_text=True)
    assert "Tour de table" in page and "Relancer les bailleurs" in page


def test_saving_the_text_also_adds_a_decision_typed_but_not_added(app, client, make_user, login_as):
    meeting_id, url = _editor(app, make_user, login_as)
    submit_as_browser(client, url, "Enregistrer", {"body": TEXT, "decision-text": "Adopter la charte"})
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        assert meeting.minutes.body == TEXT and [d.text for d in meeting.decisions] == ["Adopter la charte"]


def test_an_empty_decision_is_refused_but_the_text_is_saved(app, client, make_user, login_as):
    meeting_id, url = _editor(app, make_user, login_as)
    response = submit_as_browser(client, url, "Ajouter la décision", {"body": TEXT, "decision-text": ""})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Ce champ est obligatoire" in page or "obligatoire" in page
    assert "Tour de table" in page  # the text is still in the editor
    # Said at the top as well as under the field, which may sit below the screen's end.
    assert "La décision n'est pas ajoutée : voir le message sous son champ." in htmllib.unescape(page)
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        assert meeting.minutes.body == TEXT and meeting.decisions == []


def test_a_refused_action_keeps_what_was_typed_in_both(app, client, make_user, login_as):
    meeting_id, url = _editor(app, make_user, login_as)
    response = submit_as_browser(client, url, "Ajouter l'action",
                                 {"body": TEXT, "action-title": "Relancer", "action-due_date": "2027-02-30"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Tour de table" in page and 'value="Relancer"' in page
    assert "L'action n'est pas ajoutée : voir le message sous ses champs." in htmllib.unescape(page)
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        assert meeting.minutes.body == TEXT and meeting.actions == []


def test_a_refused_action_adds_nothing_twice_and_keeps_the_typed_decision(app, client, make_user, login_as):
    meeting_id, url = _editor(app, make_user, login_as)
    typed = {"body": TEXT, "decision-text": "Adopter la charte", "action-title": "Relancer",
             "action-due_date": "2027-02-30"}
    response = submit_as_browser(client, url, "Ajouter l'action", typed)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Adopter la charte" in page and 'value="Relancer"' in page  # still there, to submit again
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        assert meeting.minutes.body == TEXT  # the text, at least, is saved
        assert meeting.decisions == [] and meeting.actions == []


def test_two_editors_at_once_the_second_save_does_not_overwrite_the_first(app, client, login_as, make_user):
    """Claire and Marc open the editor on the same version; Claire saves; Marc's save is refused
    with his text kept, then goes through once he saves again knowingly."""
    import re as _re

    from network_space.meetings.models import Meeting
    from tests.meetings.conftest import make_held_meeting

    claire = login_as("coanimator")
    with app.app_context():
        meeting_id = make_held_meeting(claire.id, minutes="Version de départ")
    url = f"/meetings/{meeting_id}/minutes/edit"
    page = client.get(url).get_data(as_text=True)
    token = _re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    opened_on = _re.search(r'name="revision" type="hidden" value="(\d+)"', page).group(1)
    first = client.post(url, data={"csrf_token": token, "revision": opened_on, "body": "Texte de Claire"})
    assert first.status_code == 302
    second = client.post(url, data={"csrf_token": token, "revision": opened_on, "body": "Texte de Marc"})
    html = second.get_data(as_text=True)
    assert second.status_code == 409 and "rien n&#39;est enregistré" in html.replace("'", "&#39;")
    assert "Texte de Marc" in html  # what he typed is kept
    with app.app_context():
        assert db.session.get(Meeting, meeting_id).minutes.body == "Texte de Claire"
    again = _re.search(r'name="revision" type="hidden" value="(\d+)"', html).group(1)
    assert client.post(url, data={"csrf_token": token, "revision": again, "body": "Texte de Marc"}).status_code == 302
    with app.app_context():
        assert db.session.get(Meeting, meeting_id).minutes.body == "Texte de Marc"
