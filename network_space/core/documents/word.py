"""The outline as Word (DOCX), with python-docx.

python-docx does not cover everything a readable, accessible document needs, so this module (and
no other) reaches into its XML for: restarting a numbered list, a table's header row repeated on
each page, an image's text alternative, hyperlinks and the document's language. Each place says so.
"""
from __future__ import annotations

import io

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement
from docx.shared import Cm, RGBColor

from network_space.core.documents.outline import (
    Fields, Heading, Image, Inline, ItemList, Outline, PageBreak, Paragraph, Table, Title, _clean, _is_numbered, runs)
from network_space.core.i18n import colon_sign

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


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
