"""The document writers (core/documents/): one outline written as DOCX, ODT and PDF, each file
read back with the library a reader would use (python-docx, odfpy, pypdf) and, where those hide
it, in its raw XML or bytes."""
from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document as DocxDocument
from docx.oxml.ns import qn
from flask_babel import force_locale
from odf import draw, opendocument, svg, table as odf_table, teletype, text as odf_text
from PIL import Image as PILImage
from pypdf import PdfReader

from network_space.core import documents as doc
from network_space.core.documents.outline import _is_numbered


def _png(width: int = 120, height: int = 60) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), (30, 90, 160)).save(buffer, "PNG")
    return buffer.getvalue()


MARKDOWN = """# Tour de table

Un **point fort** et une *nuance*, voir [le guide](https://example.org/guide).
Deuxième ligne du même paragraphe.

1. Bailleurs
   - Isère Habitat
2. Voirie

| Territoire | Heures |
|---|---:|
| Trièves | 1 200 |
"""


def _outline() -> doc.Outline:
    return doc.Outline("Bilan 2026 — Cœur de Chartreuse", [
        doc.Title("Bilan 2026 — Cœur de Chartreuse", "Réseau des facilitateurs · 1\u202f234 € « engagés »"),
        doc.Heading("Chiffres clés"),
        doc.Fields([("Heures réalisées", "12\u202f480"), ("Territoires", "17")]),
        doc.Paragraph([doc.Run("Très "), doc.Run("bonne", bold=True), doc.Run(" année", italic=True)]),
        doc.ItemList([doc.ListItem("Premier"), doc.ListItem("Second")], numbered=True),
        doc.Paragraph("Entre deux listes."),
        doc.ItemList([doc.ListItem("Encore un")], numbered=True),
        doc.Table(["Territoire", "Heures"], [["Trièves", "1\u202f200"], ["Massif du Vercors", "0"]],
                  caption="Heures par territoire", align="lr"),
        doc.Image(_png(), alt="Carte : le Vercors sans facilitateur", caption="Figure 1 — couverture"),
        doc.PageBreak(),
        doc.Heading("Compte-rendu"),
        *doc.markdown_blocks(MARKDOWN, heading_offset=1),
    ], subject="Bilan départemental", author="Co-animation")


def test_markdown_becomes_blocks_of_the_same_structure():
    blocks = doc.markdown_blocks(MARKDOWN + "\n```\nx = 1\n```\n\n[piège](ftp://x.org/f) ![schéma](https://x.org/a.png)",
                                 heading_offset=1)
    heading, paragraph, items, table, code, last = blocks
    assert heading == doc.Heading([doc.Run("Tour de table")], 2)
    assert [(r.text, r.bold, r.italic, r.href) for r in paragraph.text] == [
        ("Un ", False, False, None), ("point fort", True, False, None), (" et une ", False, False, None),
        ("nuance", False, True, None), (", voir ", False, False, None),
        ("le guide", False, False, "https://example.org/guide"),
        (".\nDeuxième ligne du même paragraphe.", False, False, None)]
    assert items.numbered and [(doc.plain_text(i.text), i.level, _is_numbered(items, i)) for i in items.items] == [
        ("Bailleurs", 0, True), ("Isère Habitat", 1, False), ("Voirie", 0, True)]
    assert (table.header, table.rows, table.align) == (["Territoire", "Heures"], [["Trièves", "1 200"]], "lr")
    assert code.text[0].code and code.text[0].text == "x = 1"
    # A link of a scheme the site's HTML refuses is not a link; an image is not fetched: its text
    # alternative links to it, as on the page.
    assert doc.plain_text(last.text) == "piège schéma"
    assert {r.text.strip(): r.href for r in last.text if r.text.strip()} == {"piège": None, "schéma": "https://x.org/a.png"}


def test_markdown_list_item_with_two_paragraphs_stays_one_item():
    (items,) = doc.markdown_blocks("- Premier point\n\n  suite du premier\n- Second")
    assert [doc.plain_text(i.text) for i in items.items] == ["Premier point\nsuite du premier", "Second"]


