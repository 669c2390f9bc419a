"""The minutes as a Word document (DOCX) that a co-animator can send to the Département."""
from __future__ import annotations

import io

from docx import Document
from markdown_it import MarkdownIt

from network_space.core.dates import fmt_date, fmt_datetime, fmt_time
from network_space.meetings.models import ATTENDANCE

_md = MarkdownIt("commonmark")


def _add_markdown(document, text: str) -> None:
    """Headings, paragraphs and list items of the Markdown source, as Word paragraphs.

    Inline formatting is kept as plain text: the document is for reading and forwarding."""
    tokens = _md.parse(text or "")
    style = None
    list_stack: list[str] = []
    for token in tokens:
        if token.type == "heading_open":
            style = f"Heading {min(int(token.tag[1]) + 1, 9)}"
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            list_stack.append("List Bullet" if token.type == "bullet_list_open" else "List Number")
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            list_stack.pop()
        elif token.type == "inline":
            content = "".join(child.content if child.type in ("text", "code_inline") else
                              ("\n" if child.type in ("softbreak", "hardbreak") else "") for child in token.children or [])
            document.add_paragraph(content, style=style or (list_stack[-1] if list_stack else None))
            style = None


def minutes_docx(meeting) -> bytes:
    document = Document()
    document.core_properties.title = f"Compte-rendu — {meeting.title}"
    document.add_heading(meeting.title, level=0)
    when = ""
    if meeting.starts_at:
        when = f"{fmt_datetime(meeting.starts_at)} – {fmt_time(meeting.ends_at)}"
    document.add_paragraph(" · ".join(x for x in (meeting.kind_label, when, meeting.place) if x))

    document.add_heading("Présences", level=1)
    invitees = sorted(meeting.invitees, key=lambda i: i.user.full_name.lower())
    table = document.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    table.rows[0].cells[0].text = "Membre"
    table.rows[0].cells[1].text = "Présence"
    for invitee in invitees:
        row = table.add_row().cells
        row[0].text = invitee.user.full_name
        row[1].text = str(ATTENDANCE.get(invitee.attendance, "")) if invitee.attendance else ""

    if meeting.agenda_items:
        document.add_heading("Ordre du jour", level=1)
        for item in meeting.agenda_items:
            document.add_paragraph(item.title, style="List Number")

    document.add_heading("Compte-rendu", level=1)
    _add_markdown(document, meeting.minutes.body if meeting.minutes else "")

    if meeting.decisions:
        document.add_heading("Décisions", level=1)
        for decision in meeting.decisions:
            document.add_paragraph(decision.text, style="List Bullet")

    if meeting.actions:
        document.add_heading("Actions", level=1)
        table = document.add_table(rows=1, cols=4)
        table.style = "Table Grid"
        for cell, title in zip(table.rows[0].cells, ("Action", "Qui", "Échéance", "Statut")):
            cell.text = title
        for action in meeting.actions:
            row = table.add_row().cells
            row[0].text = action.title
            row[1].text = action.assignee.full_name if action.assignee else ""
            row[2].text = fmt_date(action.due_date) if action.due_date else ""
            row[3].text = action.status_label

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
