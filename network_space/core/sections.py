"""Parts of a page that a later domain adds to an earlier one's page (the guests of an event on
the event's page), without the earlier domain knowing it: the later domain registers a template
and a loader for a named place; the page's template calls ``page_sections(place, obj)``. A loader
returning None hides its section (e.g. for someone not allowed to see it)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from flask import render_template
from markupsafe import Markup


@dataclass(frozen=True)
class Section:
    template: str
    loader: Callable[[Any], dict | None]
    order: int


_sections: dict[str, list[Section]] = {}


def page_section(place: str, template: str, order: int = 100):
    def decorator(loader):
        sections = _sections.setdefault(place, [])
        if not any(s.template == template for s in sections):  # create_app runs once per test app
            sections.append(Section(template, loader, order))
            sections.sort(key=lambda s: s.order)
        return loader

    return decorator


def page_sections(place: str, obj) -> Markup:
    """The HTML of the sections registered for this place, for this object."""
    parts = []
    for section in _sections.get(place, ()):
        context = section.loader(obj)
        if context is not None:
            parts.append(render_template(section.template, **context))
    return Markup("".join(parts))


def init_app(app) -> None:
    app.jinja_env.globals["page_sections"] = page_sections
