"""The writes of the discussions, through the services that the pages and the inbound email
command share: numbering, the refusals (with their French reasons), edit history, soft deletion,
answers to questions, moderation in the audit log, read markers."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from network_space.accounts.models import User
from network_space.core.audit import AuditEntry
from network_space.discussions import services
from network_space.discussions.models import DiscussionCategory, ReadState, Reply, Revision, Thread
from network_space.discussions.services import DiscussionError
from network_space.extensions import db


def _thread(thread_id) -> Thread:
    return db.session.get(Thread, thread_id)


def _user(user) -> User:
    return db.session.get(User, user.id)


def test_replies_are_numbered_in_order_and_counted(app, make_user, make_thread, make_reply):
    author, other = make_user(), make_user()
    thread_id = make_thread(author)
    assert [make_reply(other, thread_id, f"Réponse {i}") for i in range(1, 4)] == [1, 2, 3]
    with app.app_context():
        thread = _thread(thread_id)
        assert (thread.last_number, thread.reply_count, thread.last_author_id) == (3, 3, other.id)
        assert [r.body for r in db.session.scalars(select(Reply).where(Reply.thread_id == thread_id)
                                                   .order_by(Reply.number))] == ["Réponse 1", "Réponse 2", "Réponse 3"]


def test_concurrent_replies_get_distinct_numbers(app, make_user, make_thread):
    """Two members reply at the same moment, each in their own session and transaction."""
    author = make_user()
    writers = [make_user() for _ in range(4)]
    thread_id = make_thread(author)
    start, errors = threading.Barrier(len(writers)), []

    def write(writer):
        with app.app_context():
            try:
                thread = _thread(thread_id)
                start.wait(10)
                services.post_reply(thread, _user(writer), f"Réponse de {writer.full_name}")
                db.session.commit()
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)

    workers = [threading.Thread(target=write, args=(w,)) for w in writers]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
    assert not errors
    with app.app_context():
        numbers = sorted(db.session.scalars(select(Reply.number).where(Reply.thread_id == thread_id)))
        assert numbers == [1, 2, 3, 4]
        assert _thread(thread_id).reply_count == 4


@pytest.mark.parametrize("source", ["web", "email"])
def test_reply_refusals_say_why_in_french(app, make_user, make_thread, source):
    author, member, coanimator = make_user(), make_user(), make_user("coanimator")
    thread_id = make_thread(author)
    with app.app_context():
        thread = _thread(thread_id)
        services.moderate(thread, _user(coanimator), "close")
        db.session.commit()
        with pytest.raises(DiscussionError, match="fermée"):
            services.post_reply(thread, _user(member), "Encore une chose", source=source)
        db.session.rollback()
        services.moderate(thread, _user(coanimator), "reopen")
        services.moderate(thread, _user(coanimator), "hide")
        db.session.commit()
        with pytest.raises(DiscussionError, match="masquée"):
            services.post_reply(thread, _user(author), "Pourquoi ?", source=source)
        db.session.rollback()
        with pytest.raises(DiscussionError, match="n'existe pas ou ne vous est pas accessible"):
            services.post_reply(thread, _user(member), "Je ne la vois pas", source=source)
        db.session.rollback()
        services.moderate(thread, _user(coanimator), "unhide")
        _user(member).active = False
        db.session.commit()
        with pytest.raises(DiscussionError, match="désactivé"):
            services.post_reply(thread, _user(member), "Depuis mon ancien compte", source=source)
        db.session.rollback()
        with pytest.raises(DiscussionError, match="Écrivez votre réponse"):
            services.post_reply(thread, _user(author), "   \n ", source=source)
        db.session.rollback()
        assert db.session.scalar(select(Reply.id).where(Reply.thread_id == thread_id)) is None
        reply = services.post_reply(thread, _user(author), "Réponse acceptée", source=source)
        db.session.commit()
        assert reply.source == source


def test_reply_in_a_thread_closed_meanwhile_is_refused(app, make_user, make_thread):
    """The thread was loaded open; another request closes it before the reply is written: the
    UPDATE that numbers the reply sees the closing and nothing is posted."""
    author, coanimator = make_user(), make_user("coanimator")
    thread_id = make_thread(author)
    with app.app_context():
        stale = _thread(thread_id)
        with app.app_context():  # another request, its own session
            services.moderate(_thread(thread_id), _user(coanimator), "close")
            db.session.commit()
        assert stale.closed is False  # what this request still believes
        with pytest.raises(DiscussionError, match="fermée"):
            services.post_reply(stale, _user(author), "Trop tard ?")
        db.session.rollback()
        assert _thread(thread_id).last_number == 0
        assert db.session.scalar(select(Reply.id).where(Reply.thread_id == thread_id)) is None


def test_coanimator_categories_refuse_members(app, make_user, category_id):
    member = make_user()
    with app.app_context():
        restricted = db.session.get(DiscussionCategory, category_id("Co-animation"))
        with pytest.raises(DiscussionError):
            services.create_thread(_user(member), services.ThreadData(title="Titre", body="Texte", category=restricted))


def test_writeups_only_where_the_category_accepts_them(app, make_user, category_id):
    member = make_user()
    with app.app_context():
        questions = db.session.get(DiscussionCategory, category_id("Questions et entraide"))
        with pytest.raises(DiscussionError, match="Retours d'expérience") as refused:
            services.create_thread(_user(member), services.ThreadData(
                title="Fiche", body="Texte", category=questions, kind="writeup", writeup={"context": "Un chantier"}))
        assert refused.value.field == "kind"


def test_edits_keep_the_previous_text_and_who_changed_it(app, make_user, make_thread, make_reply):
    author, replier, coanimator = make_user(), make_user(), make_user("coanimator")
    thread_id = make_thread(author, title="Titre d'origine", body="Texte d'origine")
    make_reply(replier, thread_id, "Première version")
    with app.app_context():
        thread = _thread(thread_id)
        services.update_thread(thread, _user(author), services.ThreadData(title="Titre corrigé", body="Texte corrigé"))
        reply = db.session.scalar(select(Reply).where(Reply.thread_id == thread_id))
        services.edit_reply(reply, _user(replier), "Deuxième version")
        services.edit_reply(reply, _user(coanimator), "Troisième version (lien réparé)")
        services.edit_reply(reply, _user(coanimator), "Troisième version (lien réparé)")  # unchanged: no revision
        db.session.commit()
        revisions = db.session.scalars(select(Revision).order_by(Revision.id)).all()
        assert [(r.reply_id is None, r.editor_id, r.title, r.body) for r in revisions] == [
            (True, author.id, "Titre d'origine", "Texte d'origine"),
            (False, replier.id, None, "Première version"),
            (False, coanimator.id, None, "Deuxième version"),
        ]
        assert thread.edited_at is not None and reply.edited_at is not None


def test_deletion_leaves_message_supprime_and_erases_the_text_and_history(app, make_user, make_thread, make_reply):
    author, replier = make_user(), make_user()
    thread_id = make_thread(author, kind="question")
    number = make_reply(replier, thread_id, "Mon numéro : 06 00 00 00 00")
    make_reply(author, thread_id, "Merci !")
    with app.app_context():
        thread = _thread(thread_id)
        reply = db.session.scalar(select(Reply).where(Reply.thread_id == thread_id, Reply.number == number))
        services.edit_reply(reply, _user(replier), "Mon numéro : 06 11 11 11 11")
        services.accept_answer(thread, reply, _user(author))
        db.session.commit()
        services.delete_message(reply, _user(replier))
        db.session.commit()
        assert reply.deleted and reply.body == "" and reply.deleted_by_id == replier.id
        assert db.session.scalar(select(Revision.id).where(Revision.reply_id == reply.id)) is None
        assert thread.answer_number is None  # a deleted reply is no answer
        assert (thread.reply_count, thread.last_number) == (1, 2)  # numbers are never reused
        actions = [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
        assert "discussions.delete" in actions


def test_one_accepted_answer_per_question(app, make_user, make_thread, make_reply):
    author, a, b = make_user(), make_user(), make_user()
    thread_id = make_thread(author, kind="question")
    first, second = make_reply(a, thread_id, "Peut-être ceci"), make_reply(b, thread_id, "Sûrement cela")
    with app.app_context():
        thread = _thread(thread_id)
        replies = {r.number: r for r in db.session.scalars(select(Reply).where(Reply.thread_id == thread_id))}
        services.accept_answer(thread, replies[first], _user(author))
        services.accept_answer(thread, replies[second], _user(author))
        db.session.commit()
        assert thread.answer_number == second and thread.resolved
        services.clear_answer(thread, _user(author))
        db.session.commit()
        assert not thread.resolved
    discussion_id = make_thread(author, kind="discussion")
    with app.app_context():
        number = services.post_reply(_thread(discussion_id), _user(a), "Réponse").number
        reply = db.session.scalar(select(Reply).where(Reply.thread_id == discussion_id, Reply.number == number))
        with pytest.raises(DiscussionError, match="question"):
            services.accept_answer(_thread(discussion_id), reply, _user(author))


def test_moderation_and_moves_are_audited(app, make_user, make_thread, category_id):
    author, coanimator = make_user(), make_user("coanimator")
    thread_id = make_thread(author, title="Sujet à ranger")
    with app.app_context():
        thread, actor = _thread(thread_id), _user(coanimator)
        for action in ("pin", "pin", "close", "hide", "unhide", "reopen", "unpin"):
            services.moderate(thread, actor, action)
        services.move_thread(thread, actor, db.session.get(DiscussionCategory, category_id("Vie du réseau")))
        db.session.commit()
        entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        assert [e.action for e in entries] == [
            "discussions.pin", "discussions.close", "discussions.hide", "discussions.unhide", "discussions.reopen",
            "discussions.unpin", "discussions.move"]
        assert all(e.actor_id == coanimator.id and e.target == f"thread:{thread_id}" for e in entries)
        assert entries[-1].detail == "Sujet à ranger : Questions et entraide → Vie du réseau"
        with pytest.raises(DiscussionError, match="Action de modération inconnue"):
            services.moderate(thread, actor, "drop table")


def test_a_writeup_cannot_be_moved_where_writeups_are_not_accepted(app, make_user, make_thread, category_id):
    author, coanimator = make_user(), make_user("coanimator")
    thread_id = make_thread(author, category="Retours d'expérience", kind="writeup",
                            writeup={"context": "Un chantier de 40 logements"})
    with app.app_context():
        with pytest.raises(DiscussionError, match="fiche"):
            services.move_thread(_thread(thread_id), _user(coanimator),
                                 db.session.get(DiscussionCategory, category_id("Vie du réseau")))


def test_read_markers_only_move_forward(app, make_user, make_thread, make_reply):
    author, reader = make_user(), make_user()
    thread_id = make_thread(author)
    for _ in range(5):
        make_reply(author, thread_id)
    with app.app_context():
        thread, user = _thread(thread_id), _user(reader)
        services.mark_read(user, thread, 4)
        services.mark_read(user, thread, 2)  # an older page opened in another tab
        db.session.commit()
        state = db.session.get(ReadState, (reader.id, thread_id))
        assert state.last_number == 4


def test_category_names_are_unique_and_writeups_stay_where_they_are(app, make_user, make_thread, category_id):
    admin, author = make_user("admin"), make_user()
    make_thread(author, category="Retours d'expérience", kind="writeup", writeup={"context": "Contexte"})
    with app.app_context():
        with pytest.raises(DiscussionError, match="porte déjà ce nom"):
            services.save_category(None, _user(admin), name="Vie  du   réseau", description="", coanimators_only=False,
                                   writeups=False, active=True)
        db.session.rollback()
        writeups = db.session.get(DiscussionCategory, category_id("Retours d'expérience"))
        with pytest.raises(DiscussionError, match="déplacez-les"):
            services.save_category(writeups, _user(admin), name=writeups.name, description=None,
                                   coanimators_only=False, writeups=False, active=True)


def test_links_that_are_not_pages_of_the_site_are_refused(app, make_user):
    from network_space.discussions.links import LinkError, parse_links

    with app.test_request_context():
        for text in ("http://[::1", "javascript:alert(1)", "/library/abc", "/library/99999999999999",
                     "/discussions/1", "https://ailleurs.example.org/library/3x"):
            with pytest.raises(LinkError):
                parse_links(text)
        assert parse_links("https://reseau.example.org/library/3\n/events/4 /library/3") == [
            ("library_resource", 3), ("event", 4)]
        with pytest.raises(LinkError, match="10 liens au maximum"):
            parse_links(" ".join(f"/library/{n}" for n in range(1, 12)))


def test_a_title_is_one_line_whoever_writes_it(app, make_user, category_id):
    member = make_user()
    with app.app_context():
        with pytest.raises(DiscussionError, match="tient sur une ligne") as refused:
            services.create_thread(_user(member), services.ThreadData(
                title="Objet\r\nBcc: tout@example.org", body="Texte",
                category=db.session.get(DiscussionCategory, category_id())))
        assert refused.value.field == "title"
