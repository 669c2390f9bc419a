"""What guests are told, by email through the outbox (they have no account, so no notify()):
their invitation with its personal link and .ics, every later change (same UID, SEQUENCE + 1)
or cancellation (METHOD:CANCEL), a place freed from the waiting list, the J-1 reminder, the
organisers' messages. Every message carries the personal link, the RGPD information and the
link to erase one's data.

Events and meetings never import this module: they send their GUEST_NEWS signal, which the
receivers below (connected in init_app) turn into messages, in the transaction of the change."""
from __future__ import annotations

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from network_space.core import ics
from network_space.core.dates import fmt_date, fmt_datetime
from network_space.core.i18n import in_site_language
from network_space.core.outbox import queue_email
from network_space.events.models import REG_REGISTERED, Event, Registration
from network_space.extensions import db
from network_space.guests import ical
from network_space.guests.models import SOURCE_PUBLIC, GuestLink
from network_space.guests.tokens import make_token
from network_space.meetings.models import STATUS_POLL, Meeting
from network_space.notifications.services import AUTOMATIC, absolute_url, site_context

def when(target: Event | Meeting) -> str:
    if isinstance(target, Event):
        return fmt_date(target.starts_at) if target.all_day else fmt_datetime(target.starts_at)
    return fmt_datetime(target.starts_at) if target.starts_at else ""


def place(target: Event | Meeting) -> str:
    if isinstance(target, Event):
        return ", ".join(x for x in (target.place, target.online_url and _("en ligne")) if x)
    return ", ".join(x for x in (target.place, target.video_link and _("en visioconférence")) if x)


def send(link: GuestLink, subject: str, paragraphs: list[str], *, method: str | None = None,
         token: str | None = None, kind: str = "guest.message", reply_to: str | None = None) -> None:
    """One message to one guest, with their personal link, the RGPD text and the erase link.
    The confirmation of a public sign-up greets nobody by name: anyone may type any address and
    any "name" there, and the site must not carry a stranger's words to that inbox."""
    token = token or make_token(link)
    with site_context():
        page = absolute_url(url_for("guests.page", token=token))
        erase = absolute_url(url_for("guests.forget", token=token))
    # A guest's reply reaches a person, not the no-reply sender: the pages tell them to reply. Sent
    # by the site, as members' notices are: a guest's out-of-office does not answer the organiser.
    reply_to = reply_to or getattr(link.organiser, "email", None)
    headers = {**AUTOMATIC, **({"Reply-To": reply_to} if reply_to else {})}
    queue_email("guest_message", link.guest.email, subject, kind=kind, guest=link.guest, paragraphs=paragraphs,
                greet_by_name=kind != "guest.confirm",
                page_url=page, erase_url=erase, retention_months=current_app.config["GUEST_RETENTION_MONTHS"],
                controller=current_app.config["GUEST_DATA_CONTROLLER"], headers=headers,
                attachments=ical.attachment(link, method, page) if method else None)


@in_site_language
def invitation(link: GuestLink, token: str) -> None:
    target = link.target
    inviter = link.invited_by.full_name if link.invited_by else current_app.config["SITE_NAME"]
    if link.source == SOURCE_PUBLIC:
        subject = _("Confirmez votre inscription : %(title)s", title=target.title)
        lines = [_("Vous avez demandé à vous inscrire à « %(title)s », le %(when)s.", title=target.title,
                   when=when(target)),
                 _("Votre place n'est prise qu'une fois votre adresse confirmée : ouvrez votre page personnelle "
                   "ci-dessous et cliquez sur « Confirmer mon inscription ». Sans confirmation, votre demande "
                   "est effacée."),
                 _("Si vous n'avez rien demandé, ignorez ce message.")]
        send(link, subject, lines, token=token, kind="guest.confirm")
        return
    subject = _("Invitation : %(title)s", title=target.title)
    if isinstance(target, Event):
        lines = [_("%(name)s vous invite à « %(title)s », le %(when)s.", name=inviter, title=target.title,
                   when=when(target)),
                 _("Votre page personnelle vous permet de vous inscrire ou de vous désinscrire.")]
        method = ics.METHOD_REQUEST
    elif target.status == STATUS_POLL or target.starts_at is None:
        lines = [_("%(name)s vous invite à la réunion « %(title)s », dont la date est en cours de choix.",
                   name=inviter, title=target.title),
                 _("Votre page personnelle vous permet d'indiquer vos disponibilités (Oui / Si besoin / Non).")]
        method = None
    else:
        lines = [_("%(name)s vous invite à la réunion « %(title)s », le %(when)s.", name=inviter, title=target.title,
                   when=when(target)),
                 _("Votre page personnelle vous permet de dire si vous venez.")]
        method = ics.METHOD_REQUEST
    send(link, subject, lines, method=method, token=token, kind="guest.invitation")


@in_site_language
def already_registered(link: GuestLink, token: str) -> None:
    """The public page again, for an address whose registration is confirmed: its link, without
    asking to confirm what is."""
    event = link.target
    subject = _("Votre inscription : %(title)s", title=event.title)
    lines = [_("Une inscription à « %(title)s », le %(when)s, a été demandée avec votre adresse : vous êtes déjà "
               "inscrit·e, rien n'a changé.", title=event.title, when=when(event)),
             _("Votre page personnelle ci-dessous vous permet de vous désinscrire si vous ne pouvez plus venir."),
             _("Si vous n'avez rien demandé, ignorez ce message.")]
    send(link, subject, lines, token=token, kind="guest.confirm")


