"""Threads and replies in the site-wide search: found by title, text, tags and write-up fields;
a reply opens at its permalink; what a member may not see is never shown (co-animators'
categories, hidden threads), deleted messages leave the index, a move re-indexes the replies."""
from __future__ import annotations

from sqlalchemy import select

from network_space.accounts.models import User
from network_space.discussions import services
from network_space.discussions.models import DiscussionCategory, Reply, Thread
from network_space.extensions import db
from network_space.search.engine import search

KINDS = ["discussions.thread", "discussions.reply"]


def _hits(user, text):
    return [(hit.kind, hit.title, hit.url) for hit in search(text, db.session.get(User, user.id), kinds=KINDS).hits]


def test_threads_and_replies_are_found(app, make_user, make_thread, make_reply):
    author, reader = make_user(), make_user()
    thread_id = make_thread(author, title="Heures réalisées via un GEIQ", body="Comptez-vous la formation ?",
                            tags=["groupement employeurs"])
    make_reply(author, thread_id, "Nous excluons les heures de formation en alternance.")
    with app.app_context():
        # The thread's title words find the thread, not each of its replies.
        assert _hits(reader, "geiq") == [("discussions.thread", "Heures réalisées via un GEIQ",
                                          f"http://localhost/discussions/{thread_id}")]
        assert _hits(reader, "alternance") == [("discussions.reply", "Heures réalisées via un GEIQ — réponse n° 1",
                                                f"http://localhost/discussions/{thread_id}/reponses/1")]
        assert sorted(kind for kind, _t, _u in _hits(reader, "formation")) == ["discussions.reply", "discussions.thread"]
        assert [kind for kind, _t, _u in _hits(reader, "groupement")] == ["discussions.thread"]


def test_writeup_fields_are_searchable(app, make_user, make_thread):
    author = make_user()
    make_thread(author, category="Retours d'expérience", kind="writeup", title="Chantier des Tilleuls",
                body="Fiche", writeup={"context": "Réhabilitation", "advice": "Mutualiser entre lots",
                                       "what_worked": "Le tutorat par un compagnon", "difficulties": "",
                                       "contact": "Inès"})
    with app.app_context():
        assert [t for _k, t, _u in _hits(author, "tutorat")] == ["Chantier des Tilleuls"]
        assert [t for _k, t, _u in _hits(author, "mutualiser")] == ["Chantier des Tilleuls"]


def test_what_a_member_may_not_see_is_not_found(app, make_user, make_thread, make_reply, category_id):
    member, coanimator = make_user(), make_user("coanimator")
    secret = make_thread(coanimator, category="Co-animation", title="Calendrier confidentiel du bilan")
    make_reply(coanimator, secret, "Réponse confidentielle sur le calendrier")
    hidden = make_thread(member, title="Annonce commerciale déplacée")
    make_reply(member, hidden, "Encore de la publicité déplacée")
    with app.app_context():
        services.moderate(db.session.get(Thread, hidden), db.session.get(User, coanimator.id), "hide")
        db.session.commit()
        other = make_user()
        assert _hits(other, "calendrier") == []
        assert _hits(other, "déplacée") == []
        assert len(_hits(coanimator, "calendrier")) == 2 and len(_hits(coanimator, "déplacée")) == 2
        # Moved to a category every member sees: found at once, replies included.
        services.move_thread(db.session.get(Thread, secret), db.session.get(User, coanimator.id),
                             db.session.get(DiscussionCategory, category_id("Vie du réseau")))
        db.session.commit()
        assert len(_hits(other, "calendrier")) == 2


def test_deleted_messages_leave_the_index(app, make_user, make_thread, make_reply):
    author = make_user()
    thread_id = make_thread(author, title="Un sujet")
    make_reply(author, thread_id, "Mon numéro personnel zanzibar")
    with app.app_context():
        reply = db.session.scalar(select(Reply).where(Reply.thread_id == thread_id))
        assert len(_hits(author, "zanzibar")) == 1
        services.delete_message(reply, db.session.get(User, author.id))
        db.session.commit()
        assert _hits(author, "zanzibar") == []
