"""The minutes as a document a co-animator can send to the Département: Word (DOCX) or
OpenDocument (ODT, for LibreOffice). One outline of the minutes, written by either writer."""
from __future__ import annotations

import io
from dataclasses import dataclass, field

from docx import Document
from markdown_it import MarkdownIt
from odf import dc, style as odf_style, table as odf_table, text as odf_text
from odf.opendocument import OpenDocumentText

from network_space.core.dates import fmt_date, fmt_datetime, fmt_time
from network_space.meetings.models import ATTENDANCE

_md = MarkdownIt("commonmark")

# Kinds of blocks of the outline.
TITLE, HEADING, PARAGRAPH, BULLET, NUMBERED, TABLE = "title", "heading", "paragraph", "bullet", "numbered", "table"


@dataclass
class Block:
    kind: str
    text: str = ""
    level: int = 1  # headings
    rows: list[list[str]] = field(default_factory=list)  # tables: header row first


def _markdown_blocks(text: str) -> list[Block]:
    """Headings, paragraphs and list items of the Markdown source.

    Inline formatting is kept as plain text: the document is for reading and forwarding."""
    blocks: list[Block] = []
    heading: int | None = None
    list_stack: list[str] = []
    for token in _md.parse(text or ""):
        if token.type == "heading_open":
            heading = min(int(token.tag[1]) + 1, 9)  # below the document's own sections
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            list_stack.append(BULLET if token.type == "bullet_list_open" else NUMBERED)
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            list_stack.pop()
        elif token.type == "inline":
            content = "".join(child.content if child.type in ("text", "code_inline") else
                              ("\n" if child.type in ("softbreak", "hardbreak") else "") for child in token.children or [])
            if heading is not None:
                blocks.append(Block(HEADING, content, level=heading))
            else:
                blocks.append(Block(list_stack[-1] if list_stack else PARAGRAPH, content))
            heading = None
    return blocks


def outline(meeting) -> list[Block]:
    """What the exported minutes hold, in order."""
    when = f"{fmt_datetime(meeting.starts_at, year=True)} – {fmt_time(meeting.ends_at)}" if meeting.starts_at else ""
    blocks = [Block(TITLE, meeting.title),
              Block(PARAGRAPH, " · ".join(x for x in (meeting.kind_label, when, meeting.place) if x))]
    invitees = sorted(meeting.invitees, key=lambda i: i.user.full_name.lower())
    blocks += [Block(HEADING, "Présences"), Block(TABLE, rows=[["Membre", "Présence"]] + [
        [i.user.full_name, str(ATTENDANCE.get(i.attendance, "")) if i.attendance else ""] for i in invitees])]
    if meeting.agenda_items:
        blocks.append(Block(HEADING, "Ordre du jour"))
        blocks += [Block(NUMBERED, item.title) for item in meeting.agenda_items]
    blocks.append(Block(HEADING, "Compte-rendu"))
    blocks += _markdown_blocks(meeting.minutes.body if meeting.minutes else "")
    if meeting.decisions:
        blocks.append(Block(HEADING, "Décisions"))
        blocks += [Block(BULLET, decision.text) for decision in meeting.decisions]
    if meeting.actions:
        blocks += [Block(HEADING, "Actions"), Block(TABLE, rows=[["Action", "Qui", "Échéance", "Statut"]] + [
            [a.title, a.assignee.full_name if a.assignee else "", fmt_date(a.due_date, year=True) if a.due_date else "",
             str(a.status_label)] for a in meeting.actions])]
    return blocks


def minutes_docx(meeting) -> bytes:
    document = Document()
    document.core_properties.title = f"Compte-rendu — {meeting.title}"
    list_styles = {BULLET: "List Bullet", NUMBERED: "List Number"}
    for block in outline(meeting):
        if block.kind == TITLE:
            document.add_heading(block.text, level=0)
        elif block.kind == HEADING:
            document.add_heading(block.text, level=block.level)
        elif block.kind == TABLE:
            table = document.add_table(rows=0, cols=len(block.rows[0]))
            table.style = "Table Grid"
            for values in block.rows:
                for cell, value in zip(table.add_row().cells, values):
                    cell.text = value
        else:
            document.add_paragraph(block.text, style=list_styles.get(block.kind))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _odt_styles(document: OpenDocumentText) -> dict[str, odf_style.Style]:
    """The few named styles the ODT uses (headings by level, table cells with borders)."""
    styles = {}
    sizes = {0: "20pt", 1: "16pt", 2: "14pt"}
    for level in range(0, 10):
        heading = odf_style.Style(name=f"Heading_20_{level}", displayname=f"Heading {level}", family="paragraph")
        heading.addElement(odf_style.TextProperties(fontsize=sizes.get(level, "12pt"), fontweight="bold"))
        heading.addElement(odf_style.ParagraphProperties(margintop="0.4cm", marginbottom="0.2cm"))
        document.styles.addElement(heading)
        styles[f"h{level}"] = heading
    cell = odf_style.Style(name="Cell", family="table-cell")
    cell.addElement(odf_style.TableCellProperties(border="0.5pt solid #000000", padding="0.1cm"))
    document.automaticstyles.addElement(cell)
    styles["cell"] = cell
    header = odf_style.Style(name="Header", family="paragraph")
    header.addElement(odf_style.TextProperties(fontweight="bold"))
    document.automaticstyles.addElement(header)
    styles["header"] = header
    return styles


def _odt_paragraph(element_type, text: str, **attributes):
    """A paragraph whose line breaks stay line breaks."""
    element = element_type(**attributes)
    for index, line in enumerate(text.split("\n")):
        if index:
            element.addElement(odf_text.LineBreak())
        element.addText(line)
    return element


def minutes_odt(meeting) -> bytes:
    document = OpenDocumentText()
    document.meta.addElement(dc.Title(text=f"Compte-rendu — {meeting.title}"))
    styles = _odt_styles(document)
    numbers: int = 0  # the running number of a numbered list
    for block in outline(meeting):
        numbers = numbers + 1 if block.kind == NUMBERED else 0
        if block.kind in (TITLE, HEADING):
            level = 0 if block.kind == TITLE else block.level
            document.text.addElement(_odt_paragraph(odf_text.H, block.text, outlinelevel=max(level, 1),
                                                    stylename=styles[f"h{level}"]))
        elif block.kind == TABLE:
            table = odf_table.Table(name=f"Tableau{len(document.text.childNodes)}")
            table.addElement(odf_table.TableColumn(numbercolumnsrepeated=len(block.rows[0])))
            for index, values in enumerate(block.rows):
                row = odf_table.TableRow()
                for value in values:
                    cell = odf_table.TableCell(valuetype="string", stylename=styles["cell"])
                    cell.addElement(_odt_paragraph(odf_text.P, value, **({"stylename": styles["header"]} if index == 0 else {})))
                    row.addElement(cell)
                table.addElement(row)
            document.text.addElement(table)
        else:
            prefix = {BULLET: "• ", NUMBERED: f"{numbers}. "}.get(block.kind, "")
            document.text.addElement(_odt_paragraph(odf_text.P, prefix + block.text))
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()
