"""Reads for the meeting pages, with bounded queries (everything a page shows loaded up front)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import g, url_for
from flask_babel import gettext as _
from sqlalchemy import Select, and_, bindparam, exists, func, or_, select, true
from sqlalchemy.orm import joinedload, load_only, selectinload

from network_space.accounts.models import Territory, User
from network_space.accounts.welcome import Step
from network_space.core.dates import fmt_date
from network_space.core.models import utcnow
from network_space.core.permissions import ROLE_ADMIN, can, has_role
from network_space.core.statements import NOW, Viewer, built_once, shape_of, values
from network_space.extensions import db
from network_space.meetings.models import (
    ACTION_DONE,
    OPEN_ACTION_STATUSES,
    STATUS_CANCELLED,
    STATUS_DRAFT,
    STATUS_HELD,
    STATUS_POLL,
    STATUS_PUBLISHED,
    STATUS_SCHEDULED,
    ActionItem,
    AgendaItem,
    Meeting,
    MeetingInvitee,
    MeetingSeries,
    PollResponse,
    meeting_organiser,
    meeting_territory,
)


def load_meeting(meeting_id: int) -> Meeting | None:
    return db.session.scalar(
        select(Meeting)
        .where(Meeting.id == meeting_id)
        .options(
            selectinload(Meeting.organisers),
            selectinload(Meeting.named_members),
            selectinload(Meeting.territories),
            selectinload(Meeting.series),
            selectinload(Meeting.secretary),
            selectinload(Meeting.invitees).selectinload(MeetingInvitee.user),
            selectinload(Meeting.slots),
            selectinload(Meeting.responses).selectinload(PollResponse.answers),
            selectinload(Meeting.responses).selectinload(PollResponse.guest),
            selectinload(Meeting.agenda_items).selectinload(AgendaItem.resources),
            selectinload(Meeting.resources),
            selectinload(Meeting.minutes),
            selectinload(Meeting.decisions),
            selectinload(Meeting.actions).selectinload(ActionItem.assignee),
        )
    )


def visible_clause(user):
    """SQL twin of the meetings.view rule, for lists."""
    if has_role(user, ROLE_ADMIN):
        return true()
    organises = exists().where(meeting_organiser.c.meeting_id == Meeting.id, meeting_organiser.c.user_id == user.id)
    invited = exists().where(MeetingInvitee.meeting_id == Meeting.id, MeetingInvitee.user_id == user.id)
    return or_(
        organises,
        and_(Meeting.status != STATUS_DRAFT,
             or_(Meeting.private.is_(False), invited, Meeting.secretary_id == user.id)),
    )


def list_shape(user, kind: str | None, series_id: int | None, territory: Territory | None) -> tuple:
    """The shape of the list's statements (core/statements.py): the member's role, and which
    filters are set; their values are bound (list_values)."""
    return shape_of(user), bool(kind), bool(series_id), territory is not None


def list_values(user, kind: str | None, series_id: int | None, territory: Territory | None) -> dict:
    return {**values(user), "kind": kind, "series_id": series_id, "territory_id": getattr(territory, "id", None),
            "sector": getattr(territory, "sector", None)}


def _filtered(role, by_kind: bool, by_series: bool, by_territory: bool):
    query = select(Meeting).where(visible_clause(Viewer(role))).options(joinedload(Meeting.series))
    if by_kind:
        query = query.where(Meeting.kind == bindparam("kind"))
    if by_series:
        query = query.where(Meeting.series_id == bindparam("series_id"))
    if by_territory:
        in_territory = exists().where(meeting_territory.c.meeting_id == Meeting.id,
                                      meeting_territory.c.territory_id == bindparam("territory_id"))
        query = query.where(or_(in_territory, and_(Meeting.invite_scope == "sector",
                                                   Meeting.invite_sector == bindparam("sector"))))
    return query


def _upcoming_condition():
    """Polls, and scheduled meetings not over (for statements built once: NOW is bound)."""
    return or_(Meeting.status == STATUS_POLL, and_(Meeting.status == STATUS_SCHEDULED, Meeting.ends_at >= NOW))


UPCOMING_ORDER = (Meeting.starts_at.is_(None), Meeting.starts_at, Meeting.id)
POLL_ORDER = (Meeting.poll_deadline.is_(None), Meeting.poll_deadline, Meeting.id)


@built_once
def upcoming(*shape) -> Select:
    """Polls and meetings to come, of a list's shape (list_shape, list_values)."""
    return _filtered(*shape).where(_upcoming_condition()).order_by(*UPCOMING_ORDER)


@built_once
def past(*shape) -> Select:
    return _filtered(*shape).where(
        or_(Meeting.status.in_((STATUS_HELD, STATUS_PUBLISHED)),
            and_(Meeting.status == STATUS_SCHEDULED, Meeting.ends_at < NOW))
    ).order_by(Meeting.starts_at.desc(), Meeting.id.desc())


