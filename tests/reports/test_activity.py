"""The co-animation's activity report: figures computed from the site's data for a period, the
page, its period form and its DOCX/ODT/PDF files, and the registry other domains plug into."""
from __future__ import annotations

import io
import re
from datetime import date, datetime, timezone

import pytest
from docx import Document as DocxDocument
from odf import opendocument, table as odf_table, teletype, text as odf_text
from pypdf import PdfReader
from werkzeug.datastructures import FileStorage

from network_space.accounts.models import Structure, User
from network_space.core.dates import to_paris
from network_space.directory.models import Organisation
from network_space.directory.reference import ensure_default_kinds
from network_space.events.models import Event, Registration
from network_space.extensions import db
from network_space.library import services as library
from network_space.library.models import Category, Resource, ResourceDownload
from network_space.meetings.models import Meeting, MeetingInvitee
from network_space.reports import activity
from tests.helpers import count_queries

PERIOD = activity.Period(date(2026, 1, 1), date(2026, 6, 30))


def at(year, month, day, hour=10):
    return datetime(year, month, day, hour, tzinfo=timezone.utc)


def _user(name, created, role="member", active=True):
    user = User(email=f"{name.lower().replace(' ', '.')}@example.org", full_name=name, role=role, active=active,
                password_hash="x", created_at=created)
    db.session.add(user)
    return user


def _meeting(title, starts, status="published", attendance=()):
    meeting = Meeting(title=title, kind="pleniere", status=status, starts_at=starts, ends_at=starts)
    db.session.add(meeting)
    for index, value in enumerate(attendance):
        meeting.invitees.append(MeetingInvitee(user=_user(f"{title} invité {index}", at(2025, 1, 1)), attendance=value))
    return meeting


def _organisation(name, kind, created):
    organisation = Organisation(name=name, kind=kind, created_at=created)
    db.session.add(organisation)
    return organisation


@pytest.fixture
def activity_data(ctx):
    """A half-year with known figures, and things just outside it that must not count."""
    kinds = ensure_default_kinds()
    library.ensure_defaults()
    # Meetings: two held in the period (one with attendance 3 present of 4), one without
    # attendance recorded, one draft, one before the period.
    _meeting("Plénière de printemps", at(2026, 3, 12), attendance=["present", "present", "present", "absent"])
    _meeting("Groupe bailleurs", at(2026, 5, 20), status="held", attendance=["present", "excused"])
    _meeting("Sans relevé", at(2026, 6, 2), status="held", attendance=[None, None])
    _meeting("Brouillon", at(2026, 4, 1), status="draft", attendance=["present"])
    _meeting("Avant", at(2025, 12, 31, 22), attendance=["present"])  # 23:00 in Paris, 31 December: before
    # 1 January 2026 at 00:30 in Paris is 23:30 UTC the day before: in the period.
    _meeting("Nouvel an", datetime(2025, 12, 31, 23, 30, tzinfo=timezone.utc), attendance=["absent"])

    category = db.session.scalar(db.select(Category.id))
    guide = Resource(title="Guide des clauses", kind="note", body="x", category_id=category, created_at=at(2026, 2, 1))
    old = Resource(title="Ancien modèle", kind="link", url="https://example.org", category_id=category,
                   created_at=at(2025, 6, 1))
    db.session.add_all([guide, old])
    db.session.flush()
    db.session.add_all([ResourceDownload(resource_id=guide.id, downloaded_at=at(2026, 2, d)) for d in (2, 3, 4)])
    db.session.add_all([ResourceDownload(resource_id=old.id, downloaded_at=at(2026, 3, 1)),
                        ResourceDownload(resource_id=old.id, downloaded_at=at(2026, 7, 1))])  # after

    buyer = _organisation("Isère Habitat", kinds["bailleur-social"], at(2026, 2, 10))
    _organisation("ESAT du Grésivaudan", kinds["esat"], at(2025, 3, 1))
    _organisation("EA des Alpes", kinds["ea"], at(2026, 4, 1))
    _organisation("EA de Vienne", kinds["ea"], at(2026, 5, 1))
    _organisation("ACI Trièves", kinds["aci"], at(2026, 8, 1))  # after the period
    people = [_user(f"Inscrit {n}", at(2025, 1, 1)) for n in range(4)]
    joint = Event(title="Action avec les bailleurs", kind="joint_action", starts_at=at(2026, 3, 5), ends_at=at(2026, 3, 5))
    forum = Event(title="Forum emploi", kind="forum", starts_at=at(2026, 4, 5), ends_at=at(2026, 4, 5))
    forum.partners.append(buyer)  # a buyer among its partners: a joint action too
    visit = Event(title="Visite de chantier", kind="site_visit", starts_at=at(2026, 5, 5), ends_at=at(2026, 5, 5))
    cancelled = Event(title="Annulé", kind="forum", status="cancelled", starts_at=at(2026, 5, 6), ends_at=at(2026, 5, 6))
    db.session.add_all([joint, forum, visit, cancelled])
    db.session.flush()
    for event, users in ((joint, people[:2]), (forum, people[:3]), (visit, people[:1]), (cancelled, people)):
        for user in users:
            db.session.add(Registration(event_id=event.id, user_id=user.id))
    db.session.add(Registration(event_id=visit.id, user_id=people[3].id, status="waiting"))  # not registered

    _user("Nouvelle Facilitatrice", at(2026, 3, 1))
    _user("Partie", at(2026, 3, 2), active=False)
    _user("Future", at(2026, 9, 1))
    db.session.add_all([Structure(name="GIP Nord-Isère", created_at=at(2024, 1, 1)),
                        Structure(name="Association Sud", created_at=at(2026, 4, 1)),
                        Structure(name="Fermée", created_at=at(2026, 4, 2), active=False)])
    db.session.commit()


