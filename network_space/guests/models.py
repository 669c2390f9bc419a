"""Guests: partners without an account (a social landlord's site manager, an ESAT director…)
invited to one event or one meeting through a personal signed link.

A ``Guest`` is the person (name, email, organisation from the directory or typed); a ``GuestLink``
is their invitation to one event or one meeting: the link's secret, who invited them, whether it
was revoked. Their places and poll answers live with the members' (events.Registration.guest_id,
meetings.PollResponse.guest_id), so capacity, waiting list and tallies count everyone once.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from network_space.accounts.models import User
from network_space.core.i18n import lazy_gettext as _l
from network_space.core.models import TimestampMixin, UTCDateTime
from network_space.directory.models import Organisation, OrganisationContact
from network_space.events.models import Event, Registration
from network_space.extensions import db
from network_space.meetings.models import EXPECTED_ATTENDANCE, Meeting, PollResponse

SOURCE_INVITED = "invited"
SOURCE_PUBLIC = "public"  # registered on an event's public page: counts once the email is confirmed

ERASED_GUEST_NAME = _l("Invité·e (données effacées)")

RSVP_LABELS = {"yes": _l("Je viens"), "no": _l("Je ne viens pas"), "maybe": _l("Peut-être")}


class Guest(TimestampMixin, db.Model):
    """A partner taking part without an account. One row per email address: the same person
    invited to two events is one guest with two links."""

    __tablename__ = "guest"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254), unique=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="SET NULL"), index=True)
    # An organisation typed by the organiser or by the person on a public page, not (yet) in the directory.
    organisation_typed: Mapped[str | None] = mapped_column(String(200))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("organisation_contact.id", ondelete="SET NULL"), index=True)
    # Erased (on their request or at the end of the retention period) but kept, anonymous, because
    # the attendance of a meeting's minutes lists them (guests.services.delete_guest).
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation | None] = relationship()
    contact: Mapped[OrganisationContact | None] = relationship()
    links: Mapped[list["GuestLink"]] = relationship(back_populates="guest", cascade="all, delete-orphan",
                                                    passive_deletes=True)

    @property
    def organisation_label(self) -> str:
        if self.organisation is not None:
            return self.organisation.name
        return self.organisation_typed or ""

    def __repr__(self) -> str:
        return f"<Guest {self.id} {self.email!r}>"


class GuestLink(TimestampMixin, db.Model):
    """One guest's invitation to one event or one meeting. The link signs (id, nonce): revoking
    clears it for good; inviting again after a revocation gives a new nonce, so the old link stays dead."""

    __tablename__ = "guest_link"
    __table_args__ = (
        UniqueConstraint("guest_id", "event_id"),
        UniqueConstraint("guest_id", "meeting_id"),
        CheckConstraint("(event_id IS NULL) <> (meeting_id IS NULL)", name="one_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    guest_id: Mapped[int] = mapped_column(ForeignKey("guest.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    nonce: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(10), default=SOURCE_INVITED)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Public registrations: the email address is confirmed when its owner clicks in the message.
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the link was last emailed: the public page sends it again at most every
    # PUBLIC_RESEND_INTERVAL (guests/services.py), whoever types the address.
    link_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A meeting invitation's answer once the date is fixed, and the attendance the minutes record.
    rsvp: Mapped[str | None] = mapped_column(String(10))
    attendance: Mapped[str | None] = mapped_column(String(10))

    guest: Mapped[Guest] = relationship(back_populates="links")
    event: Mapped[Event | None] = relationship()
    meeting: Mapped[Meeting | None] = relationship()
    invited_by: Mapped[User | None] = relationship()

    @property
    def target(self) -> Event | Meeting:
        return self.event if self.event_id is not None else self.meeting

    @property
    def organiser(self):
        """Who a guest may write to about their link: whoever invited them, else an organiser of
        the event or meeting, else its author (active accounts only); None when nobody is left."""
        target = self.target
        for person in (self.invited_by, *target.organisers, target.created_by):
            if person is not None and person.active:
                return person
        return None

    @property
    def target_key(self) -> str:
        return f"event:{self.event_id}" if self.event_id is not None else f"meeting:{self.meeting_id}"

    @property
    def rsvp_label(self) -> str:
        return str(RSVP_LABELS[self.rsvp]) if self.rsvp in RSVP_LABELS else str(_l("Pas de réponse"))

    @property
    def attendance_or_expected(self) -> str:
        """As for a member (MeetingInvitee.attendance_or_expected): recorded, or announced by the answer."""
        return self.attendance or EXPECTED_ATTENDANCE.get(self.rsvp, "absent")


class PublicRegistrationPage(db.Model):
    """An event whose organisers opened a public registration page (off by default)."""

    __tablename__ = "guest_public_event"

    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), primary_key=True)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())


# The guest holding a place or answers (None for a member, or once the guest's data are purged).
# Added here because events and meetings come before guests and never import them.
Registration.guest = relationship(Guest)
PollResponse.guest = relationship(Guest)
