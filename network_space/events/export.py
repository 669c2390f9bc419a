"""Registrant lists as CSV and XLSX (formula-safe, through core.spreadsheet)."""
from __future__ import annotations

from flask_babel import gettext as _

from network_space.core import spreadsheet
from network_space.events.models import REG_WAITING, Registration


def rows(registrations: list[Registration]) -> list[list]:
    """The registered first, then the waiting list in its order, each with their position on it."""
    header = [_("Nom"), _("Email"), _("Structure ou organisation"), _("Téléphone"), _("Statut"), _("Inscrit·e le"),
              _("Venu·e")]
    body = []
    waiting = [r for r in registrations if r.status == REG_WAITING]  # in their order: by id
    position = {r.id: n for n, r in enumerate(waiting, start=1)}
    for registration in [r for r in registrations if r.status != REG_WAITING] + waiting:
        # Guests (partners without an account) come with their organisation, marked "invité·e".
        body.append([
            registration.person_name,
            registration.person_email,
            registration.organisation_name,
            registration.user.phone or "" if registration.user else "",
            (_("Liste d'attente (%(n)d)", n=position[registration.id]) if registration.status == REG_WAITING
             else _("Inscrit·e")),
            registration.created_at,
            "" if registration.attended is None else _("oui") if registration.attended else _("non"),
        ])
    return [header] + body


def to_csv(registrations: list[Registration]) -> bytes:
    return spreadsheet.to_csv(rows(registrations))


def to_xlsx(registrations: list[Registration], title: str) -> bytes:
    return spreadsheet.to_xlsx(rows(registrations), _("Inscrits"), widths=(28, 34, 34, 16, 16, 18, 10), doc_title=title)
