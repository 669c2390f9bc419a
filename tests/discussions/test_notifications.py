"""What members hear from the discussions, through notify() and their preference for the
"Discussions" category, checked on the messages the real SMTP server received: replies in
followed threads (the author follows; replying follows), new threads in followed categories,
mentions (told once), the accepted answer; never about what they may not see."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from network_space.accounts.models import User
from network_space.core.models import utcnow
from network_space.discussions import services
from network_space.discussions.models import DiscussionCategory, Reply, Thread
from network_space.extensions import db
from network_space.notifications.models import Notification
from network_space.core.outbox import deliver_pending
from network_space.notifications.services import follow, is_following, set_preference


def _told(kind=None) -> dict[int, list[str]]:
    """user id -> kinds of the notifications they received, in order."""
    query = select(Notification).order_by(Notification.id)
    if kind:
        query = query.where(Notification.kind == kind)
    told: dict[int, list[str]] = {}
    for n in db.session.scalars(query):
        told.setdefault(n.user_id, []).append(n.kind)
    return told


def _user(user) -> User:
    return db.session.get(User, user.id)


def test_a_reply_is_emailed_to_followers_with_its_text(app, smtp, make_user, make_thread, make_reply):
    author = make_user(full_name="Sophie Lambert")
    replier = make_user(full_name="Julien Moreau")
    thread_id = make_thread(author, title="Heures GEIQ : on les compte ?", body="Question de départ")
    make_reply(replier, thread_id, "Nous comptons **seulement** les heures travaillées.\n\n- sur le chantier\n- hors formation")
    with app.app_context():
        thread = db.session.get(Thread, thread_id)
        assert is_following(_user(author), thread) and is_following(_user(replier), thread)
        assert _told() == {author.id: ["discussions.reply"]}  # not the replier about their own reply
        assert deliver_pending().sent == 1
    [message] = smtp.to(author.email)
    assert message["Subject"] == "Re: [Questions et entraide] Heures GEIQ : on les compte ?"
    assert message["References"] == f"<discussion-{thread_id}@localhost>"
    assert message["In-Reply-To"] == f"<discussion-{thread_id}@localhost>"
    text = message.get_body(("plain",)).get_content()
    assert "Julien Moreau a écrit :" in text
    assert "Nous comptons **seulement** les heures travaillées." in text and "- hors formation" in text
    assert f"http://localhost/discussions/{thread_id}/reponses/1" in text
    html = message.get_body(("html",)).get_content()
    assert "<strong>seulement</strong>" in html and "<li>hors formation</li>" in html
    assert message["List-Unsubscribe"].startswith("<http://localhost/notifications/unsubscribe/")


def test_the_notification_centre_shows_a_reply_s_own_words(app, make_user, make_thread, make_reply):
    """The excerpt under a notification is the reply as read, not its Markdown, and not what it
    quotes (the recipient's own words, when the reply quotes them)."""
    author, replier = make_user(full_name="Sophie Lambert"), make_user(full_name="Julien Moreau")
    thread_id = make_thread(author, body="Comptez-vous les heures de formation ?")
    make_reply(replier, thread_id, "> Sophie Lambert a écrit ([message initial](http://localhost/discussions/1/reponses/0)) :\n"
                                   ">\n> Comptez-vous les heures de formation ?\n\nNon, **seulement** les heures travaillées.")
    with app.app_context():
        [notice] = db.session.scalars(select(Notification).where(Notification.user_id == author.id)).all()
        assert notice.context["message"] == "Non, seulement les heures travaillées."


@pytest.mark.parametrize(("channel", "rows", "emails"),
                         [("immediate", 1, 1), ("daily", 1, 0), ("site", 1, 0), ("none", 0, 0)])
def test_preferences_of_the_discussions_category_are_respected(app, smtp, make_user, make_thread, make_reply,
                                                                channel, rows, emails):
    author, replier = make_user(), make_user()
    with app.app_context():
        set_preference(_user(author), "discussions", channel)
        db.session.commit()
    thread_id = make_thread(author)
    make_reply(replier, thread_id)
    with app.app_context():
        stored = list(db.session.scalars(select(Notification).where(Notification.user_id == author.id)))
        assert len(stored) == rows
        assert all(n.channel == channel and n.category == "discussions" for n in stored)
        deliver_pending()
    assert len(smtp.messages) == emails


def test_the_daily_digest_carries_discussion_replies(app, smtp, make_user, make_thread, make_reply):
    from network_space.notifications.digests import send_digests

    author, replier = make_user(), make_user()
    with app.app_context():
        set_preference(_user(author), "discussions", "daily")
        db.session.commit()
    thread_id = make_thread(author, title="Outil de suivi des heures")
    make_reply(replier, thread_id)
    with app.app_context():
        assert send_digests("daily", now=utcnow() + timedelta(days=1)) == 1
        deliver_pending()
    [message] = smtp.to(author.email)
    text = message.get_body(("plain",)).get_content()
    assert "Discussions" in text and "Outil de suivi des heures" in text


def test_a_mention_is_told_once_and_the_mentioned_may_view(app, smtp, make_user, make_thread, make_reply):
    author = make_user(full_name="Camille Arnaud")
    follower = make_user(full_name="Yannick Blanc")
    mentioned = make_user(full_name="Aurélie Caron")
    member = make_user(full_name="Karim Haddad")
    thread_id = make_thread(author)
    with app.app_context():
        follow(_user(follower), db.session.get(Thread, thread_id))
        follow(_user(mentioned), db.session.get(Thread, thread_id))
        db.session.commit()
    make_reply(member, thread_id, "@aurelie.caron et @Yannick Blanc : vous étiez au chantier ?\n\n"
                                  "> @Camille Arnaud a écrit : une question")
    with app.app_context():
        told = _told()
        assert told[mentioned.id] == ["discussions.mention"]  # mentioned and following: one notice
        assert told[follower.id] == ["discussions.mention"]
        assert told[author.id] == ["discussions.reply"]  # only quoted: a reply notice, no mention
        deliver_pending()
    [message] = smtp.to(mentioned.email)
    assert "Vous êtes mentionné·e" in message.get_body(("plain",)).get_content()


def test_an_edit_tells_only_the_newly_mentioned(app, make_user, make_thread, make_reply):
    author, first, second = make_user(), make_user(full_name="Inès Garnier"), make_user(full_name="Bruno Vidal")
    thread_id = make_thread(author)
    number = make_reply(author, thread_id, "Merci @ines.garnier")
    with app.app_context():
        reply = db.session.scalar(select(Reply).where(Reply.thread_id == thread_id, Reply.number == number))
        services.edit_reply(reply, _user(author), "Merci @ines.garnier et @bruno.vidal")
        db.session.commit()
        told = _told("discussions.mention")
    assert told == {first.id: ["discussions.mention"], second.id: ["discussions.mention"]}


def test_new_threads_in_a_followed_category(app, make_user, make_thread, category_id):
    follower, other, author = make_user(), make_user(), make_user()
    with app.app_context():
        follow(_user(follower), db.session.get(DiscussionCategory, category_id("Vie du réseau")))
        db.session.commit()
    make_thread(author, category="Vie du réseau", title="Covoiturage")
    make_thread(author, category="Questions et entraide", title="Autre chose")
    with app.app_context():
        assert _told() == {follower.id: ["discussions.new_thread"]}
        assert other.id not in _told()


def test_followers_hear_nothing_of_what_they_may_not_see(app, make_user, make_thread, make_reply, category_id):
    member, coanimator, other = make_user(), make_user("coanimator"), make_user("coanimator")
    with app.app_context():
        follow(_user(member), db.session.get(DiscussionCategory, category_id("Co-animation")))
        db.session.commit()
    thread_id = make_thread(coanimator, category="Co-animation", title="Bilan : calendrier",
                            body="@" + member.full_name + " tu peux regarder ?")
    make_reply(other, thread_id, "Bien sûr")
    with app.app_context():
        assert member.id not in _told()
    # A hidden thread: its followers are not told of the moderators' replies.
    open_id = make_thread(member, title="Sujet public")
    with app.app_context():
        follow(_user(other), db.session.get(Thread, open_id))
        services.moderate(db.session.get(Thread, open_id), _user(coanimator), "hide")
        db.session.commit()
        count = len(_told().get(member.id, []))
        with pytest.raises(services.DiscussionError):
            services.post_reply(db.session.get(Thread, open_id), _user(other), "Réponse")
        db.session.rollback()
        assert len(_told().get(member.id, [])) == count


def test_the_author_of_the_accepted_answer_is_told(app, make_user, make_thread, make_reply):
    author, helper = make_user(), make_user()
    thread_id = make_thread(author, kind="question")
    number = make_reply(helper, thread_id, "Voici la réponse")
    with app.app_context():
        thread = db.session.get(Thread, thread_id)
        reply = db.session.scalar(select(Reply).where(Reply.thread_id == thread_id, Reply.number == number))
        services.accept_answer(thread, reply, _user(author))
        db.session.commit()
        assert _told("discussions.answer") == {helper.id: ["discussions.answer"]}
