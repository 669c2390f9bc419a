"""Minutes pages: the minutes and their DOCX / ODT / PDF files, the editor with attendance, decisions and
actions, an action's status, the revisions."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select

from network_space.accounts.queries import active_users
from network_space.core import documents
from network_space.core.permissions import can, require
from network_space.core.transactions import attempt
from network_space.extensions import db
from network_space.meetings import export, queries
from network_space.meetings import minutes as minutes_services
from network_space.meetings.forms import ActionForm, ActionStatusForm, DecisionForm, MinutesForm
from network_space.meetings.models import ACTION_STATUSES, ATTENDANCE, ActionItem, Decision, Meeting, MinutesRevision
from network_space.meetings.views import assignee_choices, bp, child_or_404, get_or_404, meeting_or_404


@bp.route("/<int:meeting_id>/minutes")
@login_required
def minutes(meeting_id: int):
    meeting = meeting_or_404(meeting_id)
    require("meetings.view_minutes", meeting)
    return render_template("meetings/minutes.html", meeting=meeting, attendance=ATTENDANCE,
                           attendees=minutes_services.attendees(meeting), form=FlaskForm())


def _minutes_file(meeting_id: int, extension: str) -> Response:
    meeting = meeting_or_404(meeting_id)
    require("meetings.view_minutes", meeting)
    return documents.download(export.minutes_outline(meeting), extension, f"compte-rendu-{meeting.id}")


@bp.route("/<int:meeting_id>/minutes.docx")
@login_required
def minutes_docx(meeting_id: int):
    return _minutes_file(meeting_id, "docx")


@bp.route("/<int:meeting_id>/minutes.odt")
@login_required
def minutes_odt(meeting_id: int):
    return _minutes_file(meeting_id, "odt")


@bp.route("/<int:meeting_id>/minutes.pdf")
@login_required
def minutes_pdf(meeting_id: int):
    return _minutes_file(meeting_id, "pdf")


@bp.route("/<int:meeting_id>/minutes/edit", methods=["GET", "POST"])
@login_required
def edit_minutes(meeting_id: int):
    meeting = meeting_or_404(meeting_id, "meetings.write_minutes")
    if request.method == "POST":
        return _save_editor(meeting, "minutes")
    if meeting.minutes is None:
        attempt(lambda: minutes_services.start_minutes(meeting))
    return _minutes_page(meeting)


def _minutes_page(meeting: Meeting, form=None, decision_form=None, action_form=None, status: int = 200):
    """The minutes editor; a refused decision or action comes back in it, as typed."""
    if form is None:
        form = MinutesForm(formdata=None, obj=meeting.minutes)
        form.revision.data = minutes_services.latest_revision(meeting)
    action_form = action_form or ActionForm(prefix="action", formdata=None)
    action_form.assignee_id.choices = assignee_choices()
    return render_template(
        "meetings/minutes_edit.html", meeting=meeting, form=form, attendance=ATTENDANCE,
        attendees=minutes_services.attendees(meeting),
        decision_form=decision_form or DecisionForm(prefix="decision", formdata=None), action_form=action_form,
        action_statuses=ACTION_STATUSES, follow_up=queries.follow_up_actions(meeting),
    ), status


def _posted_attendance(meeting: Meeting) -> dict[str, str]:
    attendance = {}
    for person in minutes_services.attendees(meeting):
        value = request.form.get(f"attendance-{person.key}")
        if value in ATTENDANCE:
            attendance[person.key] = value
    return attendance


def _typed(name: str) -> bool:
    return bool((request.form.get(name) or "").strip())


def _save_editor(meeting: Meeting, button: str):
    """One submit of the editor saves everything typed in it: the minutes text and attendance
    (when the editor's form was posted), the decision and the action (when typed), whichever button
    was pressed. ``button`` ("minutes", "decision" or "action") makes its own part required. So
    "Ajouter la décision" clicked before "Enregistrer" no longer loses the text typed above it.

    When a part is refused, the text is still saved, and the page comes back with every field as
    typed and the reason beside the field: nothing is lost, nothing is added twice."""
    form = MinutesForm()
    decision_form = DecisionForm(prefix="decision")
    action_form = ActionForm(prefix="action")
    with_minutes = form.body.name in request.form
    with_decision = button == "decision" or _typed(decision_form.text.name)
    with_action = button == "action" or _typed(action_form.title.name)
    minutes_ok = form.validate_on_submit() and with_minutes
    decision_ok = with_decision and decision_form.validate_on_submit()
    action_ok = with_action and _action_form_valid(action_form)
    refused = (with_minutes and not minutes_ok) or (with_decision and not decision_ok) or (with_action and not action_ok)
    attendance = _posted_attendance(meeting)
    if minutes_ok and minutes_services.conflicts(meeting, form.revision.data, form.body.data):
        # Nothing is saved; the text typed comes back, and the next save is made knowingly.
        flash(_("Quelqu'un a enregistré le compte-rendu pendant que vous l'écriviez : rien n'est enregistré. "
                "Votre texte est ci-dessous ; reprenez-y ce qui a changé (voir l'historique des versions), "
                "puis enregistrez."), "error")
        form.revision.data, form.revision.raw_data = minutes_services.latest_revision(meeting), None  # not as posted
        return _minutes_page(meeting, form, decision_form, action_form, status=409)
    saved = []

    def save() -> None:
        if minutes_ok:
            minutes_services.save_minutes(meeting, current_user, form.body.data or "", attendance)
            saved.append(_("Compte-rendu enregistré."))
        if refused:
            return
        if decision_ok:
            minutes_services.add_decision(meeting, decision_form.text.data)
            saved.append(_("Décision ajoutée."))
        if action_ok:
            minutes_services.add_action(meeting, current_user, action_form.title.data, action_form.assignee_id.data,
                                        action_form.due_date.data)
            saved.append(_("Action ajoutée."))

    publish = button == "minutes" and bool(request.form.get("publish")) and meeting.status != "published"
    outcome = attempt(save, None if publish else lambda _none: " ".join(saved)) \
        if (minutes_ok or (not refused and (decision_ok or action_ok))) else None
    if refused or (outcome is not None and not outcome):
        # Said at the top too: the field's own message may sit below the screen's end.
        if with_decision and not decision_ok:
            flash(_("La décision n'est pas ajoutée : voir le message sous son champ."), "error")
        if with_action and not action_ok:
            flash(_("L'action n'est pas ajoutée : voir le message sous ses champs."), "error")
        return _minutes_page(meeting, form if with_minutes else None, decision_form, action_form, status=400)
    # Two commits when publishing: the text is saved even if publishing is refused.
    if publish and attempt(lambda: minutes_services.publish_minutes(meeting, current_user),
                           _("Compte-rendu publié : les invités sont prévenus.")):
        return redirect(url_for("meetings.minutes", meeting_id=meeting.id))
    anchor = {"minutes": None, "decision": "decisions", "action": "actions"}[button]
    return redirect(url_for("meetings.edit_minutes", meeting_id=meeting.id, _anchor=anchor))


@bp.route("/<int:meeting_id>/decisions", methods=["POST"])
@login_required
def add_decision(meeting_id: int):
    return _save_editor(meeting_or_404(meeting_id, "meetings.write_minutes"), "decision")


@bp.route("/<int:meeting_id>/decisions/<int:decision_id>/delete", methods=["POST"])
@login_required
def delete_decision(meeting_id: int, decision_id: int):
    meeting = meeting_or_404(meeting_id, "meetings.write_minutes")
    decision = child_or_404(Decision, decision_id, meeting)
    if FlaskForm().validate_on_submit():
        attempt(lambda: minutes_services.delete_decision(meeting, decision))
    return redirect(url_for("meetings.edit_minutes", meeting_id=meeting.id, _anchor="decisions"))


@bp.route("/<int:meeting_id>/decisions/<int:decision_id>/edit", methods=["GET", "POST"])
@login_required
def edit_decision(meeting_id: int, decision_id: int):
    meeting = meeting_or_404(meeting_id, "meetings.write_minutes")
    decision = child_or_404(Decision, decision_id, meeting)
    form = DecisionForm(prefix="decision", obj=decision)
    if form.validate_on_submit() and attempt(lambda: minutes_services.update_decision(meeting, decision, form.text.data),
                                             _("Décision modifiée."), form=form):
        return redirect(url_for("meetings.edit_minutes", meeting_id=meeting.id, _anchor="decisions"))
    return render_template("meetings/item_edit.html", meeting=meeting, form=form, anchor="decisions",
                           heading=_("Modifier la décision")), 400 if form.is_submitted() else 200


def _action_form_valid(form: ActionForm, action: ActionItem | None = None) -> bool:
    """The form's own checks, and an assignee who is an active member (a select can be forged),
    or the action's assignee as it stands (deactivated since: kept, not silently dropped)."""
    members = active_users()
    if action is not None and action.assignee is not None and action.assignee not in members:
        members.append(action.assignee)
    form.assignee_id.choices = assignee_choices(members)
    valid = form.validate_on_submit()
    if form.is_submitted() and form.assignee_id.data is not None and \
            form.assignee_id.data not in {u.id for u in members}:
        form.assignee_id.errors = [*form.assignee_id.errors, _("Membre inconnu.")]
        valid = False
    return valid


@bp.route("/<int:meeting_id>/actions", methods=["POST"])
@login_required
def add_action(meeting_id: int):
    return _save_editor(meeting_or_404(meeting_id, "meetings.write_minutes"), "action")


@bp.route("/<int:meeting_id>/actions/<int:action_id>/edit", methods=["GET", "POST"])
@login_required
def edit_action(meeting_id: int, action_id: int):
    meeting = meeting_or_404(meeting_id, "meetings.write_minutes")
    action = child_or_404(ActionItem, action_id, meeting)
    form = ActionForm(prefix="action", obj=action)
    if _action_form_valid(form, action) and attempt(
            lambda: minutes_services.update_action(action, current_user, form.title.data, form.assignee_id.data,
                                           form.due_date.data), _("Action modifiée."), form=form):
        return redirect(url_for("meetings.edit_minutes", meeting_id=meeting.id, _anchor="actions"))
    return render_template("meetings/item_edit.html", meeting=meeting, form=form, anchor="actions",
                           heading=_("Modifier l'action")), 400 if form.is_submitted() else 200


@bp.route("/<int:meeting_id>/actions/<int:action_id>/delete", methods=["POST"])
@login_required
def delete_action(meeting_id: int, action_id: int):
    meeting = meeting_or_404(meeting_id, "meetings.write_minutes")
    action = child_or_404(ActionItem, action_id, meeting)
    if FlaskForm().validate_on_submit():
        attempt(lambda: minutes_services.delete_action(meeting, action))
    return redirect(url_for("meetings.edit_minutes", meeting_id=meeting.id, _anchor="actions"))


@bp.route("/actions/<int:action_id>/status", methods=["POST"])
@login_required
def action_status(action_id: int):
    action = get_or_404(ActionItem, action_id)
    require("meetings.update_action", action)
    form = ActionStatusForm(prefix="status")
    if not form.validate_on_submit():
        abort(400)
    attempt(lambda: minutes_services.set_action_status(action, current_user, form.status.data),
            lambda _none: _("Action « %(title)s » : %(status)s.", title=action.title, status=action.status_label))
    next_url = request.form.get("next")
    if next_url == "minutes" and can("meetings.write_minutes", action.meeting):
        return redirect(url_for("meetings.edit_minutes", meeting_id=action.meeting_id, _anchor="actions"))
    return redirect(url_for("meetings.my_actions"))


@bp.route("/<int:meeting_id>/minutes/revisions")
@login_required
def revisions(meeting_id: int):
    meeting = meeting_or_404(meeting_id)
    require("meetings.view_minutes", meeting)
    return render_template("meetings/revisions.html", meeting=meeting, revisions=meeting.minutes.revisions)


@bp.route("/<int:meeting_id>/minutes/revisions/<int:number>")
@login_required
def revision(meeting_id: int, number: int):
    meeting = meeting_or_404(meeting_id)
    require("meetings.view_minutes", meeting)
    revision_obj = db.session.scalar(select(MinutesRevision).where(
        MinutesRevision.minutes_id == meeting.minutes.id, MinutesRevision.number == number))
    if revision_obj is None:
        abort(404)
    return render_template("meetings/revision.html", meeting=meeting, revision=revision_obj)
