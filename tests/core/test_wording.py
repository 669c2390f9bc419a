"""French wording as a newcomer reads it: real plurals, words instead of codes, no repetition."""
from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select

from network_space.extensions import db
from tests.demo_network import demo_network

ROOT = Path(__file__).resolve().parents[2]
# "membre(s)", "créneau(x)", "inscrit·e(s)", "créée(s)": a plural left to the reader.
PLURAL_HACK = re.compile(r"[^\W\d_]\((?:s|x|es)\)")
STRING = re.compile(r"""(?:_l?|ngettext)\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')""")


def test_no_plural_left_to_the_reader():
    found = []
    paths = [*(ROOT / "templates").rglob("*.html"), *(ROOT / "templates").rglob("*.txt"),
             *(ROOT / "network_space").rglob("*.py")]
    for path in paths:
        text = path.read_text(encoding="utf-8")
        for match in STRING.finditer(text):
            string = match.group(1) or match.group(2)
            if PLURAL_HACK.search(string):
                found.append(f"{path.relative_to(ROOT)}: {string}")
    assert not found, "\n".join(found)


def test_invitation_filters_are_plural(client, login_as):
    login_as("admin")
    html = client.get("/admin/invitations").get_data(as_text=True)
    nav = html[html.index('class="status-filter"'):html.index("</nav>", html.index('class="status-filter"'))]
    assert all(word in nav for word in ("Toutes", "En attente", "Acceptées", "Expirées", "Révoquées")), nav


def _invitation_message(app, client, login_as):
    """The invitation an admin sent, as the outbox stored it: (id, text body, HTML body)."""
    from network_space.accounts.models import User
    from network_space.accounts.services import invite

    admin = login_as("admin")
    with app.app_context():
        invite("nouvelle@example.org", "member", None, None, db.session.get(User, admin.id))
        db.session.commit()
        outbox = db.metadata.tables["outbox_message"]
        return db.session.execute(select(outbox.c.id, outbox.c.text_body, outbox.c.html_body)
                                  .where(outbox.c.recipient == "nouvelle@example.org")).one()


def _token(client, url: str) -> str:
    from tests.helpers import csrf_token

    return csrf_token(client.get(url).get_data(as_text=True))


def test_invitation_email_names_the_site_once(app, client, login_as):
    _id, text_body, html_body = _invitation_message(app, client, login_as)
    site = app.config["SITE_NAME"]
    for body in (text_body, re.sub(r"<[^>]+>", "", html_body)):
        text = re.sub(r"\s+", " ", body.replace("&#39;", "'"))
        start = text.index("vous invite")
        sentence = text[max(0, start - 40):start + 250]
        assert "réseau des facilitateurs clauses sociales de l'Isère" not in sentence.replace(site, ""), sentence
        assert f"rejoindre l'espace en ligne « {site} »" in sentence, sentence


def test_emails_admin_says_the_kind_in_words(app, client, login_as):
    message_id, _text, _html = _invitation_message(app, client, login_as)
    html = client.get(f"/admin/emails/{message_id}").get_data(as_text=True)
    kind = re.search(r"<dt>Type</dt><dd>(.*?)</dd>", html).group(1)
    assert kind == "Invitation à rejoindre le réseau"


def test_old_message_kinds_have_words_too(app):
    from network_space.notifications.registry import kind_label

    with app.app_context():
        assert kind_label("invitation") == "Invitation à rejoindre le réseau"
        assert kind_label("password_reset") == "Réinitialisation du mot de passe"
        assert kind_label("digest.weekly") == "Résumé hebdomadaire"
        assert kind_label("meeting.reminder") == "Rappel de réunion"


def test_library_list_shows_summaries_without_markdown_marks(app, client, login_as):
    from network_space.library.services import create_resource

    author = login_as("member")
    with app.app_context():
        from network_space.accounts.models import User

        create_resource(db.session.get(User, author.id), {
            "kind": "note", "title": "Modèle de CCAP", "body": "Le texte.",
            "summary": "Clause du **CCAP** à _adapter_ :\n\n- article 7\n- `L2112-2`"})
        db.session.commit()
    html = client.get("/library/").get_data(as_text=True)
    item = html[html.index("Modèle de CCAP"):]
    snippet = re.search(r'<p class="snippet">(.*?)</p>', item, re.S).group(1)
    assert snippet.strip() == "Clause du CCAP à adapter : article 7 L2112-2", snippet


def test_clause_mechanisms_include_insertion_and_qualification(app, client, login_as):
    login_as("member")
    html = client.get("/library/new").get_data(as_text=True)
    assert re.search(r'<option value="insertion_r2123_1">Marché d(?:&#39;|\')insertion et de qualification '
                     r'professionnelle \(art\. R2123-1\)</option>', html), "option missing"


def test_meetings_list_does_not_repeat_kind_and_series(app, client):
    token = demo_network(app).coanimator_nord.session_token
    with client.session_transaction() as session:
        session["_user_id"] = token
    html = client.get("/meetings/").get_data(as_text=True)
    assert "Réunions Nord-Isère" in html
    assert "Réunion Nord-Isère · Réunions Nord-Isère" not in html
    assert "Réunion plénière · Réunions plénières" not in html


def test_member_card_role_badge_and_email(app, client, login_as, make_user):
    make_user("coanimator", full_name="Claire Dumas", job_title="Co-animatrice du réseau — Nord-Isère",
              email="claire.dumas@demo.example")
    make_user("coanimator", full_name="Paul Girard", job_title="Chargé de mission insertion")
    login_as("member")
    html = client.get("/members/").get_data(as_text=True)
    claire = html[html.index("Claire Dumas"):html.index("</li>", html.index("Claire Dumas"))]
    paul = html[html.index("Paul Girard"):html.index("</li>", html.index("Paul Girard"))]
    assert "tag-role" not in claire  # her title says it already, in the feminine
    assert "Co-animateur·rice" in paul
    # The address breaks after "@" or before a dot, never inside a word.
    assert ">claire<wbr>.dumas@<wbr>demo<wbr>.example</a>" in claire


def test_first_calendar_address_does_not_mention_an_old_one(app, client, login_as):
    login_as("member")
    token = _token(client, "/events/mon-agenda")
    first = client.post("/events/mon-agenda/abonnement", data={"csrf_token": token, "scope": "all"},
                        follow_redirects=True).get_data(as_text=True)
    flash = re.search(r'<div class="flash flash-success".*?</div>', first, re.S).group(0)
    assert "Votre adresse d&#39;abonnement est prête." in flash and "ancienne" not in flash, flash
    second = client.post("/events/mon-agenda/abonnement", data={"csrf_token": token, "scope": "all"},
                         follow_redirects=True).get_data(as_text=True)
    assert "L&#39;ancienne ne fonctionne plus." in second
    assert 'data-copy-from="feed-url"' in second
