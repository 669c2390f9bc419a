"""Documents a member downloads (minutes, write-ups, reports): one outline, three writers.

A domain builds an :class:`Outline` — a title and a list of blocks (headings, paragraphs, lists,
tables, images, page breaks, label/value fields) — and asks for it as Word (``to_docx``,
python-docx), OpenDocument (``to_odt``, odfpy, for LibreOffice) or PDF (``to_pdf``, ReportLab).
User-written Markdown becomes blocks through ``markdown_blocks``, parsed by the same parser as
the site's HTML (core/markdown.py), so a text reads the same on the page and in the file.

The three libraries do not cover everything a readable, accessible document needs, so this
module (and no other) reaches into python-docx's XML for: restarting a numbered list, a table's
header row repeated on each page, an image's text alternative, hyperlinks and the document's
language. Each place says so.
"""
from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Sequence, Union
from xml.sax.saxutils import escape as xml_escape

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement
from docx.shared import Cm, RGBColor
from flask import Response
from odf import dc, draw, style as odf_style, svg, table as odf_table, text as odf_text
from odf.opendocument import OpenDocumentText
from PIL import Image as PILImage
from reportlab import platypus
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.fonts import addMapping
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from werkzeug.utils import secure_filename

from network_space.core.i18n import colon_sign
from network_space.core.markdown import URL_SCHEMES, parse_markdown

# --- the outline ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """A piece of text with its inline formatting."""

    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    href: str | None = None


Inline = Union[str, Sequence[Run]]


@dataclass(frozen=True)
class Title:
    """The document's title, on top of its first page, and an optional line under it."""

    text: str
    subtitle: str = ""


@dataclass(frozen=True)
class Heading:
    """A section heading; level 1 is the document's own sections (the title is above them)."""

    text: Inline
    level: int = 1


@dataclass(frozen=True)
class Paragraph:
    """A paragraph; a "\\n" in a run is a line break inside it."""

    text: Inline


@dataclass(frozen=True)
class ListItem:
    text: Inline
    level: int = 0  # nesting depth, 0 for a top-level item
    numbered: bool | None = None  # a nested item's own list kind; None: the list's


def _is_numbered(block: "ItemList", item: ListItem) -> bool:
    return block.numbered if item.level == 0 or item.numbered is None else item.numbered


@dataclass(frozen=True)
class ItemList:
    """A bulleted or numbered list; a numbered list starts again at 1."""

    items: Sequence[ListItem]
    numbered: bool = False


@dataclass(frozen=True)
class Table:
    """A table with a header row (repeated on each page) and an optional caption above it.

    ``align`` gives each column's alignment, "l" or "r" (numbers), e.g. "lrr"; left by default."""

    header: Sequence[str]
    rows: Sequence[Sequence[str]]
    caption: str = ""
    align: str = ""


@dataclass(frozen=True)
class Image:
    """A PNG picture with its text alternative (required: what the picture says, for those who
    cannot see it) and an optional visible caption under it."""

    png: bytes
    alt: str
    caption: str = ""
    width_cm: float = 16.0


@dataclass(frozen=True)
class PageBreak:
    pass


@dataclass(frozen=True)
class Fields:
    """Label / value pairs, such as a card of facts ("Lieu : Grenoble")."""

    pairs: Sequence[tuple[str, str]]


Block = Union[Title, Heading, Paragraph, ItemList, Table, Image, PageBreak, Fields]


@dataclass
class Outline:
    """What a document holds, in order, whatever the file format."""

    title: str  # the file's metadata title
    blocks: list[Block] = field(default_factory=list)
    subject: str = ""
    author: str = ""
    language: str = "fr-FR"


# Characters XML 1.0 refuses (every format here is XML inside): a pasted control character must
# not turn a download into an error.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text) -> str:
    return _NOT_XML.sub("", str(text if text is not None else ""))


