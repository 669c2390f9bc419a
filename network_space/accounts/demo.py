"""The accounts part of the demo network: structures, the two co-animators, 14 facilitators,
partners from the Département and the DDETS, one admin. Every person and address is fictional."""
from __future__ import annotations

from sqlalchemy import select

from network_space.accounts.models import Structure, User
from network_space.accounts.reference import ensure_territories
from network_space.core.demo import DemoContext
from network_space.core.permissions import ROLE_ADMIN, ROLE_COANIMATOR, ROLE_MEMBER
from network_space.extensions import db
from network_space.notifications.services import set_preference

DEMO_DOMAIN = "demo.example"

# handle: (name, kind, territory short name)
STRUCTURES = {
    "gresivaudan": ("CC Le Grésivaudan — service emploi", "epci", "Grésivaudan"),
    "gip_nord": ("GIP Nord-Isère", "gip", "CAPI"),
    "clauses_co": ("Association Clauses & Co (fictive)", "association", "Bièvre Isère"),
    "metro": ("Grenoble-Alpes Métropole — mission clauses sociales", "epci", "La Métro"),
    "voironnais": ("CA du Pays Voironnais — pôle insertion", "epci", "Pays Voironnais"),
    "vienne": ("Vienne Condrieu Agglomération — service économie", "epci", "Vienne Condrieu"),
    "sud_emploi": ("Maison de l'emploi Sud-Isère (fictive)", "association", "Trièves"),
    "departement": ("Département de l'Isère — service Insertion vers l'emploi", "departement", None),
    "ddets": ("DDETS de l'Isère", "etat", None),
}

# handle: (full name, email local part, role, structure handle, job title, territory short names)
PEOPLE = {
    "admin": ("Samir Benali", "admin", ROLE_ADMIN, "departement", "Administrateur du site", ()),
    "coanimator_nord": ("Claire Dumas", "claire.dumas", ROLE_COANIMATOR, "departement",
                        "Co-animatrice du réseau — Nord-Isère",
                        ("CAPI", "Vienne Condrieu", "Bièvre Est", "Bièvre Isère", "Balcons du Dauphiné",
                         "Vals du Dauphiné", "LYSED", "EBER")),
    "coanimator_sud": ("Marc Rolland", "marc.rolland", ROLE_COANIMATOR, "ddets",
                       "Co-animateur du réseau — Sud-Isère",
                       ("La Métro", "Pays Voironnais", "Grésivaudan", "SMVIC", "Vercors", "Trièves",
                        "Matheysine", "Oisans", "Cœur de Chartreuse")),
    "departement": ("Nadia Ferrand", "nadia.ferrand", ROLE_COANIMATOR, "departement",
                    "Chargée de mission insertion", ()),
    "ddets": ("Thomas Girard", "thomas.girard", ROLE_COANIMATOR, "ddets",
              "Chargé de mission inclusion dans l'emploi", ()),
    "facilitator_01": ("Hélène Martin", "helene.martin", ROLE_MEMBER, "gresivaudan",
                       "Facilitatrice clauses sociales", ("Grésivaudan",)),
    "facilitator_02": ("Julien Moreau", "julien.moreau", ROLE_MEMBER, "gresivaudan",
                       "Facilitateur clauses sociales", ("Grésivaudan", "Cœur de Chartreuse")),
    "facilitator_03": ("Sophie Lambert", "sophie.lambert", ROLE_MEMBER, "gip_nord",
                       "Facilitatrice clauses sociales", ("CAPI",)),
    "facilitator_04": ("Karim Haddad", "karim.haddad", ROLE_MEMBER, "gip_nord",
                       "Facilitateur clauses sociales", ("Vals du Dauphiné", "Balcons du Dauphiné")),
    "facilitator_05": ("Élodie Perrin", "elodie.perrin", ROLE_MEMBER, "gip_nord",
                       "Facilitatrice clauses sociales", ("LYSED",)),
    "facilitator_06": ("Antoine Chevalier", "antoine.chevalier", ROLE_MEMBER, "clauses_co",
                       "Facilitateur clauses sociales", ("Bièvre Isère",)),
    "facilitator_07": ("Lucie Bernard", "lucie.bernard", ROLE_MEMBER, "clauses_co",
                       "Facilitatrice clauses sociales", ("Bièvre Est",)),
    "facilitator_08": ("Mathieu Roux", "mathieu.roux", ROLE_MEMBER, "metro",
                       "Facilitateur clauses sociales", ("La Métro",)),
    "facilitator_09": ("Inès Garnier", "ines.garnier", ROLE_MEMBER, "metro",
                       "Facilitatrice clauses sociales", ("La Métro",)),
    "facilitator_10": ("Pierre Fontaine", "pierre.fontaine", ROLE_MEMBER, "metro",
                       "Chargé de mission clauses sociales", ("La Métro",)),
    "facilitator_11": ("Camille Arnaud", "camille.arnaud", ROLE_MEMBER, "voironnais",
                       "Facilitatrice clauses sociales", ("Pays Voironnais",)),
    "facilitator_12": ("Yannick Blanc", "yannick.blanc", ROLE_MEMBER, "vienne",
                       "Facilitateur clauses sociales", ("Vienne Condrieu",)),
    "facilitator_13": ("Aurélie Caron", "aurelie.caron", ROLE_MEMBER, "vienne",
                       "Facilitatrice clauses sociales", ("EBER",)),
    "facilitator_14": ("Bruno Vidal", "bruno.vidal", ROLE_MEMBER, "sud_emploi",
                       "Facilitateur clauses sociales",
                       ("Trièves", "Matheysine", "Oisans", "SMVIC")),
}

