from __future__ import annotations

from datetime import time

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select

from network_space.accounts.models import Territory, User
from network_space.core import documents, ics
from network_space.core.dates import paris_to_utc, to_paris
from network_space.core.models import utcnow
from network_space.core.pagination import paginate
from network_space.core.permissions import can, require
from network_space.core.transactions import attempt
from network_space.extensions import db
from network_space.library.models import Resource
from network_space.meetings import export, queries, services
from network_space.meetings.forms import (
    ActionForm,
    ActionStatusForm,
    AgendaItemForm,
    CancelForm,
    DecisionForm,
    FilterForm,
    MeetingForm,
    choices,
    MinutesForm,
    PollOpenForm,
    ScheduleForm,
    SlotsForm,
)
from network_space.meetings.models import (
    ACTION_STATUSES,
    ANSWERS,
    ATTENDANCE,
    KINDS,
    RSVPS,
    STATUS_DRAFT,
    STATUS_POLL,
    ActionItem,
    AgendaItem,
    Decision,
    MinutesRevision,
    PollSlot,
)

bp = Blueprint("meetings", __name__, url_prefix="/meetings")


def _get_or_404(model, obj_id: int):
    obj = db.session.get(model, obj_id)
    if obj is None:
        abort(404)
    return obj


def _meeting_or_404(meeting_id: int, action: str = "meetings.view"):
    meeting = queries.load_meeting(meeting_id)
    if meeting is None:
        abort(404)
    require(action, meeting)
    return meeting


def _child_or_404(model, child_id: int, meeting):
    child = _get_or_404(model, child_id)
    if child.meeting_id != meeting.id:
        abort(404)
    return child


def _active_members() -> list[User]:
    return list(db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.full_name)))


def _assignee_choices(members: list[User] | None = None) -> list:
    members = _active_members() if members is None else members
    return choices([("", _("— Personne —"))] + [(u.id, u.full_name) for u in members])


def _visible_resources() -> list[Resource]:
    resources = db.session.scalars(select(Resource).order_by(Resource.title))
    return [r for r in resources if can("library.view", r)]


def _resource_choices():
    return choices((r.id, r.title) for r in _visible_resources())


def _fill_meeting_choices(form: MeetingForm) -> None:
    members = [(u.id, u.full_name) for u in _active_members()]
    form.series_id.choices = choices([("", _("— Aucune —"))] + [(s.id, s.name) for s in queries.all_series()])
    form.territory_ids.choices = choices((t.id, t.name) for t in db.session.scalars(select(Territory).order_by(Territory.name)))
    form.named_member_ids.choices = choices(members)
    form.organiser_ids.choices = choices(members)
    form.secretary_id.choices = choices([("", _("— Aucun·e —"))] + members)
    form.resource_ids.choices = _resource_choices()


def _data(form: MeetingForm) -> services.MeetingData:
    return services.MeetingData(
        title=form.title.data, kind=form.kind.data, format=form.format.data, series_id=form.series_id.data,
        new_series=form.new_series.data or None, place=form.place.data, video_link=form.video_link.data,
        description=form.description.data, private=form.private.data, invite_scope=form.invite_scope.data,
        invite_sector=form.invite_sector.data or None, territory_ids=form.territory_ids.data or [],
        named_member_ids=form.named_member_ids.data or [], organiser_ids=form.organiser_ids.data or [],
        secretary_id=form.secretary_id.data,
        resource_ids=_allowed_resource_ids(form.resource_ids.data),
    )


def _allowed_resource_ids(ids) -> list[int]:
    """Only resources the user may see can be linked (the form's choices are not trusted)."""
    allowed = {r.id for r in _visible_resources()}
    return [i for i in ids or () if i in allowed]


# --- lists --------------------------------------------------------------------------------------

@bp.route("/")
@login_required
def index():
    require("member")
    filters = FilterForm(request.args)
    filters.series.choices = choices([("", _("Toutes"))] + [(s.id, s.name) for s in queries.all_series()])
    territories = list(db.session.scalars(select(Territory).order_by(Territory.name)))
    filters.territory.choices = choices([("", _("Tous"))] + [(t.id, t.name) for t in territories])
    kind = request.args.get("kind") if request.args.get("kind") in KINDS else None
    series_id = filters.series.data
    territory = next((t for t in territories if t.id == filters.territory.data), None)
    args = (current_user, kind, series_id, territory)
    return render_template(
        "meetings/index.html",
        filters=filters,
        upcoming=queries.upcoming(*args),
        past=paginate(queries.past(*args), per_page=20),
        others=queries.drafts_and_cancelled(*args),
        awaiting=services.polls_awaiting(current_user),
    )