@built_once
def drafts_and_cancelled(*shape) -> Select:
    return (_filtered(*shape).where(Meeting.status.in_((STATUS_DRAFT, STATUS_CANCELLED)))
            .order_by(Meeting.updated_at.desc()).limit(20))


def dated_meetings_of(user, since) -> list[Meeting]:
    """The member's meetings with a date (invited or organising) ending after ``since``, for their
    calendar feed; cancelled ones stay, so that calendars mark them cancelled."""
    invited = exists().where(MeetingInvitee.meeting_id == Meeting.id, MeetingInvitee.user_id == user.id)
    organises = exists().where(meeting_organiser.c.meeting_id == Meeting.id, meeting_organiser.c.user_id == user.id)
    return list(db.session.scalars(
        select(Meeting).where(
            or_(invited, organises), Meeting.status.not_in((STATUS_DRAFT, STATUS_POLL)),
            Meeting.starts_at.is_not(None), Meeting.ends_at.is_not(None), Meeting.ends_at >= since,
        ).order_by(Meeting.starts_at).options(selectinload(Meeting.organisers))
    ))


def all_series() -> list[MeetingSeries]:
    return list(db.session.scalars(select(MeetingSeries).order_by(MeetingSeries.name)))


# --- one meeting's people and follow-up --------------------------------------------------------

def invitee_users(meeting: Meeting) -> list[User]:
    return [i.user for i in meeting.invitees]


def non_respondents(meeting: Meeting) -> list[User]:
    """The invitees who have not answered the date poll."""
    answered = {r.user_id for r in meeting.responses}
    return [i.user for i in meeting.invitees if i.user_id not in answered]


def follow_up_actions(meeting: Meeting) -> list[ActionItem]:
    """Open actions decided at earlier meetings of the same series: the "Suivi des actions".

    Every earlier meeting counts, not only the last one, so an action still open after two
    meetings keeps being followed up. Only those the reader may see: an earlier meeting of the
    series may be private, or its minutes still a draft (``meetings.view_action``).
    """
    if meeting.series_id is None:
        return []
    earlier = select(Meeting.id).where(
        Meeting.series_id == meeting.series_id,
        Meeting.id != meeting.id,
        Meeting.status.in_((STATUS_HELD, STATUS_PUBLISHED)),
    )
    if meeting.starts_at is not None:
        earlier = earlier.where(Meeting.starts_at < meeting.starts_at)
    actions = db.session.scalars(
        select(ActionItem)
        .where(ActionItem.meeting_id.in_(earlier), ActionItem.status.in_(OPEN_ACTION_STATUSES))
        .options(joinedload(ActionItem.assignee), joinedload(ActionItem.meeting).joinedload(Meeting.minutes))
        .order_by(ActionItem.due_date.is_(None), ActionItem.due_date, ActionItem.id)
    )
    return [action for action in actions if can("meetings.view_action", action)]


# --- what a member has to do, and the dashboard's panels ---------------------------------------

@built_once
def _open_actions_statement(panel: bool):
    stmt = (select(ActionItem)
            .where(ActionItem.assignee_id == Viewer.id, ActionItem.status.in_(OPEN_ACTION_STATUSES))
            .order_by(ActionItem.due_date.is_(None), ActionItem.due_date, ActionItem.id))
    if panel:  # the dashboard shows each action's title and due date, nothing of its meeting
        return stmt.options(load_only(ActionItem.id, ActionItem.title, ActionItem.due_date, ActionItem.status))
    return stmt.options(joinedload(ActionItem.meeting))


def my_open_actions(user: User, *, panel: bool = False) -> list[ActionItem]:
    """Open actions assigned to the user, overdue first, then by due date (undated last); with
    ``panel``, only what the dashboard's panel shows of them."""
    actions = list(db.session.scalars(_open_actions_statement(panel), values(user)))
    return sorted(actions, key=lambda a: not a.is_overdue)


RECENTLY_DONE = timedelta(days=30)


def my_recently_done_actions(user: User) -> list[ActionItem]:
    """The actions of the user done in the last 30 days, latest first: a click by mistake on
    "Marquer comme faite" is undone from there."""
    return list(db.session.scalars(
        select(ActionItem).where(ActionItem.assignee_id == user.id, ActionItem.status == ACTION_DONE,
                                 ActionItem.done_at >= utcnow() - RECENTLY_DONE)
        .options(joinedload(ActionItem.meeting)).order_by(ActionItem.done_at.desc())))


