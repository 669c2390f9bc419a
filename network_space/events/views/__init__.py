"""Calendar pages (month, week, upcoming), event pages and their .ics, registrations, registrant
lists. A member's own calendar and feed are views/feeds.py, the kinds' administration
views/kinds.py; they add their routes to the same blueprint."""
from __future__ import annotations

from datetime import timedelta

from babel.dates import get_day_names
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from network_space.accounts.models import User
from network_space.accounts.queries import active_territories, active_users
from network_space.core.dates import fmt_month, to_paris
from network_space.core.models import utcnow
from network_space.core.http import int_arg
from network_space.core.pagination import paginate
from network_space.core.permissions import can, require
from network_space.core.statements import values
from network_space.core.transactions import attempt
from network_space.directory.models import Organisation, OrganisationKind
from network_space.events import export, ical, queries, services
from network_space.events.forms import AddRegistrantForm, CancelForm, EventForm, MessageForm
from network_space.events.models import REG_REGISTERED, REG_WAITING, Event
from network_space.extensions import db
from network_space.library.models import Resource

bp = Blueprint("events", __name__)


def event_or_404(event_id: int) -> Event:
    event = db.session.get(Event, event_id)
    if event is None:
        abort(404)
    require("events.view", event)
    return event


def _filters() -> tuple[queries.Filters, dict]:
    """The calendar filters from the query string, and what the filter bar offers."""
    kinds = queries.event_kinds()
    filters = queries.Filters.from_request(kinds)
    return filters, {"filters": filters, "kinds": kinds, "territories": active_territories(),
            "organisations": queries.partner_organisations()}


def _entries(first_day, last_day, filters: queries.Filters) -> list[queries.CalendarEntry]:
    events = queries.events_between(first_day, last_day, filters)
    entries = [queries.event_entry(e, url_for("events.detail", event_id=e.id)) for e in events]
    # Event filters say nothing about meetings: meetings are shown with the unfiltered calendar.
    if not filters.active:
        entries += queries.meetings_between(first_day, last_day, current_user)
    return sorted(entries, key=lambda e: (e.starts_at, e.title))


def _day_names() -> list[str]:
    names = get_day_names("wide", locale=str(get_locale()))
    return [names[i] for i in range(7)]


@bp.route("/events/")
@login_required
def calendar():
    require("events.view")
    filters, filter_context = _filters()
    day = queries.date_arg()
    days = queries.month_days(day.year, day.month)
    grid = queries.grid_days(days, _entries(days[0], days[-1], filters), month=day.month)
    weeks = [grid[i:i + 7] for i in range(0, len(grid), 7)]
    return render_template(
        "events/month.html", weeks=weeks, day_names=_day_names(), month=day.replace(day=1),
        title=fmt_month(day),
        prev=queries.shift_month(day, -1), next=queries.shift_month(day, 1), **filter_context,
    )


@bp.route("/events/semaine")
@login_required
def week():
    require("events.view")
    filters, filter_context = _filters()
    day = queries.date_arg()
    days = queries.week_days(day)
    grid = queries.grid_days(days, _entries(days[0], days[-1], filters))
    return render_template(
        "events/week.html", days=grid, day_names=_day_names(), monday=days[0], sunday=days[-1],
        prev=days[0] - timedelta(days=7), next=days[0] + timedelta(days=7), **filter_context,
    )


@bp.route("/events/a-venir")
@login_required
def upcoming():
    require("events.view")
    filters, filter_context = _filters()
    page = paginate(queries.upcoming(filters.shape), per_page=20, values={**values(current_user), **filters.values})
    return render_template("events/upcoming.html", page=page, **filter_context)


# --- One event -----------------------------------------------------------------------------

@bp.route("/events/<int:event_id>")
@login_required
def detail(event_id: int):
    event = event_or_404(event_id)
    registration = services.registration_of(event, current_user)
    return render_template(
        "events/detail.html", event=event, registration=registration,
        position=services.waiting_position(registration) if registration else None,
        registered=services.registered_count(event), places_left=services.places_left(event),
        waiting=services.waiting_count(event),
        resources=[r for r in event.resources if can("library.view", r)],
        closed_reason=services.registration_closed_reason(event),
    )


def _form(obj=None, keep: Event | None = None, **kwargs) -> EventForm:
    """The event form; editing ``keep``, its organisers, partners and territory stay in the lists
    even when deactivated, archived or retired since: saving an unrelated change must not drop them."""
    users = active_users()
    organisations = list(db.session.scalars(
        select(Organisation).join(Organisation.kind).where(Organisation.active.is_(True))
        .order_by(OrganisationKind.position, OrganisationKind.name, Organisation.name)
        .options(contains_eager(Organisation.kind))
    ))
    territories = active_territories()
    if keep is not None:
        users += [u for u in keep.organisers if u not in users]
        organisations += [o for o in keep.partners if o not in organisations]
        territories += [keep.territory] if keep.territory is not None and keep.territory not in territories else []
    # Only what the editor may see can be linked (the field refuses any other id).
    resources = [r for r in db.session.scalars(select(Resource).order_by(Resource.title)) if can("library.view", r)]
    return EventForm(obj=obj, kinds=queries.event_kinds(), territories=territories, users=users,
                     organisations=organisations, resources=resources, **kwargs)


