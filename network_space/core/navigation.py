"""The main navigation: each domain adds its entry when its blueprint is registered, so the
menu shows exactly the parts that exist, filtered by permission for the current user."""
from __future__ import annotations

from dataclasses import dataclass

from network_space.core.permissions import can


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: str  # lazy-translated string
    order: int
    permission: str = "member"
    prefix: str = ""  # URL prefix that marks the item as current


_items: list[NavItem] = []


def add_nav_item(endpoint: str, label, order: int, permission: str = "member", prefix: str = "") -> None:
    if any(item.endpoint == endpoint for item in _items):
        return  # create_app() may run several times in one process (tests)
    _items.append(NavItem(endpoint, label, order, permission, prefix))
    _items.sort(key=lambda item: item.order)


def visible_items() -> list[NavItem]:
    return [item for item in _items if can(item.permission)]


def init_app(app) -> None:
    app.jinja_env.globals["nav_items"] = visible_items
