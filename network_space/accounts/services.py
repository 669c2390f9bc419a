"""Every write and rule about accounts: what views, CLI commands and tests call. Writes flush;
the view commits (core/transactions.py)."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import bindparam, delete, func, or_, select, update

from network_space.accounts.membership import membership_changed
from network_space.accounts.models import (
    ROLE_LABELS, Invitation, LoginAttempt, Structure, Territory, User, fold, normalize_email,
)
from network_space.accounts.tokens import (
    INVITATION_SALT, RESET_SALT, make_invitation_token, make_reset_token, password_fingerprint, read_token,
)
from network_space.core.audit import audit, erased_label
from network_space.core.i18n import lazy_gettext as _l
from network_space.core.models import references_to, utcnow
from network_space.core.outbox import queue_email
from network_space.core.permissions import ROLES, ROLE_ADMIN, ROLE_COANIMATOR, has_role
from network_space.core.privacy import ERASED_NAME, erase_personal_data
from network_space.core.statements import built_once
from network_space.core.transactions import Refusal
from network_space.extensions import db
from network_space.notifications.queries import remember_unread_count, unread_count_of
from network_space.notifications.services import notify


PASSWORD_CHANGED = "account.password_changed"


@dataclass
class LoginResult:
    user: User | None = None
    locked: bool = False


def _failures_since():
    window_start = utcnow() - timedelta(minutes=current_app.config["LOGIN_LOCKOUT_MINUTES"])
    return LoginAttempt.success.is_(False), LoginAttempt.created_at >= window_start


def recent_failures(email: str) -> int:
    """Failed logins in the lock-out window for an address typed (an account, or not)."""
    return db.session.scalar(
        select(func.count(LoginAttempt.id)).where(LoginAttempt.email == email, *_failures_since())) or 0


def accounts_failed_from(ip_address: str) -> int:
    """How many different addresses typed failed from one client address in the window.

    Counting accounts rather than failures: a whole office behind one address is not locked out
    because a colleague keeps mistyping their own password (their account locks, no one else's),
    while trying many accounts from one place (password spraying) is stopped."""
    return db.session.scalar(
        select(func.count(func.distinct(LoginAttempt.email))).where(
            LoginAttempt.ip_address == ip_address, *_failures_since())) or 0


def is_locked(email: str, ip_address: str | None) -> bool:
    """Per account, and per client address: the database is shared by every gunicorn worker
    and every server, so both caps hold across processes where an in-memory rate limit would not."""
    config = current_app.config
    if recent_failures(email) >= config["LOGIN_MAX_FAILURES"]:
        return True
    return ip_address is not None and accounts_failed_from(ip_address) >= config["LOGIN_MAX_FAILURES_PER_ADDRESS"]


def authenticate(email: str, password: str, ip_address: str | None) -> LoginResult:
    """Check a login. The lock-out applies to the address typed, whether an account exists or
    not, so neither the message nor the timing tells an attacker which addresses are members."""
    email = normalize_email(email)
    if is_locked(email, ip_address):
        db.session.add(LoginAttempt(email=email, ip_address=ip_address, success=False))
        audit("login.locked", target=email)
        return LoginResult(locked=True)
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        # Hash anyway so that unknown addresses take as long as known ones.
        User(password_hash="").set_password(password or "x")
        ok = False
    else:
        ok = user.check_password(password) and user.active
    db.session.add(LoginAttempt(email=email, ip_address=ip_address, success=ok))
    if ok:
        user.last_login_at = utcnow()
        audit("login.success", target=email, actor=user)
    else:
        audit("login.failure", target=email)
    return LoginResult(user=user if ok else None)


@built_once
def _member_by_token():
    return select(User, unread_count_of(User.id)).where(User.session_token == bindparam("token"),
                                                        User.active.is_(True))


def load_user_by_session_token(token: str) -> User | None:
    """The logged-in member, with the count of their unread notifications in the same statement."""
    if not token:
        return None
    row = db.session.execute(_member_by_token(), {"token": token}).first()
    if row is None:
        return None
    remember_unread_count(row[1] or 0)
    return row[0]


class AccountError(Refusal):
    """A refusal the user can understand: the message is shown as is (French, translated)."""


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def absolute_url(endpoint: str, **values) -> str:
    """Links in emails start from SITE_URL, never from the Host header of the request."""
    return current_app.config["SITE_URL"] + url_for(endpoint, **values)


def check_password_strength(password: str, confirm: str | None = None) -> None:
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password or "") < minimum:
        raise AccountError(_("Le mot de passe doit contenir au moins %(n)d caractères.", n=minimum), "password")
    if confirm is not None and password != confirm:
        raise AccountError(_("Les deux mots de passe ne correspondent pas."), "confirm")


# --- Invitations -------------------------------------------------------------------------------

def may_invite_role(user, role: str) -> bool:
    """Co-animators invite members and co-animators; only an admin invites admins."""
    if role == ROLE_ADMIN:
        return has_role(user, ROLE_ADMIN)
    return role in ROLES and has_role(user, ROLE_COANIMATOR)


def _send_invitation(invitation: Invitation) -> None:
    invitation.nonce = secrets.token_hex(16)
    invitation.sent_at = utcnow()
    invitation.expires_at = invitation.sent_at + timedelta(seconds=current_app.config["INVITATION_MAX_AGE"])
    db.session.flush()
    link = absolute_url("accounts.accept_invitation", token=make_invitation_token(invitation))
    queue_email(
        "invitation",
        invitation.email,
        _l("Invitation à rejoindre l'espace du réseau clauses sociales"),  # in the site's language
        invitation=invitation,
        link=link,
        role_label=ROLE_LABELS.get(invitation.role, invitation.role),
        expires_at=invitation.expires_at,
        kind="account.invitation",
    )


def invite(email: str, role: str, structure: Structure | None, message: str | None, actor: User) -> Invitation:
    email = normalize_email(email)
    if not may_invite_role(actor, role):
        raise AccountError(_("Vous ne pouvez pas inviter avec ce rôle."), "role")
    if find_user_by_email(email) is not None:
        raise AccountError(_("Cette adresse correspond déjà à un membre du réseau."), "email")
    pending = db.session.scalar(
        select(Invitation).where(Invitation.email == email, Invitation.accepted_at.is_(None),
                                 Invitation.revoked_at.is_(None), Invitation.expires_at > utcnow())
    )
    if pending is not None:
        raise AccountError(_("Une invitation est déjà en attente pour cette adresse : renvoyez-la depuis la liste des invitations."), "email")
    invitation = Invitation(email=email, role=role, structure=structure, message=message or None,
                            invited_by_id=actor.id, expires_at=utcnow())
    db.session.add(invitation)
    _send_invitation(invitation)
    audit("invitation.sent", target=email, detail=str(ROLE_LABELS.get(role, role)), actor=actor)
    return invitation


def resend_invitation(invitation: Invitation, actor: User) -> None:
    """A new link valid 7 more days; the previous link stops working (new nonce)."""
    if invitation.status not in ("pending", "expired"):
        raise AccountError(_("Cette invitation ne peut plus être renvoyée."))
    if not may_invite_role(actor, invitation.role):
        raise AccountError(_("Vous ne pouvez pas inviter avec ce rôle."))
    if find_user_by_email(invitation.email) is not None:
        raise AccountError(_("Cette adresse correspond déjà à un membre du réseau."))
    _send_invitation(invitation)
    audit("invitation.resent", target=invitation.email, actor=actor)


def revoke_invitation(invitation: Invitation, actor: User) -> None:
    if invitation.status != "pending" and invitation.status != "expired":
        raise AccountError(_("Cette invitation ne peut plus être révoquée."))
    invitation.revoked_at = utcnow()
    audit("invitation.revoked", target=invitation.email, actor=actor)


def invitation_from_token(token: str) -> tuple[Invitation | None, str]:
    """The invitation a link points to and its state: pending, accepted, expired, revoked or invalid."""
    data = read_token(token, INVITATION_SALT, max_age=None)
    invitation = db.session.get(Invitation, data[0]) if data else None
    if invitation is None or not secrets.compare_digest(invitation.nonce, data[1]):
        return None, "invalid"
    return invitation, invitation.status


def accept_invitation(invitation: Invitation, full_name: str, password: str, confirm: str) -> User:
    if invitation.status != "pending":
        raise AccountError(_("Cette invitation n'est plus valable."))
    check_password_strength(password, confirm)
    if find_user_by_email(invitation.email) is not None:
        raise AccountError(_("Un compte existe déjà pour cette adresse : connectez-vous."))
    user = User(email=invitation.email, full_name=full_name, role=invitation.role,
                structure_id=invitation.structure_id, last_login_at=utcnow())
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    invitation.accepted_at = utcnow()
    invitation.accepted_user_id = user.id
    audit("invitation.accepted", target=user.email, actor=user)
    membership_changed(user)
    return user


# --- Password reset ------------------------------------------------------------------------------

def request_password_reset(email: str) -> None:
    """Email a reset link if an active account has this address; silent otherwise."""
    email = normalize_email(email)
    user = find_user_by_email(email)
    if user is None or not user.active:
        audit("password.reset_requested_unknown", target=email[:200])
        return
    if not _claim_reset_slot(user):
        audit("password.reset_throttled", target=user.email, actor=user)
        return
    queue_email(
        "password_reset",
        user.email,
        _l("Réinitialisation de votre mot de passe"),  # in the member's language
        user=user,
        link=absolute_url("accounts.reset_password", token=make_reset_token(user)),
        kind="account.password_reset",
    )
    audit("password.reset_requested", target=user.email, actor=user)


def _claim_reset_slot(user: User) -> bool:
    """At most one reset email per account per PASSWORD_RESET_INTERVAL_MINUTES, whatever the
    number of requests, processes or servers: one conditional UPDATE in the database decides
    (two requests at once cannot both see the slot free)."""
    now = utcnow()
    since = now - timedelta(minutes=current_app.config["PASSWORD_RESET_INTERVAL_MINUTES"])
    claimed = db.session.execute(
        update(User).where(User.id == user.id, or_(User.password_reset_requested_at.is_(None),
                                                   User.password_reset_requested_at <= since))
        .values(password_reset_requested_at=now).execution_options(synchronize_session=False))
    return claimed.rowcount == 1


def user_from_reset_token(token: str) -> User | None:
    data = read_token(token, RESET_SALT, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    user = db.session.get(User, data[0]) if data else None
    if user is None or not user.active:
        return None
    if not secrets.compare_digest(password_fingerprint(user.password_hash), data[1]):
        return None  # already used (the password changed since)
    return user


def reset_password(user: User, password: str, confirm: str) -> None:
    check_password_strength(password, confirm)
    user.set_password(password)
    audit("password.reset", target=user.email, actor=user)
    _tell_password_changed(user)


def change_password(user: User, current: str, password: str, confirm: str) -> None:
    if not user.check_password(current or ""):
        raise AccountError(_("Le mot de passe actuel est incorrect."), "current_password")
    check_password_strength(password, confirm)
    user.set_password(password)
    audit("password.changed", target=user.email, actor=user)
    _tell_password_changed(user)


def end_every_session(user: User) -> None:
    """Sign the member out everywhere: every browser and device, and any copy of their session or
    "remember me" cookie (a session lives in a signed cookie: logging out forgets it in this
    browser only). A new session token is all it takes."""
    user.session_token = secrets.token_hex(24)
    audit("logout.everywhere", target=user.email, actor=user)


def _tell_password_changed(user: User) -> None:
    """A security notice, always emailed: the owner learns at once if someone else did it."""
    notify(PASSWORD_CHANGED, [user], title=_("Le mot de passe de votre compte a été modifié"),
           message=_("Si vous n'êtes pas à l'origine de ce changement, demandez tout de suite un nouveau "
                     "mot de passe avec ce lien et prévenez un administrateur du site."),
           url=url_for("accounts.forgot_password"))


# --- Profile -------------------------------------------------------------------------------------

PROFILE_FIELDS = ("full_name", "job_title", "phone", "bio", "language", "facilitation_fte")


def update_profile(user: User, territories: list[Territory], **fields) -> None:
    for name in PROFILE_FIELDS:
        if name in fields:
            value = fields[name]
            setattr(user, name, value if value or name == "full_name" or value == 0 else None)
    if {t.id for t in territories} != {t.id for t in user.territories}:
        user.territories = list(territories)
        db.session.flush()
        membership_changed(user)


# --- Admin: members ------------------------------------------------------------------------------

def change_role(user: User, role: str, actor: User) -> None:
    if role not in ROLES:
        raise AccountError(_("Rôle inconnu."))
    if user.id == actor.id:
        raise AccountError(_("Vous ne pouvez pas modifier votre propre rôle."))
    if user.role != role:
        audit("member.role_changed", target=user.email, actor=actor,
              detail=f"{ROLE_LABELS.get(user.role, user.role)} → {ROLE_LABELS.get(role, role)}")
        user.role = role


def set_active(user: User, active: bool, actor: User) -> None:
    """Deactivation logs the account out everywhere; its content stays."""
    if user.id == actor.id:
        raise AccountError(_("Vous ne pouvez pas désactiver votre propre compte."))
    if user.is_erased:
        raise AccountError(_("Les données de ce compte ont été effacées : il ne peut plus être réactivé."))
    if user.active == active:
        return
    user.active = active
    user.deactivated_at = None if active else utcnow()
    if not active:
        user.session_token = secrets.token_hex(24)
    audit("member.reactivated" if active else "member.deactivated", target=user.email, actor=actor)
    db.session.flush()
    membership_changed(user)


def erase_refusal(user: User, actor: User | None) -> str | None:
    """Why this account's data cannot be erased now (None: it can)."""
    if user.is_erased:
        return _("Les données de ce compte ont déjà été effacées.")
    if actor is not None and user.id == actor.id:
        return _("Vous ne pouvez pas effacer votre propre compte.")
    if user.active:
        return _("Désactivez d'abord ce compte : seules les données d'un ancien membre peuvent être effacées.")
    return None


def erase_member(user: User, actor: User | None) -> None:
    """Erase a former member's personal data (RGPD article 17): every domain removes or
    anonymises what it keeps about them (core/privacy.py), accounts last; their contributions
    stay, signed "Ancien membre". Only a deactivated account can be erased, and not twice.
    ``actor`` is None when the retention period does it (worker)."""
    refusal = erase_refusal(user, actor)
    if refusal:
        raise AccountError(refusal)
    erase_personal_data(user)
    audit("member.erased", target=erased_label(user.id),
          detail=None if actor is not None else "durée de conservation des comptes désactivés", actor=actor)


def anonymise_account(user: User) -> None:
    """The accounts part of an erasure: the row keeps only its id, role and dates; no password,
    session or link of the account works any more."""
    email = user.email
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.email == email))
    db.session.execute(delete(Invitation).where(Invitation.email == email))
    user.full_name = str(ERASED_NAME)
    user.email = f"ancien-membre-{user.id}@anonyme.invalid"
    user.job_title = user.phone = user.bio = user.facilitation_fte = None
    user.structure = None
    user.territories = []
    user.language = "fr"
    user.last_login_at = user.welcome_dismissed_at = user.guide_opened_at = None
    user.active = False
    # No hash matches an empty string (check_password refuses it), and the reset links signed
    # with the old hash's fingerprint stop working; a new session token ends every session and
    # "remember me" cookie.
    user.password_hash = ""
    user.session_token = secrets.token_hex(24)
    user.erased_at = utcnow()


