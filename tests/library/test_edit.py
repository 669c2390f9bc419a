"""Editing a link or a note keeps what makes it one: its address, its text."""
import pytest

from network_space.extensions import db
from tests.helpers import csrf_token
from tests.library.test_uploads import category_id


def _edit_form(client, resource_id, **fields):
    token = csrf_token(client.get(f"/library/{resource_id}/edit").get_data(as_text=True))
    data = {"csrf_token": token, "title": "Titre modifié", "category_id": "", "territory_id": "0",
            "visibility": "members", "summary": "Résumé gardé"}
    data.update(fields)
    return client.post(f"/library/{resource_id}/edit", data=data)


@pytest.mark.parametrize("kind,field,original,message", [
    ("link", "url", "https://isere.gouv.fr/", "adresse du lien."),
    ("note", "body", "Penser au GEIQ.", "Écrivez le texte de la note."),
])
def test_edit_cannot_blank_the_content(client, login_as, app, add_resource, kind, field, original, message):
    from network_space.library.models import Resource

    user = login_as("member")
    resource_id = add_resource(user, "Ressource", kind=kind, **{field: original})
    for blank in ("", "   "):
        response = _edit_form(client, resource_id, category_id=str(category_id(app)), **{field: blank})
        body = response.get_data(as_text=True)
        assert response.status_code == 200
        assert message in body and 'value="Titre modifié"' in body and "Résumé gardé" in body
    with app.app_context():
        stored = db.session.get(Resource, resource_id)
        assert (getattr(stored, field), stored.title) == (original, "Ressource")
    response = _edit_form(client, resource_id, category_id=str(category_id(app)), **{field: original + "x"})
    assert response.status_code == 302


def test_service_refuses_an_empty_link_or_note(ctx, make_user, add_resource):
    from network_space.accounts.models import User
    from network_space.library import services
    from network_space.library.models import Resource

    user = make_user("member")
    link = db.session.get(Resource, add_resource(user, "Lien", kind="link", url="https://example.org/"))
    note = db.session.get(Resource, add_resource(user, "Note", kind="note", body="Texte"))
    author = db.session.get(User, user.id)
    with pytest.raises(services.ResourceError, match="adresse du lien"):
        services.update_resource(link, {"url": ""}, author)
    with pytest.raises(services.ResourceError, match="texte de la note"):
        services.update_resource(note, {"body": None}, author)
    with pytest.raises(services.ResourceError, match="adresse du lien"):
        services.create_resource(author, {"kind": "link", "title": "Sans adresse", "url": ""})
