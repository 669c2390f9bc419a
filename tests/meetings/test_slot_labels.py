"""The slot-proposal form: each field of each row has its own accessible name, so a screen-reader
user can tell "Date, créneau 2" from "Date, créneau 3"."""
from __future__ import annotations

import re
from html import unescape

from network_space.extensions import db
from tests.meetings.conftest import make_meeting


def _labels(html: str) -> dict[str, str]:
    """Label text of every slot field, by the id of the field it names."""
    return {field_id: unescape(re.sub(r"\s+", " ", text)).strip()
            for field_id, text in re.findall(r'<label[^>]*for="(slots-\d+-\w+)"[^>]*>(.*?)</label>', html, re.S)}


def test_every_slot_field_has_its_own_name(app, client, login_as):
    organiser = login_as("coanimator")
    with app.app_context():
        meeting_id = make_meeting(organiser.id)
        db.session.remove()
    html = client.get(f"/meetings/{meeting_id}/slots").get_data(as_text=True)
    labels = _labels(html)
    inputs = re.findall(r'<input[^>]*id="(slots-\d+-(?:day|start|end))"', html)
    assert len(inputs) >= 18 and set(inputs) == set(labels)
    assert len(set(labels.values())) == len(labels), "two fields share a name"
    for field_id, label in labels.items():
        row = int(field_id.split("-")[1]) + 1
        name = {"day": "Date", "start": "Début", "end": "Fin"}[field_id.rsplit("-", 1)[1]]
        assert label == f"{name}, créneau {row}", (field_id, label)
