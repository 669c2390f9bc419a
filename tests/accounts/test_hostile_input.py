"""Every accounts form: hostile values give French field errors or a redirect, never a 500."""
from tests.helpers import csrf_token

def test_forms_survive_hostile_input(client, login_as):
    login_as("admin")
    for path, fields in [("/profile/edit", ["full_name", "job_title", "phone", "bio", "territories", "language"]),
                         ("/admin/invitations", ["email", "role", "structure", "message"]),
                         ("/admin/structures/new", ["name", "kind", "territory", "website", "address", "active"]),
                         ("/admin/territories/new", ["name", "short_name", "sector", "active"]),
                         ("/profile/password", ["current_password", "password", "confirm"])]:
        token = csrf_token(client.get(path).get_data(as_text=True))
        for value in ["", "abc", "-1", "99999999999999999999", "x" * 10000, "\x00", "é"]:
            r = client.post(path, data={"csrf_token": token, **{f: value for f in fields}})
            assert r.status_code in (200, 302), (path, value, r.status_code)
            body = r.get_data(as_text=True)
            assert "Not a valid" not in body and "Invalid" not in body, (path, value, body[body.find("field-error")-200:body.find("field-error")+300])


def test_nul_characters_never_reach_the_database(app, client, login_as):
    # PostgreSQL rejects NUL in text: without the cleaning each of these was a 500 there.
    user = login_as("admin")
    for path in ("/members/?q=a%00b", "/invitation/a%00b", "/password/reset/a%00b", "/admin/audit?action=%00"):
        assert client.get(path).status_code in (200, 400), path
    token = csrf_token(client.get("/profile/edit").get_data(as_text=True))
    posted = client.post("/profile/edit", data={"csrf_token": token, "full_name": "No\x00m", "bio": "a\x00b", "language": "fr"})
    assert posted.status_code == 302
    with app.app_context():
        from network_space.accounts.models import User
        from network_space.extensions import db

        stored = db.session.get(User, user.id)
        assert (stored.full_name, stored.bio) == ("Nom", "ab")


def test_ids_beyond_a_database_integer_are_404(client, login_as):
    # PostgreSQL refuses integers past 2**31 - 1: without the guard these were 500s there.
    login_as("admin")
    token = csrf_token(client.get("/profile").get_data(as_text=True))
    huge = "99999999999999999999"
    for path in (f"/members/{huge}", f"/admin/structures/{huge}", f"/admin/territories/{huge}", f"/admin/emails/{huge}/html"):
        assert client.get(path).status_code == 404, path
    assert client.post(f"/admin/members/{huge}/role", data={"csrf_token": token, "role": "member"}).status_code == 404
