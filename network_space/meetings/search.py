"""Published minutes in the site-wide search. Drafts are not indexed; each hit is re-checked
with the meetings.view_minutes rule, so a private meeting's minutes reach only its invitees."""
from __future__ import annotations

from flask import url_for
from sqlalchemy.orm import selectinload

from network_space.core.i18n import lazy_gettext as _l
from network_space.core.permissions import can
from network_space.meetings.models import STATUS_PUBLISHED, Meeting, MeetingInvitee, Minutes
from network_space.search import enqueue, register_search_type

KIND = "meetings.minutes"


def to_document(minutes: Minutes) -> dict | None:
    meeting = minutes.meeting
    if meeting is None or meeting.status != STATUS_PUBLISHED:
        return None
    decisions = "\n".join(d.text for d in meeting.decisions)
    actions = "\n".join(a.title for a in meeting.actions)
    return {
        "title": f"Compte-rendu — {meeting.title}",
        "summary": meeting.kind_label + (f" · {meeting.series.name}" if meeting.series else ""),
        "body": "\n\n".join(x for x in (minutes.body, decisions, actions) if x),
        "category": str(_l("Comptes-rendus")),
        "subtype": meeting.kind_label,
        "date": meeting.starts_at or minutes.published_at,
    }


def can_view(user, minutes: Minutes) -> bool:
    return can("meetings.view_minutes", minutes.meeting, user=user)


def url(minutes: Minutes) -> str:
    return url_for("meetings.minutes", meeting_id=minutes.meeting_id)


def register() -> None:
    meeting_options = (
        selectinload(Minutes.meeting).selectinload(Meeting.organisers),
        selectinload(Minutes.meeting).selectinload(Meeting.invitees).selectinload(MeetingInvitee.user),
    )
    register_search_type(
        KIND, _l("Compte-rendu"), Minutes, to_document, can_view, url,
        watch=("body", "published_at"),
        load_options=meeting_options + (
            selectinload(Minutes.meeting).selectinload(Meeting.decisions),
            selectinload(Minutes.meeting).selectinload(Meeting.actions),
            selectinload(Minutes.meeting).selectinload(Meeting.series),
        ),
        hit_options=meeting_options,
    )


def reindex(meeting: Meeting) -> None:
    """Call after a change to what the minutes document shows besides the text itself."""
    if meeting.minutes is not None and meeting.minutes.id is not None:
        enqueue(KIND, meeting.minutes.id)