@bp.route("/actions")
@login_required
def my_actions():
    require("member")
    return render_template("meetings/my_actions.html", actions=services.my_open_actions(current_user),
                           form=FlaskForm())


# --- create and edit ----------------------------------------------------------------------------

@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    require("meetings.create")
    form = MeetingForm()
    _fill_meeting_choices(form)
    if request.method == "GET":
        form.organiser_ids.data = [current_user.id]
    if form.validate_on_submit():
        created = attempt(lambda: services.create_meeting(current_user, _data(form)),
                          _("Réunion créée (brouillon). Proposez des dates ou fixez la date."), form=form)
        if created:
            return redirect(url_for("meetings.show", meeting_id=created.value.id))
    return render_template("meetings/form.html", form=form, meeting=None)


@bp.route("/<int:meeting_id>/edit", methods=["GET", "POST"])
@login_required
def edit(meeting_id: int):
    meeting = _meeting_or_404(meeting_id, "meetings.edit")
    form = MeetingForm(obj=meeting)
    _fill_meeting_choices(form)
    if request.method == "GET":
        form.territory_ids.data = [t.id for t in meeting.territories]
        form.named_member_ids.data = [u.id for u in meeting.named_members]
        form.organiser_ids.data = [u.id for u in meeting.organisers]
        form.resource_ids.data = [r.id for r in meeting.resources]
    if form.validate_on_submit() and attempt(lambda: services.update_meeting(meeting, current_user, _data(form)),
                                             _("Réunion enregistrée."), form=form):
        return redirect(url_for("meetings.show", meeting_id=meeting.id))
    return render_template("meetings/form.html", form=form, meeting=meeting)


# --- the meeting page ---------------------------------------------------------------------------

