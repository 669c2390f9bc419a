"""Writes on contributions: start, save a draft, submit, send back, validate. Every change of a
value is kept with who made it and when (old → new); every step of the review too."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from network_space.core.models import utcnow
from network_space.extensions import db
from network_space.reports import checks, notices
from network_space.reports.models import (
    DRAFT, EDITABLE, RETURNED, SUBMITTED, VALIDATED, Contribution, ContributionChange, ContributionValue, Indicator, Slot,
)
from network_space.reports.services import ReportError


class Conflict(ReportError):
    """The contribution changed since the form was opened: the form is shown again with what the
    user typed, the new revision, and the values saved meanwhile."""

    def __init__(self, contribution: Contribution):
        who = contribution.updated_by.full_name if contribution.updated_by else _("quelqu'un")
        super().__init__(_("%(who)s a enregistré cette contribution pendant que vous la modifiiez. Vos saisies "
                           "sont conservées ci-dessous : vérifiez les valeurs signalées puis enregistrez à nouveau.",
                           who=who))
        self.contribution = contribution


def start(slot: Slot, actor) -> Contribution:
    """Create the contribution of a slot (first save or first import). Two colleagues starting
    it at the same moment: the unique constraint refuses the second, who is told to save again
    (their form is kept; the next save shows what the first one saved)."""
    # Ids, not relationships: a refused row must not stay in the campaign's collection.
    contribution = Contribution(campaign_id=slot.campaign.id, territory_id=slot.territory.id,
                                structure_id=slot.structure.id, status=DRAFT, revision=0, confirmations={},
                                updated_by_id=actor.id)
    db.session.add(contribution)
    try:
        db.session.flush()
    except IntegrityError:
        # No savepoint: with SQLite's driver the first write of a request would be committed by
        # releasing it. The refusal makes attempt() roll the whole request back.
        raise ReportError(_("Un·e collègue vient de commencer cette contribution : vos saisies sont conservées, "
                            "enregistrez à nouveau pour voir les siennes.")) from None
    _record(contribution, actor, "created")
    return contribution


def _record(contribution: Contribution, actor, action: str, *, comment: str | None = None,
            fields: list | None = None) -> ContributionChange:
    change = ContributionChange(contribution=contribution, actor_id=getattr(actor, "id", None), action=action,
                                comment=comment, fields=fields or [], created_at=utcnow())
    db.session.add(change)
    return change


def _require_editable(contribution: Contribution) -> None:
    if not contribution.campaign.is_open:
        raise ReportError(_("La campagne est clôturée : cette contribution ne peut plus être modifiée."))
    if contribution.status not in EDITABLE:
        raise ReportError(_("Cette contribution est envoyée : elle ne peut plus être modifiée, sauf si une "
                            "co-animatrice ou un co-animateur vous la renvoie."))


def save(contribution: Contribution, actor, values: dict[Indicator, int | str | None],
         notes: dict[str, str], *, revision: int, action: str = "saved") -> list[dict]:
    """Store the values typed (``None`` empties a field) and the notes confirming warnings;
    record what changed. Refuses a form opened on an older revision (Conflict). Returns the
    changes, [] when nothing changed."""
    _require_editable(contribution)
    if revision != contribution.revision:
        raise Conflict(contribution)
    rows = {v.indicator_id: v for v in db.session.scalars(
        select(ContributionValue).where(ContributionValue.contribution_id == contribution.id))}
    changed = []
    for indicator, new in values.items():
        row = rows.get(indicator.id)
        old = None if row is None else (row.number if row.number is not None else row.text)
        if old == new:
            continue
        changed.append({"indicator_id": indicator.id, "label": indicator.label,
                        "old": checks.display(old), "new": checks.display(new)})
        if new is None:
            db.session.delete(row)
        else:
            if row is None:
                row = ContributionValue(contribution=contribution, indicator_id=indicator.id)
                db.session.add(row)
            row.number, row.text = (new, None) if isinstance(new, int) else (None, new)
    confirmations = {code: note for code, note in notes.items() if note}
    if confirmations != (contribution.confirmations or {}):
        old_notes = contribution.confirmations or {}
        for code in sorted(set(confirmations) | set(old_notes)):
            if confirmations.get(code) != old_notes.get(code):
                changed.append({"indicator_id": None, "label": _("Note de confirmation (%(check)s)", check=_label_of(code)),
                                "old": old_notes.get(code, ""), "new": confirmations.get(code, "")})
        contribution.confirmations = confirmations
    if changed:
        contribution.revision += 1
        contribution.updated_by_id = actor.id
        contribution.updated_at = utcnow()
        _record(contribution, actor, action, fields=changed)
    db.session.flush()
    return changed


def _label_of(check_code: str) -> str:
    check = checks.BY_CODE.get(check_code)
    return str(check.label) if check else check_code  # a check since removed keeps its code


def values_by_code(contribution: Contribution) -> dict[str, int | str | None]:
    """The active indicators' values by code (None when empty): what the checks read."""
    stored = {v.indicator_id: (v.number if v.number is not None else v.text) for v in db.session.scalars(
        select(ContributionValue).where(ContributionValue.contribution_id == contribution.id))}
    return {i.code: stored.get(i.id) for i in db.session.scalars(select(Indicator).where(Indicator.active.is_(True)))}