def runs(value: Inline) -> tuple[Run, ...]:
    """The runs of an inline value (a plain string is one unformatted run)."""
    if isinstance(value, str):
        return (Run(_clean(value)),)
    return tuple(Run(_clean(r.text), r.bold, r.italic, r.code, r.href) for r in value)


def plain_text(value: Inline) -> str:
    return "".join(r.text for r in runs(value))


# --- Markdown → blocks ---------------------------------------------------------------------------


def markdown_blocks(text: str | None, heading_offset: int = 1) -> list[Block]:
    """The blocks of a Markdown source: headings (``# x`` becomes level 1 + ``heading_offset``,
    so the text's sections sit below the document's), paragraphs, lists (nested), tables, code
    and quotations (as paragraphs). Bold, italics, code and links are kept; a line break typed in
    a paragraph stays a line break (the minutes are written line by line). Images are not
    fetched: their text alternative is written in their place."""
    blocks: list[Block] = []
    heading: int | None = None
    lists: list[tuple[bool, list[ListItem]]] = []  # the open lists, innermost last
    table: list[list[str]] | None = None
    row: list[str] | None = None
    align: str = ""
    new_item = False  # the next text opens a list item (else it is a further paragraph of it)
    for token in parse_markdown(text or ""):
        kind = token.type
        if kind == "list_item_open":
            new_item = True
        elif kind == "heading_open":
            heading = min(int(token.tag[1]) + heading_offset, 9)
        elif kind in ("bullet_list_open", "ordered_list_open"):
            if lists:
                lists.append((kind == "ordered_list_open", lists[-1][1]))  # nested items join the outer list
            else:
                lists.append((kind == "ordered_list_open", []))
        elif kind in ("bullet_list_close", "ordered_list_close"):
            numbered, items = lists.pop()
            if not lists:
                blocks.append(ItemList(items, numbered))
        elif kind == "table_open":
            table, align = [], ""
        elif kind == "tr_open":
            row = []
        elif kind == "th_open":
            align += "r" if "right" in (token.attrGet("style") or "") else "l"
        elif kind == "tr_close" and table is not None and row is not None:
            table.append(row)
        elif kind == "table_close" and table:
            width = len(table[0])
            blocks.append(Table(table[0], [(r + [""] * width)[:width] for r in table[1:]], align=align))
            table = None
        elif kind in ("inline", "code_block", "fence"):
            if kind == "inline":
                content = _inline_runs(token.children or [])
            else:
                content = [Run(_clean(token.content.rstrip("\n")), code=True)]
            if table is not None and row is not None:
                row.append(plain_text(content))
            elif heading is not None:
                blocks.append(Heading(content, heading))
            elif lists and new_item:
                lists[-1][1].append(ListItem(content, level=min(len(lists) - 1, 2), numbered=lists[-1][0]))
                new_item = False
            elif lists:
                last = lists[-1][1][-1]
                lists[-1][1][-1] = ListItem([*runs(last.text), Run("\n"), *content], last.level, last.numbered)
            else:
                blocks.append(Paragraph(content))
            heading = None
    return blocks


def _inline_runs(children) -> list[Run]:
    result: list[Run] = []
    bold = italic = 0
    href: str | None = None
    for child in children:
        kind = child.type
        if kind == "strong_open":
            bold += 1
        elif kind == "strong_close":
            bold -= 1
        elif kind == "em_open":
            italic += 1
        elif kind == "em_close":
            italic -= 1
        elif kind == "link_open":
            href = child.attrGet("href") or ""
            # The same schemes as the HTML: a "javascript:" link stays plain text.
            href = href if href.partition(":")[0].lower() in URL_SCHEMES and ":" in href else None
        elif kind == "link_close":
            href = None
        elif kind in ("softbreak", "hardbreak"):
            result.append(Run("\n"))
        elif kind in ("text", "code_inline", "image"):
            result.append(Run(_clean(child.content), bold=bold > 0, italic=italic > 0,
                              code=kind == "code_inline", href=href))
    return _merged(result)


