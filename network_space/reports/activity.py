"""The co-animation's activity report for a period ("points d'étape" with the Département and the
DDETS): computed from the site's own data, nothing typed twice.

The report is a list of sections, each given by a provider registered with
``@activity_section(key, order)``: a function of the period returning a :class:`Section` (key
figures, an optional detail table, an optional note) or None. The sections below cover meetings,
the library, events, discussions, members and the directory (the domains below reports); a domain
above reports would add its own from its ``init_app`` with the decorator, without this module
importing it.

Each provider runs a fixed number of aggregate queries, whatever the amount of data.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Callable

from flask_babel import gettext as _, ngettext
from sqlalchemy import and_, case, func, select

from network_space.accounts.models import Structure, User
from network_space.core import documents as doc
from network_space.core.dates import fmt_date, paris_to_utc, paris_today
from network_space.core.numbers import fmt_number, fmt_percent
from network_space.directory.models import KIND_GROUPS, GROUP_BUYER, GROUP_DISABILITY, Organisation, OrganisationKind
from network_space.discussions.models import KIND_QUESTION, KIND_WRITEUP, DiscussionCategory, Reply, Thread
from network_space.events.models import REG_REGISTERED, STATUS_CANCELLED, Event, EventKind, Registration, event_partner
from network_space.extensions import db
from network_space.library.models import KIND_LABELS, Resource, ResourceComment, ResourceDownload
from network_space.meetings.models import KINDS as MEETING_KINDS, STATUS_HELD, STATUS_PUBLISHED, Meeting, MeetingInvitee

# The longest period a report covers (a few years: the funding agreements run for three).
MAX_DAYS = 5 * 366


@dataclass(frozen=True)
class Period:
    """From ``start`` to ``end``, both days included, in Paris time."""

    start: date
    end: date

    @classmethod
    def year_of(cls, day: date) -> "Period":
        return cls(date(day.year, 1, 1), date(day.year, 12, 31))

    @property
    def since(self) -> datetime:
        return paris_to_utc(self.start, time(0, 0))

    @property
    def until(self) -> datetime:
        """The first instant after the period (exclusive bound)."""
        return paris_to_utc(self.end + timedelta(days=1), time(0, 0))

    def contains(self, column):
        return and_(column >= self.since, column < self.until)

    @property
    def label(self) -> str:
        return _("du %(start)s au %(end)s", start=fmt_date(self.start, year=True), end=fmt_date(self.end, year=True))


@dataclass(frozen=True)
class Figure:
    label: str
    value: int | float | None
    percent: bool = False  # a ratio shown as a percentage

    @property
    def text(self) -> str:
        return fmt_percent(self.value) if self.percent else fmt_number(self.value, 2, trim=True)


@dataclass
class Section:
    key: str
    title: str
    figures: list[Figure] = field(default_factory=list)
    table: doc.Table | None = None
    note: str = ""


Provider = Callable[[Period], "Section | None"]
_providers: dict[str, tuple[int, Provider]] = {}


def activity_section(key: str, order: int) -> Callable[[Provider], Provider]:
    """Registers a section of the report; ``order`` places it (meetings 10 … directory 60)."""
    def decorator(provider: Provider) -> Provider:
        _providers[key] = (order, provider)  # a second create_app() in one process re-registers
        return provider

    return decorator


def report(period: Period) -> list[Section]:
    sections = []
    for _order, provider in sorted(_providers.values(), key=lambda item: item[0]):
        section = provider(period)
        if section is not None:
            sections.append(section)
    return sections


def outline(period: Period, sections: list[Section]) -> doc.Outline:
    """The report as a document (DOCX, ODT, PDF through core/documents/)."""
    title = _("Rapport d'activité de la co-animation")
    blocks: list[doc.Block] = [doc.Title(title, _("Réseau des facilitateurs clauses sociales de l'Isère — %(period)s",
                                                   period=period.label))]
    for section in sections:
        blocks.append(doc.Heading(section.title))
        if section.figures:
            blocks.append(doc.Fields([(f.label, f.text) for f in section.figures]))
        if section.table is not None and section.table.rows:
            blocks.append(section.table)
        if section.note:
            blocks.append(doc.Paragraph(section.note))
    blocks.append(doc.Paragraph(_("Établi le %(date)s à partir des données du site.",
                                    date=fmt_date(paris_today(), year=True))))
    return doc.Outline(f"{title} — {period.label}", blocks, subject=title)


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


# --- the sections --------------------------------------------------------------------------------


@activity_section("meetings", order=10)
def _meetings(period: Period) -> Section:
    """Meetings held, with their attendance as recorded in the minutes (one query)."""
    present = func.coalesce(func.sum(case((MeetingInvitee.attendance == "present", 1), else_=0)), 0)
    recorded = func.coalesce(func.sum(case((MeetingInvitee.attendance.is_not(None), 1), else_=0)), 0)
    rows = db.session.execute(
        select(Meeting.title, Meeting.kind, Meeting.starts_at, func.count(MeetingInvitee.id), present, recorded)
        .outerjoin(MeetingInvitee, MeetingInvitee.meeting_id == Meeting.id)
        .where(Meeting.status.in_((STATUS_HELD, STATUS_PUBLISHED)), period.contains(Meeting.starts_at))
        .group_by(Meeting.id, Meeting.title, Meeting.kind, Meeting.starts_at)
        .order_by(Meeting.starts_at)).all()
    with_attendance = [r for r in rows if r[5]]
    invited = sum(r[3] for r in with_attendance)
    came = sum(r[4] for r in with_attendance)
    figures = [Figure(_("Réunions tenues"), len(rows))]
    for kind, label in MEETING_KINDS.items():
        count = sum(1 for r in rows if r[1] == kind)
        if count:
            figures.append(Figure(str(label), count))
    figures += [Figure(_("Présences"), came), Figure(_("Taux de présence"), _ratio(came, invited), percent=True)]
    table = doc.Table(
        [_("Réunion"), _("Date"), _("Type"), _("Invités"), _("Présents"), _("Taux de présence")],
        [[r[0], fmt_date(r[2], year=True), str(MEETING_KINDS.get(r[1], r[1])), fmt_number(r[3]),
          fmt_number(r[4]) if r[5] else "—", fmt_percent(_ratio(r[4], r[3])) if r[5] else "—"] for r in rows],
        caption=_("Réunions tenues"), align="lllrrr")
    note = ""
    if len(with_attendance) < len(rows):
        missing = len(rows) - len(with_attendance)
        note = ngettext("%(num)d réunion sans présences relevées n'entre pas dans le taux de présence.",
                        "%(num)d réunions sans présences relevées n'entrent pas dans le taux de présence.", missing)
    return Section("meetings", _("Réunions du réseau"), figures, table, note)


@activity_section("library", order=20)
def _library(period: Period) -> Section:
    """Resources added, feedback left and downloads in the period (three queries)."""
    added = dict(db.session.execute(
        select(Resource.kind, func.count(Resource.id)).where(period.contains(Resource.created_at))
        .group_by(Resource.kind)).all())
    comments = db.session.scalar(
        select(func.count(ResourceComment.id)).where(period.contains(ResourceComment.created_at))) or 0
    downloads = db.session.execute(
        select(Resource.title, func.count(ResourceDownload.id).label("n"))
        .join(Resource, Resource.id == ResourceDownload.resource_id)
        .where(period.contains(ResourceDownload.downloaded_at))
        .group_by(Resource.id, Resource.title).order_by(func.count(ResourceDownload.id).desc(), Resource.title)).all()
    figures = [Figure(_("Ressources partagées"), sum(added.values()))]
    figures += [Figure(str(label), added[kind]) for kind, label in KIND_LABELS.items() if added.get(kind)]
    figures += [Figure(_("Téléchargements"), sum(n for _title, n in downloads)),
                Figure(_("Retours d'expérience sur les ressources"), comments)]
    table = doc.Table([_("Ressource"), _("Téléchargements")], [[title, fmt_number(n)] for title, n in downloads[:10]],
                      caption=_("Les ressources les plus téléchargées"), align="lr")
    return Section("library", _("Ressources partagées"), figures, table)


@activity_section("events", order=30)
def _events(period: Period) -> Section:
    """Events and joint actions with buyers, with their registrations (two queries)."""
    registered = (select(func.count(Registration.id))
                  .where(Registration.event_id == Event.id, Registration.status == REG_REGISTERED)
                  .correlate(Event).scalar_subquery())
    rows = db.session.execute(
        select(Event.id, Event.title, Event.starts_at, EventKind.code, EventKind.label, registered)
        .join(EventKind, EventKind.code == Event.kind)
        .where(Event.status != STATUS_CANCELLED, period.contains(Event.starts_at))
        .order_by(Event.starts_at)).all()
    buyers: dict[int, list[str]] = {}
    if rows:
        for event_id, name in db.session.execute(
                select(event_partner.c.event_id, Organisation.name)
                .join(Organisation, Organisation.id == event_partner.c.organisation_id)
                .join(OrganisationKind, OrganisationKind.id == Organisation.kind_id)
                .where(OrganisationKind.group == GROUP_BUYER, event_partner.c.event_id.in_([r[0] for r in rows]))
                .order_by(Organisation.name)):
            buyers.setdefault(event_id, []).append(name)
    joint = [r for r in rows if r[3] == "joint_action" or r[0] in buyers]
    figures = [Figure(_("Événements"), len(rows)),
               Figure(_("dont actions conjointes avec des donneurs d'ordre"), len(joint)),
               Figure(_("Inscriptions"), sum(r[5] for r in rows)),
               Figure(_("Inscriptions aux actions conjointes"), sum(r[5] for r in joint))]
    table = doc.Table([_("Événement"), _("Date"), _("Type"), _("Donneurs d'ordre"), _("Inscrits")],
                      [[r[1], fmt_date(r[2], year=True), r[4], ", ".join(buyers.get(r[0], [])) or "—", fmt_number(r[5])]
                       for r in rows], caption=_("Événements"), align="llllr")
    return Section("events", _("Événements et actions conjointes"), figures, table)


@activity_section("discussions", order=40)
def _discussions(period: Period) -> Section:
    """Threads started, replies, questions answered and write-ups; the liveliest threads (two queries)."""
    started = Thread.deleted_at.is_(None) & Thread.hidden.is_(False) & period.contains(Thread.created_at)
    threads, questions, resolved, writeups = db.session.execute(select(
        func.coalesce(func.sum(case((started, 1), else_=0)), 0),
        func.coalesce(func.sum(case((started & (Thread.kind == KIND_QUESTION), 1), else_=0)), 0),
        func.coalesce(func.sum(case((started & (Thread.kind == KIND_QUESTION) & Thread.answer_number.is_not(None), 1),
                                    else_=0)), 0),
        func.coalesce(func.sum(case((started & (Thread.kind == KIND_WRITEUP), 1), else_=0)), 0),
    )).one()
    replies = func.count(Reply.id)
    rows = db.session.execute(
        select(Thread.title, DiscussionCategory.name, replies, func.count(func.distinct(Reply.author_id)))
        .join(Reply, Reply.thread_id == Thread.id).join(DiscussionCategory, DiscussionCategory.id == Thread.category_id)
        .where(period.contains(Reply.created_at), Reply.deleted_at.is_(None), Thread.deleted_at.is_(None),
               Thread.hidden.is_(False))
        .group_by(Thread.id, Thread.title, DiscussionCategory.name).order_by(replies.desc(), Thread.title)).all()
    figures = [Figure(_("Discussions ouvertes"), threads), Figure(_("Réponses"), sum(r[2] for r in rows)),
               Figure(_("Questions posées"), questions), Figure(_("dont résolues"), resolved),
               Figure(_("Fiches retour d'expérience"), writeups)]
    table = doc.Table([_("Discussion"), _("Catégorie"), _("Réponses"), _("Participants")],
                      [[r[0], r[1], fmt_number(r[2]), fmt_number(r[3])] for r in rows[:10]],
                      caption=_("Les discussions les plus actives"), align="llrr")
    return Section("discussions", _("Discussions entre membres"), figures, table)


@activity_section("members", order=50)
def _members(period: Period) -> Section:
    """New members and structures; the network's size at the end of the period (two queries)."""
    new_members, members = db.session.execute(
        select(func.coalesce(func.sum(case((period.contains(User.created_at), 1), else_=0)), 0),
               func.count(User.id))
        .where(User.active.is_(True), User.created_at < period.until)).one()
    structures = db.session.execute(
        select(Structure.name, Structure.created_at)
        .where(Structure.active.is_(True), Structure.created_at < period.until).order_by(Structure.name)).all()
    new_structures = [(name, created) for name, created in structures if created >= period.since]
    figures = [Figure(_("Nouveaux membres"), new_members), Figure(_("Membres à la fin de la période"), members),
               Figure(_("Nouvelles structures"), len(new_structures)),
               Figure(_("Structures à la fin de la période"), len(structures))]
    table = doc.Table([_("Structure"), _("Arrivée le")], [[name, fmt_date(created, year=True)] for name, created in new_structures],
                      caption=_("Structures arrivées dans le réseau"))
    return Section("members", _("Membres et structures"), figures, table,
                   _("Comptes actifs aujourd'hui, selon leur date de création."))


