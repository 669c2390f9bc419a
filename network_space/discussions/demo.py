"""Demo discussions: about fifteen threads across the categories, written through the services
(so follows, mentions and notifications happen as on the site), then dated over the last weeks:
a question resolved by the co-animation, two experience write-ups (a social landlord's building
site, a cleaning contract reserved to an ESAT), a pinned and a closed thread, one in the
co-animators' category, links to resources, events, meetings and partners, @mentions. Demo
members have read everything up to eight days ago, so the newest activity shows as unread."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from network_space.core.demo import DemoContext
from network_space.core.models import utcnow
from network_space.discussions import services
from network_space.discussions.models import ReadMark, Reply
from network_space.discussions.reference import ensure_default_categories
from network_space.extensions import db
from network_space.library.models import Resource, Sector

QUESTIONS = "Questions et entraide"
WRITEUPS = "Retours d'expérience"
LAW = "Veille juridique et réglementaire"
OFFERS = "Offres et demandes (postes, partenaires, prestataires)"
NETWORK = "Vie du réseau"
COANIMATION = "Co-animation"

# (days ago, author handle, category, kind, title, body, territory, tags, links, write-up, replies, extra)
# links: ("resource" | "event" | "meeting" | "organisation", key); replies: (hours after, author, text)
THREADS = [
    dict(days=34, author="facilitator_03", category=QUESTIONS, kind="question",
         title="Heures réalisées par un salarié en contrat de professionnalisation via un GEIQ : on les compte ?",
         territory="CAPI", tags=["geiq", "comptage des heures"],
         body="Bonjour à toutes et tous,\n\nUne entreprise de gros œuvre attributaire d'un marché de la CAPI fait "
              "appel au GEIQ BTP pour un salarié en **contrat de professionnalisation**. Est-ce que vous comptez "
              "la totalité des heures (formation comprise) ou seulement les heures en entreprise ?\n\n"
              "@claire.dumas, la co-animation a-t-elle une règle commune pour le bilan ?",
         replies=[
             (3, "facilitator_02", "De notre côté (Grésivaudan) nous comptons uniquement les heures travaillées sur "
                                   "le chantier, pas les heures de formation."),
             (20, "coanimator_nord", "Pour le bilan départemental, la règle commune est : **les heures de travail "
                                     "effectif sur l'opération**, formation exclue, que le salarié soit mis à "
                                     "disposition par un GEIQ, une ETTI ou embauché en direct.\n\nLe GEIQ vous "
                                     "transmet le relevé mensuel : demandez-le dès le démarrage."),
             (26, "facilitator_03", "Merci Claire, c'est clair (sans jeu de mots). Je marque la question résolue."),
         ], answer=2),
    dict(days=21, author="facilitator_08", category=QUESTIONS, kind="question",
         title="Clause d'insertion dans un marché de maîtrise d'œuvre : quel volume d'heures prévoir ?",
         territory="La Métro", tags=["maîtrise d'œuvre", "volume d'heures"],
         body="La Métro prépare un marché de maîtrise d'œuvre pour la rénovation d'un gymnase. Peu de main-d'œuvre "
              "d'exécution : avez-vous déjà mis une clause dans ce type de marché, et avec quel volume ?",
         links=[("resource", "Astuce : calculer le volume d'heures d'une clause")],
         replies=[
             (5, "facilitator_09", "Plutôt qu'un volume d'heures, on a déjà demandé au titulaire d'**inscrire la "
                                   "clause dans les marchés de travaux** qu'il rédige. C'est souvent plus utile."),
             (30, "facilitator_14", "Même expérience dans le Trièves : une clause « d'ingénierie » (action de "
                                    "sensibilisation, stage) plutôt que des heures."),
         ]),
    dict(days=15, author="facilitator_11", category=QUESTIONS, kind="discussion",
         title="Outil de suivi des heures : vous utilisez quoi ?",
         territory="Pays Voironnais", tags=["outils de suivi", "tableur"],
         body="Nous passons d'un tableur partagé à un outil en ligne. Qu'utilisez-vous pour suivre les heures "
              "d'insertion par marché et par bénéficiaire ? @helene.martin tu m'avais parlé d'un modèle.",
         links=[("resource", "Tableau de suivi des heures d'insertion")],
         replies=[
             (2, "facilitator_01", "Oui ! Le modèle est dans la bibliothèque (lien ci-dessus). Il a un onglet par "
                                   "marché et un récapitulatif annuel qui sert directement au bilan."),
             (6, "facilitator_12", "Nous utilisons le même modèle, avec une colonne « public » pour le bilan."),
             (50, "facilitator_05", "Attention aux données personnelles : un onglet avec les noms des "
                                    "bénéficiaires ne doit pas circuler par email."),
             (54, "facilitator_11", "Bien vu, merci. Je garde les noms dans un fichier séparé."),
         ]),
    dict(days=40, author="facilitator_09", category=WRITEUPS, kind="writeup",
         title="Réhabilitation de 120 logements à Échirolles : 4 200 heures d'insertion avec un bailleur social",
         territory="La Métro", tags=["bailleurs", "btp", "réhabilitation"],
         body="Je partage la fiche de ce chantier terminé en septembre, qui a bien fonctionné grâce au travail en "
              "amont avec le bailleur. Vos questions sont les bienvenues.",
         writeup=dict(
             buyer="Alpes Habitat Solidaire", mechanism="execution", sector="Bâtiment et travaux publics",
             hours=4200, participants=17,
             context="Réhabilitation thermique de 120 logements (4 lots) par Alpes Habitat Solidaire, 18 mois de "
                     "travaux. Clause d'exécution (article L2112-2) : 5 % des heures de main-d'œuvre.",
             what_worked="- Réunion de lancement avec chaque entreprise **avant** l'ordre de service\n"
                         "- Un interlocuteur unique chez le bailleur\n"
                         "- Recours au GEIQ BTP pour les lots peinture et plâtrerie",
             difficulties="Le lot menuiseries extérieures, très spécialisé, a eu du mal à trouver des profils ; "
                          "les heures ont été reportées sur d'autres lots.",
             advice="Prévoir la clause par lot mais autoriser la mutualisation des heures entre lots ; demander "
                    "les relevés d'heures chaque mois.",
             contact="Inès Garnier, Grenoble-Alpes Métropole — mission clauses sociales"),
         replies=[
             (8, "facilitator_04", "Très utile, merci. La mutualisation entre lots était écrite dans le CCAP ?"),
             (11, "facilitator_09", "Oui, un article du CCAP le prévoyait explicitement, validé par le service juridique "
                                    "du bailleur."),
         ]),
    dict(days=12, author="facilitator_11", category=WRITEUPS, kind="writeup",
         title="Nettoyage des locaux du centre hospitalier réservé à un ESAT",
         territory="Pays Voironnais", tags=["esat", "marché réservé", "propreté"],
         body="Premier marché réservé (article L2113-12) de l'hôpital : la fiche complète ci-dessus. "
              "@antoine.chevalier tu voulais des éléments pour ton acheteur, tout y est.",
         links=[("organisation", "ESAT La Passerelle du Voironnais")],
         writeup=dict(
             buyer="Centre hospitalier des Trois Vallées", mechanism="reserve_l2113_12",
             sector="Propreté et nettoyage", hours=3100, participants=9,
             context="Entretien des locaux administratifs (2 800 m²) du centre hospitalier, marché de 3 ans réservé "
                     "aux ESAT et entreprises adaptées. Deux offres reçues.",
             what_worked="- Visite des locaux avec l'ESAT avant la remise des offres\n"
                         "- Horaires adaptés (fin de journée) négociés avec les services\n"
                         "- Un encadrant de l'ESAT présent sur site",
             difficulties="Le service achats craignait une baisse de qualité : un point mensuel a été mis en place "
                          "la première année, puis trimestriel.",
             advice="Allotir pour que le lot réservé corresponde à la capacité de l'ESAT ; associer le service "
                    "hygiène dès la rédaction du cahier des charges.",
             contact="Camille Arnaud, CA du Pays Voironnais — pôle insertion"),
         replies=[
             (4, "facilitator_06", "Merci @camille.arnaud, je transmets à l'acheteur de Bièvre Isère."),
             (170, "facilitator_13", "Est-ce que l'hôpital a envisagé d'étendre à la blanchisserie ?"),
         ]),
    dict(days=26, author="ddets", category=LAW, kind="discussion",
         title="Marchés réservés aux SIAE (article L2113-13) : vos questions sur la mise en œuvre",
         territory=None, tags=["marché réservé", "siae", "réglementation"],
         body="Plusieurs acheteurs nous interrogent sur les marchés réservés aux structures d'insertion. Déposez "
              "ici vos questions : nous ferons une synthèse pour la prochaine plénière.",
         links=[("resource", "Code de la commande publique : articles utiles")],
         replies=[
             (20, "facilitator_07", "Un acheteur demande si l'on peut réserver un seul lot d'un marché alloti."),
             (28, "ddets", "Oui, la réservation peut porter sur un ou plusieurs lots : c'est même la pratique la "
                           "plus courante."),
         ]),
    dict(days=9, author="facilitator_11", category=OFFERS, kind="discussion",
         title="Poste de facilitateur·rice clauses sociales à pourvoir — Pays Voironnais (CDD 12 mois)",
         territory="Pays Voironnais", tags=["recrutement"],
         body="Le Pays Voironnais recrute pour un remplacement : **CDD de 12 mois**, temps plein, prise de poste "
              "en janvier. Fiche de poste sur demande, n'hésitez pas à faire circuler.",
         replies=[(30, "facilitator_02", "Je relaie auprès de notre réseau emploi, merci.")]),
    dict(days=5, author="facilitator_14", category=OFFERS, kind="discussion",
         title="Recherche ESAT pour l'entretien d'espaces verts dans le Trièves",
         territory="Trièves", tags=["esat", "espaces verts"],
         body="Une commune du Trièves cherche un ESAT pour l'entretien de ses espaces verts (environ 400 heures "
              "par an). L'ESAT du Trièves est complet : d'autres pistes ?",
         links=[("organisation", "ESAT du Trièves")],
         replies=[
             (3, "facilitator_01", "@bruno.vidal l'ESAT Les Ateliers du Grésivaudan intervient parfois en Matheysine, "
                                   "ça vaut le coup de les appeler."),
             (27, "facilitator_14", "Merci Hélène, je les contacte."),
         ]),
    dict(days=18, author="coanimator_nord", category=NETWORK, kind="discussion", pinned=True,
         title="Ordre du jour de la prochaine plénière : vos propositions",
         territory=None, tags=["plénière"],
         body="La prochaine réunion plénière approche. Proposez ici les points que vous souhaitez voir à l'ordre du "
              "jour ; nous en tiendrons compte pour le projet envoyé avec l'invitation.",
         links=[("meeting", "plenary")],
         replies=[
             (5, "facilitator_12", "Un point sur le bilan départemental et le calendrier de collecte."),
             (9, "facilitator_04", "Un retour sur le groupe de travail bailleurs sociaux."),
             (150, "coanimator_sud", "Merci à tous : les deux points sont retenus."),
         ]),
    dict(days=6, author="coanimator_sud", category=NETWORK, kind="discussion",
         title="Forum de l'emploi inclusif de Vienne : qui vient tenir le stand du réseau ?",
         territory="Vienne Condrieu", tags=["forum", "stand"],
         body="Nous aurons un stand au forum. Il faudrait deux personnes le matin et deux l'après-midi. "
              "@yannick.blanc, @aurelie.caron : vous êtes sur place, partants ?",
         links=[("event", "Forum de l'emploi inclusif de Vienne")],
         replies=[
             (2, "facilitator_12", "Partant pour le matin."),
             (4, "facilitator_13", "L'après-midi pour moi."),
         ]),
    dict(days=28, author="coanimator_nord", category=NETWORK, kind="discussion", closed=True,
         title="Covoiturage pour la plénière",
         territory=None, tags=["covoiturage"],
         body="Pour limiter les déplacements, indiquez ici d'où vous partez et combien de places vous avez.",
         replies=[
             (4, "facilitator_04", "Départ de Bourgoin-Jallieu, 3 places."),
             (6, "facilitator_05", "Je monte avec Karim !"),
         ]),
    dict(days=11, author="coanimator_sud", category=COANIMATION, kind="discussion",
         title="Préparation du bilan départemental : calendrier de collecte",
         territory=None, tags=["bilan"],
         body="Proposition : ouverture de la collecte le 15 janvier, relance le 5 février, clôture fin février. "
              "@nadia.ferrand, est-ce compatible avec le calendrier du Département ?",
         replies=[(6, "departement", "Oui, à condition d'avoir les chiffres consolidés le 10 mars.")]),
    dict(days=3, author="coanimator_sud", category=QUESTIONS, kind="question",
         title="Vercors : comment accompagner les acheteurs sans facilitateur sur le territoire ?",
         territory="Vercors", tags=["vercors", "couverture du territoire"],
         body="Le Vercors n'a pas de facilitateur. La co-animation assure le relais, mais vos idées sont "
              "bienvenues : permanence partagée, binôme avec un territoire voisin… ?",
         replies=[
             (5, "facilitator_14", "Un binôme avec le Trièves me paraît naturel : nous connaissons déjà les "
                                   "entreprises du plateau."),
             (30, "facilitator_02", "Une permanence mensuelle à Villard-de-Lans, partagée entre trois facilitateurs ?"),
         ]),
    dict(days=1, author="facilitator_07", category=QUESTIONS, kind="question",
         title="Attestation de fin de clause : un modèle à partager ?",
         territory="Bièvre Est", tags=["modèle", "attestation"],
         body="Une entreprise me demande une attestation de réalisation de sa clause pour un dossier de "
              "candidature. Quelqu'un a-t-il un modèle ?",
         replies=[]),
]


def _find(items, name: str):
    return next((item for item in items if item.name.removesuffix(" (fictif)") == name), None)


def _link(kind: str, key: str, demo: DemoContext) -> tuple[str, int] | None:
    if kind == "resource":
        obj = db.session.scalar(select(Resource).where(Resource.title == key))
        return ("library_resource", obj.id) if obj else None
    if kind == "event":
        obj = next((e for e in demo.data.get("events", []) if e.title == key), None)
        return ("event", obj.id) if obj else None
    if kind == "meeting":
        obj = demo.data.get("meetings", {}).get(key)
        return ("meeting", obj.id) if obj else None
    obj = _find(demo.data.get("organisations", []), key)
    return ("organisation", obj.id) if obj else None


def seed(demo: DemoContext) -> None:
    categories = {c.name: c for c in ensure_default_categories()}
    users = demo.data.get("users", {})
    if not users:
        return
    territories = demo.data.get("territories", {})
    organisations = demo.data.get("organisations", [])
    sectors = {s.name: s for s in db.session.scalars(select(Sector))}
    now = utcnow()
    for spec in THREADS:
        writeup = spec.get("writeup")
        data = services.ThreadData(
            title=spec["title"], body=spec["body"], category=categories[spec["category"]], kind=spec["kind"],
            tags=spec["tags"], territory_id=territories[spec["territory"]].id if spec.get("territory") else None,
            links=[link for link in (_link(k, key, demo) for k, key in spec.get("links", [])) if link],
            writeup=None if writeup is None else {
                "context": writeup["context"], "what_worked": writeup["what_worked"],
                "difficulties": writeup["difficulties"], "advice": writeup["advice"], "contact": writeup["contact"],
                "buyer_id": getattr(_find(organisations, writeup["buyer"]), "id", None),
                "clause_mechanism": writeup["mechanism"], "sector_id": getattr(sectors.get(writeup["sector"]), "id", None),
                "insertion_hours": writeup["hours"], "participants": writeup["participants"]})
        thread = services.create_thread(users[spec["author"]], data)
        started = now - timedelta(days=spec["days"], hours=2)
        thread.created_at = thread.updated_at = thread.last_activity_at = started
        for hours, author, text in spec.get("replies", []):
            reply = services.post_reply(thread, users[author], text)
            reply.created_at = started + timedelta(hours=hours)
            db.session.flush()
            thread.last_activity_at = min(reply.created_at, now)
        if spec.get("answer"):
            answer = db.session.scalar(select(Reply).where(Reply.thread_id == thread.id,
                                                           Reply.number == spec["answer"]))
            services.accept_answer(thread, answer, users[spec["author"]])
        for action in ("pinned", "closed"):
            if spec.get(action):
                services.moderate(thread, users["coanimator_nord"], "pin" if action == "pinned" else "close")
        db.session.flush()
    read_until = now - timedelta(days=8)
    for user in users.values():
        db.session.merge(ReadMark(user_id=user.id, read_all_at=read_until))
    db.session.flush()
