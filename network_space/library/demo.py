"""Demo library: a dozen realistic resources with real files generated now (DOCX clause model,
XLSX tracking sheet, PDF guide, ODT, ODS, PPTX…), so that searching inside files works at once."""
from __future__ import annotations

import io
from datetime import timedelta

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from network_space.core.models import utcnow
from network_space.extensions import db
from network_space.library import samples, services
from network_space.library.models import Category, Resource, Sector
from network_space.core.dates import paris_today

CLAUSE_TEXT = [
    "Article 7 – Clause sociale d'insertion (condition d'exécution, article L2112-2 du code de la commande publique).",
    "Le titulaire s'engage à réserver aux personnes rencontrant des difficultés sociales ou professionnelles "
    "particulières un volume minimum de 350 heures de travail pendant la durée du marché.",
    "Publics éligibles : demandeurs d'emploi de longue durée, bénéficiaires du RSA, jeunes de moins de 26 ans "
    "sans qualification, travailleurs handicapés (RQTH), résidents des quartiers prioritaires de la ville.",
    "Modalités : embauche directe, mise à disposition par une structure d'insertion (ETTI, AI, GEIQ), "
    "sous-traitance ou co-traitance avec une entreprise d'insertion.",
    "Le facilitateur de la clause accompagne l'entreprise, vérifie l'éligibilité des publics et assure le suivi des heures.",
]

GUIDE_LINES = [
    "Guide pratique des clauses sociales en Isère – édition 2026",
    "1. Repérer les marchés : travaux de bâtiment, propreté, espaces verts, restauration collective.",
    "2. Choisir le mécanisme : condition d'exécution, critère d'attribution, marché réservé (L2113-12, L2113-13).",
    "3. Calculer le volume d'heures : part de main-d'œuvre du marché multipliée par un taux de 5 à 10 %.",
    "4. Rédiger la clause avec le facilitateur du territoire et l'annexer au cahier des charges.",
    "5. Suivre l'exécution : relevés mensuels d'heures, bilan de fin de marché, retours d'expérience.",
    "Les événements du réseau (réunions plénières, assemblée annuelle) permettent de partager les outils.",
    "Contacts : les facilitateurs des intercommunalités, la co-animation Département – DDETS.",
]


def _file(name: str, content: bytes) -> FileStorage:
    return FileStorage(stream=io.BytesIO(content), filename=name)


