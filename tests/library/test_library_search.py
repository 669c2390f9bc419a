"""The library page and the site-wide search over resources: relevance, facets that combine,
snippets, suggestions, permissions re-checked against the database, bounded SQL."""
import pytest

from network_space.extensions import db
from network_space.library import samples
from tests.helpers import count_queries, csrf_token

# Every test here runs against each search engine.
pytestmark = pytest.mark.usefixtures("search_backend")


def titles(html, candidates):
    return [t for t in candidates if t in html]


def test_empty_query_lists_newest_first_and_facets_combine(client, login_as, make_user, add_resource, app):
    author = make_user("member", full_name="Léa Bonnet")
    add_resource(author, "Guide des facilitateurs", tags=["bailleurs", "btp"], category="Guides et méthodes")
    add_resource(author, "Modèle de clause pour les bailleurs", tags=["bailleurs"], category="Modèles de clauses")
    add_resource(author, "Tableau de suivi des heures", tags=["suivi"], category="Outils de suivi")
    login_as("member")
    html = client.get("/library/").get_data(as_text=True)
    assert html.index("Tableau de suivi des heures") < html.index("Modèle de clause pour les bailleurs") < html.index("Guide des facilitateurs")
    assert "3 ressources" in html
    assert '<option value="date" selected>' in html  # the sort says what the list does
    assert '<option value="relevance" selected>' in client.get("/library/?q=bailleurs").get_data(as_text=True)
    html = client.get("/library/?tag=bailleurs").get_data(as_text=True)
    assert titles(html, ["Guide des facilitateurs", "Modèle de clause pour les bailleurs", "Tableau de suivi"]) == \
        ["Guide des facilitateurs", "Modèle de clause pour les bailleurs"]
    html = client.get("/library/?tag=bailleurs&category=Mod%C3%A8les+de+clauses").get_data(as_text=True)
    assert titles(html, ["Guide des facilitateurs", "Modèle de clause pour les bailleurs"]) == ["Modèle de clause pour les bailleurs"]
    assert "1 ressource" in html
    # Values of one facet are alternatives.
    html = client.get("/library/?tag=suivi&tag=btp").get_data(as_text=True)
    assert titles(html, ["Guide des facilitateurs", "Modèle de clause", "Tableau de suivi"]) == ["Guide des facilitateurs", "Tableau de suivi"]


def test_french_query_forms_and_snippets_from_file_text(client, login_as, make_user, add_resource):
    author = make_user("member")
    pdf = samples.make_pdf(["Compte rendu des Événements de l'assemblée générale du réseau en Isère.",
                            "Les facilitateurs ont présenté le bilan des heures."])
    add_resource(author, "Compte rendu annuel", file=("cr.pdf", pdf))
    login_as("member")
    for query in ("evenement", "Isere", "assemblee", "facilitateur", "heure", '"assemblée générale"'):
        html = client.get("/library/", query_string={"q": query}).get_data(as_text=True)
        assert "Compte rendu annuel" in html, query
    html = client.get("/library/?q=facilitateur").get_data(as_text=True)
    assert '<mark class="match term0">facilitateurs</mark>' in html


def test_title_ranks_above_body(client, login_as, make_user, add_resource):
    author = make_user("member")
    add_resource(author, "Note diverse", body="Un mot sur la restauration collective parmi d'autres.")
    add_resource(author, "Restauration collective : clauses types", body="Modèle.")
    login_as("member")
    html = client.get("/library/?q=restauration").get_data(as_text=True)
    assert html.index("Restauration collective : clauses types") < html.index("Note diverse")
    html = client.get("/library/?q=restauration&sort=date").get_data(as_text=True)
    assert html.index("Restauration collective : clauses types") < html.index("Note diverse")


def test_did_you_mean(client, login_as, make_user, add_resource):
    author = make_user("member")
    add_resource(author, "Guide de l'insertion professionnelle")
    login_as("member")
    html = client.get("/library/?q=insertoin").get_data(as_text=True)
    assert "Vouliez-vous dire" in html and "insertion" in html


@pytest.mark.parametrize("q", ['"unbalanced', "AND", "*", "OR OR", "NOT", "fac*", "(", "l'", "a" * 400])
def test_malformed_queries_answer(client, login_as, make_user, add_resource, q):
    add_resource(make_user("member"), "Guide")
    login_as("member")
    response = client.get("/library/", query_string={"q": q, "page": "-3", "sort": "nope", "year": "x"})
    assert response.status_code == 200


