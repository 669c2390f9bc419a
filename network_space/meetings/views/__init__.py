"""Meeting pages: the lists, creation and edition, the meeting page and its .ics, the date fixed or
moved, cancellation, RSVP and agenda. The date poll's pages are views/polls.py, the minutes'
views/minutes.py; they add their routes to the same blueprint."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select

from network_space.accounts.models import Territory, User
from network_space.accounts.queries import active_users, by_name
from network_space.core import ics
from network_space.core.dates import paris_to_utc, to_paris
from network_space.core.forms import choices
from network_space.core.numbers import fmt_number
from network_space.core.pagination import paginate
from network_space.core.permissions import can, require
from network_space.core.transactions import attempt
from network_space.extensions import db
from network_space.library.models import Resource
from network_space.meetings import ical, queries, services
from network_space.meetings.polls import tally
from network_space.meetings.forms import AgendaItemForm, CancelForm, FilterForm, MeetingForm, PollOpenForm, ScheduleForm
from network_space.meetings.models import ANSWERS, KINDS, RSVPS, AgendaItem, Meeting

bp = Blueprint("meetings", __name__, url_prefix="/meetings")


def get_or_404(model, obj_id: int):
    obj = db.session.get(model, obj_id)
    if obj is None:
        abort(404)
    return obj


def meeting_or_404(meeting_id: int, action: str = "meetings.view"):
    meeting = queries.load_meeting(meeting_id)
    if meeting is None:
        abort(404)
    require(action, meeting)
    return meeting


def child_or_404(model, child_id: int, meeting):
    child = get_or_404(model, child_id)
    if child.meeting_id != meeting.id:
        abort(404)
    return child


def assignee_choices(members: list[User] | None = None) -> list:
    members = active_users() if members is None else members
    return choices([("", _("— Personne —"))] + [(u.id, u.full_name) for u in members])


def _visible_resources() -> list[Resource]:
    resources = db.session.scalars(select(Resource).order_by(Resource.title))
    return [r for r in resources if can("library.view", r)]


def _resource_choices():
    return choices((r.id, r.title) for r in _visible_resources())


def _fill_meeting_choices(form: MeetingForm, keep: Meeting | None = None) -> None:
    """The form's lists; editing ``keep``, its people stay in them even when deactivated since:
    saving an unrelated change must not drop an organiser, an invitee or the secretary."""
    people = active_users()
    if keep is not None:
        people += [u for u in (*keep.organisers, *keep.named_members, keep.secretary) if u is not None and u not in people]
    members = [(u.id, u.full_name) for u in people]
    form.series_id.choices = choices([("", _("— Aucune —"))] + [(s.id, s.name) for s in queries.all_series()])
    form.territory_ids.choices = choices((t.id, t.name) for t in by_name(db.session.scalars(select(Territory))))
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
    territories = by_name(db.session.scalars(select(Territory)))
    filters.territory.choices = choices([("", _("Tous"))] + [(t.id, t.name) for t in territories])
    kind = request.args.get("kind") if request.args.get("kind") in KINDS else None
    series_id = filters.series.data
    territory = next((t for t in territories if t.id == filters.territory.data), None)
    shape = queries.list_shape(current_user, kind, series_id, territory)
    values = queries.list_values(current_user, kind, series_id, territory)
    return render_template(
        "meetings/index.html",
        filters=filters,
        upcoming=list(db.session.scalars(queries.upcoming(*shape), values)),
        past=paginate(queries.past(*shape), per_page=20, values=values),
        others=list(db.session.scalars(queries.drafts_and_cancelled(*shape), values)),
        awaiting=queries.polls_awaiting(current_user),
    )


@bp.route("/actions")
@login_required
def my_actions():
    require("member")
    return render_template("meetings/my_actions.html", actions=queries.my_open_actions(current_user),
                           done=queries.my_recently_done_actions(current_user), form=FlaskForm())


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
    meeting = meeting_or_404(meeting_id, "meetings.edit")
    form = MeetingForm(obj=meeting)
    _fill_meeting_choices(form, keep=meeting)
    if request.method == "GET":
        form.territory_ids.data = [t.id for t in meeting.territories]
        form.named_member_ids.data = [u.id for u in meeting.named_members]
        form.organiser_ids.data = [u.id for u in meeting.organisers]
        form.resource_ids.data = [r.id for r in meeting.resources]
        form.open_on(meeting)
    if form.validate_on_submit():
        if form.edited_meanwhile(meeting):
            return render_template("meetings/form.html", form=form, meeting=meeting), 409
        if attempt(lambda: services.update_meeting(meeting, current_user, _data(form)), _("Réunion enregistrée."),
                   form=form):
            return redirect(url_for("meetings.show", meeting_id=meeting.id))
    return render_template("meetings/form.html", form=form, meeting=meeting)


# --- the meeting page ---------------------------------------------------------------------------

@bp.route("/<int:meeting_id>")
@login_required
def show(meeting_id: int):
    meeting = meeting_or_404(meeting_id)
    my_response = next((r for r in meeting.responses if r.user_id == current_user.id), None)
    my_answers = {a.slot_id: a.value for a in my_response.answers} if my_response else {}
    my_invite = next((i for i in meeting.invitees if i.user_id == current_user.id), None)
    invitees = sorted(meeting.invitees, key=lambda i: i.user.name_key)  # Élodie among the E
    names = {i.user_id: i.user.full_name for i in meeting.invitees}
    respondents = {r.id: _respondent(r, names) for r in meeting.responses}
    return render_template(
        "meetings/show.html",
        meeting=meeting,
        invitees=invitees,
        tally=tally(meeting) if meeting.slots else [],
        responses=sorted(meeting.responses, key=lambda r: (r.user_id is None, respondents[r.id].lower())),
        answers_by_response={r.id: {a.slot_id: a.value for a in r.answers} for r in meeting.responses},
        answered_user_ids={r.user_id for r in meeting.responses if r.user_id is not None},
        respondents=respondents,
        my_answers=my_answers,
        my_response=my_response,
        my_invite=my_invite,
        follow_up=queries.follow_up_actions(meeting),
        answers=ANSWERS,
        rsvps=RSVPS,
        form=FlaskForm(),
        cancel_form=CancelForm(),
        agenda_form=_agenda_form(),
        open_form=PollOpenForm(),
        can_edit=can("meetings.edit", meeting),
    )


def _respondent(response, names: dict[int, str]) -> str:
    """A member by name; a guest (partner without an account) with their organisation."""
    if response.guest is not None:
        guest = response.guest
        if guest.organisation_label:
            return _("%(name)s — %(organisation)s (invité·e)", name=guest.name, organisation=guest.organisation_label)
        return _("%(name)s (invité·e)", name=guest.name)
    if response.user_id is None:
        return _("Invité·e (données effacées)")
    return names.get(response.user_id, _("Ancien·ne invité·e"))


@bp.route("/<int:meeting_id>.ics")
@login_required
def ics_file(meeting_id: int):
    meeting = meeting_or_404(meeting_id)
    if meeting.starts_at is None:
        abort(404)
    method = ics.METHOD_PUBLISH
    content = ical.meeting_ics(meeting, method)
    return Response(content, mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="reunion-{meeting.id}.ics"'})


@bp.route("/<int:meeting_id>/schedule", methods=["GET", "POST"])
@login_required
def schedule(meeting_id: int):
    meeting = meeting_or_404(meeting_id, "meetings.edit")
    form = ScheduleForm(current_start=meeting.starts_at)
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
    meeting = meeting_or_404(meeting_id, "meetings.edit")
    form = CancelForm()
    if not form.validate_on_submit():
        flash(_("Indiquez la raison de l'annulation (%(max)s caractères au maximum).", max=fmt_number(2000)), "error")
        return redirect(url_for("meetings.show", meeting_id=meeting.id, _anchor="annuler"))
    attempt(lambda: services.cancel_meeting(meeting, current_user, form.reason.data),
            _("Réunion annulée : les invités sont prévenus."))
    return redirect(url_for("meetings.show", meeting_id=meeting.id))


# --- RSVP and agenda ----------------------------------------------------------------------------

@bp.route("/<int:meeting_id>/rsvp", methods=["POST"])
@login_required
def rsvp(meeting_id: int):
    meeting = meeting_or_404(meeting_id)
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
    meeting = meeting_or_404(meeting_id, "meetings.edit")
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
    meeting = meeting_or_404(meeting_id, "meetings.edit")
    item = child_or_404(AgendaItem, item_id, meeting)
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
    meeting = meeting_or_404(meeting_id, "meetings.edit")
    item = child_or_404(AgendaItem, item_id, meeting)
    if FlaskForm().validate_on_submit():
        attempt(lambda: services.delete_agenda_item(meeting, item) if op == "delete"
                else services.move_agenda_item(meeting, item, -1 if op == "up" else 1))
    return redirect(url_for("meetings.show", meeting_id=meeting.id, _anchor="ordre-du-jour"))
