"""Experience write-ups ("fiches retour d'expérience"): the structured fields on the thread's
card, the cards page with its filters, and the DOCX / ODT / PDF files to share outside the
network, read back from the bytes sent (the XML inside the archives, the PDF's text)."""
from __future__ import annotations

import html as htmllib
import io
import re
import zipfile

from sqlalchemy import select

from network_space.extensions import db


def _writeup_fixture(app, make_user, make_thread):
    from network_space.directory.models import Organisation, OrganisationKind
    from network_space.library.models import Sector
    from network_space.library.services import ensure_defaults

    with app.app_context():
        ensure_defaults()
        kind = OrganisationKind(name="Bailleur social", slug="bailleur-social", group="buyer")
        esat_kind = OrganisationKind(name="ESAT", slug="esat", group="disability")
        db.session.add_all([kind, esat_kind])
        db.session.flush()
        landlord = Organisation(name="Alpes Habitat Solidaire", kind_id=kind.id)
        hospital = Organisation(name="Centre hospitalier des Trois Vallées", kind_id=kind.id)
        db.session.add_all([landlord, hospital])
        db.session.commit()
        btp = db.session.scalar(select(Sector.id).where(Sector.name == "Bâtiment et travaux publics"))
        cleaning = db.session.scalar(select(Sector.id).where(Sector.name == "Propreté et nettoyage"))
        ids = (landlord.id, hospital.id, btp, cleaning)
    author = make_user(full_name="Inès Garnier")
    building = make_thread(author, category="Retours d'expérience", kind="writeup",
                           title="Réhabilitation de 120 logements", body="Je partage ce chantier, suivi par @ines.garnier.",
                           tags=["bailleurs"], writeup={
                               "context": "Réhabilitation thermique, **4 lots**.", "buyer_id": ids[0],
                               "clause_mechanism": "execution", "sector_id": ids[2], "insertion_hours": 4200,
                               "participants": 17, "what_worked": "- Réunion de lancement\n- GEIQ BTP",
                               "difficulties": "Lot menuiseries", "advice": "Mutualiser les heures entre lots",
                               "contact": "Inès Garnier, La Métro"})
    cleaning_id = make_thread(author, category="Retours d'expérience", kind="writeup",
                              title="Nettoyage réservé à un ESAT", body="Premier marché réservé.", writeup={
                                  "context": "Entretien des locaux", "buyer_id": ids[1],
                                  "clause_mechanism": "reserve_l2113_12", "sector_id": ids[3],
                                  "insertion_hours": 3100, "participants": 9, "what_worked": "",
                                  "difficulties": "", "advice": "", "contact": ""})
    return building, cleaning_id, ids


def test_the_writeup_card_shows_its_fields(app, client, login_as, make_user, make_thread):
    building, _cleaning, _ids = _writeup_fixture(app, make_user, make_thread)
    login_as("member")
    page = client.get(f"/discussions/{building}").get_data(as_text=True)
    card = page[page.index('class="card writeup-card"'):page.index('class="message message-opening"')]
    for text in ("Alpes Habitat Solidaire", "Condition d&#39;exécution (art. L2112-2)", "Bâtiment et travaux publics",
                 "4\u202f200 heures", "17 personnes", "Inès Garnier, La Métro", "<strong>4 lots</strong>",
                 "<li>GEIQ BTP</li>", "Mutualiser les heures entre lots"):
        assert text in card, text


def test_the_list_row_of_a_writeup_shows_buyer_sector_and_hours(app, client, login_as, make_user, make_thread):
    """In the list, the write-up's buyer, sector and hours (loaded by their own statement), the
    hours grouped as on the card."""
    _building, _cleaning, ids = _writeup_fixture(app, make_user, make_thread)
    make_thread(make_user(), category="Retours d'expérience", kind="writeup", title="Sans acheteur précisé",
                body="Un retour.", writeup={"context": "Espaces verts", "clause_mechanism": "execution",
                                            "sector_id": ids[3], "insertion_hours": 1}, )
    login_as("member")
    page = client.get("/discussions/?type=writeup").get_data(as_text=True)
    assert "Alpes Habitat Solidaire · Bâtiment et travaux publics · 4\u202f200 heures d'insertion" in page
    # What is not given leaves no stray separator.
    assert '<p class="result-meta">Propreté et nettoyage · 1 heure d\'insertion</p>' in page
    assert "<span>0 réponse</span>" in page  # French plural: singular for 0 (network_space/core/catalog.py)


