"""Demo report: campaigns 2024 and 2025 validated for most territories, 2026 open with drafts,
contributions sent, one sent back and a few validated — so the board, the charts and the year
over year comparison show at once. Figures are plausible, not real: derived from each
territory's size with a fixed random seed, so every demo site shows the same ones.

Built on the models (no notification to the fictional addresses); the 2026 reminders are
scheduled as for a real campaign."""
from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select

from network_space.core.demo import DemoContext
from network_space.core.dates import paris_today
from network_space.core.models import utcnow
from network_space.extensions import db
from network_space.reports import notices
from network_space.reports.models import (
    CAMPAIGN_CLOSED, CAMPAIGN_OPEN, DRAFT, RETURNED, SUBMITTED, VALIDATED, Campaign, Contribution,
    ContributionChange, ContributionValue, Indicator,
)

# Yearly hours achieved, roughly, for each demo structure's main territory (the rest follows).
SIZE = {"La Métro": 52000, "CAPI": 26000, "Pays Voironnais": 17000, "Grésivaudan": 15000, "Vienne Condrieu": 14000,
        "Bièvre Isère": 7000, "EBER": 5500, "Balcons du Dauphiné": 6000, "Vals du Dauphiné": 4500, "LYSED": 5000,
        "Bièvre Est": 3500, "SMVIC": 4000, "Trièves": 1200, "Matheysine": 1500, "Oisans": 1800,
        "Cœur de Chartreuse": 1400}
GROWTH = {2024: 0.85, 2025: 1.0, 2026: 1.12}
HIGHLIGHTS = (
    "Premier marché réservé aux ESAT passé par un bailleur social du territoire (entretien des espaces verts).",
    "Chantier de rénovation du groupe scolaire : **12 000 heures** prévues, un job dating avec le GEIQ BTP.",
    "Travail avec l'hôpital sur l'allotissement de la restauration : un lot réservé SIAE en 2026.",
    "Partenariat renforcé avec Cap emploi : cinq travailleurs handicapés recrutés sur les clauses.",
)
DIFFICULTIES = (
    "Peu de candidats disponibles sur les métiers du second œuvre ; délais de recrutement longs.",
    "Les petites communes hésitent à insérer une clause dans des marchés de faible montant.",
)


def _figures(rng: random.Random, hours: int) -> dict[str, int]:
    """A consistent set of figures for a territory-year of about ``hours`` hours achieved."""
    planned = int(hours * rng.uniform(1.05, 1.3))
    participants = max(3, int(hours / rng.uniform(380, 520)))
    clauses = max(2, int(hours / rng.uniform(1800, 2600)))
    notified = int(clauses / rng.uniform(0.18, 0.35)) + 1
    mechanisms = [int(clauses * share) for share in (0.7, 0.1, 0.08, 0.07)]
    mechanisms.append(max(0, clauses - sum(mechanisms)))

    def split(total: int, shares: tuple[float, ...]) -> list[int]:
        parts = [int(total * s * rng.uniform(0.8, 1.2)) for s in shares]
        return [max(0, p) for p in parts]

    publics = split(participants, (0.3, 0.25, 0.2, 0.08, 0.1, 0.15))
    routes = split(participants, (0.35, 0.4, 0.15, 0.1))
    outcomes = split(participants, (0.3, 0.3, 0.1, 0.3))
    values = {
        "operations_accompanied": clauses + rng.randint(1, 6), "contracts_with_clause": clauses,
        "contracts_notified": notified, "companies_with_clause": int(clauses * rng.uniform(1.2, 2.0)),
        "hours_planned": planned, "hours_achieved": hours, "participants": participants,
        "employment_contracts": int(participants * rng.uniform(1.1, 1.6)),
        "women": int(participants * rng.uniform(0.12, 0.3)),
    }
    values.update(zip(("clause_execution", "clause_reserved_siae", "clause_reserved_ea_esat", "clause_award_criterion",
                       "clause_insertion_contract"), mechanisms))
    values.update(zip(("buyers_state", "buyers_departement", "buyers_communes", "buyers_social_housing",
                       "buyers_hospitals", "buyers_private"),
                      [rng.randint(0, 2), rng.randint(0, 2), rng.randint(2, 9), rng.randint(1, 4), rng.randint(0, 2),
                       rng.randint(0, 3)]))
    values.update(zip(("sector_construction", "sector_cleaning", "sector_green_spaces", "sector_catering",
                       "sector_services", "sector_digital", "sector_other"),
                      split(clauses, (0.6, 0.12, 0.1, 0.05, 0.08, 0.02, 0.03))))
    values.update(zip(("public_long_term_jobseekers", "public_rsa", "public_young", "public_disabled",
                       "public_seniors", "public_qpv"), publics))
    values.update(zip(("route_direct_hire", "route_staff_provision", "route_siae_subcontracting", "route_ea_esat"),
                      routes))
    values.update(zip(("outcome_durable_job", "outcome_transition_job", "outcome_training", "outcome_other"),
                      outcomes))
    return values


