"""The outline as PDF (tagged with its title and language), with ReportLab."""
from __future__ import annotations

import io
import re
import unicodedata
from xml.sax.saxutils import escape as xml_escape

from reportlab import platypus
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.fonts import addMapping
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from network_space.core.documents.outline import (
    Fields, Heading, Image, Inline, ItemList, ListItem, Outline, PageBreak, Paragraph, Run, Table, Title, _clean,
    _is_numbered, plain_text, runs)
from network_space.core.i18n import colon_sign

PDF_MIMETYPE = "application/pdf"

# Bitstream Vera, shipped inside the ReportLab wheel: a real TrueType font, embedded in the file,
# with French accents, œ, «», € and typographic quotes. No system font is needed.
_PDF_FONT = "NSVera"
_PDF_MONO = "Courier"  # one of the PDF standard fonts (cp1252 covers French)
# Characters Vera lacks, replaced by the nearest one it has (Babel writes French thousands with a
# narrow no-break space).
_PDF_SUBSTITUTES = {"\u202f": "\u00a0", "\u2009": " ", "\u2011": "-", "\u2192": "->", "\u2190": "<-"}
_pdf_glyphs: set[int] = set()


def _pdf_fonts() -> None:
    if _pdf_glyphs:
        return
    fonts = {(0, 0): "Vera.ttf", (1, 0): "VeraBd.ttf", (0, 1): "VeraIt.ttf", (1, 1): "VeraBI.ttf"}
    for (bold, italic), filename in fonts.items():
        name = _PDF_FONT + "-Bold" * bold + "-Italic" * italic
        font = TTFont(name, filename)
        pdfmetrics.registerFont(font)
        addMapping(_PDF_FONT, bold, italic, name)
        if not bold and not italic:
            _pdf_glyphs.update(font.face.charToGlyph)


def _pdf_text(text: str) -> str:
    """The text with characters the font lacks replaced (their compatibility form, else "?")."""
    result = []
    for char in text:
        if ord(char) in _pdf_glyphs or char == "\n":
            result.append(char)
        elif char in _PDF_SUBSTITUTES:
            result.append(_PDF_SUBSTITUTES[char])
        else:
            fallback = unicodedata.normalize("NFKD", char)
            result.append(fallback if fallback and all(ord(c) in _pdf_glyphs for c in fallback) else "?")
    return "".join(result)


def _pdf_markup(value: Inline) -> str:
    """ReportLab's paragraph markup for the runs, every character of user text escaped."""
    parts = []
    for item in runs(value):
        piece = xml_escape(_pdf_text(item.text)).replace("\n", "<br/>")
        if item.code:
            piece = f'<font face="{_PDF_MONO}">{piece}</font>'
        if item.italic:
            piece = f"<i>{piece}</i>"
        if item.bold:
            piece = f"<b>{piece}</b>"
        if item.href:
            piece = f'<link href="{xml_escape(item.href, {chr(34): "&quot;"})}" color="#1a4f8b"><u>{piece}</u></link>'
        parts.append(piece)
    return "".join(parts)


def _pdf_styles() -> dict:
    body = ParagraphStyle("Body", fontName=_PDF_FONT, fontSize=10, leading=13.5, spaceAfter=5)
    styles = {
        "body": body,
        "title": ParagraphStyle("Title", parent=body, fontSize=22, leading=27, spaceAfter=8, fontName=f"{_PDF_FONT}-Bold"),
        "subtitle": ParagraphStyle("Subtitle", parent=body, fontSize=13, leading=17, spaceAfter=14),
        "caption": ParagraphStyle("Caption", parent=body, fontSize=9, leading=11, fontName=f"{_PDF_FONT}-Italic"),
        "cell": ParagraphStyle("Cell", parent=body, fontSize=9, leading=11, spaceAfter=0),
        "item": ParagraphStyle("Item", parent=body, spaceAfter=2),
    }
    styles["cell_right"] = ParagraphStyle("CellRight", parent=styles["cell"], alignment=TA_RIGHT)
    styles["header"] = ParagraphStyle("Header", parent=styles["cell"], fontName=f"{_PDF_FONT}-Bold")
    styles["header_right"] = ParagraphStyle("HeaderRight", parent=styles["header"], alignment=TA_RIGHT)
    for level, size in enumerate((16, 13.5, 12, 11, 10, 10), start=1):
        styles[f"h{level}"] = ParagraphStyle(f"Heading{level}", parent=body, fontName=f"{_PDF_FONT}-Bold",
                                             fontSize=size, leading=size * 1.25, spaceBefore=10, spaceAfter=5,
                                             keepWithNext=True)
    return styles


