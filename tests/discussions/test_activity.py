"""The discussions' section of the co-animation's activity report: what was started and answered
in the period, nothing outside it, the liveliest threads first."""
from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import update

from network_space.discussions import services
from network_space.discussions.models import Reply, Thread
from network_space.extensions import db
from network_space.reports.activity import Period, report
from network_space.core.dates import paris_today


def test_the_activity_report_counts_the_period_s_discussions(app, make_user, make_thread, make_reply):
    alice, bob, claire = make_user(), make_user(), make_user()
    question = make_thread(alice, title="Clause en marché de nettoyage ?", kind="question")
    chat = make_thread(bob, title="Retour du forum emploi")
    old = make_thread(claire, title="Discussion de l'an dernier")
    for author in (bob, claire, bob):
        make_reply(author, question)
    make_reply(alice, chat)
    make_reply(alice, old)
    with app.app_context():
        thread = db.session.get(Thread, question)
        services.accept_answer(thread, db.session.scalars(
            db.select(Reply).where(Reply.thread_id == question, Reply.number == 1)).one(), thread.author)
        last_year = datetime(2025, 3, 1, 10, tzinfo=timezone.utc)
        db.session.execute(update(Thread).where(Thread.id == old).values(created_at=last_year))
        db.session.execute(update(Reply).where(Reply.thread_id == old).values(created_at=last_year))
        db.session.commit()
        today = paris_today()
        section = next(s for s in report(Period(date(today.year, 1, 1), today)) if s.key == "discussions")
        figures = {f.label: f.value for f in section.figures}
        assert figures["Discussions ouvertes"] >= 2 and figures["Questions posées"] >= 1
        assert figures["dont résolues"] >= 1
        rows = {row[0]: row for row in section.table.rows}
        assert rows["Clause en marché de nettoyage ?"][2:] == ["3", "2"]  # 3 replies by 2 people
        assert "Discussion de l'an dernier" not in rows
        titles = [row[0] for row in section.table.rows]
        assert titles.index("Clause en marché de nettoyage ?") < titles.index("Retour du forum emploi")
