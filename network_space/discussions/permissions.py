"""Who may do what in the discussions. Members read and write everywhere but in the categories
kept for co-animators; a thread hidden by the moderation is seen by co-animators and its author
only; a closed thread takes no more replies. The services ask the same questions with the French
reason (``reply_refusal``), so a reply by email is refused exactly as the site would refuse it."""
from __future__ import annotations

from flask_babel import gettext as _

from network_space.core.permissions import ROLE_ADMIN, ROLE_COANIMATOR, ROLE_MEMBER, has_role, rule


def may_see_category(user, category) -> bool:
    if not has_role(user, ROLE_MEMBER) or category is None:
        return False
    return not category.coanimators_only or has_role(user, ROLE_COANIMATOR)


def may_view(user, thread) -> bool:
    if thread is None or not may_see_category(user, thread.category):
        return False
    return not thread.hidden or has_role(user, ROLE_COANIMATOR) or thread.author_id == user.id


def reply_refusal(thread, user) -> str | None:
    """Why ``user`` may not reply to ``thread``, in French; None when they may."""
    if user is None or not getattr(user, "active", False):
        return _("Votre compte est désactivé : vous ne pouvez plus écrire dans les discussions.")
    if not may_view(user, thread):
        return _("Cette discussion n'existe pas ou ne vous est pas accessible.")
    if thread.hidden:
        return _("Cette discussion a été masquée par la modération : elle ne reçoit plus de réponses.")
    if thread.closed:
        return _("Cette discussion est fermée : elle ne reçoit plus de réponses.")
    return None


def _author_of(user, message) -> bool:
    return message.author_id is not None and message.author_id == getattr(user, "id", None)


@rule("discussions.view")
def _view(user, thread) -> bool:
    return may_view(user, thread)


@rule("discussions.view_category")
def _view_category(user, category) -> bool:
    return may_see_category(user, category)


@rule("discussions.create")
def _create(user, category) -> bool:
    """In a category (any the member may write in when None: the "new thread" page)."""
    if category is None:
        return has_role(user, ROLE_MEMBER)
    return category.active and may_see_category(user, category)


@rule("discussions.reply")
def _reply(user, thread) -> bool:
    return has_role(user, ROLE_MEMBER) and reply_refusal(thread, user) is None


@rule("discussions.edit")
def _edit(user, message) -> bool:
    """The author of a message edits it while the thread takes replies; co-animators always
    (moderation). A deleted message stays deleted."""
    if message is None or message.deleted or not may_view(user, message.thread):
        return False
    if has_role(user, ROLE_COANIMATOR):
        return True
    return _author_of(user, message) and not message.thread.closed and not message.thread.hidden


@rule("discussions.delete")
def _delete(user, message) -> bool:
    return _edit(user, message)


@rule("discussions.history")
def _history(user, message) -> bool:
    return message is not None and may_view(user, message.thread)


@rule("discussions.accept")
def _accept(user, thread) -> bool:
    """Marking the answer of a question: its author or a co-animator."""
    if thread is None or not thread.is_question or not may_view(user, thread):
        return False
    return has_role(user, ROLE_COANIMATOR) or (_author_of(user, thread) and not thread.hidden)


@rule("discussions.moderate")
def _moderate(user, thread) -> bool:
    """Hide, pin, close and move a thread."""
    return has_role(user, ROLE_COANIMATOR) and (thread is None or may_view(user, thread))


@rule("discussions.export")
def _export(user, thread) -> bool:
    return may_view(user, thread) and thread.is_writeup and thread.writeup is not None


@rule("discussions.categories")
def _categories(user, obj) -> bool:
    return has_role(user, ROLE_ADMIN)


@rule("discussions.view_message")
def _view_message(user, message) -> bool:
    """A thread's opening message or a reply: seen by whoever sees the thread."""
    return message is not None and may_view(user, message.thread)
