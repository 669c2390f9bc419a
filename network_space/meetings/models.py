"""Meetings: series, invitees, date polls, agenda, RSVP, minutes with revisions, decisions, actions."""
from __future__ import annotations

from datetime import date, datetime

from flask import url_for
from sqlalchemy import Boolean, Column, Date, ForeignKey, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from network_space.core.models import TimestampMixin, UTCDateTime, utcnow
from network_space.extensions import db
from network_space.library.models import Resource
from network_space.core.dates import paris_today
from network_space.core.i18n import lazy_gettext as _l

KINDS = {
    "pleniere": _l("Réunion plénière"),
    "nord": _l("Réunion Nord-Isère"),
    "sud": _l("Réunion Sud-Isère"),
    "groupe": _l("Groupe de travail"),
    "copil": _l("Comité de pilotage"),
    "autre": _l("Autre"),
}
FORMATS = {"presentiel": _l("En présentiel"), "visio": _l("En visioconférence"), "hybride": _l("Hybride")}

STATUS_DRAFT = "draft"
STATUS_POLL = "poll"
STATUS_SCHEDULED = "scheduled"
STATUS_HELD = "held"
STATUS_PUBLISHED = "published"
STATUS_CANCELLED = "cancelled"
STATUSES = {
    STATUS_DRAFT: _l("Brouillon"),
    STATUS_POLL: _l("Sondage de dates"),
    STATUS_SCHEDULED: _l("Programmée"),
    STATUS_HELD: _l("Tenue"),
    STATUS_PUBLISHED: _l("Compte-rendu publié"),
    STATUS_CANCELLED: _l("Annulée"),
}
STATUS_CLASSES = {
    STATUS_DRAFT: "status-off", STATUS_POLL: "status-wait", STATUS_SCHEDULED: "status-ok",
    STATUS_HELD: "status-ok", STATUS_PUBLISHED: "status-ok", STATUS_CANCELLED: "status-bad",
}

SCOPE_NONE = "none"
SCOPE_ALL = "all"
SCOPE_SECTOR = "sector"
SCOPE_TERRITORIES = "territories"
SCOPES = {
    SCOPE_NONE: _l("Seulement les membres nommés"),
    SCOPE_ALL: _l("Tous les membres"),
    SCOPE_SECTOR: _l("Un secteur"),
    SCOPE_TERRITORIES: _l("Des territoires"),
}

ANSWER_YES = "yes"
ANSWER_MAYBE = "maybe"
ANSWER_NO = "no"
ANSWERS = {ANSWER_YES: _l("Oui"), ANSWER_MAYBE: _l("Si besoin"), ANSWER_NO: _l("Non")}

RSVP_YES = "yes"
RSVP_NO = "no"
RSVP_MAYBE = "maybe"
RSVPS = {RSVP_YES: _l("Je viens"), RSVP_NO: _l("Je ne viens pas"), RSVP_MAYBE: _l("Peut-être")}

ATTENDANCE = {"present": _l("Présent·e"), "excused": _l("Excusé·e"), "absent": _l("Absent·e")}
EXPECTED_ATTENDANCE = {RSVP_YES: "present", RSVP_NO: "excused"}

ACTION_OPEN = "open"
ACTION_IN_PROGRESS = "in_progress"
ACTION_DONE = "done"
ACTION_DROPPED = "dropped"
ACTION_STATUSES = {
    ACTION_OPEN: _l("À faire"), ACTION_IN_PROGRESS: _l("En cours"),
    ACTION_DONE: _l("Faite"), ACTION_DROPPED: _l("Abandonnée"),
}
OPEN_ACTION_STATUSES = (ACTION_OPEN, ACTION_IN_PROGRESS)