def _live_links(column, target_id: int) -> list[GuestLink]:
    links = db.session.scalars(select(GuestLink).where(column == target_id, GuestLink.revoked_at.is_(None)))
    return [link for link in links if link.source != SOURCE_PUBLIC or link.confirmed_at is not None]


def _links_of(event: Event, registrations: list[Registration]) -> list[GuestLink]:
    guest_ids = {r.guest_id for r in registrations if r.guest_id is not None}
    return [link for link in _live_links(GuestLink.event_id, event.id) if link.guest_id in guest_ids]


@in_site_language
def on_event_news(event: Event, what: str, registrations: list[Registration] | None = None, **context) -> None:
    if what == "changed":
        for link in _live_links(GuestLink.event_id, event.id):
            send(link, _("Changement : %(title)s", title=event.title),
                 [_("« %(title)s » a changé : le %(when)s, %(place)s.", title=event.title, when=when(event),
                    place=place(event) or _("lieu à préciser")),
                  _("Le fichier de calendrier joint met à jour votre agenda.")], method=ics.METHOD_REQUEST)
    elif what == "cancelled":
        for link in _live_links(GuestLink.event_id, event.id):
            send(link, _("Annulé : %(title)s", title=event.title),
                 [_("« %(title)s », prévu le %(when)s, est annulé.", title=event.title, when=when(event)),
                  _("Raison : %(reason)s", reason=event.cancel_reason or "—")], method=ics.METHOD_CANCEL)
    elif what == "promoted":
        for link in _links_of(event, registrations or []):
            send(link, _("Une place s'est libérée : %(title)s", title=event.title),
                 [_("Une place s'est libérée : vous êtes inscrit·e à « %(title)s », le %(when)s.",
                    title=event.title, when=when(event))], method=ics.METHOD_REQUEST)
    elif what == "removed":
        actor = context["actor"]
        waiting = any(r.status != REG_REGISTERED for r in registrations or [])
        for link in _links_of(event, registrations or []):
            send(link, _("Liste d'attente quittée : %(title)s", title=event.title) if waiting
                 else _("Inscription retirée : %(title)s", title=event.title),
                 [_("%(organiser)s vous a retiré·e de la liste d'attente de « %(title)s », le %(when)s.",
                    organiser=actor.full_name, title=event.title, when=when(event)) if waiting
                  else _("%(organiser)s a retiré votre inscription à « %(title)s », le %(when)s.",
                         organiser=actor.full_name, title=event.title, when=when(event)),
                  _("Pour toute question, répondez à cet email.")],
                 method=ics.METHOD_CANCEL, reply_to=actor.email)
    elif what == "reminder" and context.get("days") == 1:
        registered = db.session.scalars(select(Registration).where(
            Registration.event_id == event.id, Registration.status == REG_REGISTERED,
            Registration.guest_id.is_not(None)))
        for link in _links_of(event, list(registered)):
            send(link, _("Demain : %(title)s", title=event.title),
                 [_("Rappel : « %(title)s » a lieu demain, le %(when)s, %(place)s.", title=event.title,
                    when=when(event), place=place(event) or _("lieu à préciser"))], kind="guest.reminder")
    elif what == "message":
        actor = context["actor"]
        for link in _links_of(event, registrations or []):
            send(link, context["subject"], [context["body"]], reply_to=actor.email)


@in_site_language
def on_meeting_news(meeting: Meeting, what: str, **context) -> None:
    links = _live_links(GuestLink.meeting_id, meeting.id)
    if what == "calendar" and context["method"] == ics.METHOD_CANCEL or what == "cancelled":
        for link in links:
            send(link, _("Annulée : %(title)s", title=meeting.title),
                 [_("La réunion « %(title)s » est annulée.", title=meeting.title),
                  _("Raison : %(reason)s", reason=meeting.cancel_reason or "—")],
                 method=ics.METHOD_CANCEL if meeting.starts_at else None)
    elif what == "calendar":
        subject = (_("Modifiée : %(title)s — %(when)s", title=meeting.title, when=when(meeting)) if context["updated"]
                   else _("Date fixée : %(title)s — %(when)s", title=meeting.title, when=when(meeting)))
        for link in links:
            send(link, subject, [_("La réunion « %(title)s » aura lieu le %(when)s, %(place)s.", title=meeting.title,
                                   when=when(meeting), place=place(meeting) or _("lieu à préciser")),
                                 _("Le fichier de calendrier joint met à jour votre agenda ; dites sur votre page "
                                   "personnelle si vous venez.")], method=ics.METHOD_REQUEST)
    elif what == "reminder" and context.get("days") == 1:
        for link in links:
            if link.rsvp != "no":
                send(link, _("Demain : %(title)s", title=meeting.title),
                     [_("Rappel : la réunion « %(title)s » a lieu demain, le %(when)s, %(place)s.",
                        title=meeting.title, when=when(meeting), place=place(meeting) or _("lieu à préciser"))],
                     kind="guest.reminder")
