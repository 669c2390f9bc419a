"""Who may do what with meetings. Organisers (and admins) edit; the secretary writes the minutes
too; only invitees answer polls and RSVP; co-animators create meetings."""
from __future__ import annotations

from network_space.core.permissions import ROLE_ADMIN, ROLE_COANIMATOR, ROLE_MEMBER, has_role, rule
from network_space.meetings.models import (
    STATUS_CANCELLED,
    STATUS_DRAFT,
    STATUS_HELD,
    STATUS_POLL,
    STATUS_PUBLISHED,
    STATUS_SCHEDULED,
)


def is_invitee(user, meeting) -> bool:
    return has_role(user, ROLE_MEMBER) and any(i.user_id == user.id for i in meeting.invitees)


def _organises(user, meeting) -> bool:
    return has_role(user, ROLE_ADMIN) or (has_role(user, ROLE_MEMBER) and meeting.is_organiser(user))


@rule("meetings.create")
def _create(user, obj) -> bool:
    return has_role(user, ROLE_COANIMATOR)


@rule("meetings.view")
def _view(user, meeting) -> bool:
    if not has_role(user, ROLE_MEMBER):
        return False
    if _organises(user, meeting):
        return True
    if meeting.status == STATUS_DRAFT:
        return False
    if meeting.private:
        return is_invitee(user, meeting) or meeting.secretary_id == user.id
    return True


@rule("meetings.edit")
def _edit(user, meeting) -> bool:
    return _organises(user, meeting) and meeting.status != STATUS_CANCELLED


@rule("meetings.answer_poll")
def _answer(user, meeting) -> bool:
    return meeting.status == STATUS_POLL and is_invitee(user, meeting)


@rule("meetings.rsvp")
def _rsvp(user, meeting) -> bool:
    return meeting.status == STATUS_SCHEDULED and not meeting.is_past and is_invitee(user, meeting)


@rule("meetings.write_minutes")
def _write_minutes(user, meeting) -> bool:
    if meeting.status not in (STATUS_SCHEDULED, STATUS_HELD, STATUS_PUBLISHED):
        return False
    return _organises(user, meeting) or (has_role(user, ROLE_MEMBER) and meeting.secretary_id == user.id)


@rule("meetings.view_minutes")
def _view_minutes(user, meeting) -> bool:
    if meeting.minutes is None or not _view(user, meeting):
        return False
    return meeting.status == STATUS_PUBLISHED or _write_minutes(user, meeting)


@rule("meetings.view_action")
def _view_action(user, action) -> bool:
    """Actions are listed in the minutes; the person they are assigned to sees theirs anyway."""
    return (has_role(user, ROLE_MEMBER) and action.assignee_id == user.id) or _view_minutes(user, action.meeting)


@rule("meetings.update_action")
def _update_action(user, action) -> bool:
    if not has_role(user, ROLE_MEMBER):
        return False
    return action.assignee_id == user.id or _write_minutes(user, action.meeting)