def to_pdf(outline: Outline) -> bytes:
    _pdf_fonts()
    styles = _pdf_styles()
    buffer = io.BytesIO()
    margin = 2 * cm
    document = _PdfDocument(buffer, pagesize=A4, leftMargin=margin, rightMargin=margin, topMargin=margin,
                            bottomMargin=margin, title=_clean(outline.title), subject=_clean(outline.subject),
                            author=_clean(outline.author),
                            lang=outline.language, displayDocTitle=True, creator="network_space",
                            initialFontName=_PDF_FONT)
    available = A4[0] - 2 * margin
    story: list = []

    def add_list(block: ItemList) -> None:
        def build(items: list[ListItem], level: int, numbered: bool):
            flowables, index = [], 0
            while index < len(items):
                entry = [platypus.Paragraph(_pdf_markup(items[index].text), styles["item"])]
                index += 1
                children = []
                while index < len(items) and items[index].level > level:
                    children.append(items[index])
                    index += 1
                if children:
                    entry.append(build(children, level + 1, _is_numbered(block, children[0])))
                flowables.append(platypus.ListItem(entry))
            if numbered:
                return platypus.ListFlowable(flowables, bulletType="1", bulletFormat="%s.", bulletFontName=_PDF_FONT,
                                             bulletFontSize=10, leftIndent=18)
            return platypus.ListFlowable(flowables, bulletType="bullet", start="•", bulletFontName=_PDF_FONT,
                                         bulletFontSize=10, leftIndent=18)

        story.append(build(list(block.items), 0, block.numbered))
        story.append(platypus.Spacer(1, 4))

    for block in outline.blocks:
        if isinstance(block, Title):
            story.append(platypus.Paragraph(_pdf_markup(block.text), styles["title"]))
            if block.subtitle:
                story.append(platypus.Paragraph(_pdf_markup(block.subtitle), styles["subtitle"]))
        elif isinstance(block, Heading):
            level = min(max(block.level, 1), 6)
            heading = platypus.Paragraph(_pdf_markup(block.text), styles[f"h{level}"])
            heading.outline_entry = (_pdf_text(plain_text(block.text)), block.level)
            story.append(heading)
        elif isinstance(block, Paragraph):
            story.append(platypus.Paragraph(_pdf_markup(block.text), styles["body"]))
        elif isinstance(block, ItemList):
            if block.items:
                add_list(block)
        elif isinstance(block, Fields):
            for label, value in block.pairs:
                story.append(platypus.Paragraph(_pdf_markup([Run(f"{label}{colon_sign()} ", bold=True), *runs(value)]),
                                                 styles["body"]))
        elif isinstance(block, Table):
            width = len(block.header)
            data = []
            for index, values in enumerate([block.header, *block.rows]):
                cells = list(values)[:width] + [""] * (width - len(values))
                data.append([platypus.Paragraph(_pdf_markup(str(value)), styles[
                    ("header" if index == 0 else "cell") + ("_right" if block.align[c:c + 1] == "r" else "")])
                             for c, value in enumerate(cells)])
            table = platypus.Table(data, colWidths=_pdf_column_widths(block, available), repeatRows=1)
            table.setStyle(platypus.TableStyle([
                ("FONT", (0, 0), (-1, -1), _PDF_FONT),  # else the table sets Helvetica, a font not embedded
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]))
            parts = [table, platypus.Spacer(1, 8)]
            if block.caption:
                parts.insert(0, platypus.Paragraph(_pdf_markup(block.caption), styles["caption"]))
            story.extend(parts)
        elif isinstance(block, Image):
            picture = platypus.Image(io.BytesIO(block.png))
            width = min(block.width_cm * cm, available)
            picture.drawHeight = picture.imageHeight * width / picture.imageWidth
            picture.drawWidth = width
            parts = [picture]
            if block.caption:
                parts.append(platypus.Paragraph(_pdf_markup(block.caption), styles["caption"]))
            story.append(platypus.KeepTogether(parts))
            story.append(platypus.Spacer(1, 8))
        elif isinstance(block, PageBreak):
            story.append(platypus.PageBreak())
    if not story:
        story.append(platypus.Spacer(1, 1))
    document.build(story, onFirstPage=document.footer, onLaterPages=document.footer)
    return buffer.getvalue()