def test_docx_holds_the_outline():
    data = doc.to_docx(_outline())
    document = DocxDocument(io.BytesIO(data))
    assert document.core_properties.title == "Bilan 2026 — Cœur de Chartreuse"
    assert document.core_properties.language == "fr-FR"
    styled = [(p.style.name, p.text) for p in document.paragraphs if p.text]
    assert styled[:3] == [("Title", "Bilan 2026 — Cœur de Chartreuse"),
                          ("Subtitle", "Réseau des facilitateurs · 1\u202f234 € « engagés »"),
                          ("Heading 1", "Chiffres clés")]
    assert ("Heading 2", "Tour de table") in styled and ("Caption", "Heures par territoire") in styled
    assert ("List Bullet 2", "Isère Habitat") in styled and ("List Number", "Voirie") in styled
    fields = next(p for p in document.paragraphs if p.text.startswith("Heures réalisées"))
    assert [(r.text, bool(r.bold)) for r in fields.runs] == [("Heures réalisées : ", True), ("12\u202f480", False)]
    formatted = next(p for p in document.paragraphs if p.text == "Très bonne année")
    assert [(r.text, bool(r.bold), bool(r.italic)) for r in formatted.runs] == [
        ("Très ", False, False), ("bonne", True, False), (" année", False, True)]
    paragraph = next(p for p in document.paragraphs if p.text.startswith("Un point fort"))
    assert "Deuxième ligne" in paragraph.text and paragraph.hyperlinks[0].address == "https://example.org/guide"

    # Each numbered list starts again at 1: its own numbering instance, its start overridden.
    numbered = [p for p in document.paragraphs if p.style.name == "List Number"]
    num_ids = [p._p.pPr.numPr.numId.val for p in numbered]
    assert [p.text for p in numbered] == ["Premier", "Second", "Encore un", "Bailleurs", "Voirie"]
    assert num_ids[0] == num_ids[1] != num_ids[2] != num_ids[3] == num_ids[4]
    numbering = document.part.numbering_part.element
    for num_id in set(num_ids):
        num = numbering.num_having_numId(num_id)
        assert num.find(qn("w:lvlOverride")).find(qn("w:startOverride")).get(qn("w:val")) == "1"

    first, second = document.tables
    assert [[c.text for c in row.cells] for row in first.rows] == [
        ["Territoire", "Heures"], ["Trièves", "1\u202f200"], ["Massif du Vercors", "0"]]
    assert first.rows[0].cells[0].paragraphs[0].runs[0].bold
    assert first.rows[1].cells[1].paragraphs[0].alignment == 2  # right: numbers
    assert [[c.text for c in row.cells] for row in second.rows] == [["Territoire", "Heures"], ["Trièves", "1 200"]]

    with zipfile.ZipFile(io.BytesIO(data)) as package:
        xml = package.read("word/document.xml").decode()
        styles = package.read("word/styles.xml").decode()
        assert [n for n in package.namelist() if n.startswith("word/media/")] == ["word/media/image1.png"]
    assert xml.count("<w:tblHeader/>") == 2  # header rows repeat on each page
    assert 'descr="Carte : le Vercors sans facilitateur"' in xml  # the image's text alternative
    assert 'w:type="page"' in xml
    assert '<w:lang w:val="fr-FR" ' in styles