def unconfirmed(contribution: Contribution) -> list[checks.Check]:
    """The warnings raised by the contribution's values that have no confirming note."""
    notes = contribution.confirmations or {}
    return [w for w in checks.warnings_for(values_by_code(contribution)) if not notes.get(w.code)]


def submit(contribution: Contribution, actor) -> Contribution:
    """Send the contribution for review. Every consistency warning must be confirmed by a note."""
    _require_editable(contribution)
    pending = unconfirmed(contribution)
    if pending:
        raise ReportError(_("Avant d'envoyer, corrigez les valeurs ou confirmez-les par une note : %(list)s",
                            list=" ".join(str(w.message) for w in pending)))
    contribution.status = SUBMITTED
    contribution.submitted_at = utcnow()
    contribution.submitted_by_id = actor.id
    contribution.review_comment = None
    _record(contribution, actor, "submitted")
    db.session.flush()
    notices.submitted(contribution, actor)
    return contribution


def _check_open(contribution: Contribution) -> None:
    if not contribution.campaign.is_open:
        raise ReportError(_("La campagne est clôturée : rouvrez-la pour revoir ses contributions."))


def send_back(contribution: Contribution, actor, comment: str) -> Contribution:
    """Send the contribution back to its authors with a comment (required: they must know what
    to correct). A validated contribution may be sent back too: it leaves the consolidation."""
    comment = (comment or "").strip()
    _check_open(contribution)
    if contribution.status not in (SUBMITTED, VALIDATED):
        raise ReportError(_("Seule une contribution envoyée ou validée peut être renvoyée."))
    if not comment:
        raise ReportError(_("Dites ce qu'il faut corriger : le commentaire est envoyé aux auteurs."), "comment")
    contribution.status = RETURNED
    contribution.review_comment = comment
    contribution.reviewed_at = utcnow()
    contribution.reviewed_by_id = actor.id
    _record(contribution, actor, "returned", comment=comment)
    db.session.flush()
    notices.returned(contribution, actor)
    return contribution


def validate(contribution: Contribution, actor, comment: str = "") -> Contribution:
    """Validate a sent contribution: from now on it counts in the consolidation."""
    _check_open(contribution)
    if contribution.status != SUBMITTED:
        raise ReportError(_("Seule une contribution envoyée peut être validée."))
    contribution.status = VALIDATED
    contribution.reviewed_at = utcnow()
    contribution.reviewed_by_id = actor.id
    _record(contribution, actor, "validated", comment=(comment or "").strip() or None)
    db.session.flush()
    notices.validated(contribution, actor)
    return contribution
