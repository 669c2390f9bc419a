"""The legal pages: their titles, their current text (the admins' or the default) and its edit."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any


from network_space.core.audit import audit
from network_space.core.i18n import lazy_gettext as _l
from network_space.extensions import db
from network_space.legal.models import LegalPage

DEFAULTS = Path(__file__).resolve().parent / "defaults"
# What the default texts mark as to be filled in by the site's publisher.
PLACEHOLDER = "[À COMPLÉTER"

LEGAL_NOTICE = "mentions-legales"
PERSONAL_DATA = "donnees-personnelles"
ACCESSIBILITY = "accessibilite"


@dataclass(frozen=True)
class PageSpec:
    slug: str
    title: Any
    endpoint: str


PAGES = {
    spec.slug: spec for spec in (
        PageSpec(LEGAL_NOTICE, _l("Mentions légales"), "legal.legal_notice"),
        PageSpec(PERSONAL_DATA, _l("Données personnelles"), "legal.personal_data"),
        PageSpec(ACCESSIBILITY, _l("Déclaration d'accessibilité"), "legal.accessibility"),
    )
}


def default_text(slug: str) -> str:
    return (DEFAULTS / f"{slug}.md").read_text(encoding="utf-8")


def stored(slug: str) -> LegalPage | None:
    return db.session.get(LegalPage, slug)


def current_text(slug: str) -> str:
    page = stored(slug)
    return page.body if page is not None else default_text(slug)


def placeholders_left(text: str) -> int:
    return text.count(PLACEHOLDER)


def reset_page(slug: str, actor) -> None:
    """Back to the default text; audited."""
    page = stored(slug)
    if page is not None:
        db.session.delete(page)
        audit("legal_page.reset", target=slug, actor=actor)


def save_page(slug: str, body: str, actor) -> LegalPage:
    """Store the admins' text; audited."""
    page = stored(slug)
    if page is None:
        page = LegalPage(slug=slug, body=body, updated_by_id=actor.id)
        db.session.add(page)
    elif page.body != body:
        page.body = body
        page.updated_by_id = actor.id
    audit("legal_page.updated", target=slug, actor=actor)
    return page