def test_odt_holds_the_outline():
    data = doc.to_odt(_outline())
    odt = opendocument.load(io.BytesIO(data))
    blocks = [teletype.extractText(e) for e in odt.text.childNodes]
    assert blocks[:2] == ["Bilan 2026 — Cœur de Chartreuse", "Réseau des facilitateurs · 1\u202f234 € « engagés »"]
    headings = {teletype.extractText(h): h.getAttribute("outlinelevel") for h in odt.getElementsByType(odf_text.H)}
    assert headings == {"Chiffres clés": "1", "Compte-rendu": "1", "Tour de table": "2"}
    assert "Heures réalisées : 12\u202f480" in blocks and "Très bonne année" in blocks

    # Real lists: each numbered list is its own text:list; the bullet nests inside "Bailleurs".
    lists = [e for e in odt.text.childNodes if e.qname == (odf_text.TEXTNS, "list")]
    assert [[teletype.extractText(item.firstChild) for item in lst.childNodes] for lst in lists] == [
        ["Premier", "Second"], ["Encore un"], ["Bailleurs", "Voirie"]]
    nested = lists[2].childNodes[0].getElementsByType(odf_text.List)
    assert len(nested) == 1 and teletype.extractText(nested[0]) == "Isère Habitat"
    styles = {s.getAttribute("name"): s for s in odt.automaticstyles.getElementsByType(odf_text.ListStyle)}
    assert lists[0].getAttribute("stylename") == "Numbers" and nested[0].getAttribute("stylename") == "Bullets"
    assert styles["Numbers"].getElementsByType(odf_text.ListLevelStyleNumber)

    tables = odt.getElementsByType(odf_table.Table)
    assert len(tables) == 2
    header = tables[0].getElementsByType(odf_table.TableHeaderRows)[0]
    assert [teletype.extractText(c) for c in header.getElementsByType(odf_table.TableCell)] == ["Territoire", "Heures"]
    body_rows = [r for r in tables[0].childNodes if r.qname == (odf_table.TABLENS, "table-row")]
    assert [[teletype.extractText(c) for c in r.childNodes] for r in body_rows] == [
        ["Trièves", "1\u202f200"], ["Massif du Vercors", "0"]]

    paragraph = next(p for p in odt.getElementsByType(odf_text.P) if teletype.extractText(p).startswith("Un point fort"))
    assert paragraph.getElementsByType(odf_text.LineBreak)
    assert [a.getAttribute("href") for a in paragraph.getElementsByType(odf_text.A)] == ["https://example.org/guide"]
    assert [teletype.extractText(s) for s in paragraph.getElementsByType(odf_text.Span)] == ["point fort", "nuance"]

    (frame,) = odt.getElementsByType(draw.Frame)
    assert teletype.extractText(frame.getElementsByType(svg.Title)[0]) == "Carte : le Vercors sans facilitateur"
    (image,) = frame.getElementsByType(draw.Image)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert package.read(image.getAttribute("href")) == _png()
        meta = package.read("meta.xml").decode()
    assert "<dc:title>Bilan 2026 — Cœur de Chartreuse</dc:title>" in meta and "<dc:language>fr-FR</dc:language>" in meta


def test_pdf_holds_the_outline_in_an_embedded_font():
    data = doc.to_pdf(_outline())
    reader = PdfReader(io.BytesIO(data))
    assert reader.metadata.title == "Bilan 2026 — Cœur de Chartreuse"
    assert len(reader.pages) == 2  # the page break
    # Words as read, whatever the line breaks and spaces (a no-break space counts as a space).
    first, second = (" ".join(page.extract_text().split()) for page in reader.pages)
    # French accents, œ, € and guillemets in the font; the narrow no-break space Vera lacks is
    # written as a (no-break) space, not as "?".
    assert "Bilan 2026 — Cœur de Chartreuse Réseau des facilitateurs · 1 234 € « engagés »" in first
    assert "Heures réalisées : 12 480" in first and "Massif du Vercors 0" in first and "Figure 1 — couverture" in first
    assert "1. Premier 2. Second Entre deux listes. 1. Encore un" in first
    assert "Un point fort et une nuance, voir le guide. Deuxième ligne" in second
    assert "1. Bailleurs • Isère Habitat 2. Voirie" in second and "Trièves 1 200" in second
    assert [item.title for item in reader.outline if not isinstance(item, list)] == ["Chiffres clés", "Compte-rendu"]
    assert [item.title for item in reader.outline[-1]] == ["Tour de table"]  # nested below its section

    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts.add((str(font["/BaseFont"]), "/FontFile2" in font.get("/FontDescriptor", {})))
    assert {name.split("+")[-1] for name, embedded in fonts if embedded} >= {"BitstreamVeraSans-Roman", "BitstreamVeraSans-Bold"}
    assert not [name for name, embedded in fonts if not embedded]
    images = [x for x in reader.pages[0]["/Resources"]["/XObject"].values() if x.get_object()["/Subtype"] == "/Image"]
    assert len(images) == 1
    assert b"/Lang (fr-FR)" in data
    link = reader.pages[1]["/Annots"][0].get_object()
    assert link["/A"]["/URI"] == "https://example.org/guide"