meeting_organiser = Table(
    "meeting_organiser",
    db.metadata,
    Column("meeting_id", Integer, ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Integer, ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
)

meeting_territory = Table(
    "meeting_territory",
    db.metadata,
    Column("meeting_id", Integer, ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True),
    Column("territory_id", Integer, ForeignKey("territory.id", ondelete="CASCADE"), primary_key=True),
)

# Members invited by name, whatever the scope: kept apart so that re-resolving the scope
# (a new member in the sector, a member who left) never loses them.
meeting_named_member = Table(
    "meeting_named_member",
    db.metadata,
    Column("meeting_id", Integer, ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Integer, ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
)

# Library resources linked to a meeting (documents to read before) and to an agenda item.
meeting_resource = Table(
    "meeting_resource",
    db.metadata,
    Column("meeting_id", Integer, ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True),
    Column("resource_id", Integer, ForeignKey("library_resource.id", ondelete="CASCADE"), primary_key=True),
)

agenda_item_resource = Table(
    "agenda_item_resource",
    db.metadata,
    Column("agenda_item_id", Integer, ForeignKey("agenda_item.id", ondelete="CASCADE"), primary_key=True),
    Column("resource_id", Integer, ForeignKey("library_resource.id", ondelete="CASCADE"), primary_key=True),
)


class MeetingSeries(db.Model):
    """Meetings of the same group (e.g. "Groupe de travail bailleurs"), which follow each other."""

    __tablename__ = "meeting_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(150), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Meeting(TimestampMixin, db.Model):
    __tablename__ = "meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="autre", index=True)
    series_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_series.id", ondelete="SET NULL"), index=True)
    format: Mapped[str] = mapped_column(String(20), default="presentiel")
    place: Mapped[str | None] = mapped_column(String(300))
    video_link: Mapped[str | None] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=STATUS_DRAFT, index=True)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    # Only invitees and organisers see a private meeting and its minutes (e.g. a steering committee).
    private: Mapped[bool] = mapped_column(Boolean, default=False)
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    poll_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime())
    invite_scope: Mapped[str] = mapped_column(String(20), default=SCOPE_NONE)
    invite_sector: Mapped[str | None] = mapped_column(String(8))
    # iCalendar: the UID is derived from the id; the sequence grows with every change sent.
    ical_sequence: Mapped[int] = mapped_column(Integer, default=0)
    secretary_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    series: Mapped[MeetingSeries | None] = relationship()
    secretary = relationship("User", foreign_keys=[secretary_id])
    created_by = relationship("User", foreign_keys=[created_by_id])
    organisers = relationship("User", secondary=meeting_organiser, order_by="User.name_key")
    territories = relationship("Territory", secondary=meeting_territory, order_by="Territory.name")
    named_members = relationship("User", secondary=meeting_named_member, order_by="User.name_key")
    resources = relationship(Resource, secondary=meeting_resource, order_by=Resource.title)
    invitees: Mapped[list["MeetingInvitee"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", passive_deletes=True
    )
    slots: Mapped[list["PollSlot"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="PollSlot.starts_at", passive_deletes=True
    )
    responses: Mapped[list["PollResponse"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", passive_deletes=True
    )
    agenda_items: Mapped[list["AgendaItem"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="AgendaItem.position", passive_deletes=True
    )
    minutes: Mapped["Minutes | None"] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", uselist=False, passive_deletes=True
    )
    decisions: Mapped[list["Decision"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="Decision.position", passive_deletes=True
    )
    actions: Mapped[list["ActionItem"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="ActionItem.id", passive_deletes=True
    )

    @property
    def kind_label(self) -> str:
        return str(KINDS.get(self.kind, self.kind))

    @property
    def status_label(self) -> str:
        return str(STATUSES.get(self.status, self.status))

    @property
    def format_label(self) -> str:
        return str(FORMATS.get(self.format, self.format))

    @property
    def is_past(self) -> bool:
        return self.ends_at is not None and self.ends_at < utcnow()

    @property
    def has_started(self) -> bool:
        return self.starts_at is not None and self.starts_at <= utcnow()

    def is_organiser(self, user) -> bool:
        return user is not None and any(o.id == user.id for o in self.organisers)

    def notification_title(self) -> str:
        return self.title

    def notification_url(self) -> str:
        return url_for("meetings.show", meeting_id=self.id)


class MeetingInvitee(db.Model):
    """A concrete invitee, resolved from the invitation scope; carries the RSVP and attendance."""

    __tablename__ = "meeting_invitee"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    rsvp: Mapped[str | None] = mapped_column(String(10))
    rsvp_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attendance: Mapped[str | None] = mapped_column(String(10))
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="invitees")
    user = relationship("User")

    @property
    def rsvp_label(self) -> str:
        return str(RSVPS[self.rsvp]) if self.rsvp else str(_l("Pas de réponse"))

    @property
    def attendance_or_expected(self) -> str:
        """The attendance recorded in the minutes, or until then the one the RSVP announces:
        "Je viens" → present, "Je ne viens pas" → excused, otherwise absent; but an organiser or
        the secretary who did not answer is expected present (they hold the meeting)."""
        if self.attendance:
            return self.attendance
        if self.rsvp is None and (self.meeting.is_organiser(self.user) or self.meeting.secretary_id == self.user_id):
            return "present"
        return EXPECTED_ATTENDANCE.get(self.rsvp, "absent")


class PollSlot(db.Model):
    __tablename__ = "poll_slot"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="slots")


class PollResponse(db.Model):
    """One invitee's answers to a date poll, with an optional comment."""

    __tablename__ = "poll_response"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id"), UniqueConstraint("meeting_id", "guest_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    # A member's answers, or a guest's (a partner without an account, network_space/guests):
    # counted together. A guest's data purged later leave anonymous answers, still counted.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    # The guests domain owns the table and adds the ``guest`` relationship (guests/models.py).
    guest_id: Mapped[int | None] = mapped_column(ForeignKey("guest.id", ondelete="SET NULL"), index=True)
    comment: Mapped[str | None] = mapped_column(String(500))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="responses")
    user = relationship("User")
    answers: Mapped[list["PollAnswer"]] = relationship(
        back_populates="response", cascade="all, delete-orphan", passive_deletes=True
    )


class PollAnswer(db.Model):
    __tablename__ = "poll_answer"
    __table_args__ = (UniqueConstraint("response_id", "slot_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("poll_response.id", ondelete="CASCADE"), index=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("poll_slot.id", ondelete="CASCADE"), index=True)
    value: Mapped[str] = mapped_column(String(8))

    response: Mapped[PollResponse] = relationship(back_populates="answers")


class AgendaItem(db.Model):
    __tablename__ = "agenda_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    duration_minutes: Mapped[int | None] = mapped_column(Integer)
    presenter: Mapped[str | None] = mapped_column(String(150))

    meeting: Mapped[Meeting] = relationship(back_populates="agenda_items")
    resources = relationship(Resource, secondary=agenda_item_resource, order_by=Resource.title)


class Minutes(TimestampMixin, db.Model):
    __tablename__ = "minutes"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), unique=True)
    body: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    meeting: Mapped[Meeting] = relationship(back_populates="minutes")
    published_by = relationship("User")
    revisions: Mapped[list["MinutesRevision"]] = relationship(
        back_populates="minutes", cascade="all, delete-orphan", order_by="MinutesRevision.number.desc()",
        passive_deletes=True,
    )

    def notification_title(self) -> str:
        return self.meeting.title

    def notification_url(self) -> str:
        return url_for("meetings.minutes", meeting_id=self.meeting_id)


class MinutesRevision(db.Model):
    """Every saved state of the minutes text: who, when, what."""

    __tablename__ = "minutes_revision"
    __table_args__ = (UniqueConstraint("minutes_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    minutes: Mapped[Minutes] = relationship(back_populates="revisions")
    author = relationship("User")


class Decision(db.Model):
    __tablename__ = "meeting_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)

    meeting: Mapped[Meeting] = relationship(back_populates="decisions")


class ActionItem(db.Model):
    __tablename__ = "action_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    due_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default=ACTION_OPEN, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    meeting: Mapped[Meeting] = relationship(back_populates="actions")
    assignee = relationship("User", foreign_keys=[assignee_id])
    done_by = relationship("User", foreign_keys=[done_by_id])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ACTION_STATUSES

    @property
    def status_label(self) -> str:
        return str(ACTION_STATUSES.get(self.status, self.status))

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_date is not None and self.due_date < paris_today()

    def notification_title(self) -> str:
        return self.title

    def notification_url(self) -> str:
        return url_for("meetings.my_actions")