def create_admin(email: str, full_name: str, password: str) -> tuple[User, bool]:
    """Create an admin account, or promote the existing one (and set its password)."""
    email = normalize_email(email)
    check_password_strength(password)
    user = find_user_by_email(email)
    created = user is None
    if created:
        user = User(email=email, full_name=full_name or email.split("@")[0])
        db.session.add(user)
    user.role = ROLE_ADMIN
    user.active = True
    user.set_password(password)
    db.session.flush()
    audit("admin.created" if created else "admin.promoted", target=email, detail="flask create-admin", actor=user)
    return user, created


# --- Admin: structures and territories -----------------------------------------------------------

def _save_named(model, obj, actor: User, clash_message, audit_prefix: str, fields: dict):
    """Create or update a structure or territory: names are unique whatever the capitals and accents
    (compared in Python: SQLite's lower() leaves "É" as it is); audited."""
    wanted = fold(fields["name"])
    if any(fold(name) == wanted for row_id, name in db.session.execute(select(model.id, model.name))
           if obj is None or row_id != obj.id):
        raise AccountError(str(clash_message), "name")
    created = obj is None
    if created:
        obj = model()
        db.session.add(obj)
    for name, value in fields.items():
        setattr(obj, name, value)
    db.session.flush()
    audit(f"{audit_prefix}.created" if created else f"{audit_prefix}.updated", target=obj.name, actor=actor)
    return obj


