"""Member directory, profiles, editing one's own profile, and bounded SQL per request."""
from __future__ import annotations

from sqlalchemy import select

from network_space.accounts.models import Structure, Territory, User
from network_space.accounts.reference import ensure_territories
from network_space.extensions import db
from tests.conftest import PASSWORD
from tests.helpers import count_queries, csrf_token


def _network(app, n_members: int, start: int = 0):
    """n members spread over structures and territories; returns ids of interest."""
    with app.app_context():
        territories = ensure_territories()
        structures = [Structure(name=f"Structure {start + i}", kind="epci") for i in range(3)]
        db.session.add_all(structures)
        names = ["Hélène Martin", "Julien Moreau", "Élodie Perrin", "Karim Haddad"]
        short_names = list(territories)
        for i in range(start, start + n_members):
            user = User(email=f"m{i}@example.org", full_name=names[i] if i < len(names) else f"Membre {i:03d}",
                        role="coanimator" if i == 1 else "member", structure=structures[(i - start) % 3],
                        territories=list({territories[short_names[i % len(short_names)]], territories["Vercors"]}),
                        password_hash="x")
            db.session.add(user)
        db.session.commit()
        return {"structure0": structures[0].id, "capi": territories["CAPI"].id}


def _names(html: str) -> set[str]:
    return {n for n in ("Hélène Martin", "Julien Moreau", "Élodie Perrin", "Karim Haddad") if n in html}


def test_search_is_case_and_accent_insensitive(app, client, login_as):
    _network(app, 6)
    login_as("member")
    assert _names(client.get("/members/?q=HELENE").get_data(as_text=True)) == {"Hélène Martin"}
    assert _names(client.get("/members/?q=elodie").get_data(as_text=True)) == {"Élodie Perrin"}
    assert _names(client.get("/members/?q=%25").get_data(as_text=True)) == set()  # LIKE wildcards are literal
    # Surname first, as a directory is read; each word found in any order, all of them needed.
    assert _names(client.get("/members/?q=Martin+h%C3%A9l%C3%A8ne").get_data(as_text=True)) == {"Hélène Martin"}
    assert _names(client.get("/members/?q=perrin++ELO").get_data(as_text=True)) == {"Élodie Perrin"}
    assert _names(client.get("/members/?q=Martin+Julien").get_data(as_text=True)) == set()
    assert _names(client.get("/members/?q=a+b+c+d+e+f").get_data(as_text=True)) == set()  # many words: no error


def test_filters(app, client, login_as):
    ids = _network(app, 6)
    login_as("member")
    page = client.get(f"/members/?structure={ids['structure0']}").get_data(as_text=True)
    assert _names(page) == {"Hélène Martin", "Karim Haddad"}
    assert _names(client.get("/members/?role=coanimator").get_data(as_text=True)) == {"Julien Moreau"}
    # Territories in order: La Métro (sud), Pays Voironnais (sud), CAPI (nord), Vienne Condrieu (nord)…
    assert _names(client.get(f"/members/?territory={ids['capi']}").get_data(as_text=True)) == {"Élodie Perrin"}
    assert _names(client.get("/members/?sector=nord").get_data(as_text=True)) == {"Élodie Perrin", "Karim Haddad"}
    # Garbage in the query string is ignored, never a 500.
    for query in ("structure=abc", "territory=-1", "sector=ouest", "role=root", "page=zz", "q=" + "x" * 5000,
                  "structure=99999999999999999999"):
        assert client.get(f"/members/?{query}").status_code == 200


def test_inactive_members_are_not_listed(app, client, login_as, make_user):
    make_user(full_name="Compte Fermé", active=False)
    login_as("member")
    assert "Compte Fermé" not in client.get("/members/").get_data(as_text=True)


