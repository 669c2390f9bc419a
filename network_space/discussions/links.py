"""Links from a thread to a resource, an event, a meeting or a directory organisation.

A member gives them as the addresses of those pages (what the "Discuter" button fills in, and
what anyone can copy from the address bar), so the form needs no list of every object. Each link
is shown on both sides: on the thread, and on the object's page through core/backlinks.py. Both
sides only show what the reader may view.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from network_space.core.i18n import lazy_gettext as _l
from network_space.core.permissions import can
from network_space.extensions import db
from network_space.notifications.registry import target_model

MAX_LINKS = 10


@dataclass(frozen=True)
class Linkable:
    label: Any  # lazy-translated
    endpoint: str  # the object's page
    argument: str  # its id in that page's URL
    permission: str  # the rule viewing it needs


# By notification target name (notifications.registry), which is also ThreadLink.target_type.
LINKABLE = {
    "library_resource": Linkable(_l("Ressource"), "library.detail", "resource_id", "library.view"),
    "event": Linkable(_l("Événement"), "events.detail", "event_id", "events.view"),
    "meeting": Linkable(_l("Réunion"), "meetings.show", "meeting_id", "meetings.view"),
    "organisation": Linkable(_l("Organisation"), "directory.show", "organisation_id", "directory.view"),
}
_BY_ENDPOINT = {linkable.endpoint: (name, linkable) for name, linkable in LINKABLE.items()}


class LinkError(ValueError):
    """A link the member gave that is not one; the message is French."""


def parse_link(text: str) -> tuple[str, int]:
    """(target type, id) for the address of a linkable page of this site (any host: an address
    copied from another copy of the site names the same page), or LinkError."""
    try:
        path = urlsplit(text.strip()).path or "/"
        endpoint, args = current_app.url_map.bind("localhost").match(path, method="GET")
    except (ValueError, HTTPException, RequestRedirect):  # ValueError: not a URL ("http://[::1")
        endpoint, args = None, {}
    found = _BY_ENDPOINT.get(endpoint)
    if found is None:
        raise LinkError(_("« %(text)s » n'est pas l'adresse d'une ressource, d'un événement, d'une réunion ou "
                          "d'une organisation du site.", text=text.strip()[:80]))
    name, linkable = found
    return name, args[linkable.argument]


def parse_links(raw: str | None) -> list[tuple[str, int]]:
    """One address per line (or separated by spaces), in order, without repeats."""
    links: list[tuple[str, int]] = []
    for word in (raw or "").split():
        link = parse_link(word)
        if link not in links:
            links.append(link)
    if len(links) > MAX_LINKS:
        raise LinkError(_("%(n)d liens au maximum.", n=MAX_LINKS))
    return links


def link_url(target_type: str, target_id: int) -> str:
    linkable = LINKABLE[target_type]
    return url_for(linkable.endpoint, **{linkable.argument: target_id})


@dataclass(frozen=True)
class ResolvedLink:
    target_type: str
    obj: Any
    label: Any
    title: str

    @property
    def url(self) -> str:
        return link_url(self.target_type, self.obj.id)


def resolve(pairs, user) -> list[ResolvedLink]:
    """The objects behind (type, id) pairs that exist and ``user`` may view, in the given order:
    one query per type."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for target_type, target_id in pairs:
        if target_type in LINKABLE:
            wanted[target_type].add(target_id)
    found: dict[tuple[str, int], Any] = {}
    for target_type, ids in wanted.items():
        model = target_model(target_type)
        for obj in db.session.scalars(select(model).where(model.id.in_(ids))):
            found[(target_type, obj.id)] = obj
    resolved = []
    for target_type, target_id in pairs:
        obj = found.get((target_type, target_id))
        linkable = LINKABLE.get(target_type)
        if obj is not None and can(linkable.permission, obj, user=user):
            resolved.append(ResolvedLink(target_type, obj, linkable.label, obj.notification_title()))
    return resolved


def check_links(pairs, user) -> None:
    """LinkError unless every pair names an object ``user`` may view."""
    visible = {(link.target_type, link.obj.id) for link in resolve(pairs, user)}
    for target_type, target_id in pairs:
        if (target_type, target_id) not in visible:
            raise LinkError(_("%(kind)s n° %(id)d : introuvable, ou vous n'y avez pas accès.",
                              kind=LINKABLE[target_type].label, id=target_id))