@pytest.mark.parametrize("extension", ["docx", "odt", "pdf"])
def test_hostile_text_is_written_as_text(extension):
    """Markup of the target format, XML special characters and control characters pasted in a
    text come out as the text the person typed (no error, no interpreted markup)."""
    nasty = 'A <b>&amp; "B"</b> <font size="80">C</font>\x01\x0b\x1f D'
    outline = doc.Outline(nasty * 20, [doc.Title(nasty), doc.Heading(nasty), doc.Paragraph(nasty),
                                  doc.Table([nasty], [[nasty]]), doc.Fields([(nasty, nasty)]),
                                  doc.ItemList([doc.ListItem(nasty)]),
                                  doc.Paragraph([doc.Run("lien", href='https://x.org/?a=1&b="2"')])])
    expected = 'A <b>&amp; "B"</b> <font size="80">C</font> D'
    data = doc.WRITERS[extension][0](outline)
    if extension == "docx":
        document = DocxDocument(io.BytesIO(data))
        texts = [p.text for p in document.paragraphs] + [document.tables[0].cell(1, 0).text]
    elif extension == "odt":
        texts = [teletype.extractText(p) for p in opendocument.load(io.BytesIO(data)).getElementsByType(odf_text.P)]
    else:
        texts = PdfReader(io.BytesIO(data)).pages[0].extract_text().split("\n")
    assert texts.count(expected) >= 4 and any(expected in t and "D :" not in t for t in texts)


@pytest.mark.parametrize("extension", ["docx", "odt", "pdf"])
def test_empty_outline_is_a_valid_file(extension):
    data = doc.WRITERS[extension][0](doc.Outline("Vide"))
    if extension == "docx":
        assert DocxDocument(io.BytesIO(data)).core_properties.title == "Vide"
    elif extension == "odt":
        assert opendocument.load(io.BytesIO(data)).text.childNodes == []
    else:
        assert len(PdfReader(io.BytesIO(data)).pages) == 1


def test_download_names_the_file_safely(app):
    with app.test_request_context():
        response = doc.download(doc.Outline("x"), "pdf", "bilan/../2026 été")
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="bilan_.._2026_ete.pdf"'


@pytest.mark.parametrize(("language", "label"), [("fr", "Heures : "), ("en", "Heures: ")])
def test_a_field_label_takes_the_colon_of_the_readers_language(app, language, label):
    outline = doc.Outline("Bilan", [doc.Fields([("Heures", "12")])])
    with app.test_request_context(), force_locale(language):
        docx, odt, pdf = doc.to_docx(outline), doc.to_odt(outline), doc.to_pdf(outline)
    [paragraph] = [p for p in DocxDocument(io.BytesIO(docx)).paragraphs if p.text]
    assert [(r.text, bool(r.bold)) for r in paragraph.runs] == [(label, True), ("12", False)]
    content = opendocument.load(io.BytesIO(odt))
    assert [teletype.extractText(p) for p in content.getElementsByType(odf_text.P)] == [label + "12"]
    assert label + "12" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_a_pdf_table_keeps_a_number_whole():
    """"8 500" holds a (narrow) no-break space: one word for ReportLab, so the column is made wide
    enough for it, not for "500" alone (it was cut "85 / 00" when the table was tight)."""
    long_text = "Marchés de travaux, d'entretien et de services avec clause d'insertion"
    rows = [[long_text, "8\u202f500 / 9\u202f000", long_text, "12\u202f500", long_text, "1\u202f234\u202f567"]
            for _ in range(3)]
    outline = doc.Outline("Chiffres", [doc.Table(["Donneur", "Heures", "Objet", "Marchés", "Notes", "Total"], rows,
                                                 align="lrlrlr")])
    text = PdfReader(io.BytesIO(doc.to_pdf(outline))).pages[0].extract_text()
    lines = [" ".join(line.split()) for line in text.splitlines()]
    for number in ("8 500", "9 000", "12 500", "1 234 567"):
        assert sum(number in line for line in lines) == 3, (number, lines)


def test_the_pdf_footer_keeps_a_long_title_s_end_or_says_it_is_cut():
    """The footer repeats the title on every page: one that fits is written whole (cut at 90
    characters, "…au jeudi 31 décembre 202" lost its year's last digit); a longer one ends with "…"."""
    fits = "Activité du réseau — du jeudi 1er janvier 2026 au jeudi 31 décembre 2026 (toutes structures)"
    too_long = "Bilan " + "très " * 60 + "long"
    for title, expected in ((fits, fits), (too_long, None)):
        text = PdfReader(io.BytesIO(doc.to_pdf(doc.Outline(title, [doc.Paragraph("Texte")])))).pages[0].extract_text()
        footer = [line for line in text.splitlines() if line.startswith(("Activité", "Bilan"))][-1]
        if expected:
            assert " ".join(footer.split()).startswith(expected), footer
        else:
            assert footer.rstrip().endswith("…") and len(footer) < len(too_long), footer