@bp.route("/<int:meeting_id>")
@login_required
def show(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    my_response = next((r for r in meeting.responses if r.user_id == current_user.id), None)
    my_answers = {a.slot_id: a.value for a in my_response.answers} if my_response else {}
    my_invite = next((i for i in meeting.invitees if i.user_id == current_user.id), None)
    invitees = sorted(meeting.invitees, key=lambda i: i.user.full_name.lower())
    answers_by_user = {r.user_id: {a.slot_id: a.value for a in r.answers} for r in meeting.responses}
    return render_template(
        "meetings/show.html",
        meeting=meeting,
        invitees=invitees,
        tally=services.tally(meeting) if meeting.slots else [],
        responses=sorted(meeting.responses, key=lambda r: _user_name(meeting, r.user_id)),
        answers_by_user=answers_by_user,
        names={i.user_id: i.user.full_name for i in meeting.invitees},
        my_answers=my_answers,
        my_response=my_response,
        my_invite=my_invite,
        follow_up=services.follow_up_actions(meeting),
        answers=ANSWERS,
        rsvps=RSVPS,
        form=FlaskForm(),
        cancel_form=CancelForm(),
        agenda_form=_agenda_form(),
        open_form=PollOpenForm(),
        can_edit=can("meetings.edit", meeting),
    )


def _user_name(meeting, user_id: int) -> str:
    return next((i.user.full_name.lower() for i in meeting.invitees if i.user_id == user_id), "")


@bp.route("/<int:meeting_id>.ics")
@login_required
def ics_file(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    if meeting.starts_at is None:
        abort(404)
    method = ics.METHOD_PUBLISH
    content = services.meeting_ics(meeting, method)
    return Response(content, mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="reunion-{meeting.id}.ics"'})


# --- date poll ----------------------------------------------------------------------------------

@bp.route("/<int:meeting_id>/slots", methods=["GET", "POST"])
@login_required
def slots(meeting_id: int):
    meeting = _meeting_or_404(meeting_id, "meetings.edit")
    if meeting.status not in (STATUS_DRAFT, STATUS_POLL):
        flash(_("La date est fixée : les créneaux ne se modifient plus."), "warning")
        return redirect(url_for("meetings.show", meeting_id=meeting.id))
    form = SlotsForm()
    if form.validate_on_submit():
        entries = [entry.form for entry in form.slots]
        first = next((e for e in entries if e.day.data and e.start.data and e.end.data), None)
        wanted = []
        for entry in entries:
            if not entry.day.data:
                continue
            start, end = entry.start.data, entry.end.data
            if (start is None or end is None) and form.copy_first_times.data and first is not None:
                start, end = start or first.start.data, end or first.end.data
            if start is None or end is None:
                entry.start.errors = list(entry.start.errors) + [_("Indiquez le début et la fin.")]
                continue
            if end <= start:
                entry.end.errors = list(entry.end.errors) + [_("L'heure de fin doit être après l'heure de début.")]
                continue
            if paris_to_utc(entry.day.data, start) < utcnow():
                entry.day.errors = list(entry.day.errors) + [_("Cette date est passée.")]
                continue
            wanted.append(services.SlotInput(entry.day.data, start, end))
        has_errors = any(e.day.errors or e.start.errors or e.end.errors for e in entries)
        if not has_errors and not wanted:
            flash(_("Indiquez au moins une date."), "error")
        elif not has_errors and attempt(lambda: services.add_slots(meeting, wanted),
                                        lambda created: _("%(n)d créneau(x) ajouté(s).", n=len(created))):
            return redirect(url_for("meetings.show", meeting_id=meeting.id))
    return render_template("meetings/slots.html", meeting=meeting, form=form)


@bp.route("/<int:meeting_id>/slots/<int:slot_id>/delete", methods=["POST"])
@login_required
def delete_slot(meeting_id: int, slot_id: int):
    meeting = _meeting_or_404(meeting_id, "meetings.edit")
    slot = _child_or_404(PollSlot, slot_id, meeting)
    if FlaskForm().validate_on_submit():
        attempt(lambda: services.delete_slot(meeting, slot), _("Créneau supprimé."))
    return redirect(url_for("meetings.show", meeting_id=meeting.id))


@bp.route("/<int:meeting_id>/poll/open", methods=["POST"])
@login_required
def open_poll(meeting_id: int):
    meeting = _meeting_or_404(meeting_id, "meetings.edit")
    form = PollOpenForm()
    if not form.validate_on_submit():
        flash(_("Date limite invalide."), "error")
        return redirect(url_for("meetings.show", meeting_id=meeting.id))
    deadline = None
    if form.deadline_day.data:
        deadline = paris_to_utc(form.deadline_day.data, form.deadline_time.data or time(23, 59))
    attempt(lambda: services.open_poll(meeting, current_user, deadline), _("Sondage ouvert : les invités sont prévenus."))
    return redirect(url_for("meetings.show", meeting_id=meeting.id))


@bp.route("/<int:meeting_id>/poll/answer", methods=["POST"])
@login_required
def answer_poll(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
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
    attempt(lambda: services.answer_poll(meeting, current_user, answers, comment),
            _("Vos réponses sont enregistrées. Vous pouvez les modifier jusqu'à la clôture du sondage."))
    return redirect(url_for("meetings.show", meeting_id=meeting.id, _anchor="sondage"))


@bp.route("/<int:meeting_id>/poll/choose/<int:slot_id>", methods=["POST"])
@login_required
def choose_slot(meeting_id: int, slot_id: int):
    meeting = _meeting_or_404(meeting_id, "meetings.edit")
    slot = _child_or_404(PollSlot, slot_id, meeting)
    if FlaskForm().validate_on_submit():
        attempt(lambda: services.choose_slot(meeting, slot, current_user),
                _("Date retenue : l'invitation est envoyée à chaque invité."))
    return redirect(url_for("meetings.show", meeting_id=meeting.id))


@bp.route("/<int:meeting_id>/schedule", methods=["GET", "POST"])
@login_required
def schedule(meeting_id: int):
    meeting = _meeting_or_404(meeting_id, "meetings.edit")
    form = ScheduleForm()
    if request.method == "GET" and meeting.starts_at:
        start, end = to_paris(meeting.starts_at), to_paris(meeting.ends_at)
        form.day.data, form.start.data, form.end.data = start.date(), start.time(), end.time()
    if form.validate_on_submit() and attempt(
            lambda: services.schedule(meeting, paris_to_utc(form.day.data, form.start.data),
                                      paris_to_utc(form.day.data, form.end.data), current_user),
            _("Date enregistrée : les invités reçoivent l'invitation à jour."), form=form):
        return redirect(url_for("meetings.show", meeting_id=meeting.id))
    return render_template("meetings/schedule.html", meeting=meeting, form=form)


@bp.route("/<int:meeting_id>/cancel", methods=["POST"])
@login_required
def cancel(meeting_id: int):
    meeting = _meeting_or_404(meeting_id, "meetings.edit")
    form = CancelForm()
    if not form.validate_on_submit():
        flash(_("Indiquez la raison de l'annulation (2000 caractères au maximum)."), "error")
        return redirect(url_for("meetings.show", meeting_id=meeting.id, _anchor="annuler"))
    attempt(lambda: services.cancel_meeting(meeting, current_user, form.reason.data),
            _("Réunion annulée : les invités sont prévenus."))
    return redirect(url_for("meetings.show", meeting_id=meeting.id))


# --- RSVP and agenda ----------------------------------------------------------------------------

@bp.route("/<int:meeting_id>/rsvp", methods=["POST"])
@login_required
def rsvp(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    require("meetings.rsvp", meeting)
    value = request.form.get("rsvp")
    if not FlaskForm().validate_on_submit() or value not in RSVPS:
        abort(400)
    attempt(lambda: services.rsvp(meeting, current_user, value),
            _("Réponse enregistrée : %(answer)s.", answer=RSVPS[value]))
    return redirect(url_for("meetings.show", meeting_id=meeting.id, _anchor="participants"))


@bp.route("/<int:meeting_id>/agenda", methods=["POST"])
@login_required
def add_agenda_item(meeting_id: int):
    meeting = _meeting_or_404(meeting_id, "meetings.edit")
    form = _agenda_form()
    if form.validate_on_submit() and attempt(
            lambda: services.add_agenda_item(meeting, form.title.data, form.duration.data, form.presenter.data,
                                             form.description.data, _allowed_resource_ids(form.resource_ids.data)),
            _("Point ajouté à l'ordre du jour."), form=form):
        return redirect(url_for("meetings.show", meeting_id=meeting.id, _anchor="ordre-du-jour"))
    flash(_("Le formulaire contient des erreurs. Corrigez les champs signalés ci-dessous."), "error")
    return render_template("meetings/agenda_item.html", meeting=meeting, agenda_form=form, item=None), 400


@bp.route("/<int:meeting_id>/agenda/<int:item_id>/edit", methods=["GET", "POST"])
@login_required
def edit_agenda_item(meeting_id: int, item_id: int):
    meeting = _meeting_or_404(meeting_id, "meetings.edit")
    item = _child_or_404(AgendaItem, item_id, meeting)
    form = _agenda_form(item)
    if form.validate_on_submit() and attempt(
            lambda: services.update_agenda_item(item, form.title.data, form.duration.data, form.presenter.data,
                                                form.description.data, _allowed_resource_ids(form.resource_ids.data)),
            _("Point de l'ordre du jour enregistré."), form=form):
        return redirect(url_for("meetings.show", meeting_id=meeting.id, _anchor="ordre-du-jour"))
    return render_template("meetings/agenda_item.html", meeting=meeting, agenda_form=form, item=item)


def _agenda_form(item: AgendaItem | None = None) -> AgendaItemForm:
    form = AgendaItemForm(obj=item, data={"duration": item.duration_minutes,
                                          "resource_ids": [r.id for r in item.resources]} if item else None)
    form.resource_ids.choices = _resource_choices()
    return form


@bp.route("/<int:meeting_id>/agenda/<int:item_id>/<any(up, down, delete):op>", methods=["POST"])
@login_required
def agenda_item_op(meeting_id: int, item_id: int, op: str):
    meeting = _meeting_or_404(meeting_id, "meetings.edit")
    item = _child_or_404(AgendaItem, item_id, meeting)
    if FlaskForm().validate_on_submit():
        attempt(lambda: services.delete_agenda_item(meeting, item) if op == "delete"
                else services.move_agenda_item(meeting, item, -1 if op == "up" else 1))
    return redirect(url_for("meetings.show", meeting_id=meeting.id, _anchor="ordre-du-jour"))


# --- minutes ------------------------------------------------------------------------------------

@bp.route("/<int:meeting_id>/minutes")
@login_required
def minutes(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    require("meetings.view_minutes", meeting)
    return render_template("meetings/minutes.html", meeting=meeting, attendance=ATTENDANCE,
                           invitees=sorted(meeting.invitees, key=lambda i: i.user.full_name.lower()),
                           form=FlaskForm())


def _minutes_file(meeting_id: int, extension: str) -> Response:
    meeting = _meeting_or_404(meeting_id)
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
    meeting = _meeting_or_404(meeting_id, "meetings.write_minutes")
    minutes_obj = meeting.minutes
    form = MinutesForm(obj=minutes_obj)
    if form.validate_on_submit():
        attendance = {}
        for invitee in meeting.invitees:
            value = request.form.get(f"attendance-{invitee.user_id}")
            if value in ATTENDANCE:
                attendance[invitee.user_id] = value
        publish = request.form.get("publish") and meeting.status != "published"
        # Two commits when publishing: the text is saved even if publishing is refused.
        saved = attempt(lambda: services.save_minutes(meeting, current_user, form.body.data or "", attendance),
                        None if publish else _("Compte-rendu enregistré."))
        if saved and publish and attempt(lambda: services.publish_minutes(meeting, current_user),
                               _("Compte-rendu publié : les invités sont prévenus.")):
            return redirect(url_for("meetings.minutes", meeting_id=meeting.id))
        return redirect(url_for("meetings.edit_minutes", meeting_id=meeting.id))
    if minutes_obj is None and request.method == "GET":
        attempt(lambda: services.start_minutes(meeting))
    return _minutes_page(meeting, form)


def _minutes_page(meeting: Meeting, form=None, decision_form=None, action_form=None, status: int = 200):
    """The minutes editor; a refused decision or action comes back in it, as typed."""
    form = form or MinutesForm(formdata=None, obj=meeting.minutes)
    action_form = action_form or ActionForm(prefix="action", formdata=None)
    action_form.assignee_id.choices = _assignee_choices()
    return render_template(
        "meetings/minutes_edit.html", meeting=meeting, form=form, attendance=ATTENDANCE,
        invitees=sorted(meeting.invitees, key=lambda i: i.user.full_name.lower()),
        decision_form=decision_form or DecisionForm(prefix="decision", formdata=None), action_form=action_form,
        action_statuses=ACTION_STATUSES, follow_up=services.follow_up_actions(meeting),
    ), status


@bp.route("/<int:meeting_id>/decisions", methods=["POST"])
@login_required
def add_decision(meeting_id: int):
    meeting = _meeting_or_404(meeting_id, "meetings.write_minutes")
    form = DecisionForm(prefix="decision")
    if not form.validate_on_submit():
        return _minutes_page(meeting, decision_form=form, status=400)
    attempt(lambda: services.add_decision(meeting, form.text.data), _("Décision ajoutée."))
    return redirect(url_for("meetings.edit_minutes", meeting_id=meeting.id, _anchor="decisions"))


@bp.route("/<int:meeting_id>/decisions/<int:decision_id>/delete", methods=["POST"])
@login_required
def delete_decision(meeting_id: int, decision_id: int):
    meeting = _meeting_or_404(meeting_id, "meetings.write_minutes")
    decision = _child_or_404(Decision, decision_id, meeting)
    if FlaskForm().validate_on_submit():
        attempt(lambda: services.delete_decision(meeting, decision))
    return redirect(url_for("meetings.edit_minutes", meeting_id=meeting.id, _anchor="decisions"))


@bp.route("/<int:meeting_id>/decisions/<int:decision_id>/edit", methods=["GET", "POST"])
@login_required
def edit_decision(meeting_id: int, decision_id: int):
    meeting = _meeting_or_404(meeting_id, "meetings.write_minutes")
    decision = _child_or_404(Decision, decision_id, meeting)
    form = DecisionForm(prefix="decision", obj=decision)
    if form.validate_on_submit() and attempt(lambda: services.update_decision(meeting, decision, form.text.data),
                                             _("Décision modifiée."), form=form):
        return redirect(url_for("meetings.edit_minutes", meeting_id=meeting.id, _anchor="decisions"))
    return render_template("meetings/item_edit.html", meeting=meeting, form=form, anchor="decisions",
                           heading=_("Modifier la décision")), 400 if form.is_submitted() else 200


def _action_form_valid(form: ActionForm) -> bool:
    """The form's own checks, and an assignee who is an active member (a select can be forged)."""
    members = _active_members()
    form.assignee_id.choices = _assignee_choices(members)
    valid = form.validate_on_submit()
    if form.is_submitted() and form.assignee_id.data is not None and \
            form.assignee_id.data not in {u.id for u in members}:
        form.assignee_id.errors = [*form.assignee_id.errors, _("Membre inconnu.")]
        valid = False
    return valid


@bp.route("/<int:meeting_id>/actions", methods=["POST"])
@login_required
def add_action(meeting_id: int):
    meeting = _meeting_or_404(meeting_id, "meetings.write_minutes")
    form = ActionForm(prefix="action")
    if not _action_form_valid(form):
        return _minutes_page(meeting, action_form=form, status=400)
    attempt(lambda: services.add_action(meeting, current_user, form.title.data, form.assignee_id.data,
                                        form.due_date.data), _("Action ajoutée."))
    return redirect(url_for("meetings.edit_minutes", meeting_id=meeting.id, _anchor="actions"))


@bp.route("/<int:meeting_id>/actions/<int:action_id>/edit", methods=["GET", "POST"])
@login_required
def edit_action(meeting_id: int, action_id: int):
    meeting = _meeting_or_404(meeting_id, "meetings.write_minutes")
    action = _child_or_404(ActionItem, action_id, meeting)
    form = ActionForm(prefix="action", obj=action)
    if _action_form_valid(form) and attempt(
            lambda: services.update_action(action, current_user, form.title.data, form.assignee_id.data,
                                           form.due_date.data), _("Action modifiée."), form=form):
        return redirect(url_for("meetings.edit_minutes", meeting_id=meeting.id, _anchor="actions"))
    return render_template("meetings/item_edit.html", meeting=meeting, form=form, anchor="actions",
                           heading=_("Modifier l'action")), 400 if form.is_submitted() else 200


@bp.route("/<int:meeting_id>/actions/<int:action_id>/delete", methods=["POST"])
@login_required
def delete_action(meeting_id: int, action_id: int):
    meeting = _meeting_or_404(meeting_id, "meetings.write_minutes")
    action = _child_or_404(ActionItem, action_id, meeting)
    if FlaskForm().validate_on_submit():
        attempt(lambda: services.delete_action(meeting, action))
    return redirect(url_for("meetings.edit_minutes", meeting_id=meeting.id, _anchor="actions"))


@bp.route("/actions/<int:action_id>/status", methods=["POST"])
@login_required
def action_status(action_id: int):
    action = _get_or_404(ActionItem, action_id)
    require("meetings.update_action", action)
    form = ActionStatusForm(prefix="status")
    if not form.validate_on_submit():
        abort(400)
    attempt(lambda: services.set_action_status(action, current_user, form.status.data),
            lambda _none: _("Action « %(title)s » : %(status)s.", title=action.title, status=action.status_label))
    next_url = request.form.get("next")
    if next_url == "minutes" and can("meetings.write_minutes", action.meeting):
        return redirect(url_for("meetings.edit_minutes", meeting_id=action.meeting_id, _anchor="actions"))
    return redirect(url_for("meetings.my_actions"))


@bp.route("/<int:meeting_id>/minutes/revisions")
@login_required
def revisions(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    require("meetings.view_minutes", meeting)
    return render_template("meetings/revisions.html", meeting=meeting, revisions=meeting.minutes.revisions)


@bp.route("/<int:meeting_id>/minutes/revisions/<int:number>")
@login_required
def revision(meeting_id: int, number: int):
    meeting = _meeting_or_404(meeting_id)
    require("meetings.view_minutes", meeting)
    revision_obj = db.session.scalar(select(MinutesRevision).where(
        MinutesRevision.minutes_id == meeting.minutes.id, MinutesRevision.number == number))
    if revision_obj is None:
        abort(404)
    return render_template("meetings/revision.html", meeting=meeting, revision=revision_obj)