def save_structure(structure: Structure | None, actor: User, **fields) -> Structure:
    return _save_named(Structure, structure, actor, _l("Une structure porte déjà ce nom."), "structure", fields)


def create_structure_for_invitation(actor: User, name: str, kind: str, territory_id: int | None) -> Structure:
    """The structure typed in the invitation form (a newcomer's employer not on the site yet),
    created in the invitation's transaction; a name already taken is refused beside that field."""
    try:
        return save_structure(None, actor, name=name, kind=kind, territory_id=territory_id)
    except AccountError as refusal:
        raise AccountError(refusal.message, "new_structure_name") from refusal


def delete_structure(structure: Structure, actor: User) -> None:
    in_use = db.session.scalar(select(func.count(User.id)).where(User.structure_id == structure.id)) or 0
    if in_use:
        raise AccountError(ngettext("Cette structure emploie encore %(num)d membre : elle ne peut pas être supprimée.",
                                   "Cette structure emploie encore %(num)d membres : elle ne peut pas être supprimée.", in_use))
    if references_to(structure):  # its report contributions, which stay in the consolidated figures
        raise AccountError(_("Cette structure a contribué au bilan ou reste liée ailleurs : désactivez-la plutôt que "
                             "de la supprimer."))
    audit("structure.deleted", target=structure.name, actor=actor)
    db.session.delete(structure)


