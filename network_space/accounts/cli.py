"""`flask create-admin EMAIL`: the first account of a fresh installation (or a rescue)."""
from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from network_space.accounts import services
from network_space.extensions import db


@click.command("create-admin")
@click.argument("email")
@click.option("--name", default="", help="Prénom et nom affichés.")
@click.option("--password-stdin", is_flag=True, help="Lire le mot de passe sur l'entrée standard (scripts).")
@with_appcontext
def create_admin_command(email: str, name: str, password_stdin: bool) -> None:
    """Crée un compte administrateur (ou donne ce rôle au compte existant et change son mot de passe)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Mot de passe (12 caractères au moins)", hide_input=True,
                                confirmation_prompt="Confirmez le mot de passe")
    try:
        user, created = services.create_admin(email, name.strip(), password)
    except services.AccountError as error:
        raise click.ClickException(error.message) from None
    db.session.commit()
    click.echo(("Compte administrateur créé : %s" if created else "Compte existant promu administrateur : %s") % user.email)