def _figures(section) -> dict[str, object]:
    return {f.label: f.value for f in section.figures}


def test_the_report_adds_up_the_period(activity_data):
    sections = {s.key: s for s in activity.report(PERIOD)}
    meetings = sections["meetings"]
    assert _figures(meetings) == {"Réunions tenues": 4, "Réunion plénière": 4, "Présences": 4,
                                  "Taux de présence": pytest.approx(4 / 7)}
    assert [row[0] for row in meetings.table.rows] == ["Nouvel an", "Plénière de printemps", "Groupe bailleurs", "Sans relevé"]
    assert meetings.table.rows[1][3:] == ["4", "3", "75\u00a0%"] and meetings.table.rows[3][4:] == ["—", "—"]
    assert "1 réunion sans présences relevées" in meetings.note

    library = _figures(sections["library"])
    assert library["Ressources partagées"] == 1 and library["Note"] == 1 and library["Téléchargements"] == 4
    assert sections["library"].table.rows == [["Guide des clauses", "3"], ["Ancien modèle", "1"]]

    events = sections["events"]
    assert _figures(events) == {"Événements": 3, "dont actions conjointes avec des donneurs d'ordre": 2,
                                "Inscriptions": 6, "Inscriptions aux actions conjointes": 5}
    assert [r[0] for r in events.table.rows] == ["Action avec les bailleurs", "Forum emploi", "Visite de chantier"]
    assert events.table.rows[1][3] == "Isère Habitat" and events.table.rows[0][3] == "—"

    members = _figures(sections["members"])
    # Active accounts created before the end of June: the invitees and registrants (2025) and the new one.
    assert members["Nouveaux membres"] == 1 and members["Nouvelles structures"] == 1
    assert members["Membres à la fin de la période"] == db.session.scalar(
        db.select(db.func.count(User.id)).where(User.active.is_(True), User.created_at < at(2026, 7, 1)))
    assert sections["members"].table.rows == [["Association Sud", "mercredi 1er avril 2026"]]

    directory = sections["directory"]
    assert _figures(directory)["Partenaires du secteur du handicap ajoutés"] == 2
    assert _figures(directory)["Partenaires du secteur du handicap à la fin de la période"] == 3
    assert directory.table.rows[0] == ["Secteur du handicap", "1", "2", "3", "200\u00a0%"]
    assert directory.table.rows[1][:4] == ["Donneurs d'ordre", "0", "1", "1"]


def test_a_download_is_dated_for_the_report(ctx):
    library.ensure_defaults()
    author = _user("Autrice", at(2025, 1, 1))
    db.session.flush()
    stored = library.store_file(FileStorage(stream=io.BytesIO(b"Clause type"), filename="clause.txt"))
    resource = library.create_resource(author, {"kind": "file", "title": "Clause type", "tags": [], "sector_ids": [],
                                                "category_id": db.session.scalar(db.select(Category.id)),
                                                "visibility": "members"}, stored, None)
    db.session.commit()
    library.record_download(resource.versions[0])
    db.session.commit()
    (download,) = db.session.scalars(db.select(ResourceDownload)).all()
    assert download.resource_id == resource.id
    today = to_paris(download.downloaded_at).date()
    figures = _figures(next(s for s in activity.report(activity.Period(today, today)) if s.key == "library"))
    assert figures["Téléchargements"] == 1


