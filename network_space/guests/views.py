"""Guest pages. Two kinds of visitor:

- organisers (logged in): invite partners to an event or a meeting, see and revoke their links,
  open an event's public registration page;
- guests (no account, no session): one personal page per link, and what it allows (register,
  answer the poll, say whether they come, download the .ics, erase their data). A link never
  logs anyone in, so it opens nothing else; a dead link gets a French page, not an error.
"""
from __future__ import annotations

from functools import wraps

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from network_space.core.forms import CONTROL_CHARACTERS
from network_space.core.permissions import can, require
from network_space.core.transactions import attempt
from network_space.directory import queries as directory_queries
from network_space.directory.models import Organisation, OrganisationContact, OrganisationKind
from network_space.events.models import REG_WAITING, Event
from network_space.events import services as event_services
from network_space.extensions import db, limiter
from network_space.guests import ical, queries, services
from network_space.guests.forms import AddOrganisationForm, InviteForm, PublicRegistrationForm
from network_space.guests.models import RSVP_LABELS, SOURCE_PUBLIC, GuestLink
from network_space.meetings.models import ANSWERS, STATUS_POLL, Meeting

bp = Blueprint("guests", __name__)


def _link_rate() -> str:
    return current_app.config["GUEST_LINK_RATE_LIMIT"]


def _public_rate() -> str:
    return current_app.config["GUEST_PUBLIC_RATE_LIMIT"]


# --- organisers ---------------------------------------------------------------------------------

def _invite_form(target, rows: list[queries.GuestRow]) -> InviteForm:
    """The directory's contacts with an address, but those already invited (``rows``, the guest
    list below the form); a revoked one may be invited again."""
    invited = {row.link.guest.email.lower() for row in rows if row.link.revoked_at is None}
    contacts = db.session.scalars(
        select(OrganisationContact).join(OrganisationContact.organisation)
        .where(OrganisationContact.email.is_not(None), OrganisationContact.email != "", Organisation.active.is_(True))
        .options(joinedload(OrganisationContact.organisation)).order_by(Organisation.name, OrganisationContact.name))
    contacts = [c for c in contacts if c.email.strip().lower() not in invited]
    partners = {o.id for o in getattr(target, "partners", [])}
    # The event's partner organisations first: they are who the organiser most likely invites.
    contacts.sort(key=lambda c: c.organisation_id not in partners)
    organisations = db.session.scalars(select(Organisation).where(Organisation.active.is_(True)).order_by(Organisation.name))
    return InviteForm(contacts=contacts, organisations=organisations)


def _manage(target, back_url: str):
    require("guests.manage", target)
    rows = queries.guest_rows(target)
    form = _invite_form(target, rows)
    if form.validate_on_submit():
        people = services.people_from_contacts(form.contact_ids.data or [])
        typed = form.typed_person()
        if typed:
            people.append(typed)
        outcome = attempt(lambda: services.invite(target, people, current_user),
                          lambda links: ngettext("%(num)d invitation envoyée.", "%(num)d invitations envoyées.",
                                                 len(links)) if links else _("Ces personnes étaient déjà invitées."),
                          form=form)
        if outcome:
            if typed and not typed.organisation_id and typed.organisation_typed:
                flash(_("« %(org)s » n'est pas dans l'annuaire : le bouton « Ajouter à l'annuaire » de la liste "
                        "l'y ajoute, avec ce contact.", org=typed.organisation_typed), "info")
            return redirect(request.path)
    public = services.public_page(target) if isinstance(target, Event) else None
    return render_template("guests/manage.html", target=target, form=form, back_url=back_url,
                           rows=rows, public=public, action_form=FlaskForm(),
                           is_event=isinstance(target, Event), can_add_organisation=can("directory.edit"))


@bp.route("/events/<int:event_id>/invites", methods=["GET", "POST"])
@login_required
def event_guests(event_id: int):
    event = db.session.get(Event, event_id) or abort(404)
    return _manage(event, url_for("events.detail", event_id=event.id))


@bp.route("/meetings/<int:meeting_id>/invites", methods=["GET", "POST"])
@login_required
def meeting_guests(meeting_id: int):
    meeting = db.session.get(Meeting, meeting_id) or abort(404)
    return _manage(meeting, url_for("meetings.show", meeting_id=meeting.id))


