"""Reads the discussion pages share: the list of threads with its filters and unread markers, a
thread's page of replies, the write-up cards, the dashboard panel. Each runs a fixed number of
queries whatever the number of threads or replies (tests/discussions/test_queries.py counts them)."""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import datetime

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import Select, and_, bindparam, exists, func, or_, select, type_coerce
from sqlalchemy.orm import contains_eager, joinedload, load_only, selectinload, with_expression
from werkzeug.datastructures import MultiDict

from network_space.accounts.models import Territory, User
from network_space.core.backlinks import Backlink, BacklinkAction
from network_space.core.http import int_value
from network_space.core.pagination import paginate
from network_space.core.permissions import ROLE_COANIMATOR, can, has_role
from network_space.core.statements import Viewer, built_once, shape_of, values
from network_space.directory.models import Organisation
from network_space.discussions.models import (
    KIND_LABELS, KIND_QUESTION, KIND_WRITEUP, DiscussionCategory, DiscussionTag, ReadMark, ReadState, Reply,
    Revision, Thread, ThreadLink, WriteUp, thread_tag,
)
from network_space.extensions import db
from network_space.library.models import CLAUSE_MECHANISMS, Sector
from network_space.notifications.registry import target_type_of

THREADS_PER_PAGE = 30
RECENT_SIZE = 5  # threads on the dashboard
REPLIES_PER_PAGE = 50
WRITEUPS_PER_PAGE = 24

# ?statut= values of the list, with their labels (views.py shows them).
STATUSES = ("ouvertes", "fermees", "questions-resolues", "questions-non-resolues")
SORTS = ("activite", "recentes")
WHOLE_DEPARTEMENT = "departement"


@dataclass
class ThreadFilters:
    """The list's filters, read defensively from the query string (anything unknown is ignored)."""

    category_id: int | None = None
    tag: str = ""
    territory: int | str | None = None  # a territory id, or WHOLE_DEPARTEMENT
    status: str = ""
    kind: str = ""
    unread: bool = False
    sort: str = "activite"
    # Write-up fields ("fiches"): buyer organisation, clause mechanism, sector, at least so many hours.
    buyer_id: int | None = None
    mechanism: str = ""
    sector_id: int | None = None
    min_hours: int | None = None
    min_hours_refused: bool = False  # something typed that is no number of hours: said, not applied

    @classmethod
    def from_args(cls, args: MultiDict) -> "ThreadFilters":
        territory = args.get("territoire", "")
        min_hours = int_value(args.get("heures_min"), minimum=0, maximum=10_000_000)
        return cls(
            category_id=int_value(args.get("categorie")),
            tag=" ".join(args.get("etiquette", "").split()).lower()[:60],
            territory=WHOLE_DEPARTEMENT if territory == WHOLE_DEPARTEMENT else int_value(territory),
            status=args.get("statut", "") if args.get("statut") in STATUSES else "",
            kind=args.get("type", "") if args.get("type") in KIND_LABELS else "",
            unread=args.get("non_lus") == "1",
            sort=args.get("tri") if args.get("tri") in SORTS else "activite",
            buyer_id=int_value(args.get("acheteur")),
            mechanism=args.get("mecanisme", "") if args.get("mecanisme") in CLAUSE_MECHANISMS else "",
            sector_id=int_value(args.get("secteur")),
            min_hours=min_hours,
            min_hours_refused=min_hours is None and bool(args.get("heures_min", "").strip()),
        )

    def to_args(self, **changes) -> dict:
        """The query string of these filters (with ``changes``), without empty values."""
        f = replace(self, **changes)
        args = {"categorie": f.category_id, "etiquette": f.tag, "territoire": f.territory, "statut": f.status,
                "type": f.kind, "non_lus": "1" if f.unread else None, "tri": None if f.sort == "activite" else f.sort,
                "acheteur": f.buyer_id, "mecanisme": f.mechanism, "secteur": f.sector_id, "heures_min": f.min_hours}
        return {key: value for key, value in args.items() if value not in (None, "")}

    @property
    def writeup_filters(self) -> bool:
        return bool(self.buyer_id or self.mechanism or self.sector_id or self.min_hours is not None)

    @property
    def active(self) -> bool:
        return bool(self.category_id or self.tag or self.territory or self.status or self.kind or self.unread
                    or self.writeup_filters)

    @property
    def shape(self) -> tuple:
        """What of these filters shapes the list's statements, built once per shape
        (core/statements.py): which filters are set, and those that choose a condition or an order
        (the whole département, status, unread, sort). The other values are bound (``values``)."""
        territory = WHOLE_DEPARTEMENT if self.territory == WHOLE_DEPARTEMENT else bool(self.territory)
        return (bool(self.category_id), bool(self.tag), territory, self.status, bool(self.kind), self.unread,
                self.sort, bool(self.buyer_id), bool(self.mechanism), bool(self.sector_id), self.min_hours is not None)

    @property
    def values(self) -> dict:
        return {"category_id": self.category_id, "tag": self.tag, "territory": self.territory, "kind": self.kind,
                "buyer_id": self.buyer_id, "mechanism": self.mechanism, "sector_id": self.sector_id,
                "min_hours": self.min_hours}


