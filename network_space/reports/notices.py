"""What the report tells people, through notify(): a campaign opened, reminders before the
deadline (scheduled jobs, each once), a contribution sent, sent back or validated."""
from __future__ import annotations

from datetime import time, timedelta

from flask_babel import LazyString
from sqlalchemy import select

from network_space.accounts.models import User
from network_space.core.dates import fmt_date, paris_to_utc
from network_space.core.models import utcnow
from network_space.core.permissions import ROLE_COANIMATOR
from network_space.core.scheduler import cancel_job, cancel_jobs, job_handler, schedule_job
from network_space.extensions import db
from network_space.notifications.services import notify
from network_space.reports import queries
from network_space.reports.models import DRAFT, NOT_STARTED, RETURNED, Campaign, Contribution

REMINDER_DAYS = (14, 3, 0)  # J-14, J-3 and the day of the deadline
REMINDER_HOUR = time(9, 0)  # Europe/Paris
LATE = (NOT_STARTED, DRAFT, RETURNED)


def _job_prefix(campaign: Campaign) -> str:
    return f"report:{campaign.id}:"


def schedule_reminders(campaign: Campaign) -> None:
    """(Re)schedule the reminders of an open campaign for its deadline; a reminder whose time
    has passed is not sent late. A closed campaign has none."""
    if not campaign.is_open:
        cancel_jobs(_job_prefix(campaign))
        return
    now = utcnow()
    for days in REMINDER_DAYS:
        key = f"{_job_prefix(campaign)}j-{days}"
        run_at = paris_to_utc(campaign.deadline - timedelta(days=days), REMINDER_HOUR)
        if run_at <= now:
            cancel_job(key)
        else:
            schedule_job(key, run_at, "reports.reminder", campaign_id=campaign.id, days=days)


def late_facilitators(campaign: Campaign, rows=None) -> list[User]:
    """The members expected to contribute who have not sent their contribution."""
    rows = queries.board(campaign) if rows is None else rows
    people = {user.id: user for row in rows if row.status in LATE for user in row.facilitators}
    return sorted(people.values(), key=lambda u: u.full_name)


def _deadline(campaign: Campaign) -> LazyString:
    """The campaign's deadline as people read a date ("mardi 31 mars 2028"), in each reader's
    language, spelt out when the message is written (notify() and core/outbox.queue_email)."""
    return LazyString(fmt_date, campaign.deadline, year=True)


@job_handler("reports.reminder")
def send_reminder(campaign_id: int, days: int) -> None:
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or not campaign.is_open:
        return
    notify("report.reminder", late_facilitators(campaign), campaign, days=days,
           deadline=_deadline(campaign))


def campaign_opened(campaign: Campaign, actor, territories=None) -> None:
    """Tell the facilitators of the campaign's territories (or of the territories just added)."""
    people = queries.facilitators(t.id for t in (territories or campaign.territories))
    notify("report.campaign_opened", people, campaign, actor=actor, deadline=_deadline(campaign))


def remind(campaign: Campaign, users: list[User], actor) -> int:
    """A reminder sent by hand from the completeness board; how many were told."""
    return len(notify("report.reminder", users, campaign, actor=actor, days=None,
                      deadline=_deadline(campaign)))


def _authors(contribution: Contribution) -> list[User]:
    """Who hears about a contribution's review: the members of its structure covering its
    territory, and whoever sent it."""
    people = [u for u in queries.facilitators([contribution.territory_id]) if u.structure_id == contribution.structure_id]
    if contribution.submitted_by is not None:
        people.append(contribution.submitted_by)
    return people


def submitted(contribution: Contribution, actor) -> None:
    coanimators = db.session.scalars(select(User).where(User.active.is_(True), User.role == ROLE_COANIMATOR))
    notify("report.submitted", list(coanimators), contribution, actor=actor)


def returned(contribution: Contribution, actor) -> None:
    notify("report.returned", _authors(contribution), contribution, actor=actor, comment=contribution.review_comment)


def validated(contribution: Contribution, actor) -> None:
    notify("report.validated", _authors(contribution), contribution, actor=actor)