def test_coanimator_only_resources_never_reach_members(client, login_as, make_user, add_resource, app):
    coanimator = make_user("coanimator")
    secret_id = add_resource(coanimator, "Note confidentielle sur les bailleurs", visibility="coanimators",
                             body="Négociation en cours.")
    add_resource(coanimator, "Guide public sur les bailleurs")
    login_as("member")
    for url in ("/library/?q=bailleurs", "/library/", "/search?q=bailleurs", "/library/?q=negociation"):
        html = client.get(url).get_data(as_text=True)
        assert "confidentielle" not in html, url
    assert client.get(f"/library/{secret_id}").status_code == 403
    login_as(coanimator)
    assert "Note confidentielle" in client.get("/library/?q=bailleurs").get_data(as_text=True)
    assert client.get(f"/library/{secret_id}").status_code == 200


def test_restriction_and_deletion_leave_results_at_once(client, login_as, make_user, add_resource, app):
    from network_space.library.models import Resource

    coanimator = make_user("coanimator")
    resource_id = add_resource(coanimator, "Cahier des charges nettoyage")
    member = make_user("member")
    login_as(member)
    assert "Cahier des charges nettoyage" in client.get("/library/?q=nettoyage").get_data(as_text=True)
    login_as(coanimator)
    page = client.get(f"/library/{resource_id}/edit").get_data(as_text=True)
    from tests.library.test_uploads import category_id

    response = client.post(f"/library/{resource_id}/edit", data={
        "csrf_token": csrf_token(page), "title": "Cahier des charges nettoyage", "category_id": str(category_id(app)),
        "territory_id": "0", "visibility": "coanimators", "clause_mechanism": "", "buyer_type": "",
        "body": "Une note.",
    })
    assert response.status_code == 302
    login_as(member)
    assert "Cahier des charges nettoyage" not in client.get("/library/?q=nettoyage").get_data(as_text=True)
    # Even with a stale index (the change bypassing the queue), the database decides.
    with app.app_context():
        db.session.execute(db.update(Resource).values(visibility="members"))
        db.session.commit()
    assert "Cahier des charges nettoyage" not in client.get("/library/?q=nettoyage").get_data(as_text=True)
    login_as(coanimator)
    page = client.get(f"/library/{resource_id}").get_data(as_text=True)
    assert client.post(f"/library/{resource_id}/delete", data={"csrf_token": csrf_token(page)}).status_code == 302
    assert "Cahier des charges nettoyage" not in client.get("/library/?q=nettoyage").get_data(as_text=True)
    assert client.get(f"/library/{resource_id}").status_code == 404


def test_members_may_not_edit_others_resources(client, login_as, make_user, add_resource):
    resource_id = add_resource(make_user("member"), "Guide")
    login_as("member")
    assert client.get(f"/library/{resource_id}/edit").status_code == 403
    page = client.get(f"/library/{resource_id}").get_data(as_text=True)
    assert client.post(f"/library/{resource_id}/delete", data={"csrf_token": csrf_token(page)}).status_code == 403


def test_library_page_query_count_is_bounded(client, login_as, make_user, add_resource, app):
    author = make_user("member")
    for i in range(3):
        add_resource(author, f"Ressource {i}", tags=[f"t{i}", "commun"])
    login_as("member")
    client.get("/library/?q=ressource&sort=date")
    with count_queries(app) as few:
        client.get("/library/?q=ressource&sort=date")
    for i in range(3, 25):
        add_resource(author, f"Ressource {i}", tags=[f"t{i}", "commun"])
    with count_queries(app) as many:
        assert "Ressource 24" in client.get("/library/?q=ressource&sort=date").get_data(as_text=True)
    assert many.count == few.count, many


@pytest.mark.search_backends("whoosh")
def test_index_missing_the_library_still_lists(client, login_as, make_user, add_resource, app):
    from network_space.search.index import remove_index

    add_resource(make_user("member"), "Guide des clauses", tags=["marchés", "insertion"])
    login_as("member")
    with app.app_context():
        remove_index()
    html = client.get("/library/?q=guide").get_data(as_text=True)
    assert "index en cours de reconstruction" in html and "Guide des clauses" in html
    assert html.count("Guide des clauses") == 1 and '<span class="tag">insertion</span>' in html