def _link_or_404(link_id: int) -> GuestLink:
    link = db.session.get(GuestLink, link_id) or abort(404)
    require("guests.manage", link.target)
    if not FlaskForm().validate_on_submit():
        abort(400)
    return link


def _manage_url(link: GuestLink) -> str:
    if link.event_id is not None:
        return url_for("guests.event_guests", event_id=link.event_id)
    return url_for("guests.meeting_guests", meeting_id=link.meeting_id)


@bp.route("/invites/<int:link_id>/revoquer", methods=["POST"])
@login_required
def revoke(link_id: int):
    link = _link_or_404(link_id)
    attempt(lambda: services.revoke(link, current_user), _("Lien révoqué : il n'ouvre plus rien."))
    return redirect(_manage_url(link))


@bp.route("/invites/<int:link_id>/renvoyer", methods=["POST"])
@login_required
def resend(link_id: int):
    link = _link_or_404(link_id)
    attempt(lambda: services.resend(link, current_user), _("Invitation renvoyée."))
    return redirect(_manage_url(link))


@bp.route("/invites/<int:link_id>/annuaire", methods=["GET", "POST"])
@login_required
def add_organisation(link_id: int):
    """The organisation a guest typed, into the directory: a form pre-filled with what was typed."""
    link = db.session.get(GuestLink, link_id) or abort(404)
    require("guests.manage", link.target)
    require("directory.edit")
    if not link.guest.organisation_typed:
        flash(_("L'organisation de cette personne est déjà dans l'annuaire."), "info")
        return redirect(_manage_url(link))
    form = AddOrganisationForm(kinds=directory_queries.kind_choices(), data={"name": link.guest.organisation_typed})
    if form.validate_on_submit():
        outcome = attempt(lambda: services.add_typed_organisation(
            link, form.name.data, db.session.get(OrganisationKind, form.kind.data), form.with_contact.data,
            current_user), form=form)
        if outcome:
            organisation, created = outcome.value
            flash(_("« %(name)s » est ajoutée à l'annuaire : complétez sa fiche.", name=organisation.name) if created
                  else _("« %(name)s » était déjà dans l'annuaire : la personne y est rattachée.",
                         name=organisation.name), "success")
            return redirect(url_for("directory.edit", organisation_id=organisation.id) if created
                            else _manage_url(link))
    return render_template("guests/add_organisation.html", link=link, form=form, back_url=_manage_url(link)), \
        400 if form.is_submitted() else 200


@bp.route("/events/<int:event_id>/inscription-publique", methods=["POST"])
@login_required
def toggle_public(event_id: int):
    event = db.session.get(Event, event_id) or abort(404)
    require("guests.manage", event)
    if not FlaskForm().validate_on_submit():
        abort(400)
    opened = request.form.get("open") == "1"
    attempt(lambda: services.set_public(event, opened, current_user),
            _("Page d'inscription publique ouverte.") if opened else _("Page d'inscription publique fermée."))
    return redirect(url_for("guests.event_guests", event_id=event.id))


# --- the public registration page -------------------------------------------------------------

@bp.route("/inscription/evenement/<int:event_id>", methods=["GET", "POST"])
@limiter.limit(_public_rate, methods=["POST"])
def public_register(event_id: int):
    event = db.session.get(Event, event_id)
    if event is None or services.public_page(event) is None:
        abort(404)
    form = PublicRegistrationForm()
    sent = False
    if form.validate_on_submit():
        if form.website.data:
            # A robot filled the hidden field: answer as if all went well, register nothing.
            sent = True
        elif attempt(lambda: services.register_publicly(event, form.person()), form=form):
            sent = True
    return render_template("guests/public.html", event=event, form=form, sent=sent,
                           closed_reason=event_services.registration_closed_reason(event))


# --- a guest's personal page ------------------------------------------------------------------

def personal(view):
    """Resolve the token; a dead link (unknown, revoked, expired) shows why, in French, with
    410 Gone: whatever it was, it opens nothing any more."""
    @wraps(view)
    def wrapper(token: str):
        link, problem = services.resolve(token)
        if problem:
            contact = link.organiser if link is not None and problem == "revoked" else None
            return render_template("guests/dead_link.html", problem=problem, link=link, contact=contact), 410
        return view(link, token)

    return limiter.limit(_link_rate)(wrapper)


def _back(token: str, anchor: str | None = None):
    return redirect(url_for("guests.page", token=token, _anchor=anchor))


