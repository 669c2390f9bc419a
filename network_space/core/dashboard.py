"""The home page after login is made of panels that each domain registers (upcoming meetings,
polls to answer, my actions, new resources…). A panel is a template plus a function returning
its context for the current user; a panel whose loader returns None is not shown."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable


@dataclass(frozen=True)
class Panel:
    name: str
    template: str
    loader: Callable[[Any], dict | None]
    order: int


_panels: dict[str, Panel] = {}


def dashboard_panel(name: str, template: str, order: int = 100):
    def decorator(loader):
        _panels[name] = Panel(name, template, loader, order)
        return loader

    return decorator


def panels_for(user) -> list[tuple[Panel, dict]]:
    shown = []
    for panel in sorted(_panels.values(), key=lambda p: p.order):
        context = panel.loader(user)
        if context is not None:
            shown.append((panel, context))
    return shown
