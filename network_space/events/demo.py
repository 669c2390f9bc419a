"""Demo events: about fifteen over the coming three months across territories and kinds, with
social landlords, disability-sector partners and insertion structures from the demo directory;
one full with a waiting list, one cancelled, one past.

Built on the models (no notification to the fictional addresses); reminders are scheduled as
for real events."""
from __future__ import annotations

from datetime import date, time, timedelta

from network_space.core.dates import paris_to_utc, paris_today
from network_space.core.demo import DemoContext
from network_space.core.models import utcnow
from network_space.events import notices
from network_space.events.models import REG_REGISTERED, REG_WAITING, STATUS_CANCELLED, Event, Registration
from network_space.events.queries import french_holidays
from network_space.extensions import db

# (days from today, start, end or None for all day, extra days, title, kind, territory short name,
#  place, partners (demo directory names, without "(fictif)"), capacity, description)
EVENTS = (
    (9, time(9), time(12), 0, "Job dating chantier « Résidence Les Tilleuls »", "forum", "CAPI",
     "Base vie du chantier, rue des Tilleuls, Villefontaine",
     ["Nord-Isère Logement", "ETTI Passerelles Nord-Dauphiné", "GEIQ BTP Isère"], 6,
     "Rencontre entre les entreprises du chantier de réhabilitation et des candidats repérés par "
     "les facilitateurs et les structures d'insertion.\n\n- Présentation des postes (15 min)\n"
     "- Entretiens courts\n- Visite de la base vie"),
    (14, time(14), time(16, 30), 0, "Information collective : entreprises attributaires du marché Habitat Dauphinois",
     "info_session", "La Métro", "Siège d'Habitat Dauphinois, Grenoble",
     ["Habitat Dauphinois", "GEIQ BTP Isère", "ETTI Tremplin Intérim Isère"], 30,
     "Présentation de la clause d'insertion du marché de réhabilitation (lots 1 à 6) et des solutions "
     "pour la réaliser : embauche directe, mise à disposition, sous-traitance."),
    (20, time(10), time(12), 0, "Visite de chantier ZAC Flaubert", "site_visit", "La Métro",
     "Rendez-vous devant la maison du projet, Grenoble",
     ["Alpes Habitat Solidaire", "BTP Rénov' Alpes"], 15,
     "Visite du chantier avec le conducteur de travaux et rencontre des salariés en parcours."),
    (27, time(9, 30), time(12, 30), 0, "Rencontre acheteurs : ESAT, EA et achats publics", "buyers_meeting",
     "Pays Voironnais", "Salle du conseil communautaire, Voiron",
     ["ESAT La Passerelle du Voironnais", "Réseau Gesat Alpes", "Centre hospitalier des Trois Vallées"], 40,
     "Des acheteurs publics rencontrent des ESAT et des entreprises adaptées du territoire : "
     "marchés réservés, sous-traitance, co-traitance."),
    (30, time(10), time(12), 0, "Visite de chantier : restauration de l'école de Mens", "site_visit", "Trièves",
     "École élémentaire, Mens", ["ESAT du Trièves"], 12,
     "Visite du chantier et des lots confiés en sous-traitance à l'ESAT."),
    (33, time(11), time(12), 0, "Webinaire : les marchés réservés L2113-12 expliqués aux acheteurs", "training",
     None, None, ["Délégation régionale Agefiph", "Réseau Gesat Alpes"], None,
     "Une heure pour comprendre le marché réservé aux ESAT et EA, avec des exemples de lots."),
    (40, None, None, 0, "Forum de l'emploi inclusif de Vienne", "forum", "Vienne Condrieu",
     "Salle des fêtes, Vienne",
     ["Propreté Services Rhône-Isère", "ESAT Vienne Rhône Services", "Cap emploi Isère"], None,
     "Stands des employeurs et des structures d'insertion, ateliers CV, job dating l'après-midi."),
    (46, time(14), time(16), 0, "Réunion des partenaires du secteur du handicap", "partners_meeting", "La Métro",
     "Maison départementale de l'autonomie, Grenoble",
     ["Cap emploi Isère", "MDPH de l'Isère", "Correspondant FIPHFP Auvergne-Rhône-Alpes"], 25,
     "Point d'étape sur le partenariat avec le secteur du handicap et préparation du bilan."),
    (52, time(9), time(11), 0, "Action conjointe avec Nord-Isère Logement : espaces verts des résidences",
     "joint_action", "CAPI", "Agence Nord-Isère Logement, Villefontaine",
     ["Nord-Isère Logement", "ESAT Horizons Nord-Isère", "EA Propreté Dauphinoise"], 12,
     "Construire avec le bailleur le prochain marché d'entretien des espaces verts : allotissement, "
     "lot réservé, heures d'insertion."),
    (58, time(13, 30), time(16, 30), 0, "Visite de l'ACI Rivières et Sentiers du Vercors", "site_visit", "Vercors",
     "Villard-de-Lans", ["ACI Rivières et Sentiers du Vercors", "Communauté de communes des Hauts-Plateaux"], 12,
     "Le Vercors n'a pas de facilitateur : visite organisée par la co-animation Sud-Isère avec "
     "l'intercommunalité."),
    (63, time(18), time(20), 0, "Information collective : les clauses sociales dans les petites communes",
     "info_session", "Bièvre Est", "Mairie de Saint-Vallier-des-Lacs",
     ["Commune de Saint-Vallier-des-Lacs", "EI Chantiers Verts de Bièvre"], 20,
     "Pour les élus et secrétaires de mairie : voirie, espaces verts, restauration scolaire."),
    (69, time(9), time(12), 0, "Job dating propreté", "forum", "La Métro", "Maison de l'emploi, Échirolles",
     ["GEIQ Propreté Alpes", "Alpes Habitat Solidaire", "EA Logistique Isère Sud"], 20,
     "Recrutements pour le nouveau marché de nettoyage des parties communes."),
    (75, None, None, 1, "Formation des nouveaux facilitateurs", "training", "La Métro",
     "Département de l'Isère, Grenoble", [], 10,
     "Deux jours pour prendre ses marques : cadre juridique, outils du réseau, suivi des heures."),
    (82, time(14), time(17), 0, "Rencontre acheteurs hospitaliers", "buyers_meeting", "Pays Voironnais",
     "Centre hospitalier, Voiron", ["Centre hospitalier des Trois Vallées", "EA Logistique Isère Sud"], 30,
     "Blanchisserie, restauration, logistique : quelles clauses dans les marchés hospitaliers ?"),
    (88, time(8, 30), time(10), 0, "Petit-déjeuner des clauses sociales du Grésivaudan", "other", "Grésivaudan",
     "Crolles", ["ESAT Les Ateliers du Grésivaudan"], None,
     "Un moment d'échange informel entre acheteurs, entreprises et structures du territoire."),
    (-12, time(9), time(17), 0, "Forum emploi et handicap de Bourgoin-Jallieu", "forum", "CAPI",
     "Polyèdre, Bourgoin-Jallieu", ["EA Propreté Dauphinoise", "Cap emploi Isère"], None,
     "Forum de l'automne : 35 exposants, 400 visiteurs."),
)


