"""What links to an organisation: other domains register a *backlink provider* here, and the
organisation page lists what every provider returns.

    from network_space.directory.backlinks import Backlink, backlink_provider

    @backlink_provider("events", order=20)
    def events_with(organisation, user) -> list[Backlink]:
        return [Backlink(_("Événement"), event.title, url_for("events.show", event_id=event.id), event.starts_at)
                for event in ... if can("events.view", event, user)]

A provider receives the organisation and the current user, must filter by permission itself,
and should run a bounded number of queries. The directory never imports the other domains.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Callable

from flask import current_app


@dataclass(frozen=True)
class Backlink:
    kind_label: str  # "Événement", "Réunion", "Ressource"…
    title: str
    url: str
    when: date | datetime | None = None


Provider = Callable[[object, object], list[Backlink]]
_providers: dict[str, tuple[int, Provider]] = {}


def backlink_provider(name: str, order: int = 100) -> Callable[[Provider], Provider]:
    def decorator(fn: Provider) -> Provider:
        _providers[name] = (order, fn)  # re-registering the same name replaces (app factory in tests)
        return fn

    return decorator


def backlinks_for(organisation, user) -> list[Backlink]:
    links: list[Backlink] = []
    for _order, provider in sorted(_providers.values(), key=lambda item: item[0]):
        try:
            links.extend(provider(organisation, user))
        except Exception:  # noqa: BLE001 - another domain's bug must not break the organisation page
            if current_app.testing:
                raise
            current_app.logger.exception("backlink provider failed")
    return links