def _merged(items: list[Run]) -> list[Run]:
    """Adjacent runs of the same formatting as one (the parser cuts text at every "*" tried)."""
    merged: list[Run] = []
    for item in items:
        if merged and (merged[-1].bold, merged[-1].italic, merged[-1].code, merged[-1].href) == (
                item.bold, item.italic, item.code, item.href):
            merged[-1] = Run(merged[-1].text + item.text, item.bold, item.italic, item.code, item.href)
        elif item.text:
            merged.append(item)
    return merged


# --- Word (DOCX) ---------------------------------------------------------------------------------

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT_MIMETYPE = "application/vnd.oasis.opendocument.text"
PDF_MIMETYPE = "application/pdf"


def to_docx(outline: Outline) -> bytes:
    document = docx.Document()
    properties = document.core_properties
    # python-docx refuses core properties longer than 255 characters.
    properties.title, properties.subject, properties.author = (
        _clean(value)[:255] for value in (outline.title, outline.subject, outline.author))
    properties.language = outline.language
    _docx_language(document, outline.language)
    styles = _DocxStyles(document)
    for block in outline.blocks:
        if isinstance(block, Title):
            styles.paragraph("Title", _clean(block.text))
            if block.subtitle:
                styles.paragraph("Subtitle", _clean(block.subtitle))
        elif isinstance(block, Heading):
            _docx_runs(styles.paragraph(f"Heading {min(max(block.level, 1), 9)}"), block.text)
        elif isinstance(block, Paragraph):
            _docx_runs(document.add_paragraph(), block.text)
        elif isinstance(block, ItemList):
            _docx_list(document, styles, block)
        elif isinstance(block, Fields):
            for label, value in block.pairs:
                paragraph = document.add_paragraph()
                paragraph.add_run(f"{_clean(label)}{colon_sign()} ").bold = True
                _docx_runs(paragraph, value)
        elif isinstance(block, Table):
            if block.caption:
                styles.paragraph("Caption", _clean(block.caption))
            width = len(block.header)
            table = document.add_table(rows=0, cols=width)
            table.style = "Table Grid"
            for index, values in enumerate([block.header, *block.rows]):
                row = table.add_row()
                if index == 0:
                    _docx_repeat_header(row)
                for column, (cell, value) in enumerate(zip(row.cells, list(values) + [""] * width)):
                    paragraph = cell.paragraphs[0]
                    paragraph.add_run(_clean(value)).bold = index == 0
                    if block.align[column:column + 1] == "r":
                        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif isinstance(block, Image):
            paragraph = document.add_paragraph()
            picture = paragraph.add_run().add_picture(io.BytesIO(block.png), width=Cm(block.width_cm))
            # python-docx has no API for the text alternative: it is the drawing's "descr".
            picture._inline.docPr.set("descr", _clean(block.alt))
            if block.caption:
                styles.paragraph("Caption", _clean(block.caption))
        elif isinstance(block, PageBreak):
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


class _DocxStyles:
    """Paragraphs with a style, the style found once per document. python-docx looks a style up
    by its name among all the document's styles, and compares it with the default style, on
    every paragraph: on a report of a few hundred paragraphs that was most of the time. Here
    the name is resolved once and the paragraph gets the style's id (w:pStyle) directly."""

    def __init__(self, document):
        self.document = document
        self.ids: dict[str, str] = {}

    def paragraph(self, style: str, text: str = ""):
        paragraph = self.document.add_paragraph(text)
        if style not in self.ids:
            self.ids[style] = self.document.styles[style].style_id
        paragraph._p.style = self.ids[style]
        return paragraph


def _docx_runs(paragraph, value: Inline) -> None:
    for item in runs(value):
        link = _docx_link(paragraph, item.href) if item.href else None
        lines = item.text.split("\n")
        for index, line in enumerate(lines):
            run = paragraph.add_run(line)
            if index < len(lines) - 1:
                run.add_break()
            run.bold, run.italic = item.bold or None, item.italic or None
            if item.code:
                run.font.name = "Courier New"
            if link is not None:
                run.font.underline = True
                run.font.color.rgb = _LINK_COLOUR
                link.append(run._r)  # moved from the paragraph into the link