def seed(demo: DemoContext) -> None:
    indicators = {i.code: i for i in db.session.scalars(select(Indicator))}
    if not indicators:
        return  # a database built without the migration that seeds them
    users = demo.data["users"]
    territories = demo.data["territories"]
    coanimator = users["coanimator_nord"]
    rng = random.Random(2026)
    today = paris_today()
    covered = sorted({t.short_name for u in demo.data["facilitators"] for t in u.territories})
    # (territory, structure, an author) for each expected pair of the demo network.
    pairs = sorted({(t.short_name, u.structure.id): (territories[t.short_name], u.structure, u)
                    for u in demo.data["facilitators"] for t in u.territories}.items())
    campaigns = {}
    for year, deadline, status in ((2024, date(2025, 3, 31), CAMPAIGN_CLOSED), (2025, date(2026, 3, 31), CAMPAIGN_CLOSED),
                                   (2026, today + timedelta(days=20), CAMPAIGN_OPEN)):
        campaign = Campaign(year=year, title=f"Bilan {year}", deadline=deadline, status=status,
                            opened_by_id=coanimator.id, territories=[territories[s] for s in covered],
                            message="Merci de remplir votre contribution avant l'échéance. Les définitions sont "
                                    "à côté de chaque champ ; en cas de doute, appelez la co-animation.")
        if status == CAMPAIGN_CLOSED:
            campaign.closed_at = utcnow()
        db.session.add(campaign)
        campaigns[year] = campaign
    db.session.flush()
    for index, (_key, (territory, structure, author)) in enumerate(pairs):
        base = SIZE.get(territory.short_name, 3000)
        for year, campaign in campaigns.items():
            state = _state(year, index)
            if state is None:
                continue
            hours = int(base * GROWTH[year] * rng.uniform(0.9, 1.1))
            values = _figures(rng, hours)
            if state == DRAFT:  # half filled
                values = {k: v for k, v in values.items() if not k.startswith(("public_", "route_", "outcome_"))}
            contribution = Contribution(campaign=campaign, territory=territory, structure=structure, status=state,
                                        revision=1, confirmations={}, updated_by_id=author.id)
            if state in (SUBMITTED, VALIDATED, RETURNED):
                contribution.submitted_at, contribution.submitted_by_id = utcnow(), author.id
            if state in (VALIDATED, RETURNED):
                contribution.reviewed_at, contribution.reviewed_by_id = utcnow(), coanimator.id
            if state == RETURNED:
                contribution.review_comment = ("Les heures réalisées semblent faibles au regard des heures prévues : "
                                               "pouvez-vous vérifier le chantier de la ZAC ?")
            db.session.add(contribution)
            for code, value in values.items():
                if code in indicators:
                    contribution.values.append(ContributionValue(indicator=indicators[code], number=value))
            if state != DRAFT:
                contribution.values.append(ContributionValue(indicator=indicators["highlights"],
                                                             text=HIGHLIGHTS[index % len(HIGHLIGHTS)]))
                contribution.values.append(ContributionValue(indicator=indicators["difficulties"],
                                                             text=DIFFICULTIES[index % len(DIFFICULTIES)]))
            db.session.add(ContributionChange(contribution=contribution, actor_id=author.id, action="saved",
                                              fields=[], created_at=utcnow()))
    db.session.flush()
    notices.schedule_reminders(campaigns[2026])


def _state(year: int, index: int) -> str | None:
    """Most territories validated in 2024 and 2025 (one or two missing); 2026 in progress."""
    if year < 2026:
        return None if (year == 2024 and index % 7 == 3) or (year == 2025 and index == 5) else VALIDATED
    return (None, DRAFT, SUBMITTED, VALIDATED, RETURNED, DRAFT, VALIDATED, SUBMITTED)[index % 8]
