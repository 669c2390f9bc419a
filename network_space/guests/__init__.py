"""Guests: partners who take part without an account, through a personal signed link to one
event (register, waiting list shared with members) or one meeting (date poll, then whether they
come); an event's optional public registration page with email confirmation; erasure on request
and retention of their personal data (core/privacy.py)."""
from __future__ import annotations


def init_app(app) -> None:
    from network_space.core.i18n import lazy_gettext as _l

    from network_space.core.audit import register_audit_actions
    from network_space.core.sections import page_section
    from network_space.events import notices as event_notices
    from network_space.guests import models, notices, permissions, privacy, queries  # noqa: F401 - permissions: @rule
    from network_space.guests.views import bp
    from network_space.meetings import minutes as meeting_minutes
    from network_space.meetings import notices as meeting_notices

    app.register_blueprint(bp)
    # weak=False: the receivers are module functions, but blinker must not drop them.
    event_notices.GUEST_NEWS.connect(notices.on_event_news, weak=False)
    meeting_notices.GUEST_NEWS.connect(notices.on_meeting_news, weak=False)
    page_section("events.detail", "guests/_section.html", order=10)(queries.event_section)
    page_section("meetings.show", "guests/_section.html", order=10)(queries.meeting_section)
    page_section("meetings.participants", "guests/_participants.html")(queries.meeting_participants)
    meeting_minutes.register_attendees(queries.minutes_attendees)
    privacy.register()  # its data, and their retention by the worker's "retention" task
    register_audit_actions({
        "guest.invite": _l("Partenaire invité·e (sans compte)"), "guest.resend": _l("Lien d'invité·e renvoyé"),
        "guest.revoke": _l("Lien d'invité·e révoqué"), "guest.register": _l("Invité·e inscrit·e à un événement"),
        "guest.unregister": _l("Invité·e désinscrit·e d'un événement"),
        "guest.poll": _l("Invité·e : réponse au sondage de dates"), "guest.rsvp": _l("Invité·e : vient ou non à la réunion"),
        "guest.public_page": _l("Page d'inscription publique ouverte ou fermée"),
        "guest.public_throttled": _l("Inscription publique répétée : lien non renvoyé (envoyé il y a peu)"),
        "guest.forget": _l("Invité·e : données effacées à sa demande"),
        "guest.add_organisation": _l("Invité·e : organisation saisie ajoutée à l'annuaire"),
        "guest.purge": _l("Invité·e : données supprimées (durée de conservation)"),
        "guest.purge_unconfirmed": _l("Inscriptions publiques non confirmées supprimées"),
    })
