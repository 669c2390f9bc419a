"""Writes on campaigns and indicators: open, change, close a campaign (its reminders follow),
send reminders by hand, keep the list of indicators, publish the report in the library.
Contributions have their own module (contributions.py)."""
from __future__ import annotations

import io
import re
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from network_space.accounts.models import Territory
from network_space.core.audit import audit
from network_space.core.dates import MAX_YEAR, MIN_YEAR
from network_space.core.models import utcnow
from network_space.core.spreadsheet import normalise
from network_space.core.storage import UploadError
from network_space.core.transactions import Refusal
from network_space.extensions import db
from network_space.library import services as library
from network_space.reports import notices
from network_space.reports.models import (
    CAMPAIGN_CLOSED, CAMPAIGN_OPEN, GROUPS, KINDS, Campaign, ContributionValue, Indicator,
)



class ReportError(Refusal):
    """A change the report refuses; the message is French, for the user."""


# --- campaigns -------------------------------------------------------------------------------


def _check_campaign(year: int, deadline: date, territories: list[Territory], campaign: Campaign | None) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ReportError(_("Indiquez une année entre %(min)d et %(max)d.", min=MIN_YEAR, max=MAX_YEAR), "year")
    other = db.session.scalar(select(Campaign).where(Campaign.year == year))
    if other is not None and other is not campaign:
        raise ReportError(_("Une campagne existe déjà pour %(year)d.", year=year), "year")
    if not territories:
        raise ReportError(_("Choisissez au moins un territoire attendu."), "territories")
    if deadline.year < year or deadline.year > year + 2:
        raise ReportError(_("L'échéance doit tomber entre %(first)d et %(last)d.", first=year, last=year + 2),
                          "deadline")


def open_campaign(actor, *, year: int, deadline: date, territories: list[Territory], title: str = "",
                  message: str | None = None) -> Campaign:
    """Open the campaign of a year: the facilitators of the territories expected are told, the
    reminders are scheduled."""
    _check_campaign(year, deadline, territories, None)
    campaign = Campaign(year=year, title=title or _("Bilan %(year)d", year=year), deadline=deadline,
                        message=message or None, status=CAMPAIGN_OPEN, opened_by_id=actor.id,
                        territories=list(territories))
    db.session.add(campaign)
    db.session.flush()
    notices.schedule_reminders(campaign)
    notices.campaign_opened(campaign, actor)
    audit("reports.campaign_open", target=f"report_campaign:{campaign.id}", detail=str(year), actor=actor)
    return campaign


def update_campaign(campaign: Campaign, actor, *, deadline: date, territories: list[Territory], title: str,
                    message: str | None) -> Campaign:
    """Change the deadline (the reminders move with it), the title, the message or the
    territories expected; facilitators of a territory added are told."""
    _check_campaign(campaign.year, deadline, territories, campaign)
    added = [t for t in territories if t not in campaign.territories]
    campaign.deadline, campaign.title, campaign.message = deadline, title or campaign.title, message or None
    campaign.territories = list(territories)
    db.session.flush()
    notices.schedule_reminders(campaign)
    if added and campaign.is_open:
        notices.campaign_opened(campaign, actor, added)
    audit("reports.campaign_update", target=f"report_campaign:{campaign.id}", actor=actor)
    return campaign


def set_campaign_open(campaign: Campaign, open_: bool, actor) -> Campaign:
    """Close a campaign (contributions can no longer change, reminders are cancelled), or
    reopen it."""
    campaign.status = CAMPAIGN_OPEN if open_ else CAMPAIGN_CLOSED
    campaign.closed_at = None if open_ else utcnow()
    notices.schedule_reminders(campaign)
    audit("reports.campaign_" + ("reopen" if open_ else "close"), target=f"report_campaign:{campaign.id}", actor=actor)
    return campaign


def remind_late(campaign: Campaign, rows, actor) -> int:
    """Remind, by hand, the facilitators of these board rows who have not sent their
    contribution; how many were told."""
    if not campaign.is_open:
        raise ReportError(_("La campagne est clôturée : aucun rappel n'est envoyé."))
    people = notices.late_facilitators(campaign, rows)
    if not people:
        raise ReportError(_("Personne à relancer : les contributions attendues sont envoyées, ou le territoire "
                            "n'a pas de facilitateur."))
    return notices.remind(campaign, people, actor)


