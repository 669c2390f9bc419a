"""Discussions: members ask, answer and share experience in threads (categories, questions with
an accepted answer, structured experience write-ups, mentions, unread markers, moderation)."""
from __future__ import annotations

from network_space.core.i18n import lazy_gettext as _l


def init_app(app) -> None:
    from network_space.core.audit import register_audit_actions
    from network_space.core.backlinks import backlink_action, backlink_provider
    from network_space.core.dashboard import dashboard_panel
    from network_space.core.navigation import add_nav_item
    from network_space.directory.models import Organisation
    from network_space.discussions import inbound, models, notices, permissions, privacy, queries, search  # noqa: F401 - the @rules
    from network_space.events.models import Event
    from network_space.library.models import Resource
    from network_space.meetings.models import Meeting
    from network_space.discussions.mentions import render_message
    from network_space.discussions.views import bp
    from network_space.notifications.registry import register_target

    register_target(models.Thread, permission="discussions.view", followed_as=_l("Discussions"))
    register_target(models.Reply, permission="discussions.view_message")
    register_target(models.DiscussionCategory, permission="discussions.view_category",
                    followed_as=_l("Catégories de discussions"))
    notices.register()
    register_audit_actions({
        "discussions.accept": _l("Réponse marquée comme la solution"),
        "discussions.unaccept": _l("Solution retirée d'une question"),
        "discussions.move": _l("Discussion déplacée"), "discussions.delete_moderated": _l("Message supprimé (modération)"),
        "discussions.pin": _l("Discussion épinglée"), "discussions.unpin": _l("Discussion désépinglée"),
        "discussions.close": _l("Discussion fermée"), "discussions.reopen": _l("Discussion rouverte"),
        "discussions.hide": _l("Discussion masquée"), "discussions.unhide": _l("Discussion de nouveau visible"),
    })
    privacy.register()
    search.register()
    inbound.register()
    # A member's message, with its @mentions as links (cached per process: see mentions.py).
    app.jinja_env.filters["message"] = render_message
    app.register_blueprint(bp)
    add_nav_item("discussions.index", _l("Discussions"), 35, prefix="/discussions")
    dashboard_panel("discussions_recent", "discussions/_panel_recent.html", order=35)(queries.recent_panel)
    # Threads appear on the pages of what they link to, and those pages offer "Discuter".
    backlink_provider("discussions", Resource, Event, Meeting, Organisation, order=60)(queries.linked_threads)
    backlink_action("discussions", Resource, Event, Meeting)(queries.discuss_action)