def test_comments_notify_author_and_followers_and_counts(client, login_as, make_user, add_resource, app):
    from network_space.library.models import Resource
    from network_space.notifications.models import Notification
    from network_space.notifications.services import follow

    author = make_user("member", full_name="Autrice")
    follower = make_user("member", full_name="Suiveur")
    resource_id = add_resource(author, "Guide des marchés réservés")
    with app.app_context():
        follow(follower, db.session.get(Resource, resource_id))
        db.session.commit()
    commenter = login_as("member", full_name="Commentatrice")
    page = client.get(f"/library/{resource_id}").get_data(as_text=True)
    response = client.post(f"/library/{resource_id}/comments", data={
        "csrf_token": csrf_token(page), "body": "Utilisé avec un **ESAT** <script>alert(1)</script>"})
    assert response.status_code == 302
    html = client.get(f"/library/{resource_id}").get_data(as_text=True)
    assert "<strong>ESAT</strong>" in html and "<script>alert" not in html
    with app.app_context():
        notified = set(db.session.scalars(db.select(Notification.user_id).where(Notification.kind == "library.comment")))
        assert notified == {author.id, follower.id}
        assert commenter.id not in notified
        assert db.session.get(Resource, resource_id).view_count == 2
    # Back on the page after an action on it, or its author reading it: no new reader.
    client.get(f"/library/{resource_id}", headers={"Referer": f"http://localhost/library/{resource_id}"})
    login_as(author)
    client.get(f"/library/{resource_id}")
    login_as(commenter)
    with app.app_context():
        assert db.session.get(Resource, resource_id).view_count == 2
    # Comments are searchable with their resource.
    assert "Guide des marchés réservés" in client.get("/library/?q=esat").get_data(as_text=True)
    response = client.post(f"/library/{resource_id}/comments", data={"csrf_token": csrf_token(page), "body": "  "})
    assert response.status_code == 400 and "Écrivez votre commentaire" in response.get_data(as_text=True)


def test_new_resource_notifies_members_who_may_see_it(client, login_as, make_user, add_resource, app):
    from network_space.notifications.models import Notification

    member = make_user("member")
    coanimator = make_user("coanimator")
    author = make_user("coanimator")
    add_resource(author, "Réservé", visibility="coanimators")
    with app.app_context():
        notified = set(db.session.scalars(db.select(Notification.user_id).where(Notification.kind == "library.new_resource")))
    assert coanimator.id in notified and member.id not in notified and author.id not in notified


def test_admin_edits_categories(client, login_as, app):
    login_as("member")
    assert client.get("/library/categories").status_code == 403
    login_as("admin")
    page = client.get("/library/categories").get_data(as_text=True)
    assert "Réglementation" in page
    response = client.post("/library/categories", data={"csrf_token": csrf_token(page), "name": "Formations"})
    assert response.status_code == 302
    response = client.post("/library/categories", data={"csrf_token": csrf_token(page), "name": "formations"})
    assert "existe déjà" in response.get_data(as_text=True)
    assert "Formations" in client.get("/library/new").get_data(as_text=True)


def test_dashboard_panel_nav_and_header_search(client, login_as, make_user, add_resource):
    add_resource(make_user("member"), "Guide des clauses pour débuter")
    add_resource(make_user("coanimator"), "Note réservée", visibility="coanimators")
    login_as("member")
    html = client.get("/").get_data(as_text=True)
    assert "Nouvelles ressources" in html and "Guide des clauses pour débuter" in html
    assert "Note réservée" not in html
    assert 'href="/library/"' in html and "Bibliothèque" in html
    assert 'action="/search"' in html and 'role="search"' in html


def test_snippets_of_notes_read_without_markdown_marks(client, login_as, make_user, add_resource):
    add_resource(make_user("member"), "Astuce", body="## Calcul\n\nCompter **570 heures** d'insertion par lot.")
    login_as("member")
    html = client.get("/library/?q=heures").get_data(as_text=True)
    snippet = html[html.index('<p class="snippet">'):]
    snippet = snippet[:snippet.index("</p>")]
    assert '<mark class="match term0">heures</mark>' in snippet
    assert "**" not in snippet and "##" not in snippet


def test_snippets_reach_words_far_in_the_text(client, login_as, make_user, add_resource):
    # "heures" in the first lines, "bailleur" only far below: the extract shows both, not only
    # what the beginning holds.
    filler = " ".join(["texte"] * 1500)
    add_resource(make_user("member"), "Long bilan", body=f"Les heures réalisées. {filler} Le bailleur social signe.")
    login_as("member")
    html = client.get("/library/?q=heures+bailleur").get_data(as_text=True)
    snippet = html[html.index('<p class="snippet">'):]
    snippet = snippet[:snippet.index("</p>")]
    assert ">heures</mark>" in snippet and ">bailleur</mark>" in snippet
