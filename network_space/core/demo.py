"""`flask seed-demo`: the fictional demo network, built by each domain's ``demo.seed()``.

Each domain that has demo data provides ``network_space/<domain>/demo.py`` with
``seed(demo: DemoContext) -> None``; they run in DOMAINS order, so later parts can use what the
earlier ones created (members, territories, organisations…) through ``demo``.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from network_space.extensions import db

DEMO_PASSWORD = "demo-reseau-2026"


@dataclass
class DemoContext:
    password: str = DEMO_PASSWORD
    # What earlier domains created, for later ones: e.g. demo.data["users"]["coanimator_nord"].
    data: dict[str, Any] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (role label, email, name)


def database_is_empty() -> bool:
    from network_space.accounts.models import User

    return (db.session.scalar(select(func.count(User.id))) or 0) == 0


def seed_demo(demo: DemoContext | None = None) -> DemoContext:
    from network_space import DOMAINS

    demo = demo or DemoContext()
    for name in DOMAINS:
        try:
            module = importlib.import_module(f"network_space.{name}.demo")
        except ModuleNotFoundError as error:
            if error.name != f"network_space.{name}.demo":
                raise
            continue
        module.seed(demo)
        db.session.commit()
    return demo


def print_logins(demo_logins: list[tuple[str, str, str]], password: str) -> None:
    click.echo("Comptes de démonstration (mot de passe : %s)" % password)
    for role, email, name in demo_logins:
        click.echo(f"  {role:<20} {email:<40} {name}")


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Ne rien faire si la base contient déjà des membres.")
@with_appcontext
def seed_demo_command(if_empty: bool) -> None:
    """Charge le réseau de démonstration (fictif)."""
    if not database_is_empty():
        if if_empty:
            click.echo("La base contient déjà des données : réseau de démonstration non rechargé.")
            return
        raise click.ClickException("La base n'est pas vide : seed-demo ne s'applique qu'à une base vide.")
    demo = seed_demo()
    print_logins(demo.logins, demo.password)


@click.command("demo-logins")
@with_appcontext
def demo_logins_command() -> None:
    """Affiche le mot de passe et les comptes de démonstration présents dans la base."""
    from network_space.accounts.demo import existing_logins

    logins = existing_logins()
    if not logins:
        click.echo("Aucun compte de démonstration dans la base (flask seed-demo pour le charger).")
        return
    print_logins(logins, DEMO_PASSWORD)
