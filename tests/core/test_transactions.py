"""The transaction rule: services change and flush, the view commits once through attempt();
a function that commits itself says so. attempt() itself: commit and flash, or roll back and
show the refusal beside its field. What a request leaves uncommitted is rolled back; a request
that wrote nothing ends with COMMIT, so that PostgreSQL keeps the statements it prepared."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest
from flask import session
from flask_wtf import FlaskForm
from sqlalchemy import event, select, text
from sqlalchemy.exc import DBAPIError
from wtforms import StringField

from network_space import create_app
from network_space.accounts.models import Structure
from network_space.core.transactions import Refusal, attempt
from network_space.extensions import db
from tests.conftest import ON_POSTGRESQL

PACKAGE = Path(__file__).resolve().parents[2] / "network_space"


class _NameForm(FlaskForm):
    name = StringField()


def _structure_names() -> list[str]:
    return list(db.session.scalars(select(Structure.name).order_by(Structure.name)))


def test_success_commits_and_flashes(app):
    with app.test_request_context(method="POST"):
        def add():
            structure = Structure(name="GIP Nord-Isère", kind="gip")
            db.session.add(structure)
            db.session.flush()
            return structure

        outcome = attempt(add, lambda s: f"« {s.name} » ajoutée")
        assert outcome and outcome.value.name == "GIP Nord-Isère"
        assert session["_flashes"] == [("success", "« GIP Nord-Isère » ajoutée")]
        db.session.remove()  # what the next request sees: committed, not just in this session
        assert _structure_names() == ["GIP Nord-Isère"]


def test_refusal_rolls_back_and_lands_on_its_field_or_in_a_flash(app):
    with app.test_request_context(method="POST", data={"name": "Structure"}):
        form = _NameForm(meta={"csrf": False})

        def refused(field):
            def action():
                db.session.add(Structure(name="Jamais enregistrée", kind="epci"))
                db.session.flush()
                raise Refusal("Ce nom est déjà pris.", field=field)
            return action

        outcome = attempt(refused("name"), "jamais affiché", form=form)
        assert not outcome and outcome.refusal.message == "Ce nom est déjà pris."
        assert form.name.errors == ["Ce nom est déjà pris."] and form.name.data == "Structure"
        assert "_flashes" not in session
        outcome = attempt(refused(None), "jamais affiché", form=form)
        assert not outcome and session["_flashes"] == [("error", "Ce nom est déjà pris.")]
        db.session.remove()
        assert _structure_names() == []


@pytest.fixture
def site(app):
    """An app of its own on the test database, with routes that read, write without committing,
    or fail; ``site.endings`` lists how each transaction ended."""
    application = create_app("testing", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                             DATA_DIR=app.config["DATA_DIR"], SEARCH_INDEX_DIR=app.config["SEARCH_INDEX_DIR"])

    @application.route("/_read")
    def read():
        return ",".join(_structure_names())

    @application.route("/_flushed")
    def flushed():
        db.session.add(Structure(name="Écrite sans validation", kind="gip"))
        db.session.flush()
        return "flushed"

    @application.route("/_added")
    def added():
        db.session.add(Structure(name="Ajoutée sans flush", kind="gip"))
        return "added"

    @application.route("/_failed")
    def failed():
        try:
            db.session.execute(text("SELECT * FROM no_such_table"))
        except DBAPIError:
            pass
        return "failed"

    @application.route("/_prepared")
    def prepared():
        return str(db.session.scalar(text("SELECT count(*) FROM pg_prepared_statements")))

    application.endings = []
    with application.app_context():
        for ending in ("commit", "rollback"):
            event.listen(db.engine, ending, lambda connection, ending=ending: application.endings.append(ending))
    yield application
    with application.app_context():
        db.engine.dispose()


def test_what_a_request_leaves_uncommitted_is_rolled_back(site):
    client = site.test_client()
    for path in ("/_flushed", "/_added", "/_failed"):
        site.endings.clear()
        assert client.get(path).status_code == 200
        assert "commit" not in site.endings, path
    assert client.get("/_read").get_data(as_text=True) == ""


def test_a_request_that_only_read_ends_with_commit(site):
    client = site.test_client()
    assert client.get("/_read").status_code == 200
    assert site.endings == ["commit"]


@pytest.mark.skipif(not ON_POSTGRESQL, reason="PostgreSQL's prepared statements")
def test_postgresql_keeps_the_statements_prepared_for_the_next_requests(site):
    """psycopg prepares a statement at its sixth execution and forgets them all at a ROLLBACK:
    pages that ended with ROLLBACK had every query parsed and planned again."""
    client = site.test_client()
    for _ in range(8):
        client.get("/_read")
    assert int(client.get("/_prepared").get_data(as_text=True)) >= 1


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _commits(node) -> list[int]:
    """Lines where ``node`` commits a database transaction (session or connection; not Whoosh's writer)."""
    lines = []
    for call in ast.walk(node):
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "commit":
            owner = ast.unparse(call.func.value)
            if owner.endswith("session") or owner.endswith("connection") or owner == "marks":
                lines.append(call.lineno)
    return lines


def _is_view_module(tree) -> bool:
    """A module that makes a blueprint or adds routes to one."""
    return any(isinstance(node, ast.Call) and (ast.unparse(node.func) == "Blueprint"
                                               or ast.unparse(node.func).endswith(".route"))
               for node in ast.walk(tree))


def _entry_point(function) -> bool:
    """CLI commands and worker tasks end their own unit of work, as a request does."""
    names = [ast.unparse(d.func if isinstance(d, ast.Call) else d) for d in function.decorator_list]
    return any(name.endswith("command") or name == "worker_task" for name in names)


def test_views_commit_only_through_attempt_and_other_committers_say_so():
    problems = []
    for path, tree in _modules():
        where = path.relative_to(PACKAGE.parent)
        if _is_view_module(tree):
            problems += [f"{where}:{line}: a view commits itself; use core.transactions.attempt()"
                         for line in _commits(tree)]
            continue
        for function in ast.walk(tree):
            if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) or _entry_point(function):
                continue
            own = [line for line in _commits(function)
                   if not any(inner is not function and isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef))
                              and inner.lineno <= line <= inner.end_lineno for inner in ast.walk(function))]
            if own and "commit" not in (ast.get_docstring(function) or "").lower():
                problems.append(f"{where}:{own[0]}: {function.name}() commits; say so in its docstring")
    assert not problems, "\n".join(problems)