# The time each facilitator gives to facilitation (full-time equivalent, on their profile); the
# coverage page adds it up by territory.
FACILITATION_FTE = {
    "facilitator_01": 1.0, "facilitator_02": 0.8, "facilitator_03": 1.0, "facilitator_04": 1.0,
    "facilitator_05": 0.5, "facilitator_06": 0.8, "facilitator_07": 0.6, "facilitator_08": 1.0,
    "facilitator_09": 1.0, "facilitator_10": 0.5, "facilitator_11": 1.0, "facilitator_12": 1.0,
    "facilitator_13": 0.8, "facilitator_14": 1.0,
}

LOGIN_HANDLES = (
    ("Administrateur", "admin"),
    ("Co-animatrice Nord", "coanimator_nord"),
    ("Co-animateur Sud", "coanimator_sud"),
    ("Facilitatrice", "facilitator_01"),
)


def seed(demo: DemoContext) -> None:
    territories = ensure_territories()
    structures = {}
    for handle, (name, kind, territory) in STRUCTURES.items():
        structures[handle] = Structure(name=name, kind=kind, territory=territories.get(territory))
        db.session.add(structures[handle])
    users = {}
    password_hash = None
    for handle, (name, local, role, structure, job_title, covered) in PEOPLE.items():
        user = User(
            email=f"{local}@{DEMO_DOMAIN}",
            full_name=name,
            role=role,
            structure=structures[structure],
            job_title=job_title,
            phone="04 76 00 %02d %02d" % (len(users) + 10, 20 + len(users)),
            territories=[territories[short] for short in covered],
            facilitation_fte=FACILITATION_FTE.get(handle),
        )
        if password_hash is None:
            user.set_password(demo.password)
            password_hash = user.password_hash
        else:
            user.password_hash = password_hash  # one KDF run for the whole demo: same password
        db.session.add(user)
        users[handle] = user
    db.session.flush()
    demo.data["territories"] = territories
    demo.data["structures"] = structures
    demo.data["users"] = users
    demo.data["facilitators"] = [users[h] for h in PEOPLE if h.startswith("facilitator_")]
    for label, handle in LOGIN_HANDLES:
        demo.logins.append((label, users[handle].email, users[handle].full_name))
    # One facilitator reads library news once a day instead of weekly.
    set_preference(demo.data["facilitators"][0], "library", "daily")


def existing_logins() -> list[tuple[str, str, str]]:
    """The demo logins present in the database (for `flask demo-logins`)."""
    emails = {f"{PEOPLE[handle][1]}@{DEMO_DOMAIN}": label for label, handle in LOGIN_HANDLES}
    users = db.session.scalars(select(User).where(User.email.in_(emails), User.active.is_(True)))
    found = {user.email: user for user in users}
    return [(label, email, found[email].full_name) for email, label in emails.items() if email in found]
