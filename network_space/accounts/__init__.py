"""Members, structures, territories, invitations, login, member directory, admin."""
from __future__ import annotations

from flask import url_for

from network_space.core.i18n import lazy_gettext as _l


def init_app(app) -> None:
    from network_space.accounts import permissions, privacy, search  # noqa: F401 - permissions: the rules
    from network_space.accounts.admin import bp as admin_bp
    from network_space.accounts.cli import create_admin_command
    from network_space.accounts.models import Territory, User
    from network_space.accounts.services import PASSWORD_CHANGED
    from network_space.accounts.views import bp
    from network_space.accounts import welcome
    from network_space.accounts.welcome import welcome_step
    from network_space.core.dashboard import dashboard_panel
    from network_space.core.navigation import add_nav_item
    from network_space.core.audit import register_audit_actions
    from network_space.notifications.registry import register_kind, register_member_model, register_target

    search.register()
    privacy.register()
    app.register_blueprint(bp)
    app.register_blueprint(admin_bp)
    app.cli.add_command(create_admin_command)
    register_member_model(User)
    register_audit_actions({
        "login.success": _l("Connexion réussie"), "login.failure": _l("Échec de connexion"),
        "login.locked": _l("Connexion bloquée (trop d'échecs)"), "logout": _l("Déconnexion"),
        "logout.everywhere": _l("Déconnexion de tous les appareils"),
        "password.reset_requested": _l("Demande de nouveau mot de passe"),
        "password.reset_requested_unknown": _l("Demande de nouveau mot de passe pour une adresse inconnue"),
        "password.reset_throttled": _l("Demande de nouveau mot de passe ignorée (email déjà envoyé il y a peu)"),
        "password.reset": _l("Mot de passe réinitialisé"), "password.changed": _l("Mot de passe modifié"),
        "invitation.sent": _l("Invitation envoyée"), "invitation.resent": _l("Invitation renvoyée"),
        "invitation.revoked": _l("Invitation révoquée"), "invitation.accepted": _l("Invitation acceptée"),
        "member.role_changed": _l("Rôle d'un membre modifié"), "member.deactivated": _l("Compte désactivé"),
        "member.reactivated": _l("Compte réactivé"), "member.erased": _l("Données personnelles effacées"),
        "admin.created": _l("Administrateur créé (ligne de commande)"),
        "admin.promoted": _l("Membre promu administrateur (ligne de commande)"),
        "structure.created": _l("Structure créée"), "structure.updated": _l("Structure modifiée"),
        "structure.deleted": _l("Structure supprimée"), "territory.created": _l("Territoire créé"),
        "territory.updated": _l("Territoire modifié"), "territory.deleted": _l("Territoire supprimé"),
        "personal_data.exported": _l("Export de ses données personnelles"),
    })
    # Members follow a territory (its news: resources, events, partners tagged with it); its page
    # is the member directory filtered on it.
    register_target(Territory, permission="members.view", title=lambda t: t.name,
                    url=lambda t: url_for("accounts.directory", territory=t.id), followed_as=_l("Territoires"))
    register_kind(PASSWORD_CHANGED, _l("Mot de passe modifié"), "security")
    # Security messages sent with queue_email() directly; declared so that the registry lists
    # every kind of message a member can receive.
    register_kind("account.invitation", _l("Invitation à rejoindre le réseau"), "security", mandatory=True)
    register_kind("account.password_reset", _l("Réinitialisation du mot de passe"), "security", mandatory=True)
    # The dashboard's first steps: the panel, and the steps accounts itself can tell (the other
    # domains register theirs in their init_app).
    dashboard_panel("welcome", "accounts/_panel_welcome.html", order=1)(welcome.welcome_panel)
    welcome_step("territories", order=10, ask=welcome.territories_chosen)(welcome.territories_step)
    welcome_step("preferences", order=40, ask=welcome.preferences_chosen)(welcome.preferences_step)
    add_nav_item("accounts.directory", _l("Membres"), 80, "members.view", prefix="/members/")
    add_nav_item("admin.members", _l("Administration"), 900, "admin", prefix="/admin/")
