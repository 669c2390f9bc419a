"""Directory fixtures: reference kinds and territories, and a factory of organisations."""
from __future__ import annotations

from itertools import count

import pytest

from network_space.extensions import db

_seq = count(1)


@pytest.fixture
def reference(app):
    """The default kinds and the Isère territories; returns ({slug: kind id}, {short name: territory id})."""
    from network_space.accounts.reference import ensure_territories
    from network_space.directory.reference import ensure_default_kinds
    from network_space.library.services import ensure_defaults

    with app.app_context():
        ensure_defaults()
        kinds = {slug: kind.id for slug, kind in ensure_default_kinds().items()}
        territories = {short: t.id for short, t in ensure_territories().items()}
        db.session.commit()
    return kinds, territories


@pytest.fixture
def make_org(app, reference):
    """make_org(name=..., kind="esat", served=["CAPI"], whole=False, siret=..., **fields) -> id."""
    from network_space.accounts.models import Territory
    from network_space.directory import services
    from network_space.directory.models import OrganisationKind

    kinds, territories = reference

    def _make(name: str | None = None, kind: str = "esat", served=(), whole: bool = False, territory=None,
              actor=None, **fields):
        with app.app_context():
            data = {
                "name": name or f"Organisation {next(_seq)}",
                "kind": db.session.get(OrganisationKind, kinds[kind]),
                "served_territories": [db.session.get(Territory, territories[s]) for s in served],
                "whole_departement": whole,
                "territory": db.session.get(Territory, territories[territory]) if territory else None,
                **fields,
            }
            org = services.create_organisation(data, actor, notify_members=False)
            db.session.commit()
            return org.id

    return _make


@pytest.fixture(autouse=True)
def fresh_index(app):
    """No search index left over from earlier tests (their ids are reused after truncation)."""
    from network_space.search.index import remove_index

    with app.app_context():
        remove_index()
    yield
