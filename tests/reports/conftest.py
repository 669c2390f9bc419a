"""A small network for the report's tests: two territories expected, three facilitators of two
structures, a co-animator; and helpers to post the contribution form as a browser does."""
from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from network_space.accounts.models import Structure, Territory, User
from network_space.accounts.reference import ensure_territories
from network_space.extensions import db
from network_space.reports.models import Indicator
from tests.helpers import csrf_token


@dataclass
class Network:
    metro: int
    capi: int
    vercors: int
    metro_structure: int
    capi_structure: int
    alice: User  # facilitator, La Métro, metro structure
    bruno: User  # her colleague, same structure and territory
    chloe: User  # facilitator, CAPI, capi structure
    coanimator: User


@pytest.fixture
def network(app, make_user) -> Network:
    with app.app_context():
        territories = ensure_territories()
        metro_structure = Structure(name="Métropole — mission clauses (test)", kind="epci")
        capi_structure = Structure(name="GIP Nord-Isère (test)", kind="gip")
        db.session.add_all([metro_structure, capi_structure])
        db.session.commit()
        ids = (territories["La Métro"].id, territories["CAPI"].id, territories["Vercors"].id,
               metro_structure.id, capi_structure.id)

    def facilitator(name, structure_id, territory_id):
        user = make_user("member", full_name=name, structure_id=structure_id)
        with app.app_context():
            row = db.session.get(User, user.id)
            row.territories = [db.session.get(Territory, territory_id)]
            db.session.commit()
        return user

    return Network(*ids, alice=facilitator("Alice Facilitatrice", ids[3], ids[0]),
                   bruno=facilitator("Bruno Collègue", ids[3], ids[0]),
                   chloe=facilitator("Chloé Nord", ids[4], ids[1]),
                   coanimator=make_user("coanimator", full_name="Claire Coanim"))


def indicator_ids(app) -> dict[str, int]:
    with app.app_context():
        return {i.code: i.id for i in db.session.scalars(select(Indicator))}


def form_fields(html: str) -> dict[str, str]:
    """The contribution form as the browser would post it: every input and textarea."""
    fields = {"csrf_token": csrf_token(html)}
    for name, value in re.findall(r'<input type="(?:text|hidden)"[^>]*name="([^"]+)" value="([^"]*)"', html):
        fields[name] = value
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html):
        fields[name] = value
    for name, value in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>([^<]*)</textarea>', html):
        fields[name] = value
    return fields