def save_territory(territory: Territory | None, actor: User, **fields) -> Territory:
    # A territory is named in imports and lists by its name or its short name, and several in one
    # cell are separated by commas: each name must point at one territory only.
    others = [t for t in db.session.scalars(select(Territory)) if territory is None or t.id != territory.id]
    for field in ("name", "short_name"):
        value = (fields.get(field) or "").strip()
        if not value:
            continue
        if any(mark in value for mark in ",;|"):
            raise AccountError(_("Sans virgule ni point-virgule : ils séparent les territoires dans les imports."), field)
        clash = next((t for t in others if fold(value) in (fold(t.name), fold(t.short_name))), None)
        if clash is not None:
            raise AccountError(_("« %(value)s » désigne déjà le territoire « %(name)s » (son nom ou son nom court).",
                                 value=value, name=clash.name), field)
    if fields.get("siren"):
        clash = db.session.scalar(select(Territory).where(Territory.siren == fields["siren"]))
        if clash is not None and clash is not territory:
            raise AccountError(_("Le territoire « %(name)s » porte déjà ce SIREN.", name=clash.name), "siren")
    return _save_named(Territory, territory, actor, _l("Un territoire porte déjà ce nom."), "territory", fields)


def delete_territory(territory: Territory, actor: User) -> None:
    # Anything pointing at it: members, structures, events, meetings, resources, contributions…
    if references_to(territory):
        raise AccountError(_("Ce territoire est utilisé (membres, structures, événements, réunions, bilans…) : "
                             "désactivez-le plutôt que de le supprimer."))
    audit("territory.deleted", target=territory.name, actor=actor)
    db.session.delete(territory)
