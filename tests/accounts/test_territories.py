"""A territory's label: the same in Python and in SQL (lists read as rows use the SQL form)."""
from __future__ import annotations

from sqlalchemy import select

from network_space.accounts.models import Territory
from network_space.extensions import db


def test_label_is_the_short_name_or_else_the_name_in_python_and_in_sql(app):
    with app.app_context():
        territories = [Territory(name="Communauté de communes du Trièves", short_name=short, sector="sud",
                                 siren=None) for short in ("Trièves", "", None)]
        territories[1].name, territories[2].name = "Saint-Marcellin Vercors Isère", "Bièvre Est"
        db.session.add_all(territories)
        db.session.flush()
        in_python = [t.label for t in territories]
        in_sql = [db.session.scalar(select(Territory.label).where(Territory.id == t.id)) for t in territories]
        db.session.rollback()
    assert in_python == ["Trièves", "Saint-Marcellin Vercors Isère", "Bièvre Est"]
    assert in_sql == in_python
