"""The minutes exported for Word, LibreOffice and as PDF: the same content, in the same order, in
files the real libraries read back (the writers themselves: tests/core/test_documents.py)."""
from __future__ import annotations

import io
import re

from docx import Document
from odf import opendocument, table as odf_table, teletype, text as odf_text
from pypdf import PdfReader

from network_space.accounts.models import User
from network_space.extensions import db
from network_space.meetings import minutes as minutes_services
from network_space.meetings.models import Meeting
from tests.meetings.conftest import make_held_meeting, take_place

MINUTES = "## Tour de table\n\nChaque facilitateur présente\nses chantiers.\n\n- Bailleurs : 570 heures\n- Voirie : 120 heures"
EXPECTED = ["Tour de table", "Chaque facilitateur présente", "ses chantiers.", "Bailleurs : 570 heures",
            "Voirie : 120 heures", "Décisions", "Adopter la charte", "Actions", "Relancer les bailleurs"]


def _published(app, make_user, publish: bool = True):
    organiser, alice = make_user("coanimator"), make_user("member")
    with app.app_context():
        meeting_id = make_held_meeting(organiser.id, minutes=MINUTES)
        meeting = db.session.get(Meeting, meeting_id)
        actor = db.session.get(User, organiser.id)
        minutes_services.add_decision(meeting, "Adopter la charte")
        minutes_services.add_action(meeting, actor, "Relancer les bailleurs", alice.id, None)
        if publish:
            take_place(meeting)
            minutes_services.publish_minutes(meeting, actor)
        db.session.commit()
    return organiser, meeting_id


def _in_order(text: str, expected: list[str]) -> bool:
    positions = [text.find(e) for e in expected]
    return -1 not in positions and positions == sorted(positions)


def test_word_libreoffice_and_pdf_files_hold_the_minutes(client, login_as, make_user, app):
    organiser, meeting_id = _published(app, make_user)
    login_as(organiser)

    response = client.get(f"/meetings/{meeting_id}/minutes.docx")
    assert response.headers["Content-Disposition"] == f'attachment; filename="compte-rendu-{meeting_id}.docx"'
    document = Document(io.BytesIO(response.data))
    text = "\n".join(p.text for p in document.paragraphs)
    text += "\n" + "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert _in_order(text, EXPECTED[:7]) and "Relancer les bailleurs" in text
    assert [p.style.name for p in document.paragraphs if p.text == "Tour de table"] == ["Heading 3"]  # under the document's sections
    # The date as pages write it, with the year of a document kept.
    assert re.search(r"\w+ \d{1,2}(?:er)? \w+ \d{4}, de \d\d:\d\d à \d\d:\d\d", text), text

    response = client.get(f"/meetings/{meeting_id}/minutes.odt")
    assert response.mimetype == "application/vnd.oasis.opendocument.text"
    assert response.headers["Content-Disposition"] == f'attachment; filename="compte-rendu-{meeting_id}.odt"'
    odt = opendocument.load(io.BytesIO(response.data))
    text = teletype.extractText(odt.text)
    blocks = [teletype.extractText(e) for e in odt.text.childNodes]
    assert _in_order("\n".join(blocks), EXPECTED)
    headings = {teletype.extractText(h): h.getAttribute("outlinelevel") for h in odt.getElementsByType(odf_text.H)}
    assert headings["Tour de table"] == "3" and headings["Décisions"] == "1"
    lists = [[teletype.extractText(i) for i in e.childNodes] for e in odt.text.childNodes if e.qname == (odf_text.TEXTNS, "list")]
    assert lists == [["Bailleurs : 570 heures", "Voirie : 120 heures"], ["Adopter la charte"]]  # minutes, decisions
    assert len(odt.getElementsByType(odf_table.Table)) == 2  # attendance, actions
    assert odt.getElementsByType(odf_text.LineBreak)  # the soft line break of the Markdown is kept

    response = client.get(f"/meetings/{meeting_id}/minutes.pdf")
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == f'attachment; filename="compte-rendu-{meeting_id}.pdf"'
    reader = PdfReader(io.BytesIO(response.data))
    assert reader.metadata.title.startswith("Compte-rendu — ")
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert _in_order(text, EXPECTED) and "• Bailleurs : 570 heures" in " ".join(text.split())


def test_draft_minutes_are_not_downloaded_by_members(client, login_as, make_user, app):
    organiser, meeting_id = _published(app, make_user, publish=False)
    login_as(make_user("member"))
    for extension in ("docx", "odt", "pdf"):
        assert client.get(f"/meetings/{meeting_id}/minutes.{extension}").status_code == 403
    login_as(organiser)
    assert client.get(f"/meetings/{meeting_id}/minutes.odt").status_code == 200
