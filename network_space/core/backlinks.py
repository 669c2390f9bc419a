"""What links to an object, shown on its page: a domain registers a *backlink provider* for the
models it refers to (events name partner organisations; a discussion links a resource, an event,
a meeting or an organisation), and the page of such an object lists what every provider returns,
with the actions providers offer there ("Discuter").

    from network_space.core.backlinks import Backlink, backlink_provider

    @backlink_provider("events", Organisation, order=20)
    def events_with(organisation, user) -> list[Backlink]:
        return [Backlink(_("Événement"), event.title, url_for("events.detail", event_id=event.id), event.starts_at)
                for event in ... if can("events.view", event, user)]

    @backlink_action("discussions", Resource, Event, Meeting)
    def discuss(obj, user) -> BacklinkAction | None: ...

A provider receives the object and the current user, must filter by permission itself, and
should run a bounded number of queries. The page's domain never imports the providers' domains.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Callable

from flask import current_app


@dataclass(frozen=True)
class Backlink:
    kind_label: str  # "Événement", "Réunion", "Discussion"…
    title: str
    url: str
    when: date | datetime | None = None


@dataclass(frozen=True)
class BacklinkAction:
    label: str
    url: str


Provider = Callable[[object, object], list[Backlink]]
ActionProvider = Callable[[object, object], "BacklinkAction | None"]
# name -> (order, target models, function); re-registering a name replaces it (app factory in tests)
_providers: dict[str, tuple[int, tuple[type, ...], Provider]] = {}
_actions: dict[str, tuple[int, tuple[type, ...], ActionProvider]] = {}


def backlink_provider(name: str, *targets: type, order: int = 100) -> Callable[[Provider], Provider]:
    def decorator(fn: Provider) -> Provider:
        _providers[name] = (order, targets, fn)
        return fn

    return decorator


def backlink_action(name: str, *targets: type, order: int = 100) -> Callable[[ActionProvider], ActionProvider]:
    def decorator(fn: ActionProvider) -> ActionProvider:
        _actions[name] = (order, targets, fn)
        return fn

    return decorator


def _run(registry: dict, obj, user) -> list:
    results = []
    for _order, targets, provider in sorted(registry.values(), key=lambda item: item[0]):
        if not isinstance(obj, targets):
            continue
        try:
            result = provider(obj, user)
        except Exception:  # noqa: BLE001 - another domain's bug must not break the object's page
            if current_app.testing:
                raise
            current_app.logger.exception("backlink provider failed")
            continue
        if isinstance(result, list):
            results.extend(result)
        elif result is not None:
            results.append(result)
    return results


def backlinks_for(obj, user) -> list[Backlink]:
    return _run(_providers, obj, user)


def backlink_actions_for(obj, user) -> list[BacklinkAction]:
    return _run(_actions, obj, user)


def init_app(app) -> None:
    from flask_login import current_user

    app.jinja_env.globals["backlinks_for"] = lambda obj: backlinks_for(obj, current_user)
    app.jinja_env.globals["backlink_actions_for"] = lambda obj: backlink_actions_for(obj, current_user)
