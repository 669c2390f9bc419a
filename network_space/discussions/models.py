"""Discussions: categories, threads (a discussion, a question or an experience write-up), their
replies, the previous texts of edited messages, links to other parts of the site, and what each
member has read."""
from __future__ import annotations

from datetime import datetime

from flask import url_for
from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from network_space.accounts.models import Territory, User
from network_space.core.i18n import lazy_gettext as _l
from network_space.core.models import TimestampMixin, UTCDateTime, utcnow
from network_space.directory.models import Organisation
from network_space.extensions import db
from network_space.library.models import Sector

KIND_DISCUSSION = "discussion"
KIND_QUESTION = "question"
KIND_WRITEUP = "writeup"
KIND_LABELS = {
    KIND_DISCUSSION: _l("Discussion"),
    KIND_QUESTION: _l("Question"),
    KIND_WRITEUP: _l("Fiche retour d'expérience"),
}

SOURCE_WEB = "web"
SOURCE_EMAIL = "email"
SOURCES = (SOURCE_WEB, SOURCE_EMAIL)


class DiscussionCategory(db.Model):
    """A category of threads; the list is data, edited by admins (seeded by the migration)."""

    __tablename__ = "discussion_category"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str | None] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(Integer, default=0)
    # Seen, and written in, by co-animators only.
    coanimators_only: Mapped[bool] = mapped_column(Boolean, default=False)
    # Threads of this category may be structured experience write-ups.
    writeups: Mapped[bool] = mapped_column(Boolean, default=False)
    # No new threads; existing ones stay readable.
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def notification_title(self) -> str:
        return self.name

    def notification_url(self) -> str:
        return url_for("discussions.index", categorie=self.id)


class DiscussionTag(db.Model):
    __tablename__ = "discussion_tag"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)  # normalised by core.tags.parse_tags


