"""Replies by email to a thread: the handler of the "d" reply addresses (core/inbound.py).

The emails about a thread (notices.py) carry the member's personal reply address; what comes
back is posted by ``services.post_reply(..., source="email")``, the service the reply form uses,
so it is refused exactly where the site would refuse it (thread closed, hidden, no longer visible
to the member) and followers, mentions, unread markers and search follow as for a web reply.
"""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from network_space.accounts.models import User
from network_space.core.inbound import ReplyHandler, ReplyToken, register_reply_handler
from network_space.discussions.models import SOURCE_EMAIL, Thread
from network_space.discussions.notices import REPLY_PURPOSE as PURPOSE
from network_space.discussions.services import DiscussionError, post_reply
from network_space.extensions import db
from network_space.notifications.services import absolute_url, site_context

def register() -> None:
    register_reply_handler(PURPOSE, ReplyHandler(member=_member, post=_post, url=_url))


def _member(user_id: int):
    return db.session.get(User, user_id)


def _post(text: str, token: ReplyToken, member) -> str:
    thread = db.session.get(Thread, token.object_id)
    if thread is None:
        raise DiscussionError(_("Cette discussion n'existe plus."))
    reply = post_reply(thread, member, text, source=SOURCE_EMAIL)
    return f"thread:{thread.id}#reply-{reply.number}"


def _url(token: ReplyToken) -> str:
    with site_context():
        return absolute_url(url_for("discussions.show", thread_id=token.object_id))