def test_the_page_is_for_coanimators_with_the_current_year_by_default(client, login_as, activity_data):
    login_as("member")
    assert client.get("/reports/activity").status_code == 403
    assert client.get("/reports/activity.pdf").status_code == 403
    login_as("coanimator")
    html = client.get("/reports/activity").get_data(as_text=True)
    year = datetime.now(timezone.utc).year
    assert f'value="{year}-01-01"' in html and f'value="{year}-12-31"' in html
    html = client.get("/reports/activity?start=2026-01-01&end=30/06/2026").get_data(as_text=True)
    assert "du jeudi 1er janvier 2026 au mardi 30 juin 2026" in html
    assert 'value="2026-06-30"' in html  # the date typed the French way, as the date field can show it
    section = re.search(r'<section class="card activity-section" aria-labelledby="section-events">.*?</section>', html, re.S).group(0)
    assert "<dt>dont actions conjointes avec des donneurs d&#39;ordre</dt><dd>2</dd>" in section
    assert "/reports/activity.docx?start=2026-01-01&amp;end=2026-06-30" in html


@pytest.mark.parametrize("query, message", [
    ("start=2026-13-01&end=2026-06-30", "Indiquez une date valide"),
    ("start=&end=2026-06-30", "Indiquez une date valide"),
    ("start=2026-07-01&end=2026-06-30", "La fin de la période doit suivre son début."),
    ("start=2000-01-01&end=2026-06-30", "Une période de cinq ans au plus."),
    ("start=9999-01-01&end=9999-12-31", "Indiquez une date entre 2000 et 2100."),  # the day after overflows
    ("start=0001-01-01&end=0001-12-31", "Indiquez une date entre 2000 et 2100."),
])
def test_a_bad_period_is_explained_and_kept(client, login_as, query, message):
    login_as("coanimator")
    response = client.get(f"/reports/activity?{query}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and message in html and "activity-section" not in html
    assert f'value="{query.split("&")[0].split("=")[1]}"' in html or query.startswith("start=&")
    # A file for such a period is not made: back to the page that says what is wrong.
    response = client.get(f"/reports/activity.odt?{query}")
    assert response.status_code == 302 and "/reports/activity?" in response.headers["Location"]


def test_the_report_files_hold_the_sections(client, login_as, activity_data):
    login_as("coanimator")
    query = "?start=2026-01-01&end=2026-06-30"
    response = client.get(f"/reports/activity.docx{query}")
    assert response.headers["Content-Disposition"] == 'attachment; filename="rapport-activite-2026-01-01-2026-06-30.docx"'
    document = DocxDocument(io.BytesIO(response.data))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["Réunions du réseau", "Ressources partagées", "Événements et actions conjointes",
                        "Discussions entre membres", "Membres et structures", "Annuaire des partenaires"]
    assert "Taux de présence : 57,1\u00a0%" in [p.text for p in document.paragraphs]
    assert [c.text for c in document.tables[0].rows[2].cells] == [
        "Plénière de printemps", "jeudi 12 mars 2026", "Réunion plénière", "4", "3", "75\u00a0%"]

    odt = opendocument.load(io.BytesIO(client.get(f"/reports/activity.odt{query}").data))
    assert [teletype.extractText(h) for h in odt.getElementsByType(odf_text.H)] == headings
    tables = odt.getElementsByType(odf_table.Table)
    events_table = next(t for t in tables if "Forum emploi" in teletype.extractText(t))
    assert "Isère Habitat" in teletype.extractText(events_table)

    reader = PdfReader(io.BytesIO(client.get(f"/reports/activity.pdf{query}").data))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Rapport d'activité de la co-animation" in text and "du jeudi 1er janvier 2026 au mardi 30 juin 2026" in text
    assert "Inscriptions aux actions conjointes : 5" in text and "Secteur du handicap 1 2 3 200 %" in text
    assert [item.title for item in reader.outline] == headings


def test_a_domain_plugs_its_section_in(client, login_as, ctx):
    """A section registered with @activity_section (here the discussions') shows on the page and
    in the files, in its place."""
    assert "discussions" in activity._providers
    login_as("coanimator")
    html = client.get("/reports/activity").get_data(as_text=True)
    assert (html.index("Événements et actions conjointes") < html.index("Discussions entre membres")
            < html.index("Membres et structures"))
    assert "<dt>Discussions ouvertes</dt>" in html
    document = DocxDocument(io.BytesIO(client.get("/reports/activity.docx").data))
    assert any(p.text.startswith("Discussions ouvertes : ") for p in document.paragraphs)


def test_the_report_runs_a_fixed_number_of_queries(app, client, login_as, activity_data):
    login_as("coanimator")

    def queries() -> int:
        with count_queries(app) as counter:
            assert client.get("/reports/activity?start=2026-01-01&end=2026-06-30").status_code == 200
        return counter.count

    few = queries()
    with app.app_context():
        for n in range(10):
            _meeting(f"Réunion {n}", at(2026, 2, n + 1), attendance=["present", "absent"])
            _organisation(f"ESAT {n}", ensure_default_kinds()["esat"], at(2026, 3, 1))
            db.session.add(Event(title=f"Événement {n}", kind="forum", starts_at=at(2026, 4, n + 1), ends_at=at(2026, 4, n + 1)))
        db.session.commit()
    assert queries() == few
