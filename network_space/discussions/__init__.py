"""Discussions: members ask, answer and share experience in threads (categories, questions with
an accepted answer, structured experience write-ups, mentions, unread markers, moderation)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l


def init_app(app) -> None:
    from network_space.core.dashboard import dashboard_panel
    from network_space.core.navigation import add_nav_item
    from network_space.discussions import inbound, models, notices, permissions, search  # noqa: F401
    from network_space.discussions.mentions import render_message
    from network_space.discussions.views import bp
    from network_space.notifications.registry import register_target

    register_target(models.Thread, permission="discussions.view")
    register_target(models.Reply, permission="discussions.view_message")
    register_target(models.DiscussionCategory, permission="discussions.view_category")
    notices.register()
    search.register()
    inbound.register()
    # A member's message, with its @mentions as links (cached per process: see mentions.py).
    app.jinja_env.filters["message"] = render_message
    app.register_blueprint(bp)
    add_nav_item("discussions.index", _l("Discussions"), 35, prefix="/discussions")
    dashboard_panel("discussions_recent", "discussions/_panel_recent.html", order=35)(_recent_panel)
    _register_backlinks()


def _recent_panel(user):
    """"Discussions récentes": the five threads with the latest activity, unread ones marked."""
    from network_space.core.permissions import can
    from network_space.discussions.queries import recent_threads

    if not can("discussions.create", None, user):
        return None
    recent = recent_threads(user)
    return {"threads": recent.page, "unread": recent.unread} if recent else None


def _register_backlinks() -> None:
    """Threads appear on the pages of what they link to, and those pages offer "Discuter"."""
    from flask import url_for
    from flask_babel import gettext as _

    from network_space.core.backlinks import Backlink, BacklinkAction, backlink_action, backlink_provider
    from network_space.core.permissions import can
    from network_space.directory.models import Organisation
    from network_space.discussions.queries import threads_linked_to
    from network_space.events.models import Event
    from network_space.library.models import Resource
    from network_space.meetings.models import Meeting
    from network_space.notifications.registry import target_type_of

    @backlink_provider("discussions", Resource, Event, Meeting, Organisation, order=60)
    def threads_about(obj, user) -> list[Backlink]:
        return [Backlink(_("Discussion"), thread.title, url_for("discussions.show", thread_id=thread.id),
                         thread.last_activity_at)
                for thread in threads_linked_to(target_type_of(obj), obj.id, user)]

    @backlink_action("discussions", Resource, Event, Meeting)
    def discuss(obj, user) -> BacklinkAction | None:
        if not can("discussions.create", None, user):
            return None
        return BacklinkAction(_("Discuter"), url_for("discussions.new", lien=obj.notification_url()))