def working_day(day: date, extra_days: int = 0) -> date:
    """The first day from `day` on which an event of 1 + extra_days days falls on working days
    only: no Saturday, Sunday or French public holiday (the network does not meet then)."""
    while True:
        span = [day + timedelta(days=n) for n in range(extra_days + 1)]
        closed = french_holidays(span[0], span[-1])
        if all(d.weekday() < 5 and d not in closed for d in span):
            return day
        day += timedelta(days=1)


def seed(demo: DemoContext) -> None:
    users = demo.data.get("users", {})
    facilitators = demo.data.get("facilitators", [])
    territories = demo.data.get("territories", {})
    organisations = {o.name.removesuffix(" (fictif)"): o for o in demo.data.get("organisations", [])}
    organisers = [u for u in (users.get("coanimator_nord"), users.get("coanimator_sud")) if u is not None]
    today = paris_today()
    events = []
    for n, (days, start, end, extra, title, kind, territory, place, partners, capacity, text) in enumerate(EVENTS):
        day = working_day(today + timedelta(days=days), extra)
        if start is None:
            starts_at = paris_to_utc(day, time(0))
            ends_at = paris_to_utc(day + timedelta(days=extra + 1), time(0))
        else:
            starts_at, ends_at = paris_to_utc(day, start), paris_to_utc(day + timedelta(days=extra), end)
        territory_obj = territories.get(territory) if territory else None
        nord = territory_obj is not None and territory_obj.sector == "nord"
        organiser = (organisers[0] if nord else organisers[-1]) if organisers else None
        event = Event(
            title=title, kind=kind, description=text, starts_at=starts_at, ends_at=ends_at, all_day=start is None,
            place=place, territory=territory_obj, capacity=capacity, status="planned", sequence=0,
            online_url="https://visio.example.org/webinaire-marches-reserves" if kind == "training" and place is None else None,
            registration_deadline=starts_at - timedelta(days=2) if capacity else None,
            organisers=[organiser] if organiser else [],
            partners=[organisations[name] for name in partners if name in organisations],
            created_by=organisers[0] if organisers else None,
        )
        db.session.add(event)
        events.append(event)
    db.session.flush()

    # Registrations: the first event is full, with a waiting list; the others partly filled.
    for index, event in enumerate(events):
        wanted = (event.capacity + 3) if index == 0 else min(len(facilitators), (index * 5) % 9 + 2)
        for position, user in enumerate(facilitators[index % 5:] + facilitators[:index % 5]):
            if position >= wanted:
                break
            full = event.capacity is not None and position >= event.capacity
            # Ten days before now, or before the event when it is past (its exports stay plausible).
            registered_on = min(utcnow(), event.starts_at) - timedelta(days=10, minutes=-position)
            db.session.add(Registration(event_id=event.id, user_id=user.id, status=REG_WAITING if full else REG_REGISTERED,
                                        created_at=registered_on))
    cancelled = events[4]
    cancelled.status = STATUS_CANCELLED
    cancelled.cancel_reason = "Chantier reporté au printemps par le maître d'ouvrage."
    cancelled.sequence = 1
    for event in events:
        notices.reschedule_reminders(event)
    demo.data["events"] = events
