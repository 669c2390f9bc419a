"""Meetings: date polls, agenda, RSVP, iCalendar invitations, minutes, decisions, action items."""
from __future__ import annotations

from network_space.core.i18n import lazy_gettext as _l


def init_app(app) -> None:
    from network_space.accounts.membership import on_membership_change
    from network_space.accounts.welcome import welcome_step
    from network_space.core.dashboard import dashboard_panel
    from network_space.core.navigation import add_nav_item
    from network_space.meetings import models, notices, permissions, queries, search  # noqa: F401 - rules, job handlers
    # services: its worker task; views.minutes and views.polls: their routes on the blueprint.
    from network_space.meetings import services  # noqa: F401
    from network_space.meetings.views import bp, minutes, polls  # noqa: F401
    from network_space.notifications.registry import register_kind, register_target

    app.register_blueprint(bp)
    # Invitees chosen by a rule follow the members who join, leave or move (issue 13).
    on_membership_change(services.refresh_rule_invitees)
    add_nav_item("meetings.index", _l("Réunions"), 20, prefix="/meetings")

    register_target(models.Meeting, permission="meetings.view")
    register_target(models.Minutes, permission="meetings.view_minutes", on=lambda minutes: minutes.meeting)
    register_target(models.ActionItem, permission="meetings.view_action")
    register_kind("meeting.poll", _l("Sondage de dates"), "polls", email_template="meeting_poll")
    register_kind("meeting.poll_reminder", _l("Rappel : sondage de dates"), "polls", email_template="meeting_poll")
    # Calendar messages: their immediate email carries the .ics (services.send_calendar). The
    # "_attendee" kinds go to those who answered "je viens" or "peut-être" and are always emailed.
    register_kind("meeting.invitation", _l("Invitation à une réunion"), "meetings", email_template="meeting_invitation")
    register_kind("meeting.updated", _l("Réunion modifiée"), "meetings", email_template="meeting_invitation")
    register_kind("meeting.updated_attendee", _l("Réunion modifiée (vous aviez prévu de venir)"), "meetings",
                  email_template="meeting_invitation", mandatory=True)
    register_kind("meeting.cancelled", _l("Réunion annulée"), "meetings", email_template="meeting_cancelled")
    register_kind("meeting.cancelled_attendee", _l("Réunion annulée (vous aviez prévu de venir)"), "meetings",
                  email_template="meeting_cancelled", mandatory=True)
    register_kind("meeting.uninvited", _l("Vous n'êtes plus invité·e"), "meetings", email_template="meeting_cancelled")
    register_kind("meeting.reminder", _l("Rappel de réunion"), "meetings", email_template="meeting_reminder")
    register_kind("meeting.minutes", _l("Compte-rendu publié"), "minutes")
    register_kind("action.assigned", _l("Action confiée"), "actions")
    register_kind("action.reminder", _l("Échéance d'action"), "actions")
    search.register()
    from network_space.meetings import privacy

    privacy.register()

    welcome_step("plenary", order=60)(queries.plenary_step)
    dashboard_panel("meetings_polls", "meetings/_panel_polls.html", order=10)(queries.polls_panel)
    dashboard_panel("meetings_upcoming", "meetings/_panel_upcoming.html", order=20)(queries.upcoming_panel)
    dashboard_panel("meetings_actions", "meetings/_panel_actions.html", order=30)(queries.actions_panel)