@bp.route("/partenaire/<token>")
@personal
def page(link: GuestLink, token: str):
    context = {"link": link, "token": token, "target": link.target, "form": FlaskForm(), "answers": ANSWERS,
               "rsvps": RSVP_LABELS}
    if link.event_id is not None:
        registration = services.registration(link)
        context.update(
            registration=registration, is_waiting=registration is not None and registration.status == REG_WAITING,
            position=event_services.waiting_position(registration) if registration else None,
            places_left=event_services.places_left(link.event),
            closed_reason=event_services.registration_closed_reason(link.event),
            unconfirmed=link.source == SOURCE_PUBLIC and link.confirmed_at is None)
    else:
        response = services.poll_response(link)
        context.update(response=response, my_answers={a.slot_id: a.value for a in response.answers} if response else {},
                       poll_open=link.meeting.status == STATUS_POLL)
    return render_template("guests/page.html", **context)


def _post_ok() -> bool:
    if FlaskForm().validate_on_submit():
        return True
    flash(_("La page a expiré : recommencez."), "error")
    return False


@bp.route("/partenaire/<token>/inscription", methods=["POST"])
@personal
def register(link: GuestLink, token: str):
    if link.event_id is None:
        abort(404)
    if _post_ok():
        done = attempt(lambda: services.register(link))
        if done and done.value.status == REG_WAITING:
            flash(_("L'événement est complet : vous êtes sur la liste d'attente (position %(n)d). "
                    "Vous serez prévenu·e par email si une place se libère.",
                    n=event_services.waiting_position(done.value)), "warning")
        elif done:
            flash(_("Vous êtes inscrit·e."), "success")
    return _back(token)


@bp.route("/partenaire/<token>/desinscription", methods=["POST"])
@personal
def unregister(link: GuestLink, token: str):
    if link.event_id is None:
        abort(404)
    if _post_ok():
        attempt(lambda: services.unregister(link), _("Votre inscription est annulée."))
    return _back(token)


@bp.route("/partenaire/<token>/sondage", methods=["POST"])
@personal
def answer(link: GuestLink, token: str):
    if link.meeting_id is None:
        abort(404)
    if _post_ok():
        answers = {slot.id: request.form.get(f"slot-{slot.id}") for slot in link.meeting.slots}
        answers = {k: v for k, v in answers.items() if v in ANSWERS}
        comment = (request.form.get("comment") or "").strip()
        if len(comment) > 500:
            flash(_("Le commentaire dépasse 500 caractères."), "error")
        elif CONTROL_CHARACTERS.search(comment):
            flash(_("Le commentaire tient sur une ligne : retirez les retours à la ligne et les caractères "
                    "invisibles."), "error")
        else:
            attempt(lambda: services.answer_poll(link, answers, comment),
                    _("Vos réponses sont enregistrées. Vous pouvez les modifier jusqu'à la clôture du sondage."))
    return _back(token, "sondage")


@bp.route("/partenaire/<token>/reponse", methods=["POST"])
@personal
def rsvp(link: GuestLink, token: str):
    if link.meeting_id is None:
        abort(404)
    value = request.form.get("rsvp")
    if _post_ok():
        if value not in RSVP_LABELS:
            flash(_("Choisissez une réponse."), "error")
        else:
            attempt(lambda: services.set_rsvp(link, value), _("Votre réponse est enregistrée."))
    return _back(token)


@bp.route("/partenaire/<token>/agenda.ics")
@personal
def ics_file(link: GuestLink, token: str):
    content = ical.calendar(link, url_for("guests.page", token=token, _external=True))
    if content is None:
        abort(404)
    name = f"evenement-{link.event_id}.ics" if link.event_id is not None else f"reunion-{link.meeting_id}.ics"
    return Response(content, mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "private, no-cache"})


@bp.route("/partenaire/<token>/effacer", methods=["GET", "POST"])
@personal
def forget(link: GuestLink, token: str):
    form = FlaskForm()
    if form.validate_on_submit():
        guest = link.guest
        if attempt(lambda: services.forget(guest)):
            return redirect(url_for("guests.forgotten"))
    return render_template("guests/forget.html", link=link, token=token, form=form)


@bp.route("/partenaire/donnees-effacees")
def forgotten():
    return render_template("guests/forgotten.html")