def _cutoff(user):
    """Threads without activity after this moment are read for ``user``: their last "marquer tout
    comme lu", or the day they joined (what came before is not news to them). A SQL expression."""
    mark = select(ReadMark.read_all_at).where(ReadMark.user_id == user.id).scalar_subquery()
    return func.coalesce(mark, type_coerce(user.created_at, ReadMark.read_all_at.type))


def visible_threads(user) -> Select:
    """Threads ``user`` may see (same rule as permissions.may_view, in SQL)."""
    stmt = select(Thread).join(Thread.category)
    if not has_role(user, ROLE_COANIMATOR):
        stmt = stmt.where(DiscussionCategory.coanimators_only.is_(False),
                          or_(Thread.hidden.is_(False), Thread.author_id == user.id))
    return stmt


def _read_number(user):
    return select(ReadState.last_number).where(ReadState.user_id == user.id,
                                               ReadState.thread_id == Thread.id).scalar_subquery()


def _unread_condition(user):
    # Never opened (no read state: -1) or replies since: one look-up of the read state, not two.
    return and_(Thread.last_activity_at > _cutoff(user), func.coalesce(_read_number(user), -1) < Thread.last_number)


def with_read_state(stmt: Select, user) -> Select:
    """The list's threads come with what ``user`` read of them (Thread.read_number, read_cutoff);
    populate_existing: a thread the session already holds gets them too (else they stay None)."""
    return stmt.options(with_expression(Thread.read_number, _read_number(user)),
                        with_expression(Thread.read_cutoff, _cutoff(user))).execution_options(populate_existing=True)


def _writeup_filtered(shape: tuple) -> bool:
    """Whether one of the write-up filters (the last four of ThreadFilters.shape) is set."""
    return any(shape[7:])


def _filtered_threads(role, shape: tuple) -> Select:
    """The threads a member of ``role`` may see that the filters of ``shape`` (ThreadFilters.shape)
    keep, in the list's order; the member and the filters' values bound."""
    category, tag, territory, status, kind, unread, sort, buyer, mechanism, sector, min_hours = shape
    viewer = Viewer(role)
    stmt = visible_threads(viewer)
    if category:
        stmt = stmt.where(Thread.category_id == bindparam("category_id"))
    if tag:
        # One primary-key probe per thread (the tag's id is looked up once): a plan that stays good
        # whatever the planner's estimates, where "id IN (the tag's threads)" was joined in a loop.
        tag_id = select(DiscussionTag.id).where(DiscussionTag.name == bindparam("tag")).scalar_subquery()
        stmt = stmt.where(exists().where(thread_tag.c.thread_id == Thread.id, thread_tag.c.tag_id == tag_id))
    if territory == WHOLE_DEPARTEMENT:
        stmt = stmt.where(Thread.territory_id.is_(None))
    elif territory:
        stmt = stmt.where(Thread.territory_id == bindparam("territory"))
    if kind:
        stmt = stmt.where(Thread.kind == bindparam("kind"))
    if status == "ouvertes":
        stmt = stmt.where(Thread.closed.is_(False))
    elif status == "fermees":
        stmt = stmt.where(Thread.closed.is_(True))
    elif status == "questions-resolues":
        stmt = stmt.where(Thread.kind == KIND_QUESTION, Thread.answer_number.is_not(None))
    elif status == "questions-non-resolues":
        stmt = stmt.where(Thread.kind == KIND_QUESTION, Thread.answer_number.is_(None))
    if _writeup_filtered(shape):
        stmt = stmt.join(WriteUp, WriteUp.thread_id == Thread.id)
        if buyer:
            stmt = stmt.where(WriteUp.buyer_id == bindparam("buyer_id"))
        if mechanism:
            stmt = stmt.where(WriteUp.clause_mechanism == bindparam("mechanism"))
        if sector:
            stmt = stmt.where(WriteUp.sector_id == bindparam("sector_id"))
        if min_hours:
            stmt = stmt.where(WriteUp.insertion_hours >= bindparam("min_hours"))
    if unread:
        stmt = stmt.where(_unread_condition(viewer))
    if sort == "recentes":
        return stmt.order_by(Thread.pinned.desc(), Thread.created_at.desc(), Thread.id.desc())
    return stmt.order_by(Thread.pinned.desc(), Thread.last_activity_at.desc(), Thread.id.desc())


