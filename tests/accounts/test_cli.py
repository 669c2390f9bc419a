"""flask create-admin, flask seed-demo (accounts part), flask demo-logins."""
from __future__ import annotations

from sqlalchemy import func, select

from network_space.accounts.models import Structure, Territory, User
from network_space.accounts.reference import ISERE_TERRITORIES, ensure_territories
from network_space.core.demo import DEMO_PASSWORD
from network_space.extensions import db


def test_create_admin_with_password_stdin(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-admin", "Chef@Example.org", "--name", "La Cheffe", "--password-stdin"],
                           input="un mot de passe long\n")
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "chef@example.org"))
        assert user.role == "admin" and user.full_name == "La Cheffe" and user.check_password("un mot de passe long")


def test_create_admin_prompts_with_confirmation_and_refuses_short(app):
    runner = app.test_cli_runner()
    short = runner.invoke(args=["create-admin", "a@example.org", "--password-stdin"], input="court\n")
    assert short.exit_code != 0 and "12 caractères" in short.output
    mismatch = runner.invoke(args=["create-admin", "a@example.org"],
                             input="premier mot de passe\nsecond mot de passe\npremier mot de passe\npremier mot de passe\n")
    assert mismatch.exit_code == 0, mismatch.output
    with app.app_context():
        assert db.session.scalar(select(User.role).where(User.email == "a@example.org")) == "admin"


def test_create_admin_promotes_existing_account(app, make_user):
    user = make_user("member")
    result = app.test_cli_runner().invoke(args=["create-admin", user.email, "--password-stdin"],
                                          input="nouveau mot de passe\n")
    assert result.exit_code == 0 and "promu" in result.output
    with app.app_context():
        assert db.session.get(User, user.id).role == "admin"


def test_seed_demo_accounts_part(app):
    with app.app_context():
        ensure_territories()  # as the migration does in a real database
        db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert DEMO_PASSWORD in result.output and "admin@demo.example" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Territory.id))) == len(ISERE_TERRITORIES)  # not duplicated
        assert db.session.scalar(select(func.count(Structure.id))) >= 9
        users = db.session.scalars(select(User)).all()
        assert all(u.email.endswith("@demo.example") for u in users)
        roles = [u.role for u in users]
        assert roles.count("admin") == 1 and roles.count("coanimator") == 4 and roles.count("member") == 14
        employers = {u.structure_id for u in users if u.role == "member"}
        assert len(employers) == 7
        facilitator = next(u for u in users if u.role == "member")
        assert facilitator.check_password(DEMO_PASSWORD)
    logins = runner.invoke(args=["demo-logins"])
    assert logins.exit_code == 0 and "claire.dumas@demo.example" in logins.output and DEMO_PASSWORD in logins.output
