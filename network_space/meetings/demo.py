"""Demo meetings: a past plenary with published minutes and open actions, a Nord-Isère meeting
scheduled next month, a working-group meeting whose date poll is open with some answers.

Built directly on the models (plus the services that send nothing), so seeding the demo does not
fill the outbox with invitations to fictional addresses."""
from __future__ import annotations

from datetime import time, timedelta

from network_space.core.dates import paris_to_utc, paris_today
from network_space.core.demo import DemoContext
from network_space.extensions import db
from network_space.meetings import notices, polls, services
from network_space.meetings.models import (
    ACTION_IN_PROGRESS,
    ActionItem,
    AgendaItem,
    Decision,
    Meeting,
    MeetingSeries,
    Minutes,
    MinutesRevision,
)

MINUTES = """## Tour de table

Chaque territoire a présenté ses chantiers en cours : 38 000 heures d'insertion réalisées au
premier semestre, dont un tiers dans le logement social.

## Bilan départemental

Le modèle de tableau commun est validé. Les données du second semestre sont attendues pour
la fin janvier.

## Vercors

Le territoire n'a pas de facilitateur : la co-animation Sud-Isère assure l'appui aux acheteurs
jusqu'à nouvel ordre.
"""


def _day(weeks: int, weekday: int = 1):
    """A date ``weeks`` weeks from today, on a given weekday (0 = Monday), in Paris."""
    today = paris_today() + timedelta(weeks=weeks)
    return today + timedelta(days=(weekday - today.weekday()) % 7)


def _meeting(title, kind, series, organisers, invitees, **fields) -> Meeting:
    meeting = Meeting(title=title, kind=kind, series=series, organisers=organisers, named_members=invitees,
                      created_by_id=organisers[0].id, **fields)
    db.session.add(meeting)
    db.session.flush()
    services.sync_invitees(meeting)
    return meeting


def seed(demo: DemoContext) -> None:
    users = demo.data.get("users")
    if not users:
        return
    nord, sud = users["coanimator_nord"], users["coanimator_sud"]
    facilitators = demo.data.get("facilitators", [])
    everyone = [nord, sud, users["departement"], users["ddets"], *facilitators]

    plenary_series = MeetingSeries(name="Réunions plénières du réseau")
    nord_series = MeetingSeries(name="Réunions Nord-Isère")
    housing_series = MeetingSeries(name="Groupe de travail bailleurs sociaux")
    db.session.add_all([plenary_series, nord_series, housing_series])

    # A past plenary: held, minutes published, decisions and actions (some still open).
    day = _day(-6, 3)
    plenary = _meeting(
        "Réunion plénière d'automne", "pleniere", plenary_series, [nord, sud], everyone,
        format="presentiel", place="Hôtel du Département, Grenoble — salle Vercors",
        description="Tour de table des territoires, bilan départemental, appui au Vercors.",
        status="published", starts_at=paris_to_utc(day, time(9, 30)), ends_at=paris_to_utc(day, time(12, 30)),
        secretary_id=users["departement"].id, ical_sequence=1,
    )
    for position, (title, minutes, presenter) in enumerate((
        ("Tour de table des territoires", 45, "Tous"),
        ("Bilan départemental : tableau commun", 60, "Nadia Ferrand"),
        ("Appui au territoire du Vercors", 30, "Marc Rolland"),
    ), start=1):
        db.session.add(AgendaItem(meeting=plenary, position=position, title=title,
                                  duration_minutes=minutes, presenter=presenter))
    for invitee in plenary.invitees:
        invitee.rsvp = "no" if invitee.user in facilitators[-2:] else "yes"
        invitee.attendance = "excused" if invitee.rsvp == "no" else "present"
    published_at = paris_to_utc(day + timedelta(days=3), time(16))
    minutes = Minutes(meeting=plenary, body=MINUTES, published_at=published_at, published_by_id=users["departement"].id)
    draft = MINUTES.split("## Vercors")[0]
    minutes.revisions = [
        MinutesRevision(number=1, body=draft, author_id=users["departement"].id, created_at=published_at - timedelta(days=1)),
        MinutesRevision(number=2, body=MINUTES, author_id=nord.id, created_at=published_at),
    ]
    db.session.add(minutes)
    for position, text in enumerate((
        "Le tableau commun du bilan départemental est adopté pour 2026.",
        "La co-animation Sud-Isère assure l'appui aux acheteurs du Vercors.",
    ), start=1):
        db.session.add(Decision(meeting=plenary, position=position, text=text))
    helper = facilitators[0] if facilitators else nord
    today = paris_today()
    db.session.add_all([
        ActionItem(meeting=plenary, title="Envoyer le tableau commun à chaque facilitateur", assignee=users["departement"],
                   due_date=today - timedelta(days=5)),
        ActionItem(meeting=plenary, title="Recenser les marchés des bailleurs pour 2027", assignee=helper,
                   due_date=today + timedelta(days=14), status=ACTION_IN_PROGRESS),
        ActionItem(meeting=plenary, title="Organiser une rencontre avec les acheteurs du Vercors", assignee=sud,
                   due_date=today + timedelta(days=30)),
    ])

    # A Nord-Isère meeting next month, scheduled, with reminders and an agenda.
    day = _day(5, 1)
    nord_members = [u for u in facilitators if "nord" in u.sectors]
    nord_meeting = _meeting(
        "Réunion des facilitateurs Nord-Isère", "nord", nord_series, [nord], nord_members,
        format="hybride", place="CAPI, Villefontaine — salle du conseil", video_link="https://visio.example.org/nord-isere",
        invite_scope="sector", invite_sector="nord", status="scheduled",
        starts_at=paris_to_utc(day, time(14)), ends_at=paris_to_utc(day, time(16, 30)),
    )
    services.sync_invitees(nord_meeting)
    for position, title in enumerate(("Actualité des chantiers", "Clauses dans les marchés de la CAPI",
                                      "Questions diverses"), start=1):
        db.session.add(AgendaItem(meeting=nord_meeting, position=position, title=title, duration_minutes=40))
    for n, invitee in enumerate(nord_meeting.invitees):
        invitee.rsvp = ("yes", "maybe", None)[n % 3]
    db.session.flush()
    notices.schedule_reminders(nord_meeting)

    # A working group whose date poll is open, with a few answers.
    housing = _meeting(
        "Groupe de travail bailleurs sociaux — lancement", "groupe", housing_series, [sud, nord],
        [users["departement"], *facilitators[:6]], format="visio", video_link="https://visio.example.org/gt-bailleurs",
        description="Construire une démarche commune avec les bailleurs sociaux de l'Isère.", status="poll",
        poll_deadline=paris_to_utc(_day(2, 4), time(18)),
    )
    slots = polls.add_slots(housing, [polls.SlotInput(_day(3, weekday), time(9, 30), time(11, 30))
                                         for weekday in (0, 1, 3)])
    db.session.flush()
    answers = (("yes", "maybe", "no"), ("yes", "yes", "no"), ("no", "yes", "maybe"))
    for user, values in zip((users["departement"], *facilitators[:2]), answers):
        polls.answer_poll(housing, user, {slot.id: value for slot, value in zip(slots, values)},
                             comment="Le mardi m'arrange mieux." if values[1] == "yes" and values[0] == "yes" else None)
    polls.set_poll_deadline(housing, housing.poll_deadline)
    demo.data["meetings"] = {"plenary": plenary, "nord": nord_meeting, "housing": housing}
