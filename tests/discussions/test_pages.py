"""The discussion pages as a member uses them: opening a thread (and getting everything back when
the form is refused), replying, quoting, permalinks, editing with the history, deleting, the
accepted answer, moderation, categories kept for co-animators, unread markers and filters."""
from __future__ import annotations

import re

from sqlalchemy import select

from network_space.core.audit import AuditEntry
from network_space.discussions.models import Reply, Thread
from network_space.extensions import db
from tests.helpers import csrf_token


def _post(client, url, data, page=None):
    token = csrf_token(client.get(page or url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def test_open_a_thread_with_tags_territory_and_links(app, client, login_as, category_id, make_user):
    from network_space.accounts.models import Territory

    with app.app_context():
        territory = Territory(name="CC du Trièves (test)", short_name="Trièves", sector="sud")
        db.session.add(territory)
        db.session.commit()
        territory_id = territory.id
    author = login_as("member", full_name="Bruno Vidal")
    category = category_id("Offres et demandes (postes, partenaires, prestataires)")
    response = _post(client, "/discussions/nouvelle", {
        "category_id": category, "kind": "discussion", "title": "Recherche ESAT espaces verts",
        "body": "Une commune cherche un **ESAT**.", "tags": "ESAT, espaces verts, esat", "territory_id": territory_id,
        "links": ""})
    assert response.status_code == 302
    thread_id = int(re.search(r"/discussions/(\d+)$", response.headers["Location"]).group(1))
    page = client.get(f"/discussions/{thread_id}").get_data(as_text=True)
    assert "Discussion publiée." in page
    assert "<h1>Recherche ESAT espaces verts</h1>" in page and "<strong>ESAT</strong>" in page
    assert page.count('class="tag" href="/discussions/?etiquette=') == 2
    assert "Trièves" in page
    with app.app_context():
        thread = db.session.get(Thread, thread_id)
        assert (thread.author_id, thread.category_id, thread.territory_id) == (author.id, category, territory_id)
        assert [t.name for t in thread.tags] == ["esat", "espaces verts"]


def test_a_refused_thread_form_gives_back_everything_typed(client, login_as, category_id):
    login_as("member")
    typed = {"category_id": category_id(), "kind": "question", "title": "Titre\navec retour à la ligne",
             "body": "Un long texte que je ne veux pas retaper.", "tags": "bailleurs, btp",
             "links": "https://ailleurs.example.org/pas/une/page/du/site", "territory_id": 0}
    response = _post(client, "/discussions/nouvelle", typed)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Ce champ tient sur une ligne" in page
    assert "n&#39;est pas l&#39;adresse d&#39;une ressource" in page or "n'est pas l'adresse d'une ressource" in page
    assert "Un long texte que je ne veux pas retaper." in page
    assert 'value="bailleurs, btp"' in page
    assert "https://ailleurs.example.org/pas/une/page/du/site" in page
    assert '<input checked id="kind-1" name="kind" required type="radio" value="question">' in page


def test_links_to_the_site_are_shown_on_both_sides_with_a_discuter_button(app, client, login_as, category_id):
    from network_space.library import services as library
    from network_space.library.models import Category

    author = login_as("member")
    with app.app_context():
        from network_space.accounts.models import User
        from network_space.library.services import ensure_defaults

        ensure_defaults()
        resource = library.create_resource(db.session.get(User, author.id), {
            "kind": "note", "title": "Guide des clauses", "body": "Le guide.", "visibility": "members",
            "category_id": db.session.scalar(select(Category.id).limit(1)), "tags": [], "sector_ids": []})
        db.session.commit()
        resource_id = resource.id
    resource_page = client.get(f"/library/{resource_id}").get_data(as_text=True)
    discuss = re.search(r'href="(/discussions/nouvelle\?lien=[^"]+)">Discuter</a>', resource_page)
    assert discuss, "no Discuter button on the resource page"
    form = client.get(discuss.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert f"/library/{resource_id}</textarea>" in form and "Guide des clauses" in form  # pre-filled, recognised
    response = _post(client, "/discussions/nouvelle", {
        "category_id": category_id(), "kind": "discussion", "title": "Ce guide est-il à jour ?",
        "body": "Question sur le guide.", "links": f"http://localhost/library/{resource_id}", "territory_id": 0},
        page="/discussions/nouvelle")
    thread_url = response.headers["Location"]
    assert f'href="/library/{resource_id}">Guide des clauses</a>' in client.get(thread_url).get_data(as_text=True)
    resource_page = client.get(f"/library/{resource_id}").get_data(as_text=True)
    assert f'href="{thread_url}">Ce guide est-il à jour ?</a>' in resource_page


def test_reply_quote_permalink_and_pages(app, client, login_as, make_user, make_thread, make_reply):
    author = make_user(full_name="Sophie Lambert")
    thread_id = make_thread(author, body="Le texte d'origine\nsur deux lignes")
    for i in range(1, 53):
        make_reply(author, thread_id, f"Réponse numéro {i}")
    login_as("member")
    page = client.get(f"/discussions/{thread_id}?citer=0").get_data(as_text=True)
    # The site's full address: the reply is read in emails too.
    assert ("&gt; Sophie Lambert a écrit ([message initial](%s/discussions/%d/reponses/0)) :\n&gt;\n"
            "&gt; Le texte d&#39;origine\n&gt; sur deux lignes" % (app.config["SITE_URL"], thread_id)) in page
    page = client.get(f"/discussions/{thread_id}?citer=3").get_data(as_text=True)
    assert "&gt; Sophie Lambert a écrit ([message n° 3](%s/discussions/%d/reponses/3)) :" % (
        app.config["SITE_URL"], thread_id) in page
    response = client.get(f"/discussions/{thread_id}/reponses/51")
    assert response.headers["Location"] == f"/discussions/{thread_id}?page=2#reply-51"
    second = client.get(f"/discussions/{thread_id}?page=2").get_data(as_text=True)
    assert 'id="reply-51"' in second and 'id="reply-50"' not in second and "Page 2 sur 2" in second
    assert client.get(f"/discussions/{thread_id}/reponses/99").status_code == 404
    response = _post(client, f"/discussions/{thread_id}/repondre", {"body": "Ma réponse"}, page=f"/discussions/{thread_id}")
    assert response.headers["Location"] == f"/discussions/{thread_id}/reponses/53"
    assert "Ma réponse" in client.get(f"/discussions/{thread_id}?page=2").get_data(as_text=True)


def test_replying_to_a_thread_closed_meanwhile_keeps_the_text(app, client, login_as, make_user, make_thread):
    from network_space.accounts.models import User
    from network_space.discussions import services

    author, coanimator = make_user(), make_user("coanimator")
    thread_id = make_thread(author)
    login_as(author)
    token = csrf_token(client.get(f"/discussions/{thread_id}").get_data(as_text=True))
    with app.app_context():
        services.moderate(db.session.get(Thread, thread_id), db.session.get(User, coanimator.id), "close")
        db.session.commit()
    response = client.post(f"/discussions/{thread_id}/repondre", data={"csrf_token": token,
                                                                      "body": "Ma longue réponse rédigée avant."})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Cette discussion est fermée" in page and "Ma longue réponse rédigée avant." in page


def test_edit_history_and_deletion(app, client, login_as, make_user, make_thread, make_reply):
    author = login_as("member", full_name="Lucie Bernard")
    other = make_user()
    thread_id = make_thread(other)
    number = make_reply(author, thread_id, "Premier jet")
    assert client.get(f"/discussions/{thread_id}/reponses/{number}/modifier").status_code == 200
    response = _post(client, f"/discussions/{thread_id}/reponses/{number}/modifier", {"body": "Version corrigée"})
    assert response.status_code == 302
    page = client.get(f"/discussions/{thread_id}").get_data(as_text=True)
    assert "Version corrigée" in page and "modifié le" in page
    history = client.get(f"/discussions/{thread_id}/reponses/{number}/historique").get_data(as_text=True)
    assert "Premier jet" in history and "par Lucie Bernard" in history
    # Someone else's message: no edit, no delete.
    assert client.get(f"/discussions/{thread_id}/modifier").status_code == 403
    assert _post(client, f"/discussions/{thread_id}/supprimer", {}, page="/discussions/").status_code == 403
    _post(client, f"/discussions/{thread_id}/reponses/{number}/supprimer", {}, page="/discussions/")
    page = client.get(f"/discussions/{thread_id}").get_data(as_text=True)
    assert "Message supprimé" in page and "Version corrigée" not in page
    assert "Premier jet" not in client.get(f"/discussions/{thread_id}/reponses/{number}/historique").get_data(as_text=True)


def test_question_resolved_and_filters(app, client, login_as, make_user, make_thread, make_reply):
    asker = login_as("member")
    helper = make_user(full_name="Claire Dumas")
    resolved = make_thread(asker, title="Question résolue ici", kind="question")
    make_thread(asker, title="Question en attente", kind="question")
    make_thread(asker, title="Simple discussion")
    number = make_reply(helper, resolved, "La bonne réponse")
    response = _post(client, f"/discussions/{resolved}/reponses/{number}/solution", {}, page="/discussions/")
    assert response.status_code == 302
    page = client.get(f"/discussions/{resolved}").get_data(as_text=True)
    assert "Réponse retenue" in page and "Question résolue" in page
    titles = lambda html: re.findall(r'<p class="thread-title"><a href="/discussions/\d+">([^<]+)</a>', html)  # noqa: E731
    assert titles(client.get("/discussions/?statut=questions-resolues").get_data(as_text=True)) == ["Question résolue ici"]
    assert titles(client.get("/discussions/?statut=questions-non-resolues").get_data(as_text=True)) == ["Question en attente"]
    assert titles(client.get("/discussions/?type=discussion").get_data(as_text=True)) == ["Simple discussion"]
    # Only the asker or a co-animator marks the answer.
    login_as("member")
    assert _post(client, f"/discussions/{resolved}/solution/retirer", {}, page="/discussions/").status_code == 403


def test_moderation_by_coanimators_is_audited(app, client, login_as, make_user, make_thread, category_id):
    author = make_user()
    thread_id = make_thread(author, title="À modérer")
    login_as("member")
    assert _post(client, f"/discussions/{thread_id}/moderation", {"action": "hide"}, page="/discussions/").status_code == 403
    coanimator = login_as("coanimator")
    for action in ("pin", "close", "hide"):
        assert _post(client, f"/discussions/{thread_id}/moderation", {"action": action},
                     page="/discussions/").status_code == 302
    response = _post(client, f"/discussions/{thread_id}/deplacer", {"category_id": category_id("Vie du réseau")})
    assert response.status_code == 302
    with app.app_context():
        thread = db.session.get(Thread, thread_id)
        assert (thread.pinned, thread.closed, thread.hidden, thread.category.name) == (True, True, True, "Vie du réseau")
        actions = [e.action for e in db.session.scalars(select(AuditEntry).where(AuditEntry.actor_id == coanimator.id))]
        assert actions == ["discussions.pin", "discussions.close", "discussions.hide", "discussions.move"]
    # Hidden: its author still sees it (with why), other members do not.
    login_as(author)
    assert "La modération a masqué cette discussion" in client.get(f"/discussions/{thread_id}").get_data(as_text=True)
    login_as("member")
    assert client.get(f"/discussions/{thread_id}").status_code == 404
    assert "À modérer" not in client.get("/discussions/").get_data(as_text=True)


def test_coanimator_categories_are_invisible_to_members(app, client, login_as, make_user, make_thread, category_id):
    coanimator = make_user("coanimator")
    thread_id = make_thread(coanimator, category="Co-animation", title="Entre co-animateurs")
    login_as("member")
    assert client.get(f"/discussions/{thread_id}").status_code == 404
    assert client.get(f"/discussions/{thread_id}/reponses/0").status_code == 404
    listing = client.get("/discussions/").get_data(as_text=True)
    assert "Entre co-animateurs" not in listing and "Co-animation" not in listing
    assert "Entre co-animateurs" not in client.get(f"/discussions/?categorie={category_id('Co-animation')}").get_data(as_text=True)
    new = client.get("/discussions/nouvelle").get_data(as_text=True)
    assert "Co-animation" not in new
    login_as("coanimator")
    assert "Entre co-animateurs" in client.get("/discussions/").get_data(as_text=True)


def test_unread_markers_and_mark_all_read(app, client, login_as, make_user, make_thread, make_reply):
    from datetime import timedelta

    from network_space.accounts.models import User
    from network_space.core.models import utcnow

    author = make_user()
    reader = login_as("member")
    with app.app_context():  # the reader joined before these threads
        db.session.get(User, reader.id).created_at = utcnow() - timedelta(days=30)
        db.session.commit()
    read_id = make_thread(author, title="Fil lu")
    fresh_id = make_thread(author, title="Fil tout neuf")
    client.get(f"/discussions/{read_id}")  # opened: read
    for _ in range(3):
        make_reply(author, read_id)
    listing = client.get("/discussions/").get_data(as_text=True)
    assert re.search(r'Fil tout neuf</a>\s*<span class="status status-wait unread-marker">Nouveau</span>', listing)
    assert f'href="/discussions/{read_id}/reponses/1">3 nouvelles réponses</a>' in listing
    unread = client.get("/discussions/?non_lus=1").get_data(as_text=True)
    assert "Fil tout neuf" in unread and "Fil lu" in unread
    page = client.get(f"/discussions/{read_id}").get_data(as_text=True)
    assert re.search(r'id="premier-non-lu"><span>Nouveaux messages</span></p>\s*<article[^>]*id="reply-1"', page)
    assert "Fil lu" not in client.get("/discussions/?non_lus=1").get_data(as_text=True)
    _post(client, "/discussions/tout-lu", {}, page="/discussions/")
    assert "Vous avez tout lu." in client.get("/discussions/?non_lus=1").get_data(as_text=True)
    make_reply(author, fresh_id)
    make_reply(author, read_id)
    unread = client.get("/discussions/?non_lus=1").get_data(as_text=True)
    # Only what came after "tout lu" is new, in the thread opened before it and in the one never opened.
    assert f'href="/discussions/{fresh_id}/reponses/1">1 nouvelle réponse</a>' in unread
    assert f'href="/discussions/{read_id}/reponses/4">1 nouvelle réponse</a>' in unread


def test_list_filters_sort_and_pagination(app, client, login_as, make_user, make_thread, make_reply):
    author = make_user()
    ids = [make_thread(author, title=f"Fil {i:02d}", tags=["btp"] if i % 2 else []) for i in range(35)]
    make_reply(author, ids[0])  # the oldest thread becomes the latest activity
    login_as("member")
    first = client.get("/discussions/").get_data(as_text=True)
    titles = re.findall(r'<p class="thread-title"><a href="/discussions/\d+">([^<]+)</a>', first)
    assert titles[:2] == ["Fil 00", "Fil 34"] and len(titles) == 30
    assert "35 discussions" in first and "Page 1 sur 2" in first
    newest = re.findall(r'<p class="thread-title"><a href="/discussions/\d+">([^<]+)</a>',
                        client.get("/discussions/?tri=recentes").get_data(as_text=True))
    assert newest[0] == "Fil 34"
    tagged = client.get("/discussions/?etiquette=BTP").get_data(as_text=True)
    assert "17 discussions" in tagged
    second = client.get("/discussions/?page=2").get_data(as_text=True)
    assert len(re.findall(r'class="thread-title"', second)) == 5 and "Page 2 sur 2" in second


def test_dashboard_panel_and_navigation(app, client, login_as, make_user, make_thread):
    author = make_user()
    make_thread(author, title="Sujet du tableau de bord")
    login_as("member")
    page = client.get("/").get_data(as_text=True)
    assert "Discussions récentes" in page and "Sujet du tableau de bord" in page
    assert 'href="/discussions/"' in page


def test_category_admin(app, client, login_as):
    login_as("member")
    assert client.get("/discussions/categories").status_code == 403
    login_as("admin")
    response = _post(client, "/discussions/categories", {"name": "Groupe bailleurs", "description": "GT bailleurs",
                                                         "coanimators_only": "y", "active": "y"})
    assert response.status_code == 302
    page = client.get("/discussions/categories").get_data(as_text=True)
    assert "Groupe bailleurs" in page and "GT bailleurs" in page
    refused = _post(client, "/discussions/categories", {"name": "Vie du réseau", "active": "y"})
    assert refused.status_code == 400 and "Une catégorie porte déjà ce nom." in refused.get_data(as_text=True)
    assert 'value="Vie du réseau"' in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.detail == "Groupe bailleurs")) \
            == "discussions.category_add"
        assert db.session.scalar(select(Reply.id)) is None


def test_discuter_on_events_and_meetings_and_private_meetings_stay_private(app, client, login_as, make_user,
                                                                           make_thread, category_id):
    from datetime import timedelta

    from network_space.core.models import utcnow
    from network_space.events.models import Event
    from network_space.meetings.models import Meeting

    start = utcnow() + timedelta(days=20)
    with app.app_context():
        event = Event(title="Forum de l'emploi de Voiron", kind="forum", starts_at=start,
                      ends_at=start + timedelta(hours=2), status="planned", sequence=0)
        meeting = Meeting(title="Plénière de printemps", status="scheduled", starts_at=start,
                          ends_at=start + timedelta(hours=2))
        private = Meeting(title="Comité restreint", status="scheduled", private=True, starts_at=start,
                          ends_at=start + timedelta(hours=2))
        db.session.add_all([event, meeting, private])
        db.session.commit()
        event_id, meeting_id, private_id = event.id, meeting.id, private.id
    author = make_user("admin")  # sees the private meeting too
    thread_id = make_thread(author, title="Préparer le forum et la plénière", links=[
        ("event", event_id), ("meeting", meeting_id), ("meeting", private_id)])
    login_as("member")
    for url, title in ((f"/events/{event_id}", "Forum de l&#39;emploi de Voiron"),
                       (f"/meetings/{meeting_id}", "Plénière de printemps")):
        page = client.get(url).get_data(as_text=True)
        assert f'href="/discussions/{thread_id}">Préparer le forum et la plénière</a>' in page, url
        assert re.search(r'href="/discussions/nouvelle\?lien=[^"]+">Discuter</a>', page), url
    thread_page = client.get(f"/discussions/{thread_id}").get_data(as_text=True)
    assert "Plénière de printemps" in thread_page and "Comité restreint" not in thread_page
    # A member who may not see a meeting cannot link a new thread to it either.
    refused = _post(client, "/discussions/nouvelle", {
        "category_id": category_id(), "kind": "discussion", "title": "Sur le comité", "body": "Texte",
        "links": f"/meetings/{private_id}", "territory_id": 0})
    assert refused.status_code == 400 and "introuvable, ou vous n&#39;y avez pas accès" in refused.get_data(as_text=True)