@dataclass(frozen=True)
class Unread:
    """What a member has not read of a thread: all of it (new), some replies, or nothing."""

    new_thread: bool = False
    new_replies: int | None = None  # None: unknown count (replies since the cutoff, thread never opened)
    first_unread: int = 0  # the first reply number to read

    @property
    def any(self) -> bool:
        return self.new_thread or self.new_replies is None or self.new_replies > 0


READ = Unread(new_replies=0)


def unread_state(thread: Thread, seen: int | None, cutoff: datetime) -> Unread:
    """What ``seen`` (the last reply number read, None if never opened) leaves unread of ``thread``."""
    if thread.last_activity_at <= cutoff:
        return READ
    if seen is None and thread.created_at > cutoff:
        return Unread(new_thread=True, first_unread=1)
    if seen is None:
        return Unread(new_replies=None, first_unread=1)
    if seen < thread.last_number:
        return Unread(new_replies=thread.last_number - seen, first_unread=seen + 1)
    return READ


def unread_of(thread: Thread, user) -> Unread:
    """A thread's unread state for ``user`` (its page), in one query."""
    seen, cutoff = db.session.execute(select(
        select(ReadState.last_number).where(ReadState.user_id == user.id, ReadState.thread_id == thread.id)
        .scalar_subquery(), _cutoff(user))).one()
    return unread_state(thread, seen, cutoff)


def listed_unread(threads: list[Thread]) -> dict[int, Unread]:
    """Each listed thread's unread state, from what with_read_state loaded with it."""
    return {t.id: unread_state(t, t.read_number, t.read_cutoff) for t in threads}


# The category comes from visible_threads' join (not joined a second time), the tags are joined
# (docs/developpement.md, "Listes"); the write-up, its buyer and its sector in their own statement:
# joined to the list, they cost PostgreSQL 19 ms of planning for 1 ms of execution at each display.
CARD_OPTIONS = (
    contains_eager(Thread.category), joinedload(Thread.author), joinedload(Thread.last_author),
    joinedload(Thread.territory), joinedload(Thread.tags),
    selectinload(Thread.writeup).options(joinedload(WriteUp.buyer), joinedload(WriteUp.sector)),
)
# A line of the list (_macros.html, thread_row) shows less: only that is loaded, not the opening
# message's text nor the people's other columns; what it shows of a write-up comes as rows
# (writeup_lines).
LIST_OPTIONS = (
    load_only(Thread.id, Thread.title, Thread.kind, Thread.category_id, Thread.territory_id, Thread.pinned,
              Thread.closed, Thread.hidden, Thread.answer_number, Thread.last_number, Thread.reply_count,
              Thread.last_activity_at, Thread.created_at, Thread.author_id, Thread.last_author_id),
    contains_eager(Thread.category).load_only(DiscussionCategory.name),
    joinedload(Thread.author).load_only(User.full_name), joinedload(Thread.last_author).load_only(User.full_name),
    joinedload(Thread.territory).load_only(Territory.name, Territory.short_name),
    joinedload(Thread.tags).load_only(DiscussionTag.name),
)


@dataclass(frozen=True)
class WriteUpLine:
    """What a line of the list shows of a thread's write-up: its buyer's and sector's names and its
    hours (each None when not given)."""
    buyer: str | None
    sector: str | None
    insertion_hours: int | None