_LINK_COLOUR = RGBColor(0x1A, 0x4F, 0x8B)


def _docx_link(paragraph, href: str):
    """An empty w:hyperlink at the end of the paragraph, to move runs into. python-docx reads
    hyperlinks but cannot write one: the relationship and the element are made by hand."""
    element = OxmlElement("w:hyperlink")
    element.set(qn("r:id"), paragraph.part.relate_to(href, RELATIONSHIP_TYPE.HYPERLINK, is_external=True))
    paragraph._p.append(element)
    return element


def _docx_list(document, styles: _DocxStyles, block: ItemList) -> None:
    restart_id = _docx_restarted_numbering(document, "List Number") if block.numbered else None
    for item in block.items:
        kind = "List Number" if _is_numbered(block, item) else "List Bullet"
        style = kind if item.level == 0 else f"{kind} {min(item.level, 2) + 1}"
        paragraph = styles.paragraph(style)
        if restart_id is not None and item.level == 0:
            paragraph._p.get_or_add_pPr().get_or_add_numPr().get_or_add_numId().val = restart_id
        _docx_runs(paragraph, item.text)


def _docx_restarted_numbering(document, style_name: str) -> int:
    """A numbering instance that starts at 1. Paragraphs of the "List Number" style share one
    counter through the whole document; python-docx has no API for a new list, so a new w:num
    pointing to the style's abstract numbering, with its start overridden, is added by hand."""
    numbering = document.part.numbering_part.numbering_definitions._numbering
    style_num_id = document.styles[style_name].element.pPr.numPr.numId.val
    abstract_id = numbering.num_having_numId(style_num_id).abstractNumId.val
    num = numbering.add_num(abstract_id)
    num.add_lvlOverride(ilvl=0).add_startOverride(1)
    return num.numId


def _docx_repeat_header(row) -> None:
    """Marks the row as the table's header (repeated on each page, announced by screen readers):
    w:tblHeader, which python-docx does not expose."""
    row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


def _docx_language(document, language: str) -> None:
    """The text's language (spelling, screen readers): w:lang on the default run properties,
    which python-docx does not expose."""
    rpr = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), language)


# --- OpenDocument (ODT) --------------------------------------------------------------------------


