"""Guests: partners who take part without an account, through a personal signed link to one
event (register, waiting list shared with members) or one meeting (date poll, then whether they
come); an event's optional public registration page with email confirmation; erasure on request
and retention of their personal data (core/privacy.py)."""
from __future__ import annotations


def init_app(app) -> None:
    from network_space.core.sections import page_section
    from network_space.events import notices as event_notices
    from network_space.guests import models, notices, permissions, privacy, queries  # noqa: F401 - permissions: @rule
    from network_space.guests.views import bp
    from network_space.meetings import notices as meeting_notices

    app.register_blueprint(bp)
    # weak=False: the receivers are module functions, but blinker must not drop them.
    event_notices.GUEST_NEWS.connect(notices.on_event_news, weak=False)
    meeting_notices.GUEST_NEWS.connect(notices.on_meeting_news, weak=False)
    page_section("events.detail", "guests/_section.html", order=10)(queries.event_section)
    page_section("meetings.show", "guests/_section.html", order=10)(queries.meeting_section)
    privacy.register()  # its data, and their retention by the worker's "retention" task
