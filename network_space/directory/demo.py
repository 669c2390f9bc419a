"""Demo partner directory: about 40 clearly fictional organisations ("(fictif)" in every name)
across the kinds and territories, with SIRETs that pass the checks but belong to no one."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from stdnum import luhn

from network_space.accounts.reference import ensure_territories
from network_space.core.demo import DemoContext
from network_space.directory import services
from network_space.directory.importer import normalise
from network_space.directory.reference import ensure_default_kinds
from network_space.extensions import db
from network_space.library.models import Sector
from network_space.library.services import ensure_defaults as ensure_library_defaults


def fictional_siret(n: int) -> str:
    """A deterministic SIRET valid for python-stdnum: Luhn on the SIREN and on the 14 digits.
    The SIREN starts with 99, a range INSEE does not allocate to real establishments here."""
    siren8 = f"99{n:06d}"
    siren = siren8 + luhn.calc_check_digit(siren8)
    nic4 = f"{(n * 37) % 10000:04d}"
    base = siren + nic4
    return base + luhn.calc_check_digit(base)


ALL = "*"  # serves the whole département
# (name, kind, commune, postcode, home territory, served territories or ALL, services, reserved, workforce, activity)
ORGANISATIONS = (
    ("ESAT Les Ateliers du Grésivaudan", "esat", "Crolles", "38920", "Grésivaudan", ["Grésivaudan", "La Métro"], ["service", "goods"], "12", 85, "Espaces verts, conditionnement, blanchisserie."),
    ("ESAT La Passerelle du Voironnais", "esat", "Voiron", "38500", "Pays Voironnais", ["Pays Voironnais", "Cœur de Chartreuse"], ["service"], "12", 62, "Entretien d'espaces verts et nettoyage de locaux."),
    ("ESAT Horizons Nord-Isère", "esat", "Bourgoin-Jallieu", "38300", "CAPI", ["CAPI", "Vals du Dauphiné", "Balcons du Dauphiné"], ["service", "goods"], "12", 110, "Sous-traitance industrielle, logistique et conditionnement."),
    ("ESAT du Trièves", "esat", "Mens", "38710", "Trièves", ["Trièves", "Matheysine"], ["service"], "12", 28, "Espaces verts et petits travaux de maçonnerie paysagère."),
    ("ESAT Vienne Rhône Services", "esat", "Vienne", "38200", "Vienne Condrieu", ["Vienne Condrieu", "EBER"], ["service", "staffing"], "12", 74, "Restauration collective, blanchisserie."),
    ("EA Numérique des Alpes", "ea", "Grenoble", "38000", "La Métro", ALL, ["service"], "12", 40, "Numérisation d'archives, saisie, gestion électronique de documents."),
    ("EA Propreté Dauphinoise", "ea", "L'Isle-d'Abeau", "38080", "CAPI", ["CAPI", "LYSED", "Bièvre Est"], ["service"], "12", 95, "Propreté et nettoyage de bureaux et parties communes."),
    ("EA Bois & Compagnie", "ea", "Saint-Marcellin", "38160", "SMVIC", ["SMVIC", "Bièvre Isère", "Vercors"], ["goods", "service"], "12", 33, "Menuiserie, mobilier urbain en bois local."),
    ("EA Logistique Isère Sud", "ea", "Échirolles", "38130", "La Métro", ["La Métro", "Grésivaudan"], ["service", "staffing"], "12", 51, "Logistique, préparation de commandes, conditionnement."),
    ("EATT Handi-Intérim Isère", "eatt", "Grenoble", "38000", "La Métro", ALL, ["staffing"], "12", 12, "Mise à disposition de travailleurs handicapés en intérim."),
    ("Cap emploi Isère", "cap-emploi", "Grenoble", "38000", "La Métro", ALL, [], "", 30, "Accompagnement vers l'emploi des personnes handicapées."),
    ("Délégation régionale Agefiph", "agefiph", "Lyon", "69003", None, ALL, [], "", None, "Aides et services pour l'emploi des personnes handicapées (privé)."),
    ("Correspondant FIPHFP Auvergne-Rhône-Alpes", "fiphfp", "Lyon", "69002", None, ALL, [], "", None, "Fonds pour l'insertion des personnes handicapées dans la fonction publique."),
    ("MDPH de l'Isère", "mdph", "Grenoble", "38000", "La Métro", ALL, [], "", None, "Maison départementale des personnes handicapées."),
    ("Réseau Gesat Alpes", "reseau-handicap", "Grenoble", "38000", "La Métro", ALL, [], "", 3, "Réseau des ESAT et EA : mise en relation avec les acheteurs."),
    ("Collectif Handicap & Achats", "autre-handicap", "Voiron", "38500", "Pays Voironnais", ALL, [], "", 2, "Sensibilisation des acheteurs aux achats responsables."),
    ("Habitat Dauphinois", "bailleur-social", "Grenoble", "38000", "La Métro", ALL, [], "", 420, "Bailleur social, 18 000 logements en Isère."),
    ("Nord-Isère Logement", "bailleur-social", "Villefontaine", "38090", "CAPI", ["CAPI", "Vals du Dauphiné", "Balcons du Dauphiné", "LYSED"], [], "", 160, "Bailleur social du Nord-Isère."),
    ("Alpes Habitat Solidaire", "bailleur-social", "Échirolles", "38130", "La Métro", ["La Métro", "Grésivaudan", "Pays Voironnais"], [], "", 210, "Office public de l'habitat."),
    ("Commune de Saint-Vallier-des-Lacs", "commune", "Saint-Vallier-des-Lacs", "38590", "Bièvre Est", ["Bièvre Est"], [], "", 45, "Commune rurale, marchés de voirie et d'espaces verts."),
    ("Ville de Pontcharra-les-Vignes", "commune", "Pontcharra", "38530", "Grésivaudan", ["Grésivaudan"], [], "", 120, "Commune, restauration scolaire en régie."),
    ("Communauté de communes des Hauts-Plateaux", "intercommunalite", "Villard-de-Lans", "38250", "Vercors", ["Vercors"], [], "", 60, "Intercommunalité du plateau ; collecte des déchets, voirie."),
    ("Département de l'Isère – Direction des achats", "departement", "Grenoble", "38000", "La Métro", ALL, [], "", None, "Direction des achats, clauses sociales des marchés départementaux."),
    ("DDETS de l'Isère – Service insertion", "etat", "Grenoble", "38000", "La Métro", ALL, [], "", None, "Services de l'État : insertion par l'activité économique."),
    ("Centre hospitalier des Trois Vallées", "etablissement-public", "Voiron", "38500", "Pays Voironnais", ["Pays Voironnais"], [], "", 1400, "Hôpital ; marchés de blanchisserie et de restauration."),
    ("Lycée professionnel des Métiers du Bâtiment", "etablissement-public", "Bourgoin-Jallieu", "38300", "CAPI", ["CAPI"], [], "", 90, "Établissement public local d'enseignement."),
    ("BTP Rénov' Alpes", "entreprise", "Sassenage", "38360", "La Métro", ["La Métro", "Pays Voironnais", "Grésivaudan"], ["service"], "", 140, "Entreprise de BTP titulaire de marchés avec clauses."),
    ("Propreté Services Rhône-Isère", "entreprise", "Vienne", "38200", "Vienne Condrieu", ["Vienne Condrieu", "EBER", "Bièvre Isère"], ["service"], "", 260, "Entreprise de nettoyage."),
    ("EI Recyclerie du Sud-Grésivaudan", "ei", "Saint-Marcellin", "38160", "SMVIC", ["SMVIC", "Bièvre Isère"], ["service", "goods"], "13", 24, "Collecte, tri et revente d'objets ; débarras."),
    ("EI Chantiers Verts de Bièvre", "ei", "La Côte-Saint-André", "38260", "Bièvre Isère", ["Bièvre Isère", "Bièvre Est", "EBER"], ["service"], "13", 31, "Espaces verts, élagage, débroussaillage."),
    ("AI Coup de Main Matheysine", "ai", "La Mure", "38350", "Matheysine", ["Matheysine", "Trièves"], ["staffing"], "13", 55, "Mise à disposition de personnel auprès de particuliers et collectivités."),
    ("AI Emploi Solidaire Voironnais", "ai", "Voiron", "38500", "Pays Voironnais", ["Pays Voironnais", "Cœur de Chartreuse"], ["staffing"], "13", 70, "Association intermédiaire, entretien et manutention."),
    ("ACI Les Jardins de l'Oisans", "aci", "Bourg-d'Oisans", "38520", "Oisans", ["Oisans"], ["service", "goods"], "13", 18, "Maraîchage biologique, paniers, entretien de sentiers."),
    ("ACI Rivières et Sentiers du Vercors", "aci", "Villard-de-Lans", "38250", "Vercors", ["Vercors", "SMVIC"], ["service"], "13", 14, "Entretien de berges, sentiers et petit patrimoine."),
    ("ACI Second Œuvre Nord-Isère", "aci", "Villefontaine", "38090", "CAPI", ["CAPI", "Vals du Dauphiné"], ["service"], "13", 22, "Peinture, second œuvre du bâtiment."),
    ("ETTI Tremplin Intérim Isère", "etti", "Grenoble", "38000", "La Métro", ALL, ["staffing"], "13", 9, "Intérim d'insertion, BTP et logistique."),
    ("ETTI Passerelles Nord-Dauphiné", "etti", "Bourgoin-Jallieu", "38300", "CAPI", ["CAPI", "Balcons du Dauphiné", "LYSED", "Vals du Dauphiné"], ["staffing"], "13", 7, "Intérim d'insertion du Nord-Isère."),
    ("EITI Indépendants Solidaires", "eiti", "Grenoble", "38100", "La Métro", ["La Métro"], ["service"], "13", 16, "Accompagnement de travailleurs indépendants : livraison, petits travaux."),
    ("GEIQ BTP Isère", "geiq", "Grenoble", "38000", "La Métro", ALL, ["staffing"], "", 6, "Groupement d'employeurs : parcours qualifiants dans le BTP."),
    ("GEIQ Propreté Alpes", "geiq", "Échirolles", "38130", "La Métro", ["La Métro", "Grésivaudan", "Pays Voironnais"], ["staffing"], "", 4, "Groupement d'employeurs de la propreté."),
    ("Ressourcerie de la Chartreuse", "aci", "Saint-Laurent-du-Pont", "38380", "Cœur de Chartreuse", ["Cœur de Chartreuse"], ["goods", "service"], "13", 12, "Réemploi, vente solidaire, sensibilisation."),
)
# Which shared activity sectors an organisation's activity text points to.
SECTOR_KEYWORDS = {
    "Espaces verts": ("espaces verts", "élagage", "berges", "sentiers", "maraîchage", "paysag"),
    "Propreté et nettoyage": ("nettoyage", "propreté"),
    "Bâtiment et travaux publics": ("btp", "second œuvre", "peinture", "maçonnerie", "voirie", "bâtiment"),
    "Restauration collective": ("restauration",),
    "Transport et logistique": ("logistique", "conditionnement", "livraison", "manutention"),
    "Déchets et recyclage": ("tri", "réemploi", "recycl", "déchets", "débarras"),
    "Informatique et numérique": ("numérisation", "saisie", "numérique"),
    "Industrie": ("industrielle", "menuiserie", "mobilier", "blanchisserie"),
    "Services à la personne": ("particuliers",),
}


def sectors_for(activity: str, sectors: dict) -> list:
    text = activity.lower()
    return [sectors[name] for name, words in SECTOR_KEYWORDS.items()
            if name in sectors and any(word in text for word in words)]


CONTACT_NAMES = ("Camille Martin", "Julien Bernard", "Sophie Petit", "Karim Haddad", "Nadia Roux", "Thomas Garnier",
                 "Léa Fontaine", "Mathieu Perrin", "Aïcha Benali", "Pierre Lambert")
ROLES = ("Directrice", "Chargé de développement commercial", "Responsable d'atelier", "Chargée d'insertion",
         "Responsable des achats")


def seed(demo: DemoContext) -> None:
    ensure_library_defaults()
    sectors = {s.name: s for s in db.session.scalars(select(Sector))}
    kinds = ensure_default_kinds()
    territories = ensure_territories()
    users = list(demo.data.get("users", {}).values())
    actor = users[0] if users else None
    organisations = []
    for n, (name, kind, commune, postcode, home, served, offer, reserved, workforce, activity) in enumerate(ORGANISATIONS, 1):
        contact = CONTACT_NAMES[n % len(CONTACT_NAMES)]
        slug = normalise(name).split()[-1]
        data = {
            "name": f"{name} (fictif)",
            "kind": kinds[kind],
            # A few without a SIRET, as in real life.
            "siret": fictional_siret(n) if n % 9 else None,
            "address": f"{n * 3} rue de l'Exemple",
            "postcode": postcode,
            "commune": commune,
            "territory": territories.get(home) if home else None,
            "phone": f"04 76 {10 + n:02d} {20 + n:02d} {30 + n:02d}",
            "email": f"contact@{slug}.example.org",
            "website": f"https://{slug}.example.org",
            "services": offer,
            "sectors": sectors_for(activity, sectors),
            "whole_departement": served == ALL,
            "served_territories": [] if served == ALL else [territories[s] for s in served],
            "workforce": workforce,
            "reserved_l2113_12": reserved == "12",
            "reserved_l2113_13": reserved == "13",
            "description": f"{activity}\n\n*Organisation fictive créée pour la démonstration.*",
            "internal_notes": "Interlocuteur réactif, a déjà répondu à deux marchés réservés." if n % 5 == 0 else None,
            "contacts": [{"name": contact, "role": ROLES[n % len(ROLES)], "email": f"{normalise(contact).split()[0]}@{slug}.example.org",
                          "phone": f"06 00 {n:02d} {n + 10:02d} {n + 20:02d}"}],
            "last_checked_on": date(2026, 9, 1) + timedelta(days=n * 2) if n % 3 else None,
            "last_checked_by": actor if n % 3 else None,
        }
        organisations.append(services.create_organisation(data, actor, notify_members=False))
    db.session.flush()
    demo.data["organisations"] = organisations
