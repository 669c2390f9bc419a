"""Date poll pages: propose slots, open the poll, answer it, choose the date."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from network_space.core.permissions import require
from network_space.core.transactions import attempt
from network_space.meetings import polls
from network_space.meetings.forms import PollOpenForm, SlotsForm
from network_space.meetings.models import ANSWERS, STATUS_DRAFT, STATUS_POLL, PollSlot
from network_space.meetings.views import bp, child_or_404, meeting_or_404


@bp.route("/<int:meeting_id>/slots", methods=["GET", "POST"])
@login_required
def slots(meeting_id: int):
    meeting = meeting_or_404(meeting_id, "meetings.edit")
    if meeting.status not in (STATUS_DRAFT, STATUS_POLL):
        flash(_("La date est fixée : les créneaux ne se modifient plus."), "warning")
        return redirect(url_for("meetings.show", meeting_id=meeting.id))
    form = SlotsForm()
    if form.validate_on_submit() and attempt(
            lambda: polls.add_slots(meeting, form.wanted),
            lambda created: ngettext("%(num)d créneau ajouté.", "%(num)d créneaux ajoutés.", len(created))):
        return redirect(url_for("meetings.show", meeting_id=meeting.id))
    return render_template("meetings/slots.html", meeting=meeting, form=form)


@bp.route("/<int:meeting_id>/slots/<int:slot_id>/delete", methods=["POST"])
@login_required
def delete_slot(meeting_id: int, slot_id: int):
    meeting = meeting_or_404(meeting_id, "meetings.edit")
    slot = child_or_404(PollSlot, slot_id, meeting)
    if FlaskForm().validate_on_submit():
        attempt(lambda: polls.delete_slot(meeting, slot), _("Créneau supprimé."))
    return redirect(url_for("meetings.show", meeting_id=meeting.id))


@bp.route("/<int:meeting_id>/poll/open", methods=["POST"])
@login_required
def open_poll(meeting_id: int):
    meeting = meeting_or_404(meeting_id, "meetings.edit")
    form = PollOpenForm()
    if not form.validate_on_submit():
        # The form sits on the meeting's page: its errors come back there as a message.
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "error")
        return redirect(url_for("meetings.show", meeting_id=meeting.id))
    attempt(lambda: polls.open_poll(meeting, current_user, form.deadline), _("Sondage ouvert : les invités sont prévenus."))
    return redirect(url_for("meetings.show", meeting_id=meeting.id))


@bp.route("/<int:meeting_id>/poll/answer", methods=["POST"])
@login_required
def answer_poll(meeting_id: int):
    meeting = meeting_or_404(meeting_id)
    require("meetings.answer_poll", meeting)
    if not FlaskForm().validate_on_submit():
        abort(400)
    answers = {}
    for slot in meeting.slots:
        value = request.form.get(f"slot-{slot.id}")
        if value in ANSWERS:
            answers[slot.id] = value
    comment = (request.form.get("comment") or "").strip()
    if len(comment) > 500:
        flash(_("Le commentaire dépasse 500 caractères."), "error")
        return redirect(url_for("meetings.show", meeting_id=meeting.id, _anchor="sondage"))
    attempt(lambda: polls.answer_poll(meeting, current_user, answers, comment),
            _("Vos réponses sont enregistrées. Vous pouvez les modifier jusqu'à la clôture du sondage."))
    return redirect(url_for("meetings.show", meeting_id=meeting.id, _anchor="sondage"))


@bp.route("/<int:meeting_id>/poll/choose/<int:slot_id>", methods=["POST"])
@login_required
def choose_slot(meeting_id: int, slot_id: int):
    meeting = meeting_or_404(meeting_id, "meetings.edit")
    slot = child_or_404(PollSlot, slot_id, meeting)
    if FlaskForm().validate_on_submit():
        attempt(lambda: polls.choose_slot(meeting, slot, current_user),
                _("Date retenue : l'invitation est envoyée à chaque invité."))
    return redirect(url_for("meetings.show", meeting_id=meeting.id))