def seed(demo) -> None:
    users = demo.data.get("users")
    if not users:
        return  # the accounts demo builds the members; without them there is no author
    services.ensure_defaults()
    categories = {c.name: c.id for c in db.session.scalars(select(Category))}
    sectors = {s.name: s.id for s in db.session.scalars(select(Sector))}
    territories = demo.data.get("territories") or {}
    territory_ids = {key: t.id for key, t in territories.items()} if isinstance(territories, dict) else {}

    def territory(short):
        return territory_ids.get(short)

    entries = [
        ("facilitator_01", "Modèle de clause d'insertion – marché de travaux", "Modèles de clauses",
         _file("clause-insertion-travaux.docx", samples.make_docx(CLAUSE_TEXT, title="Clause sociale d'insertion",
                                                                   table=[["Lot", "Heures d'insertion"], ["Gros œuvre", "180"], ["Second œuvre", "170"]])),
         dict(tags=["clause type", "btp", "travaux"], sector_ids=[sectors["Bâtiment et travaux publics"]],
              clause_mechanism="execution", buyer_type="intercommunalite",
              summary="Article type à insérer dans le **CCAP** d'un marché de travaux, avec le tableau des heures par lot."), 220),
        ("coanimator_nord", "Guide pratique des clauses sociales en Isère", "Guides et méthodes",
         _file("guide-clauses-sociales-isere.pdf", samples.make_pdf(GUIDE_LINES, title="Guide des clauses sociales")),
         dict(tags=["guide", "méthode", "acheteurs"], summary="Les étapes, du repérage des marchés au bilan, pour les acheteurs et les facilitateurs."), 300),
        ("facilitator_08", "Tableau de suivi des heures d'insertion", "Outils de suivi",
         _file("suivi-heures-insertion.xlsx", samples.make_xlsx([
             ["Marché", "Entreprise", "Participant", "Public", "Modalité", "Heures réalisées"],
             ["Réhabilitation groupe scolaire", "Dauphiné Bâtiment", "M. A.", "RSA", "Embauche directe", 210],
             ["Entretien espaces verts", "Vert Isère", "Mme B.", "Jeune sans qualification", "ETTI", 140],
             ["Nettoyage des locaux", "Propreté Alpes", "M. C.", "RQTH", "Mise à disposition GEIQ", 95],
         ])),
         dict(tags=["suivi", "heures", "tableur"], summary="Un onglet par marché ; les totaux alimentent le bilan départemental."), 150),
        ("facilitator_03", "Retour d'expérience : clause dans un marché de nettoyage d'un bailleur social", "Retours d'expérience",
         _file("rex-bailleur-nettoyage.odt", samples.make_odt([
             "Contexte : un bailleur social du Nord-Isère renouvelle son marché de nettoyage des parties communes.",
             "La clause a permis 1 200 heures d'insertion sur deux ans, avec trois embauches durables.",
             "Points de vigilance : anticiper le sourcing des candidats avec les SIAE et France Travail.",
         ], title="Retour d'expérience – bailleur social")),
         dict(tags=["bailleurs", "propreté", "retour d'expérience"], sector_ids=[sectors["Propreté et nettoyage"]],
              buyer_type="bailleur", territory_id=territory("CAPI")), 120),
        ("coanimator_sud", "Bilan départemental des clauses sociales 2025", "Bilans et études",
         _file("bilan-2025.ods", samples.make_ods([
             ["Territoire", "Marchés", "Heures d'insertion", "Bénéficiaires"],
             ["Grenoble-Alpes Métropole", "64", "48 200", "212"],
             ["Pays Voironnais", "18", "9 850", "41"],
             ["Vienne Condrieu", "12", "7 300", "35"],
         ], sheet="Bilan 2025")),
         dict(tags=["bilan", "chiffres"], summary="Chiffres consolidés par territoire : marchés, heures et bénéficiaires."), 60),
        ("coanimator_nord", "Présentation du réseau aux acheteurs publics", "Communication",
         _file("presentation-reseau.pptx", samples.make_pptx([
             ("Le réseau des facilitateurs", "14 facilitateurs, 7 structures, une co-animation Département – DDETS"),
             ("Pourquoi une clause sociale ?", "Des heures de travail pour les publics éloignés de l'emploi"),
             ("Comment nous contacter", "Un facilitateur par intercommunalité, le Vercors accompagné par la co-animation"),
         ])),
         dict(tags=["présentation", "acheteurs"]), 90),
        ("facilitator_11", "Cahier des charges type – entretien des espaces verts", "Cahiers des charges et pièces de marché",
         _file("ccts-espaces-verts.docx", samples.make_docx([
             "Cahier des clauses techniques particulières – entretien des espaces verts communaux.",
             "Le marché est réservé aux structures d'insertion par l'activité économique (article L2113-13).",
             "Prestations : tonte, taille, désherbage sans produits phytosanitaires, ramassage des déchets verts.",
         ], title="CCTP espaces verts")),
         dict(tags=["marché réservé", "espaces verts", "SIAE"], sector_ids=[sectors["Espaces verts"]],
              clause_mechanism="reserve_l2113_13", buyer_type="commune", territory_id=territory("Pays Voironnais")), 200),
        ("facilitator_05", "Fiche métier : agent de propreté", "Fiches métiers et secteurs",
         _file("fiche-agent-proprete.md", (
             "# Agent de propreté\n\nMissions : nettoyage des locaux, vitrerie, gestion des déchets.\n\n"
             "Accès : sans diplôme, formation en situation de travail ; **CQP** possible.\n\n"
             "Employeurs : entreprises de propreté, entreprises d'insertion, GEIQ propreté.\n").encode()),
         dict(tags=["métiers", "propreté"], sector_ids=[sectors["Propreté et nettoyage"]]), 45),
        ("coanimator_sud", "Code de la commande publique : articles utiles", "Réglementation", None,
         dict(kind="link", url="https://www.legifrance.gouv.fr/codes/texte_lc/LEGITEXT000037701019/",
              tags=["réglementation", "CCP"], summary="Articles L2112-2 (conditions d'exécution), L2113-12 et L2113-13 (marchés réservés), R2152-7 (critères)."), 400),
        ("facilitator_09", "Astuce : calculer le volume d'heures d'une clause", "Guides et méthodes", None,
         dict(kind="note", body=(
             "Pour un marché de travaux, partir du **montant estimé de main-d'œuvre** (environ 40 % du montant HT), "
             "le diviser par le coût horaire moyen (35 €), puis appliquer un taux de 5 à 7 %.\n\n"
             "Exemple : 1 M€ HT → 400 000 € de main-d'œuvre → 11 400 heures → **570 à 800 heures d'insertion**."),
              tags=["calcul", "heures"]), 30),
        ("facilitator_12", "Exemple de bilan de fin de marché", "Bilans et études",
         _file("bilan-fin-de-marche.txt", (
             "Bilan de la clause sociale – marché de voirie 2024-2025\n"
             "Heures prévues : 600 ; heures réalisées : 745.\n"
             "Participants : 6 (dont 2 bénéficiaires du RSA, 1 travailleur handicapé).\n"
             "Sorties positives : 3 CDI, 1 formation qualifiante.\n").encode()),
         dict(tags=["bilan", "voirie"], sector_ids=[sectors["Bâtiment et travaux publics"]], territory_id=territory("Vienne Condrieu")), 75),
        ("coanimator_nord", "Note interne : préparation du comité de pilotage", "Communication", None,
         dict(kind="note", visibility="coanimators", body="Ordre du jour provisoire, points sensibles avec les bailleurs, "
              "proposition d'accompagnement renforcé pour le Vercors.", tags=["copil"]), 10),
    ]
    for handle, title, category, upload, extra, days_ago in entries:
        author = users.get(handle) or next(iter(users.values()))
        data = {"kind": "file" if upload else extra.pop("kind", "note"), "title": title,
                "category_id": categories.get(category), "visibility": extra.pop("visibility", "members")}
        data.update({"tags": [], "sector_ids": []})
        data.update(extra)
        stored = services.store_file(upload) if upload else None
        resource = services.create_resource(author, data, stored, "Version initiale" if upload else None)
        created = utcnow() - timedelta(days=days_ago)
        resource.created_at = resource.updated_at = created
        for version in resource.versions:
            version.created_at = created
        if days_ago > 180:
            resource.review_by = paris_today() + timedelta(days=30)
    db.session.flush()
    demo.data["library"] = list(db.session.scalars(select(Resource)))
    # The guide new members are pointed to in their first steps (chosen by the first admin).
    guide = next(r for r in demo.data["library"] if r.title == "Guide pratique des clauses sociales en Isère")
    admin = next((u for u in users.values() if u.role == "admin"), None)
    services.set_practical_guide(guide, admin)
