"""The minutes as a document a co-animator can send to the Département: what they hold, in
order. core/documents/ writes it as Word (DOCX), OpenDocument (ODT) or PDF."""
from __future__ import annotations

from flask_babel import gettext as _

from network_space.core import documents as doc
from network_space.core.dates import fmt_date, fmt_span
from network_space.meetings import minutes
from network_space.meetings.models import ATTENDANCE


def minutes_outline(meeting) -> doc.Outline:
    when = fmt_span(meeting.starts_at, meeting.ends_at, year=True) if meeting.starts_at else ""
    blocks: list[doc.Block] = [
        doc.Title(meeting.title, " · ".join(x for x in (str(meeting.kind_label), when, meeting.place) if x))]
    blocks += [doc.Heading(_("Présences")), doc.Table([_("Participant·e"), _("Présence")], [
        [person.label, str(ATTENDANCE[person.attendance])] for person in minutes.attendees(meeting)])]
    if meeting.agenda_items:
        blocks += [doc.Heading(_("Ordre du jour")),
                   doc.ItemList([doc.ListItem(item.title) for item in meeting.agenda_items], numbered=True)]
    blocks.append(doc.Heading(_("Compte-rendu")))
    blocks += doc.markdown_blocks(meeting.minutes.body if meeting.minutes else "", heading_offset=1)
    if meeting.decisions:
        blocks += [doc.Heading(_("Décisions")), doc.ItemList([doc.ListItem(d.text) for d in meeting.decisions])]
    if meeting.actions:
        blocks += [doc.Heading(_("Actions")), doc.Table([_("Action"), _("Qui"), _("Échéance"), _("Statut")], [
            [a.title, a.assignee.full_name if a.assignee else "", fmt_date(a.due_date, year=True) if a.due_date else "",
             str(a.status_label)] for a in meeting.actions])]
    return doc.Outline(_("Compte-rendu — %(title)s", title=meeting.title), blocks, subject=str(meeting.kind_label))
