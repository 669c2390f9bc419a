"""Events of the network (joint actions with buyers, forums, visits…), their registrations and
waiting list, and the members' personal calendar-feed tokens."""
from __future__ import annotations

from datetime import date, datetime

from flask import url_for
from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from network_space.accounts.models import Territory, User
from network_space.core.dates import last_day_of, to_paris
from network_space.core.i18n import lazy_gettext as _l
from network_space.core.models import TimestampMixin, UTCDateTime, utcnow
from network_space.directory.models import Organisation
from network_space.library.models import Resource
from network_space.extensions import db

class EventKind(db.Model):
    """A kind of event (forum, site visit…): data seeded by migration 0008, then edited by admins
    (/events/types). Members follow a kind (notifications.Follow) to hear about new events of that kind."""

    __tablename__ = "event_kind"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    label: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer, default=0)

    def notification_title(self) -> str:
        return self.label

    def notification_url(self) -> str:
        return url_for("events.upcoming", kind=self.code)


STATUS_PLANNED = "planned"
STATUS_CANCELLED = "cancelled"
STATUSES = {STATUS_PLANNED: _l("Prévu"), STATUS_CANCELLED: _l("Annulé")}

REG_REGISTERED = "registered"
REG_WAITING = "waiting"

event_organiser = Table(
    "event_organiser",
    db.metadata,
    Column("event_id", Integer, ForeignKey("event.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Integer, ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True),
)

# Partner organisations from the directory: buyers, disability-sector partners, insertion structures.
event_partner = Table(
    "event_partner",
    db.metadata,
    Column("event_id", Integer, ForeignKey("event.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", Integer, ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True, index=True),
)

# Library resources linked to an event: programme, presentation, sign-in sheet, minutes…
event_resource = Table(
    "event_resource",
    db.metadata,
    Column("event_id", Integer, ForeignKey("event.id", ondelete="CASCADE"), primary_key=True),
    Column("resource_id", Integer, ForeignKey("library_resource.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Event(TimestampMixin, db.Model):
    __tablename__ = "event"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(ForeignKey("event_kind.code"), index=True)
    description: Mapped[str | None] = mapped_column(Text)
    # Always set, also for all-day events (Paris midnight to the Paris midnight after the last
    # day), so that every calendar query is one range comparison.
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    all_day: Mapped[bool] = mapped_column(Boolean, default=False)
    place: Mapped[str | None] = mapped_column(String(300))
    online_url: Mapped[str | None] = mapped_column(String(500))
    territory_id: Mapped[int | None] = mapped_column(ForeignKey("territory.id", ondelete="SET NULL"), index=True)
    capacity: Mapped[int | None] = mapped_column(Integer)  # None: no limit
    registration_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16), default=STATUS_PLANNED, index=True)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    # iCalendar SEQUENCE: raised on every change of time, place or status, so that calendar
    # applications replace their copy.
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    # Joined to every event query: pages, feeds and search documents show the kind's label.
    event_kind: Mapped[EventKind] = relationship(lazy="joined", innerjoin=True)
    territory: Mapped[Territory | None] = relationship()
    organisers: Mapped[list[User]] = relationship(secondary=event_organiser, order_by=User.name_key)
    partners: Mapped[list[Organisation]] = relationship(secondary=event_partner, order_by=Organisation.name)
    resources: Mapped[list[Resource]] = relationship(secondary=event_resource, order_by=Resource.title)
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    registrations: Mapped[list["Registration"]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="Registration.id"
    )

    @property
    def kind_label(self) -> str:
        return self.event_kind.label

    @property
    def is_cancelled(self) -> bool:
        return self.status == STATUS_CANCELLED

    @property
    def first_day(self) -> date:
        return to_paris(self.starts_at).date()

    @property
    def last_day(self) -> date:
        return last_day_of(self.starts_at, self.ends_at)

    @property
    def is_past(self) -> bool:
        return self.ends_at <= utcnow()

    @property
    def has_started(self) -> bool:
        return self.starts_at <= utcnow()

    def is_organiser(self, user) -> bool:
        return user is not None and any(o.id == getattr(user, "id", None) for o in self.organisers)

    def notification_title(self) -> str:
        return self.title

    def notification_url(self) -> str:
        return url_for("events.detail", event_id=self.id)

    def __repr__(self) -> str:
        return f"<Event {self.id} {self.title!r}>"


class Registration(db.Model):
    """A place at an event, or a place in its waiting list (ordered by id), held by a member or by
    a guest (a partner without an account, network_space/guests): both count against the same
    capacity and wait in the same list. A guest's personal data purged after the event
    (guest_id set to NULL) leaves an anonymous row, so the event's figures stay right."""

    __tablename__ = "event_registration"
    __table_args__ = (UniqueConstraint("event_id", "user_id"), UniqueConstraint("event_id", "guest_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    # The guests domain owns the table and adds the ``guest`` relationship (guests/models.py):
    # events names the table only here and never imports that domain.
    guest_id: Mapped[int | None] = mapped_column(ForeignKey("guest.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(String(16), default=REG_REGISTERED, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    promoted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Recorded by an organiser once the event has begun: True came, False did not, None not yet said.
    attended: Mapped[bool | None] = mapped_column(Boolean)

    event: Mapped[Event] = relationship(back_populates="registrations")
    user: Mapped[User | None] = relationship()

    # ``guest`` (the Guest or None) is added by guests/models.py.

    @property
    def person_name(self) -> str:
        if self.user is not None:
            return self.user.full_name
        return self.guest.name if self.guest is not None else str(_l("Invité·e (données effacées)"))

    @property
    def person_email(self) -> str:
        if self.user is not None:
            return self.user.email
        return self.guest.email if self.guest is not None else ""

    @property
    def organisation_name(self) -> str:
        """The member's structure, or the guest's organisation followed by "invité·e"."""
        if self.user is not None:
            return self.user.structure.name if self.user.structure else ""
        if self.guest is not None:
            return str(_l("%(organisation)s (invité·e)", organisation=self.guest.organisation_label)) \
                if self.guest.organisation_label else str(_l("Invité·e"))
        return ""


FEED_MINE = "mine"
FEED_ALL = "all"
FEED_SCOPES = {
    FEED_MINE: _l("Les événements auxquels je suis inscrit·e, et mes réunions"),
    FEED_ALL: _l("Tous les événements du réseau, et mes réunions"),
}


class CalendarFeed(TimestampMixin, db.Model):
    """A member's secret subscription address. Only the token's SHA-256 is stored: a leaked
    database does not leak anyone's calendar, and regenerating revokes the old address."""

    __tablename__ = "calendar_feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scope: Mapped[str] = mapped_column(String(8), default=FEED_MINE)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()