class _OdtWriter:
    def __init__(self, outline: Outline):

        self.document = OpenDocumentText()
        meta = self.document.meta
        meta.addElement(dc.Title(text=_clean(outline.title)))
        if outline.subject:
            meta.addElement(dc.Subject(text=_clean(outline.subject)))
        if outline.author:
            meta.addElement(dc.Creator(text=_clean(outline.author)))
        meta.addElement(dc.Language(text=outline.language))
        language, _, country = outline.language.partition("-")
        default = odf_style.DefaultStyle(family="paragraph")
        default.addElement(odf_style.TextProperties(language=language, country=country or "none"))
        self.document.styles.addElement(default)
        self._styles: dict[str, object] = {}
        self._counter = 0

    def style(self, name: str, family: str, automatic: bool = True, parent: str | None = None, **properties):
        """A named style, made once. ``properties`` are grouped by odfpy property element."""
        if name not in self._styles:
            attributes = {"name": name, "family": family}
            if parent:
                attributes["parentstylename"] = parent
            element = odf_style.Style(**attributes)
            for kind, values in properties.items():
                element.addElement(getattr(odf_style, kind)(**values))
            (self.document.automaticstyles if automatic else self.document.styles).addElement(element)
            self._styles[name] = element
        return self._styles[name]

    def heading_style(self, level: int):
        size = {0: "20pt", 1: "16pt", 2: "14pt", 3: "13pt"}.get(level, "12pt")
        return self.style(f"Heading_20_{level}", "paragraph", automatic=False,
                          TextProperties={"fontsize": size, "fontweight": "bold"},
                          ParagraphProperties={"margintop": "0.4cm", "marginbottom": "0.2cm", "keepwithnext": "always"})

    def fill(self, element, value: Inline) -> None:

        for item in runs(value):
            target = element
            if item.href:
                target = odf_text.A(href=item.href, type="simple")
                element.addElement(target)
            if item.bold or item.italic or item.code:
                name = "T" + "b" * item.bold + "i" * item.italic + "c" * item.code
                properties = {}
                if item.bold:
                    properties["fontweight"] = "bold"
                if item.italic:
                    properties["fontstyle"] = "italic"
                if item.code:
                    properties["fontfamily"] = "'Liberation Mono', 'Courier New', monospace"
                span = odf_text.Span(stylename=self.style(name, "text", TextProperties=properties))
                target.addElement(span)
                target = span
            for index, line in enumerate(item.text.split("\n")):
                if index:
                    target.addElement(odf_text.LineBreak())
                if line:
                    target.addText(line)

    def paragraph(self, value: Inline, stylename=None):

        element = odf_text.P(stylename=stylename) if stylename is not None else odf_text.P()
        self.fill(element, value)
        return element

    def add(self, block) -> None:

        body = self.document.text
        if isinstance(block, Title):
            body.addElement(self.paragraph(block.text, self.style(
                "Title", "paragraph", automatic=False, TextProperties={"fontsize": "22pt", "fontweight": "bold"},
                ParagraphProperties={"marginbottom": "0.3cm"})))
            if block.subtitle:
                body.addElement(self.paragraph(block.subtitle, self.style(
                    "Subtitle", "paragraph", automatic=False, TextProperties={"fontsize": "14pt"},
                    ParagraphProperties={"marginbottom": "0.4cm"})))
        elif isinstance(block, Heading):
            level = min(max(block.level, 1), 10)
            heading = odf_text.H(outlinelevel=level, stylename=self.heading_style(level))
            self.fill(heading, block.text)
            body.addElement(heading)
        elif isinstance(block, Paragraph):
            body.addElement(self.paragraph(block.text))
        elif isinstance(block, ItemList):
            body.addElement(self.item_list(block))
        elif isinstance(block, Fields):
            for label, value in block.pairs:
                element = self.paragraph([Run(f"{label}{colon_sign()} ", bold=True)])
                self.fill(element, value)
                body.addElement(element)
        elif isinstance(block, Table):
            self.table(block)
        elif isinstance(block, Image):
            self.image(block)
        elif isinstance(block, PageBreak):
            body.addElement(odf_text.P(stylename=self.style("PageBreak", "paragraph",
                                                        ParagraphProperties={"breakbefore": "page"})))

    def caption(self, value: str):
        return self.paragraph(value, self.style("Caption", "paragraph", automatic=False,
                                                TextProperties={"fontstyle": "italic", "fontsize": "10pt"},
                                                ParagraphProperties={"margintop": "0.1cm", "marginbottom": "0.2cm"}))

    def list_style(self, numbered: bool):
        name = "Numbers" if numbered else "Bullets"
        if name not in self._styles:
            list_style = odf_text.ListStyle(name=name)
            for level in range(1, 4):
                if numbered:
                    level_style = odf_text.ListLevelStyleNumber(level=level, numformat="1", numsuffix=".")
                else:
                    level_style = odf_text.ListLevelStyleBullet(level=level, bulletchar="•–◦"[level - 1])
                level_style.addElement(odf_style.ListLevelProperties(
                    spacebefore=f"{0.6 * level - 0.6:.1f}cm", minlabelwidth="0.6cm"))
                list_style.addElement(level_style)
            self.document.automaticstyles.addElement(list_style)
            self._styles[name] = list_style
        return self._styles[name]

    def item_list(self, block: ItemList):
        """A real text:list (a numbered list restarts at 1 by itself); a deeper item opens a list
        inside the previous item."""
        root = odf_text.List(stylename=self.list_style(block.numbered))
        stack = [root]  # the open list at each depth
        last_item = None
        for item in block.items:
            depth = min(item.level, len(stack)) if last_item is not None else 0
            del stack[depth + 1:]
            if depth == len(stack):
                nested = odf_text.List(stylename=self.list_style(_is_numbered(block, item)))
                last_item.addElement(nested)
                stack.append(nested)
            last_item = odf_text.ListItem()
            last_item.addElement(self.paragraph(item.text))
            stack[depth].addElement(last_item)
        return root

    def table(self, block: Table) -> None:
        body = self.document.text
        if block.caption:
            body.addElement(self.caption(block.caption))
        self._counter += 1
        width = len(block.header)
        element = odf_table.Table(name=f"Tableau{self._counter}")
        element.addElement(odf_table.TableColumn(numbercolumnsrepeated=width))
        cell_style = self.style("Cell", "table-cell",
                                TableCellProperties={"border": "0.5pt solid #000000", "padding": "0.1cm"})
        header_rows = odf_table.TableHeaderRows()
        element.addElement(header_rows)
        for index, values in enumerate([block.header, *block.rows]):
            row = odf_table.TableRow()
            for column, value in enumerate(list(values) + [""] * (width - len(values))):
                right = block.align[column:column + 1] == "r"
                name = ("Header" if index == 0 else "Body") + ("Right" if right else "")
                properties = {"ParagraphProperties": {"textalign": "end" if right else "start"}}
                if index == 0:
                    properties["TextProperties"] = {"fontweight": "bold"}
                cell = odf_table.TableCell(valuetype="string", stylename=cell_style)
                cell.addElement(self.paragraph(str(value), self.style(name, "paragraph", **properties)))
                row.addElement(cell)
            (header_rows if index == 0 else element).addElement(row)
        body.addElement(element)

    def image(self, block: Image) -> None:
        with PILImage.open(io.BytesIO(block.png)) as picture:
            pixel_width, pixel_height = picture.size
        height_cm = block.width_cm * pixel_height / pixel_width
        self._counter += 1
        href = self.document.addPicture(f"Pictures/image{self._counter}.png", "image/png", block.png)
        frame = draw.Frame(name=f"Image{self._counter}", anchortype="as-char",
                           width=f"{block.width_cm:.2f}cm", height=f"{height_cm:.2f}cm")
        frame.addElement(draw.Image(href=href, type="simple", show="embed", actuate="onLoad"))
        # LibreOffice shows svg:title / svg:desc as the image's text alternative.
        frame.addElement(svg.Title(text=_clean(block.alt)))
        frame.addElement(svg.Desc(text=_clean(block.alt)))
        holder = self.paragraph("")
        holder.addElement(frame)
        self.document.text.addElement(holder)
        if block.caption:
            self.document.text.addElement(self.caption(block.caption))


def to_odt(outline: Outline) -> bytes:
    writer = _OdtWriter(outline)
    for block in outline.blocks:
        writer.add(block)
    buffer = io.BytesIO()
    writer.document.write(buffer)
    return buffer.getvalue()


# --- PDF -----------------------------------------------------------------------------------------

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
            words = [pdfmetrics.stringWidth(word, font, 9) for word in text.split()] or [0]
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
        canvas.drawString(document.leftMargin, 1.2 * cm, _pdf_text(document.title[:90]))
        canvas.drawRightString(document.pagesize[0] - document.rightMargin, 1.2 * cm, str(canvas.getPageNumber()))
        canvas.restoreState()


WRITERS = {
    "docx": (to_docx, DOCX_MIMETYPE),
    "odt": (to_odt, ODT_MIMETYPE),
    "pdf": (to_pdf, PDF_MIMETYPE),
}


def download(outline: Outline, extension: str, filename: str) -> Response:
    """The outline as a file to download, in the format of ``extension`` ("docx", "odt", "pdf");
    ``filename`` without extension, reduced to safe ASCII."""
    write, mimetype = WRITERS[extension]
    name = secure_filename(filename) or "document"
    return Response(write(outline), mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}.{extension}"'})
