"""Events in the site-wide search: title, description, place, partners; every member may see
them (events.view), cancelled ones included with their status in the summary."""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from network_space.core.dates import fmt_date, fmt_datetime
from network_space.core.i18n import lazy_gettext as _l
from network_space.core.permissions import can
from network_space.events.models import Event
from network_space.search import register_search_type

KIND = "events.event"


def to_document(event: Event) -> dict:
    # The year always: the indexed text must not depend on the year it was indexed in.
    when = fmt_date(event.starts_at, year=True) if event.all_day else fmt_datetime(event.starts_at, year=True)
    summary = [event.kind_label, when]
    if event.place:
        summary.append(event.place)
    if event.is_cancelled:
        summary.insert(0, _("Annulé"))
    return {
        "title": event.title,
        "summary": " · ".join(summary),
        "body": "\n\n".join(x for x in (event.description, event.place, ", ".join(p.name for p in event.partners)) if x),
        "category": str(_l("Événements")),
        "subtype": event.kind_label,
        "territory": event.territory.label if event.territory else None,
        "date": event.starts_at,
    }


def can_view(user, event: Event) -> bool:
    return can("events.view", event, user=user)


def url(event: Event) -> str:
    return url_for("events.detail", event_id=event.id)


def register() -> None:
    register_search_type(
        KIND, _l("Événement"), Event, to_document, can_view, url,
        watch=("title", "description", "kind", "place", "territory_id", "starts_at", "all_day", "status", "partners"),
        load_options=(joinedload(Event.territory), selectinload(Event.partners)),
    )