def _fitted(text: str, width: float, size: float) -> str:
    """``text`` as it fits on ``width`` points of one line: whole, or cut after a word with "…"
    (a title cut at a number of characters lost the last digit of its year)."""
    if pdfmetrics.stringWidth(text, _PDF_FONT, size) <= width:
        return text
    words = text.split(" ")
    while len(words) > 1 and pdfmetrics.stringWidth(" ".join(words) + " …", _PDF_FONT, size) > width:
        words.pop()
    return " ".join(words) + " …"


_BREAKS = re.compile(r"[ \t\r\n]+")


def _pdf_column_widths(block: Table, available: float) -> list[float]:
    """Each column at least as wide as its longest word (no word cut in two while the page has
    room), the rest of the width shared in proportion to the text each column holds; and, when
    there are too many columns for that, none narrower than a short word (ReportLab refuses a
    table whose column has no room at all)."""
    padding = 13  # ReportLab's cell padding, left and right, and a point to spare
    width = len(block.header)
    least, wanted = [padding] * width, [padding] * width
    for index, values in enumerate([block.header, *block.rows]):
        font = f"{_PDF_FONT}-Bold" if index == 0 else _PDF_FONT
        for column, value in enumerate(list(values)[:width]):
            text = _pdf_text(_clean(value))
            # Words between breakable spaces: "1 234 567" holds no-break spaces and stays whole.
            words = [pdfmetrics.stringWidth(word, font, 9) for word in _BREAKS.split(text)] or [0]
            least[column] = max(least[column], max(words) + padding)
            # Past 40 characters a text wraps anyway: it asks for no more than that.
            wanted[column] = max(wanted[column], min(pdfmetrics.stringWidth(text, font, 9), 40 * 5.5) + padding)
    if sum(least) >= available:
        floor = min(1.6 * cm, available / width)
        narrow = [w < floor for w in least]
        rest = sum(w for w, small in zip(least, narrow) if not small)
        room = available - floor * sum(narrow)
        return [floor if small else room * w / rest for w, small in zip(least, narrow)]
    spare = available - sum(least)
    extra = [w - m for w, m in zip(wanted, least)]
    if sum(extra) <= spare:  # everything fits on one line: share what is left by the wanted widths
        return [available * w / sum(wanted) for w in wanted]
    return [m + spare * e / sum(extra) for m, e in zip(least, extra)]


class _PdfDocument(platypus.SimpleDocTemplate):
    """Headings become the PDF's bookmarks (the reader's navigation pane); each page has the
    title and its number in the footer."""

    _outline_level = 0

    def afterFlowable(self, flowable):
        entry = getattr(flowable, "outline_entry", None)
        if entry:
            text, level = entry
            # A bookmark cannot be more than one level below the previous one.
            level = min(max(level, 1) - 1, self._outline_level + 1)
            key = f"h{id(flowable)}"
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(text, key, level=level, closed=level > 0)
            self._outline_level = level

    def footer(self, canvas, document):
        canvas.saveState()
        canvas.setFont(_PDF_FONT, 8)
        room = document.pagesize[0] - document.leftMargin - document.rightMargin - 1.5 * cm  # the page number beside
        canvas.drawString(document.leftMargin, 1.2 * cm, _fitted(_pdf_text(document.title), room, 8))
        canvas.drawRightString(document.pagesize[0] - document.rightMargin, 1.2 * cm, str(canvas.getPageNumber()))
        canvas.restoreState()