thread_tag = Table(
    "discussion_thread_tag",
    db.metadata,
    Column("thread_id", Integer, ForeignKey("discussion_thread.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", Integer, ForeignKey("discussion_tag.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class MessageMixin:
    """What the opening message of a thread and a reply share: an author, a Markdown text, an
    edit date and a soft deletion ("message supprimé" stays in place)."""

    body: Mapped[str] = mapped_column(Text, default="")
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # "web" or "email": how the message was written.
    source: Mapped[str] = mapped_column(String(8), default=SOURCE_WEB)

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None


class Thread(MessageMixin, TimestampMixin, db.Model):
    __tablename__ = "discussion_thread"
    __table_args__ = (
        # The list: pinned first, then by last activity, within a category or not.
        Index("ix_discussion_thread_activity", "pinned", "last_activity_at", "id"),
        Index("ix_discussion_thread_category_activity", "category_id", "last_activity_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("discussion_category.id", ondelete="RESTRICT"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(12), default=KIND_DISCUSSION, index=True)
    # None: the whole département.
    territory_id: Mapped[int | None] = mapped_column(ForeignKey("territory.id", ondelete="SET NULL"), index=True)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    closed: Mapped[bool] = mapped_column(Boolean, default=False)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    # The number of the reply marked as the answer to a question ("question résolue").
    answer_number: Mapped[int | None] = mapped_column(Integer)
    # The last reply number given (replies are numbered 1, 2… in order, never reused).
    last_number: Mapped[int] = mapped_column(Integer, default=0)
    # Replies not deleted, for the list.
    reply_count: Mapped[int] = mapped_column(Integer, default=0)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    category: Mapped[DiscussionCategory] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    last_author: Mapped[User | None] = relationship(foreign_keys=[last_author_id])
    territory: Mapped[Territory | None] = relationship()
    tags: Mapped[list[DiscussionTag]] = relationship(secondary=thread_tag, order_by=DiscussionTag.name)
    writeup: Mapped["WriteUp | None"] = relationship(back_populates="thread", cascade="all, delete-orphan",
                                                      passive_deletes=True, uselist=False)
    links: Mapped[list["ThreadLink"]] = relationship(back_populates="thread", cascade="all, delete-orphan",
                                                     passive_deletes=True, order_by="ThreadLink.id")
    # What the member listing threads has read of each (the reply number they saw up to, and their
    # "marquer tout comme lu" cutoff), loaded with the list itself by queries.with_read_state rather
    # than in two more queries; None when not loaded.
    read_number: Mapped[int | None] = query_expression()
    read_cutoff: Mapped[datetime | None] = query_expression()

    number = 0  # the opening message, before reply 1

    @property
    def thread(self) -> "Thread":
        return self

    @property
    def thread_id(self) -> int:
        return self.id

    @property
    def is_question(self) -> bool:
        return self.kind == KIND_QUESTION

    @property
    def is_writeup(self) -> bool:
        return self.kind == KIND_WRITEUP

    @property
    def resolved(self) -> bool:
        return self.answer_number is not None

    @property
    def kind_label(self):
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def territory_label(self) -> str:
        return self.territory.label if self.territory else str(_l("Tout le département"))

    def notification_title(self) -> str:
        return self.title

    def notification_url(self) -> str:
        return url_for("discussions.show", thread_id=self.id)


class Reply(MessageMixin, db.Model):
    __tablename__ = "discussion_reply"
    __table_args__ = (UniqueConstraint("thread_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("discussion_thread.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    thread: Mapped[Thread] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])

    @property
    def anchor(self) -> str:
        return f"reply-{self.number}"

    def notification_title(self) -> str:
        return self.thread.title

    def notification_url(self) -> str:
        return url_for("discussions.permalink", thread_id=self.thread_id, number=self.number)


class Revision(db.Model):
    """The text a message had before an edit: who changed it, when, and what it said."""

    __tablename__ = "discussion_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("discussion_thread.id", ondelete="CASCADE"), index=True)
    # None: the thread's opening message.
    reply_id: Mapped[int | None] = mapped_column(ForeignKey("discussion_reply.id", ondelete="CASCADE"), index=True)
    editor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    title: Mapped[str | None] = mapped_column(String(200))  # the opening message's previous title
    body: Mapped[str] = mapped_column(Text)

    editor: Mapped[User | None] = relationship()


class ThreadLink(db.Model):
    """A thread refers to a resource, an event, a meeting or a directory organisation; the other
    side's page lists it (core/backlinks.py). ``target_type`` is the notification target name."""

    __tablename__ = "discussion_link"
    __table_args__ = (
        UniqueConstraint("thread_id", "target_type", "target_id"),
        Index("ix_discussion_link_target", "target_type", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("discussion_thread.id", ondelete="CASCADE"))
    target_type: Mapped[str] = mapped_column(String(60))
    target_id: Mapped[int] = mapped_column(Integer)

    thread: Mapped[Thread] = relationship(back_populates="links")


class WriteUp(db.Model):
    """The structured fields of a "fiche retour d'expérience" (the thread holds title and text)."""

    __tablename__ = "discussion_writeup"

    thread_id: Mapped[int] = mapped_column(ForeignKey("discussion_thread.id", ondelete="CASCADE"), primary_key=True)
    context: Mapped[str] = mapped_column(Text, default="")
    buyer_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="SET NULL"), index=True)
    clause_mechanism: Mapped[str | None] = mapped_column(String(20), index=True)
    sector_id: Mapped[int | None] = mapped_column(ForeignKey("sector.id", ondelete="SET NULL"), index=True)
    insertion_hours: Mapped[int | None] = mapped_column(Integer)
    participants: Mapped[int | None] = mapped_column(Integer)
    what_worked: Mapped[str] = mapped_column(Text, default="")
    difficulties: Mapped[str] = mapped_column(Text, default="")
    advice: Mapped[str] = mapped_column(Text, default="")
    contact: Mapped[str | None] = mapped_column(String(300))

    thread: Mapped[Thread] = relationship(back_populates="writeup")
    buyer: Mapped[Organisation | None] = relationship()
    sector: Mapped[Sector | None] = relationship()


class ReadState(db.Model):
    """How far a member has read a thread: the last reply number they were shown."""

    __tablename__ = "discussion_read"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("discussion_thread.id", ondelete="CASCADE"), primary_key=True,
                                           index=True)
    last_number: Mapped[int] = mapped_column(Integer, default=0)
    read_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ReadMark(db.Model):
    """"Marquer tout comme lu": every thread without activity after ``read_all_at`` is read."""

    __tablename__ = "discussion_read_mark"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    read_all_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