# --- indicators ------------------------------------------------------------------------------


def _code_for(label: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "_", normalise(label)).strip("_")[:50] or "indicateur"
    code, n = base, 1
    while db.session.scalar(select(Indicator.id).where(Indicator.code == code)) is not None:
        n += 1
        code = f"{base}_{n}"
    return code


def save_indicator(indicator: Indicator | None, actor, *, label: str, definition: str, group: str,
                   kind: str, position: int | None = None) -> Indicator:
    """Add an indicator, or rename it / change its definition, section or place. Its kind
    (number or text) is fixed once values exist: past years keep their meaning."""
    label = (label or "").strip()
    if not label:
        raise ReportError(_("Indiquez le libellé de l'indicateur."), "label")
    if group not in GROUPS:
        raise ReportError(_("Choisissez une rubrique."), "group")
    if kind not in KINDS:
        raise ReportError(_("Choisissez un type de valeur."), "kind")
    duplicate = db.session.scalar(select(Indicator).where(func.lower(Indicator.label) == label.lower(),
                                                          Indicator.group == group))
    if duplicate is not None and duplicate is not indicator:
        raise ReportError(_("Un indicateur porte déjà ce libellé dans cette rubrique."), "label")
    if indicator is None:
        last = db.session.scalar(select(func.max(Indicator.position))) or 0
        indicator = Indicator(code=_code_for(label), kind=kind, position=last + 10, active=True)
        db.session.add(indicator)
        action = "reports.indicator_add"
    else:
        if kind != indicator.kind and _has_values(indicator):
            raise ReportError(_("Des valeurs existent déjà : le type de cet indicateur ne peut plus changer."), "kind")
        indicator.kind = kind
        action = "reports.indicator_update"
    indicator.label, indicator.definition, indicator.group = label, (definition or "").strip(), group
    if position is not None:
        indicator.position = position
    db.session.flush()
    audit(action, target=f"report_indicator:{indicator.id}", detail=label, actor=actor)
    return indicator


def _has_values(indicator: Indicator) -> bool:
    return db.session.scalar(select(ContributionValue.id).where(ContributionValue.indicator_id == indicator.id)
                             .limit(1)) is not None


def set_indicator_active(indicator: Indicator, active: bool, actor) -> Indicator:
    """Retire an indicator (no longer asked; its past values stay and still count in their
    years) or bring it back."""
    indicator.active = active
    audit("reports.indicator_" + ("restore" if active else "retire"), target=f"report_indicator:{indicator.id}",
          detail=indicator.label, actor=actor)
    return indicator


def move_indicator(indicator: Indicator, direction: int, actor) -> Indicator:
    """Swap an indicator with its neighbour (direction -1: up, +1: down) in the form's order."""
    ordered = list(db.session.scalars(select(Indicator).order_by(Indicator.position, Indicator.id)))
    for position, item in enumerate(ordered):
        item.position = (position + 1) * 10  # dense positions, whatever they were
    index = ordered.index(indicator)
    other = index + direction
    if 0 <= other < len(ordered):
        ordered[index].position, ordered[other].position = ordered[other].position, ordered[index].position
    audit("reports.indicator_move", target=f"report_indicator:{indicator.id}", actor=actor)
    return indicator


# --- publishing ------------------------------------------------------------------------------


def publish(campaign: Campaign, actor, data: bytes, filename: str, summary: str):
    """Publish the report file as a library resource readable by members (indexed by the
    search like any other); publishing again adds a new version to the same resource."""
    try:
        stored = library.store_file(FileStorage(stream=io.BytesIO(data), filename=filename))
    except UploadError as error:
        raise ReportError(str(error)) from error
    resource = campaign.resource
    if resource is None:
        resource = library.create_resource(actor, {"title": _("Bilan départemental des clauses sociales %(year)d",
                                                               year=campaign.year),
                                                    "summary": summary, "tags": ["bilan", str(campaign.year)]},
                                           stored, version_note=_("Publié depuis la campagne %(title)s",
                                                                  title=campaign.title))
        campaign.resource = resource
    else:
        library.update_resource(resource, {"summary": summary}, actor)
        library.add_version(resource, stored, _("Bilan mis à jour"), actor)
    audit("reports.publish", target=f"report_campaign:{campaign.id}", detail=f"resource:{resource.id}", actor=actor)
    return resource