@activity_section("directory", order=60)
def _directory(period: Period) -> Section:
    """The partner directory's growth, by group of kinds, disability sector first (one query)."""
    rows = db.session.execute(
        select(OrganisationKind.group,
               func.coalesce(func.sum(case((Organisation.created_at < period.since, 1), else_=0)), 0),
               func.count(Organisation.id))
        .join(OrganisationKind, OrganisationKind.id == Organisation.kind_id)
        .where(Organisation.active.is_(True), Organisation.created_at < period.until)
        .group_by(OrganisationKind.group)).all()
    by_group = {group: (before, total) for group, before, total in rows}
    order = [GROUP_DISABILITY] + [g for g in KIND_GROUPS if g != GROUP_DISABILITY]
    order += sorted(g for g in by_group if g not in order)
    table_rows, figures = [], []
    for group in order:
        before, total = by_group.get(group, (0, 0))
        label = str(KIND_GROUPS.get(group, group))
        table_rows.append([label, fmt_number(before), fmt_number(total - before), fmt_number(total),
                           fmt_percent(_ratio(total - before, before)) if before else "—"])
    disability_before, disability_total = by_group.get(GROUP_DISABILITY, (0, 0))
    figures = [Figure(_("Partenaires du secteur du handicap ajoutés"), disability_total - disability_before),
               Figure(_("Partenaires du secteur du handicap à la fin de la période"), disability_total),
               Figure(_("Partenaires ajoutés, tous types"), sum(t - b for b, t in by_group.values())),
               Figure(_("Partenaires à la fin de la période, tous types"), sum(t for _b, t in by_group.values()))]
    table = doc.Table([_("Type de partenaire"), _("Au début"), _("Ajoutés"), _("À la fin"), _("Évolution")], table_rows,
                      caption=_("Croissance de l'annuaire des partenaires"), align="lrrrr")
    return Section("directory", _("Annuaire des partenaires"), figures, table,
                   _("Fiches actives aujourd'hui, selon leur date de création."))