@built_once
def _writeup_lines_statement():
    """The listed threads' write-ups as plain rows, in a statement of their own (joined to the list,
    the write-up, its buyer and its sector cost PostgreSQL 19 ms of planning at each display) built
    once: a selectinload builds its statement and its cache key anew at each display and makes three
    objects per write-up (~1 ms for a page)."""
    return (select(WriteUp.thread_id, Organisation.name, Sector.name, WriteUp.insertion_hours)
            .outerjoin(Organisation, Organisation.id == WriteUp.buyer_id)
            .outerjoin(Sector, Sector.id == WriteUp.sector_id)
            .where(WriteUp.thread_id.in_(bindparam("ids", expanding=True))))


def writeup_lines(threads: list[Thread]) -> dict[int, WriteUpLine]:
    """{thread id: WriteUpLine} for the listed threads that have a write-up."""
    if not threads:
        return {}
    rows = db.session.execute(_writeup_lines_statement(), {"ids": [thread.id for thread in threads]})
    return {thread_id: WriteUpLine(buyer, sector, hours) for thread_id, buyer, sector, hours in rows}


@dataclass
class ThreadList:
    page: object  # core.pagination's page: items, pages, has_next…
    unread: dict[int, Unread] = field(default_factory=dict)
    writeups: dict[int, WriteUpLine] = field(default_factory=dict)


@built_once
def _list_statement(role, shape: tuple) -> Select:
    return with_read_state(_filtered_threads(role, shape), Viewer(role)).options(*LIST_OPTIONS)


def thread_list(filters: ThreadFilters, user, per_page: int = THREADS_PER_PAGE) -> ThreadList:
    page = paginate(_list_statement(shape_of(user), filters.shape), per_page=per_page,
                    values={**values(user), **filters.values})
    return ThreadList(page, listed_unread(page.items), writeup_lines(page.items))


@built_once
def _recent_statement(role):
    viewer = Viewer(role)
    # The panel shows each thread's title, category, replies and last activity, and its unread
    # marker (unread_state): nothing else is loaded.
    shown = load_only(Thread.id, Thread.title, Thread.reply_count, Thread.last_number, Thread.last_activity_at,
                      Thread.created_at)
    return (with_read_state(visible_threads(viewer), viewer)
            .options(shown, contains_eager(Thread.category).load_only(DiscussionCategory.name))
            .order_by(Thread.last_activity_at.desc(), Thread.id.desc()).limit(RECENT_SIZE))


def recent_threads(user) -> ThreadList | None:
    """The dashboard panel: the threads with the latest activity, with their unread markers."""
    threads = list(db.session.scalars(_recent_statement(shape_of(user)), values(user)))
    return ThreadList(threads, listed_unread(threads)) if threads else None


def categories_for(user, *, writable: bool = False) -> list[DiscussionCategory]:
    """The categories ``user`` may see (or write a new thread in), in order."""
    stmt = select(DiscussionCategory).order_by(DiscussionCategory.position, DiscussionCategory.id)
    if not has_role(user, ROLE_COANIMATOR):
        stmt = stmt.where(DiscussionCategory.coanimators_only.is_(False))
    if writable:
        stmt = stmt.where(DiscussionCategory.active.is_(True))
    return list(db.session.scalars(stmt))


def popular_tags(limit: int = 30) -> list[str]:
    count = func.count(thread_tag.c.thread_id)
    return list(db.session.scalars(select(DiscussionTag.name).join(thread_tag).group_by(DiscussionTag.name)
                                   .order_by(count.desc(), DiscussionTag.name).limit(limit)))


# --- a thread's page ---------------------------------------------------------------------------

def thread_for_page(thread_id: int) -> Thread | None:
    return db.session.scalar(select(Thread).where(Thread.id == thread_id).options(
        joinedload(Thread.category), joinedload(Thread.author).joinedload(User.structure), joinedload(Thread.territory),
        selectinload(Thread.tags), selectinload(Thread.links),
        selectinload(Thread.writeup).options(joinedload(WriteUp.buyer), joinedload(WriteUp.sector)),
    ))


def reply_pages(thread: Thread, per_page: int = REPLIES_PER_PAGE) -> int:
    return max(1, math.ceil(thread.last_number / per_page))