def _prefill(form: EventForm, event: Event, with_dates: bool) -> None:
    """Fill the form from an event (edit), or from the one being duplicated without its dates."""
    form.title.data = event.title
    form.kind.data = event.kind
    form.description.data = event.description
    form.all_day.data = event.all_day
    form.place.data = event.place
    form.online_url.data = event.online_url
    form.territory_id.data = event.territory_id or 0
    form.organiser_ids.data = [u.id for u in event.organisers]
    form.partner_ids.data = [o.id for o in event.partners]
    form.resource_ids.data = [r.id for r in event.resources if can("library.view", r)]
    form.capacity.data = event.capacity
    start, end = to_paris(event.starts_at), to_paris(event.ends_at)
    if not event.all_day:
        form.start_time.data, form.end_time.data = start.time(), end.time()
    if with_dates:
        form.start_date.data = start.date()
        form.end_date.data = event.last_day
        if event.registration_deadline:
            form.registration_deadline.data = to_paris(event.registration_deadline).replace(tzinfo=None)


@bp.route("/events/nouveau", methods=["GET", "POST"])
@login_required
def create():
    require("events.create")
    form = _form()
    source = None
    if request.method == "GET":
        form.organiser_ids.data = [current_user.id]
        source_id = int_arg("from")
        if source_id:
            source = db.session.get(Event, source_id)
            if source is not None:
                _prefill(form, source, with_dates=False)
    if form.validate_on_submit():
        created = attempt(lambda: services.create_event(form.to_input(), current_user), _("L'événement est créé."),
                          form=form)
        if created:
            return redirect(url_for("events.detail", event_id=created.value.id))
    return render_template("events/form.html", form=form, event=None, source=source)


@bp.route("/events/<int:event_id>/dupliquer")
@login_required
def duplicate(event_id: int):
    event_or_404(event_id)
    require("events.create")
    return redirect(url_for("events.create", **{"from": event_id}))


@bp.route("/events/<int:event_id>/modifier", methods=["GET", "POST"])
@login_required
def edit(event_id: int):
    event = event_or_404(event_id)
    require("events.edit", event)
    form = _form(keep=event)
    if request.method == "GET":
        _prefill(form, event, with_dates=True)
        form.open_on(event)
    if form.validate_on_submit() and form.edited_meanwhile(event):
        return render_template("events/form.html", form=form, event=event, source=None), 409
    if form.validate_on_submit():
        data = form.to_input()
        # Links to resources this editor cannot see are kept as they are.
        data.resource_ids += [r.id for r in event.resources if not can("library.view", r)]
        if attempt(lambda: services.update_event(event.id, data, current_user),
                   lambda changed: _("L'événement est modifié.") if changed else _("Aucun changement."), form=form):
            _warn_if_overbooked(event)
            return redirect(url_for("events.detail", event_id=event_id))
    return render_template("events/form.html", form=form, event=event, source=None)


def _warn_if_overbooked(event: Event) -> None:
    """Fewer places than people registered: nobody is unregistered behind their back, and the
    organiser must know it is theirs to sort out."""
    registered = services.registered_count(event)
    if event.capacity is not None and registered > event.capacity:
        flash(_("Il y a plus d'inscrits que de places (%(registered)d pour %(capacity)d) : personne n'est "
                "désinscrit. La liste des inscrits permet de retirer des inscriptions.",
                registered=registered, capacity=event.capacity), "warning")


@bp.route("/events/<int:event_id>/annuler", methods=["GET", "POST"])
@login_required
def cancel(event_id: int):
    event = event_or_404(event_id)
    require("events.edit", event)
    if event.is_cancelled:
        flash(_("Cet événement est déjà annulé."), "info")
        return redirect(url_for("events.detail", event_id=event.id))
    form = CancelForm()
    if form.validate_on_submit() and attempt(lambda: services.cancel_event(event, form.reason.data, current_user),
                                             _("L'événement est annulé ; les inscrits sont prévenus."), form=form):
        return redirect(url_for("events.detail", event_id=event_id))
    return render_template("events/cancel.html", form=form, event=event)


# --- Registrations -------------------------------------------------------------------------

@bp.route("/events/<int:event_id>/inscription", methods=["POST"])
@login_required
def register(event_id: int):
    event_or_404(event_id)
    registered = attempt(lambda: services.register(event_id, current_user))
    if registered and registered.value.status == REG_WAITING:
        flash(_("L'événement est complet : vous êtes sur la liste d'attente (position %(n)d). "
                "Vous serez prévenu·e si une place se libère.",
                n=services.waiting_position(registered.value)), "warning")
    elif registered:
        flash(_("Vous êtes inscrit·e."), "success")
    return redirect(url_for("events.detail", event_id=event_id))


