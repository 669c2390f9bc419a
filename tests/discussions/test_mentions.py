"""@mentions without JavaScript: who "@prenom.nom" or "@Prénom Nom" names, where a mention is
not one (code, quotes, email addresses), how it shows on the page, and the suggestions the
autocomplete asks for."""
from __future__ import annotations

from network_space.core.markdown import render_markdown
from network_space.discussions import mentions


def test_handles_are_folded_names_and_unique(app, make_user):
    make_user(full_name="Élodie Perrin")
    make_user(full_name="Jean-Pierre N'Diaye")
    first = make_user(full_name="Marie Dupont")
    second = make_user(full_name="Marie  Dupont")
    make_user(full_name="Ancien Membre", active=False)
    with app.app_context():
        handles = {m.full_name: m.handle for m in mentions.active_members()}
    assert handles["Élodie Perrin"] == "elodie.perrin"
    assert handles["Jean-Pierre N'Diaye"] == "jean-pierre.ndiaye"
    # Two members share a name: each handle carries the id, so it names one person.
    assert {handles["Marie Dupont"], handles["Marie  Dupont"]} == {f"marie.dupont.{first.id}",
                                                                    f"marie.dupont.{second.id}"}
    assert "Ancien Membre" not in handles


def test_mentions_by_handle_or_full_name_in_plain_text_only(app, make_user):
    elodie = make_user(full_name="Élodie Perrin")
    bruno = make_user(full_name="Bruno Vidal")
    make_user(full_name="Karim Haddad")
    text = ("Bonjour @elodie.perrin et @Bruno Vidal.\n\n"
            "> @Karim Haddad a écrit : il faut voir.\n\n"  # a quote of someone else's message
            "Écrivez à karim@example.org, ou `@karim.haddad` dans le code.\n\n"
            "```\n@karim.haddad\n```\n\n"
            "Et @elodie.perrin encore, @elodie.perrine n'existe pas, @inconnu non plus.")
    with app.app_context():
        assert mentions.mentioned_ids(text) == [elodie.id, bruno.id]


def test_a_mention_at_the_end_of_a_sentence_or_with_accents(app, make_user):
    helene = make_user(full_name="Hélène Martin")
    with app.app_context():
        assert mentions.mentioned_ids("Merci @helene.martin.") == [helene.id]
        assert mentions.mentioned_ids("Merci @Hélène Martin!") == [helene.id]
        assert mentions.mentioned_ids("Merci @HELENE MARTIN") == [helene.id]
        assert mentions.mentioned_ids("Merci @helene.martinez") == []


def test_a_mention_links_to_the_member_page(app, make_user):
    helene = make_user(full_name="Hélène Martin")
    with app.test_request_context():
        html = str(render_markdown("Vu avec @helene.martin **hier**, et <b>@script</b>", mentions=mentions.resolver()))
    assert f'<a href="/members/{helene.id}" class="mention" rel="noopener noreferrer nofollow">@Hélène Martin</a>' in html
    assert "<strong>hier</strong>" in html
    assert "<b>" not in html  # raw HTML stays text, as everywhere


def test_suggestions_match_the_beginning_of_names(app, make_user):
    make_user(full_name="Élodie Perrin")
    make_user(full_name="Pierre Fontaine")
    make_user(full_name="Lucie Bernard")
    with app.app_context():
        assert [m.full_name for m in mentions.suggestions("pier")] == ["Pierre Fontaine"]
        assert [m.full_name for m in mentions.suggestions("@elo")] == ["Élodie Perrin"]
        assert [m.full_name for m in mentions.suggestions("perrin")] == ["Élodie Perrin"]
        assert [m.full_name for m in mentions.suggestions("l b")] == ["Lucie Bernard"]
        assert mentions.suggestions("") == []


def test_the_autocomplete_endpoint_answers_members_only(app, client, login_as, make_user):
    make_user(full_name="Pierre Fontaine")
    response = client.get("/discussions/membres?q=pie")
    assert response.status_code == 302  # to the login page
    login_as("member")
    response = client.get("/discussions/membres?q=pie")
    assert response.get_json() == [{"handle": "pierre.fontaine", "name": "Pierre Fontaine"}]
    assert client.get("/discussions/membres?q=" + "x" * 5000).get_json() == []