def test_profile_page_shows_contact_and_territories(app, client, login_as, make_user):
    _network(app, 2)
    login_as("member")
    with app.app_context():
        helene = db.session.scalar(select(User).where(User.email == "m0@example.org"))
    page = client.get(f"/members/{helene.id}").get_data(as_text=True)
    assert "Hélène Martin" in page and "m0@example.org" in page and "Structure 0" in page
    assert "Grenoble-Alpes Métropole" in page and "CC du Massif du Vercors" in page
    assert client.get("/members/999999").status_code == 404


def test_edit_own_profile(app, client, login_as):
    user = login_as("member", full_name="Avant")
    with app.app_context():
        vercors = db.session.scalar(select(Territory.id).where(Territory.name == "CC du Massif du Vercors")) \
            or ensure_territories()["Vercors"].id
        db.session.commit()
    page = client.get("/profile/edit").get_data(as_text=True)
    data = {"csrf_token": csrf_token(page), "full_name": "Après Édition", "job_title": "Facilitatrice",
            "phone": "04 76 00 00 00", "bio": "**Clauses** sociales", "territories": [str(vercors)], "language": "fr"}
    assert client.post("/profile/edit", data=data).status_code == 302
    profile = client.get("/profile").get_data(as_text=True)
    assert "Après Édition" in profile and "<strong>Clauses</strong>" in profile and "Vercors" in profile
    # Bad input: French errors, input kept.
    bad = client.post("/profile/edit", data={**data, "phone": "appelez-moi", "full_name": "X" * 200}).get_data(as_text=True)
    assert "Chiffres, espaces" in bad and "120 caractères au maximum" in bad and "appelez-moi" in bad
    with app.app_context():
        assert db.session.get(User, user.id).name_key == "apres edition"
    # Switching to English: the confirmation is already in the language chosen.
    client.post("/profile/edit", data={**data, "language": "en"})
    assert "Your profile has been updated." in client.get("/profile").get_data(as_text=True)


def test_change_password_needs_current_and_logs_out_other_sessions(app, client, login_as):
    user = login_as("member")
    other = app.test_client()
    page = other.get("/login").get_data(as_text=True)
    other.post("/login", data={"csrf_token": csrf_token(page), "email": user.email, "password": PASSWORD})
    assert other.get("/").status_code == 200

    page = client.get("/profile/password").get_data(as_text=True)
    wrong = client.post("/profile/password", data={"csrf_token": csrf_token(page), "current_password": "faux",
                                                   "password": "x" * 12, "confirm": "x" * 12})
    assert "mot de passe actuel est incorrect" in wrong.get_data(as_text=True)
    done = client.post("/profile/password", data={"csrf_token": csrf_token(page), "current_password": PASSWORD,
                                                  "password": "nouveau secret 2026", "confirm": "nouveau secret 2026"})
    assert done.status_code == 302
    assert client.get("/").status_code == 200  # this session stays
    assert other.get("/").status_code == 302  # the other one is logged out


def test_directory_and_dashboard_issue_bounded_queries(app, client, login_as):
    def measure():
        counts = []
        for path in ("/members/", "/members/?sector=nord", "/"):
            with count_queries(app) as counter:
                assert client.get(path).status_code == 200
            counts.append(counter.count)
        return counts

    login_as("member")
    _network(app, 5)
    few = measure()
    _network(app, 55, start=5)
    many = measure()
    assert few == many, (few, many)


def test_territories_are_listed_as_a_reader_sorts_them(app):
    """Capitals and accents aside: "CC de l'Oisans" before "CC Saint-Marcellin", "Écrins" among the E."""
    from network_space.accounts.models import Territory
    from network_space.accounts.queries import active_territories, territories_for_select

    names = ["CC Saint-Marcellin", "Écrins", "CC de l'Oisans", "Vercors", "Belledonne"]
    with app.app_context():
        db.session.add_all(Territory(name=name, sector="sud") for name in names)
        db.session.commit()
        listed = [t.name for t in active_territories() if t.name in names]
        grouped = [t.name for t in territories_for_select() if t.name in names]
    assert listed == grouped == ["Belledonne", "CC de l'Oisans", "CC Saint-Marcellin", "Écrins", "Vercors"]
