"""`flask seed-demo`: the fictional demo network, built by each domain's ``demo.seed()``.

Each domain that has demo data provides ``network_space/<domain>/demo.py`` with
``seed(demo: DemoContext) -> None``; they run in the order of the domains create_app() gives
(DOMAINS, dependency order), so later parts can use what the earlier ones created (members,
territories, organisations…) through ``demo``.
"""
from __future__ import annotations

import importlib
from typing import Iterable

import click
from flask import Flask
from sqlalchemy import func, select

from network_space.accounts.demo import existing_logins
from network_space.accounts.models import User
from network_space.core.demo import DEMO_PASSWORD, DemoContext
from network_space.extensions import db


def database_is_empty() -> bool:
    return (db.session.scalar(select(func.count(User.id))) or 0) == 0


def seed_demo(domains: Iterable[str], demo: DemoContext | None = None) -> DemoContext:
    """Run each domain's demo.seed() in order, committing after each (this function commits)."""
    demo = demo or DemoContext()
    for name in domains:
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


def init_app(app: Flask, domains: Iterable[str]) -> None:
    domains = tuple(domains)

    @app.cli.command("seed-demo")
    @click.option("--if-empty", is_flag=True, help="Ne rien faire si la base contient déjà des membres.")
    def seed_demo_command(if_empty: bool) -> None:
        """Charge le réseau de démonstration (fictif)."""
        if not database_is_empty():
            if if_empty:
                click.echo("La base contient déjà des données : réseau de démonstration non rechargé.")
                return
            raise click.ClickException("La base n'est pas vide : seed-demo ne s'applique qu'à une base vide.")
        demo = seed_demo(domains)
        print_logins(demo.logins, demo.password)

    @app.cli.command("demo-logins")
    def demo_logins_command() -> None:
        """Affiche le mot de passe et les comptes de démonstration présents dans la base."""
        logins = existing_logins()
        if not logins:
            click.echo("Aucun compte de démonstration dans la base (flask seed-demo pour le charger).")
            return
        print_logins(logins, DEMO_PASSWORD)