@bp.route("/events/<int:event_id>/desinscription", methods=["POST"])
@login_required
def unregister(event_id: int):
    event_or_404(event_id)
    attempt(lambda: services.unregister(event_id, current_user), _("Votre inscription est annulée."))
    return redirect(url_for("events.detail", event_id=event_id))


def _add_form(event: Event, rows) -> AddRegistrantForm:
    """Active members not yet registered or waiting, to register by hand."""
    taken = {r.user_id for r in rows if r.user_id is not None}
    users = [u for u in active_users() if u.id not in taken]
    return AddRegistrantForm(users=users, prefix="add")


@bp.route("/events/<int:event_id>/inscrits", methods=["GET", "POST"])
@login_required
def registrants(event_id: int):
    event = event_or_404(event_id)
    require("events.manage_registrations", event)
    rows = services.registrations(event)
    add_form = _add_form(event, rows)
    if add_form.validate_on_submit():
        user = db.session.get(User, add_form.user_id.data)
        added = attempt(lambda: services.register(event.id, user, actor=current_user))
        if added and added.value.status == REG_WAITING:
            flash(_("%(name)s est sur la liste d'attente (position %(n)d) et en est prévenu·e.", name=user.full_name,
                    n=services.waiting_position(added.value)), "success")
        elif added:
            # Once the event has begun, someone added came without registering: nobody is emailed.
            flash(_("%(name)s est inscrit·e.", name=user.full_name) if event.starts_at <= utcnow()
                  else _("%(name)s est inscrit·e et en est prévenu·e.", name=user.full_name), "success")
        if added:
            return redirect(url_for("events.registrants", event_id=event_id))
    registered = [r for r in rows if r.status == REG_REGISTERED]
    started = event.starts_at <= utcnow() and not event.is_cancelled  # attendance is taken
    return render_template(
        "events/registrants.html", event=event, registered=registered, add_form=add_form, started=started,
        waiting=[r for r in rows if r.status == REG_WAITING],
        came=sum(1 for r in registered if r.attended),
        recorded=any(r.attended is not None for r in registered),
    ), 400 if add_form.errors else 200


@bp.route("/events/<int:event_id>/inscrits/<int:registration_id>/retirer", methods=["POST"])
@login_required
def remove_registrant(event_id: int, registration_id: int):
    event = event_or_404(event_id)
    require("events.manage_registrations", event)
    attempt(lambda: services.remove_registration(event.id, registration_id, current_user), _removal_said)
    return redirect(url_for("events.registrants", event_id=event_id))


def _removal_said(removal: services.Removal) -> str:
    said = _("L'inscription est retirée et la personne prévenue.") if removal.told else _("L'inscription est retirée.")
    if removal.promoted is not None:
        said += " " + _("%(name)s obtient la place libérée.", name=removal.promoted.person_name)
    return said


@bp.route("/events/<int:event_id>/inscrits/presences", methods=["POST"])
@login_required
def attendance(event_id: int):
    event = event_or_404(event_id)
    require("events.manage_registrations", event)
    # ASCII digits only: str.isdigit() also takes "²", which int() refuses.
    present = {int(v) for v in request.form.getlist("present") if v.isascii() and v.isdigit() and len(v) < 12}
    attempt(lambda: services.record_attendance(event, present, current_user),
            lambda came: ngettext("Présences enregistrées : %(num)d personne est venue.",
                                  "Présences enregistrées : %(num)d personnes sont venues.", came))
    return redirect(url_for("events.registrants", event_id=event_id))


@bp.route("/events/<int:event_id>/inscrits.<any(csv, xlsx):fmt>")
@login_required
def export_registrants(event_id: int, fmt: str):
    event = event_or_404(event_id)
    require("events.manage_registrations", event)
    rows = services.registrations(event)
    name = f"inscrits-evenement-{event.id}.{fmt}"
    if fmt == "csv":
        body, mimetype = export.to_csv(rows), "text/csv"  # werkzeug adds "; charset=utf-8" to text types
    else:
        body = export.to_xlsx(rows, event.title)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/events/<int:event_id>/message", methods=["GET", "POST"])
@login_required
def message(event_id: int):
    event = event_or_404(event_id)
    require("events.manage_registrations", event)
    form = MessageForm()
    if form.validate_on_submit() and attempt(
            lambda: services.email_registrants(event, form.subject.data, form.body.data, current_user,
                                               form.include_waiting.data),
            lambda count: ngettext("Message envoyé à %(num)d personne.", "Message envoyé à %(num)d personnes.", count),
            form=form):
        return redirect(url_for("events.registrants", event_id=event_id))
    return render_template("events/message.html", form=form, event=event)


# --- iCalendar -----------------------------------------------------------------------------

def ics_response(body: bytes, filename: str) -> Response:
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/events/<int:event_id>.ics")
@login_required
def event_ics(event_id: int):
    event = event_or_404(event_id)
    return ics_response(ical.event_calendar(event), f"evenement-{event.id}.ics")