@built_once
def _polls_awaiting_statement():
    answered = select(PollResponse.meeting_id).where(PollResponse.user_id == Viewer.id)
    return (select(Meeting).join(MeetingInvitee, MeetingInvitee.meeting_id == Meeting.id)
            .where(MeetingInvitee.user_id == Viewer.id, Meeting.status == STATUS_POLL, Meeting.id.not_in(answered))
            .order_by(*POLL_ORDER))


def polls_awaiting(user: User) -> list[Meeting]:
    return list(db.session.scalars(_polls_awaiting_statement(), values(user)))


PANEL_SIZE = 5
PLENARY = "pleniere"


@dataclass(frozen=True)
class DashboardMeetings:
    upcoming: list[Meeting]  # the next PANEL_SIZE the member may see
    polls: list[Meeting]  # the date polls awaiting the member's answer
    plenary: Meeting | None  # the next plenary the member is invited to
    plenary_answered: bool  # its poll, or "Je viens" / "Je ne viens pas"


@built_once
def _dashboard_statement(role):
    user = Viewer(role)
    mine = and_(MeetingInvitee.meeting_id == Meeting.id, MeetingInvitee.user_id == user.id)
    polled = exists().where(PollResponse.meeting_id == Meeting.id, PollResponse.user_id == user.id)
    ranked = select(
        Meeting.id.label("id"),
        func.row_number().over(order_by=UPCOMING_ORDER).label("rank"),
        func.row_number().over(partition_by=Meeting.kind, order_by=UPCOMING_ORDER).label("kind_rank"),
        func.row_number().over(order_by=POLL_ORDER).label("poll_rank"),
        exists().where(mine).label("invited"),
        exists().where(mine, MeetingInvitee.rsvp.is_not(None)).label("rsvp"),
        polled.label("polled"),
    ).where(visible_clause(user), _upcoming_condition()).subquery()
    return (
        select(Meeting, ranked.c.rank, ranked.c.kind_rank, ranked.c.poll_rank, ranked.c.invited, ranked.c.rsvp,
               ranked.c.polled)
        .join(ranked, ranked.c.id == Meeting.id)
        .where(or_(ranked.c.rank <= PANEL_SIZE,
                   and_(Meeting.kind == PLENARY, ranked.c.kind_rank == 1),
                   and_(Meeting.status == STATUS_POLL, ranked.c.invited, ~ranked.c.polled)))
        # What the two panels and the plenary step show of a meeting, and nothing else.
        .options(load_only(Meeting.id, Meeting.title, Meeting.kind, Meeting.status, Meeting.starts_at,
                           Meeting.poll_deadline))
        .order_by(ranked.c.rank)
    )


def for_dashboard(user) -> DashboardMeetings:
    """What the dashboard shows of meetings (two panels and the welcome checklist's plenary step),
    in one statement asked once per request: the upcoming meetings the member may see, ranked by
    date (overall and per kind, by window functions), with whether they are invited and answered,
    keeping only the rows one of the three needs."""
    known = g.get("dashboard_meetings")
    if known is not None and known[0] == user.id:
        return known[1]
    rows = db.session.execute(_dashboard_statement(shape_of(user)), values(user)).all()
    plenary = next((row for row in rows if row.Meeting.kind == PLENARY and row.kind_rank == 1 and row.invited), None)
    meetings = DashboardMeetings(
        upcoming=[row.Meeting for row in rows if row.rank <= PANEL_SIZE],
        polls=[row.Meeting for row in sorted(rows, key=lambda row: row.poll_rank)
               if row.Meeting.status == STATUS_POLL and row.invited and not row.polled],
        plenary=plenary.Meeting if plenary else None,
        plenary_answered=bool(plenary and (plenary.rsvp or plenary.polled)),
    )
    g.dashboard_meetings = (user.id, meetings)
    return meetings


def polls_panel(user) -> dict | None:
    meetings = for_dashboard(user).polls
    return {"meetings": meetings} if meetings else None


def upcoming_panel(user) -> dict:
    return {"meetings": for_dashboard(user).upcoming}


def actions_panel(user) -> dict | None:
    actions = my_open_actions(user, panel=True)
    return {"actions": actions[:5], "total": len(actions)} if actions else None


def plenary_step(user, _answer=None) -> Step | None:
    """A welcome step (accounts/welcome.py): the next plenary the member is invited to, ticked
    once they answered it (its poll, or "Je viens" / "Je ne viens pas"); none planned, no step."""
    meetings = for_dashboard(user)
    meeting, answered = meetings.plenary, meetings.plenary_answered
    if meeting is None:
        return None
    when = fmt_date(meeting.starts_at) if meeting.starts_at else _("date en cours de sondage")
    return Step(_("Voir la prochaine plénière et y répondre"), url_for("meetings.show", meeting_id=meeting.id),
                answered, f"{meeting.title} — {when}")
