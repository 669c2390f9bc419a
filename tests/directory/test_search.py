"""The directory in the site-wide search, and its text filter through the index."""
from __future__ import annotations

import re

import pytest

from network_space.extensions import db

# Every test here runs against each search engine.
pytestmark = pytest.mark.usefixtures("search_backend")


def _names(html: str) -> list[str]:
    return re.findall(r"<strong>([^<]+)</strong></a>", html)


def test_text_search_uses_the_index_contacts_included(app, client, login_as, reference, make_org):
    make_org(name="ESAT Les Tilleuls", kind="esat", contacts=[{"name": "Bérénice Lacombe", "role": "Directrice"}],
             description="Entretien des espaces verts et élagage.", served=["CAPI"])
    make_org(name="ACI Rivière", kind="aci", description="Nettoyage de berges.", served=["Vercors"])
    login_as("member")
    assert _names(client.get("/directory/?q=Lacombe").get_data(as_text=True)) == ["ESAT Les Tilleuls"]
    # French stemming: "élagages" finds "élagage".
    assert _names(client.get("/directory/?q=élagages").get_data(as_text=True)) == ["ESAT Les Tilleuls"]
    # Text and filters combine.
    assert _names(client.get("/directory/?q=berges&group=disability").get_data(as_text=True)) == []
    site = client.get("/search?q=Lacombe").get_data(as_text=True)
    assert "ESAT Les Tilleuls" in site and "Organisation partenaire" in site


def test_edits_reach_the_index(app, client, login_as, reference, make_org):
    from network_space.directory import services
    from network_space.directory.models import Organisation

    org_id = make_org(name="Ancien Nom Zèbre", kind="ea")
    with app.app_context():
        services.update_organisation(db.session.get(Organisation, org_id), {"name": "Nouveau Nom Girafe"}, None)
        db.session.commit()
    login_as("member")
    assert _names(client.get("/directory/?q=girafe").get_data(as_text=True)) == ["Nouveau Nom Girafe"]
    assert _names(client.get("/directory/?q=zèbre").get_data(as_text=True)) == []


@pytest.mark.search_backends("whoosh")
def test_without_index_the_list_falls_back_to_names(app, client, login_as, reference, make_org):
    from network_space.search.index import remove_index

    make_org(name="EA Partout", kind="ea", contacts=[{"name": "Bérénice Lacombe"}])
    login_as("member")
    with app.app_context():
        remove_index()
    assert _names(client.get("/directory/?q=partout").get_data(as_text=True)) == ["EA Partout"]