def page_of(number: int, per_page: int = REPLIES_PER_PAGE) -> int:
    return max(1, math.ceil(number / per_page))


def replies_page(thread: Thread, page: int, per_page: int = REPLIES_PER_PAGE) -> list[Reply]:
    """Replies ``(page-1)*per_page+1`` to ``page*per_page`` by number (numbers are never reused, so
    a page is a range of the unique (thread, number) index: no OFFSET, no COUNT)."""
    first = (page - 1) * per_page + 1
    return list(db.session.scalars(select(Reply).where(
        Reply.thread_id == thread.id, Reply.number.between(first, first + per_page - 1))
        .options(joinedload(Reply.author).joinedload(User.structure)).order_by(Reply.number)))


def reply_by_number(thread_id: int, number: int) -> Reply | None:
    return db.session.scalar(select(Reply).where(Reply.thread_id == thread_id, Reply.number == number)
                             .options(joinedload(Reply.author), joinedload(Reply.thread)))


def revised_numbers(thread: Thread, replies: list[Reply]) -> set[int]:
    """Numbers (0: the opening message) of the shown messages that have a history, in one query."""
    ids = {reply.id: reply.number for reply in replies}
    rows = db.session.execute(select(Revision.reply_id).where(
        Revision.thread_id == thread.id, or_(Revision.reply_id.is_(None), Revision.reply_id.in_(ids))).distinct())
    return {0 if reply_id is None else ids[reply_id] for (reply_id,) in rows}


def history(thread: Thread, reply: Reply | None) -> list[Revision]:
    """The previous texts of a message, newest first."""
    condition = Revision.reply_id == reply.id if reply is not None else Revision.reply_id.is_(None)
    return list(db.session.scalars(select(Revision).where(Revision.thread_id == thread.id, condition)
                                   .options(joinedload(Revision.editor))
                                   .order_by(Revision.created_at.desc(), Revision.id.desc())))


def threads_linked_to(target_type: str, target_id: int, user, limit: int = 20) -> list[Thread]:
    return list(db.session.scalars(
        visible_threads(user).join(ThreadLink, ThreadLink.thread_id == Thread.id)
        .where(ThreadLink.target_type == target_type, ThreadLink.target_id == target_id)
        .order_by(Thread.last_activity_at.desc()).limit(limit)))


# --- write-ups ----------------------------------------------------------------------------------

@built_once
def _writeups_statement(role, shape: tuple) -> Select:
    stmt = _filtered_threads(role, shape)
    if not _writeup_filtered(shape):  # else _filtered_threads joined it
        stmt = stmt.join(WriteUp, WriteUp.thread_id == Thread.id)  # a deleted write-up has no fields left
    return stmt.options(*CARD_OPTIONS)


def writeup_cards(filters: ThreadFilters, user, per_page: int = WRITEUPS_PER_PAGE):
    filters = replace(filters, kind=KIND_WRITEUP)
    return paginate(_writeups_statement(shape_of(user), filters.shape), per_page=per_page,
                    values={**values(user), **filters.values})


def writeup_buyers() -> list:
    """Organisations that are the buyer of at least one write-up, for the filter."""
    return list(db.session.scalars(select(Organisation).where(Organisation.id.in_(
        select(WriteUp.buyer_id).where(WriteUp.buyer_id.is_not(None)))).order_by(Organisation.name)))


# --- on other pages -----------------------------------------------------------------------------

def recent_panel(user) -> dict | None:
    """"Discussions récentes" on the dashboard: the five threads with the latest activity, unread
    ones marked."""
    if not can("discussions.create", None, user):
        return None
    recent = recent_threads(user)
    return {"threads": recent.page, "unread": recent.unread} if recent else None


def linked_threads(obj, user) -> list[Backlink]:
    """The threads linked to a resource, an event, a meeting or an organisation, on its page."""
    return [Backlink(_("Discussion"), thread.title, url_for("discussions.show", thread_id=thread.id),
                     thread.last_activity_at)
            for thread in threads_linked_to(target_type_of(obj), obj.id, user)]


def discuss_action(obj, user) -> BacklinkAction | None:
    """"Discuter" on the page of what a thread may link to: opens a new thread linked to it."""
    if not can("discussions.create", None, user):
        return None
    return BacklinkAction(_("Discuter"), url_for("discussions.new", lien=obj.notification_url()))
