"""core/pagination.py pages a statement built once with its bound values, through Flask-SQLAlchemy's
Pagination extension point: every page must be what Flask-SQLAlchemy's own ``db.paginate`` gives for
the same statement with the values written in (the oracle)."""
from __future__ import annotations

import pytest
from sqlalchemy import bindparam, select

from network_space.accounts.models import User
from network_space.core.pagination import paginate
from network_space.extensions import db


def _members_of_role():
    return select(User).where(User.role == bindparam("role")).order_by(User.full_name, User.id)


def _described(page) -> tuple:
    return ([user.id for user in page.items], page.total, page.pages, page.page, page.has_prev, page.has_next,
            page.prev_num, page.next_num, list(page.iter_pages()))


@pytest.mark.parametrize("page_number", ["1", "2", "3", "0", "deux"])  # past the last: below
def test_a_built_once_statement_pages_as_flask_sqlalchemy_does(app, make_user, page_number):
    for _ in range(7):
        make_user("member")
    make_user("coanimator")
    statement = _members_of_role()
    with app.test_request_context(f"/?page={page_number}"):
        ours = paginate(statement, per_page=3, values={"role": "member"})
        oracle = paginate(statement.params(role="member"), per_page=3)
        assert _described(ours) == _described(oracle)
        assert ours.total == 7


def test_the_same_statement_pages_other_values(app, make_user):
    """Built once, paged with different values: no value is kept from one call to the next."""
    members = [make_user("member").id for _ in range(4)]
    coanimators = [make_user("coanimator").id for _ in range(2)]
    statement = _members_of_role()
    with app.test_request_context("/"):
        assert sorted(user.id for user in paginate(statement, 10, {"role": "member"})) == sorted(members)
        assert sorted(user.id for user in paginate(statement, 10, {"role": "coanimator"})) == sorted(coanimators)
        assert paginate(statement, 10, {"role": "admin"}).total == 0


def test_a_page_past_the_last_leads_to_the_last(app, client, login_as):
    """A bookmark of a list that shrank, or a number typed: the last page, not "Page 999 sur 2"."""
    login_as("admin")
    with app.app_context():
        from network_space.core.audit import audit
        for i in range(60):
            audit("test.entry", target=f"entrée {i}")
        db.session.commit()
    response = client.get("/admin/audit?page=999&action=")
    assert response.status_code == 302
    last = response.headers["Location"]
    assert last.startswith("/admin/audit?") and "page=999" not in last and "page=" in last
    assert "Page 999" not in client.get(last).get_data(as_text=True)