def test_writeup_cards_filter_by_their_fields(app, client, login_as, make_user, make_thread):
    building, cleaning, (landlord, hospital, btp, cleaning_sector) = _writeup_fixture(app, make_user, make_thread)
    make_thread(make_user(), title="Une simple question")
    login_as("member")

    def cards(query=""):
        html = client.get("/discussions/fiches" + query).get_data(as_text=True)
        return re.findall(r'<h2><a href="/discussions/(\d+)">', html)

    assert sorted(map(int, cards())) == sorted([building, cleaning])
    assert cards(f"?acheteur={hospital}") == [str(cleaning)]
    assert cards("?mecanisme=execution") == [str(building)]
    assert cards(f"?secteur={btp}") == [str(building)]
    assert cards("?heures_min=4000") == [str(building)]
    assert cards("?heures_min=5000") == []
    # Hours that are no whole number: the filter says so and is not applied (it was silently dropped).
    for typed in ("12,5", "99999999999999999999999"):
        html = client.get(f"/discussions/fiches?heures_min={typed}").get_data(as_text=True)
        assert "Indiquez un nombre entier d'heures, par exemple 500 : ce filtre n'est pas appliqué." in htmllib.unescape(html)
        assert 'aria-invalid="true"' in html
    assert "ce filtre n" not in client.get("/discussions/fiches?heures_min=4000").get_data(as_text=True)
    listing = client.get(f"/discussions/?mecanisme=reserve_l2113_12").get_data(as_text=True)
    assert "Nettoyage réservé à un ESAT" in listing and "Une simple question" not in listing


def test_export_docx_odt_and_pdf(app, client, login_as, make_user, make_thread):
    from pypdf import PdfReader

    building, _cleaning, _ids = _writeup_fixture(app, make_user, make_thread)
    login_as("member")
    docx = client.get(f"/discussions/{building}/fiche.docx")
    assert docx.headers["Content-Disposition"] == f'attachment; filename="fiche-retour-experience-{building}.docx"'
    xml = zipfile.ZipFile(io.BytesIO(docx.data)).read("word/document.xml").decode()
    for text in ("Réhabilitation de 120 logements", "Alpes Habitat Solidaire", "4\u202f200 heures", "Contexte",
                 "4 lots", "GEIQ BTP", "Mutualiser les heures entre lots", "Je partage ce chantier, suivi par "):
        assert text in xml, text
    # Read outside the network: the member's name, not their handle; the year of a kept document.
    assert "@Inès Garnier" in xml and "ines.garnier" not in xml
    assert re.search(r"Inès Garnier · \w+ \d{1,2}(?:er)? \w+ \d{4}", xml)
    odt = client.get(f"/discussions/{building}/fiche.odt")
    assert odt.mimetype == "application/vnd.oasis.opendocument.text"
    content = zipfile.ZipFile(io.BytesIO(odt.data)).read("content.xml").decode()
    assert "Réhabilitation de 120 logements" in content and "Conseils pour reproduire" in content
    pdf = client.get(f"/discussions/{building}/fiche.pdf")
    assert pdf.data.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Alpes Habitat Solidaire" in text and "Mutualiser les heures" in text
    # The replies are the network's own conversation: not exported.
    plain = make_thread(make_user(), title="Pas une fiche")
    assert client.get(f"/discussions/{plain}/fiche.docx").status_code == 404


def test_deleting_the_opening_message_of_a_writeup_erases_its_fields(app, client, login_as, make_user, make_thread):
    from network_space.discussions.models import WriteUp

    building, _cleaning, _ids = _writeup_fixture(app, make_user, make_thread)
    login_as("coanimator")
    token_page = client.get(f"/discussions/{building}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', token_page).group(1)
    assert client.post(f"/discussions/{building}/supprimer", data={"csrf_token": token}).status_code == 302
    with app.app_context():
        assert db.session.get(WriteUp, building) is None
    assert client.get(f"/discussions/{building}/fiche.docx").status_code == 404
    assert "Message supprimé" in client.get(f"/discussions/{building}").get_data(as_text=True)


def test_editing_offers_a_write_up_only_where_one_can_be_saved(app, client, login_as, make_user, make_thread):
    """A thread's category is not changed by editing it: in a category without write-ups the type
    is not offered (it was, and saving it was refused); where it can be, the contact is its author."""
    author = make_user(full_name="Sophie Lambert")
    question = make_thread(author, category="Questions et entraide")
    login_as(author)
    page = client.get(f"/discussions/{question}/modifier").get_data(as_text=True)
    assert 'value="question"' in page and 'value="writeup"' not in page and "writeup-fields" not in page
    shared = make_thread(author, category="Retours d'expérience", title="Un chantier")
    page = client.get(f"/discussions/{shared}/modifier").get_data(as_text=True)
    assert 'value="writeup"' in page and 'name="contact"' in page
    assert re.search(r'name="contact"[^>]*value="Sophie Lambert[^"]*"', page)
