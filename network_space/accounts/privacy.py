"""What accounts keep about people (the account, invitations, login attempts): export, erasure
and retention, declared to core/privacy.py."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, or_, select

from network_space.accounts.models import INVITATION_STATUS_LABELS, ROLE_LABELS, Invitation, LoginAttempt, User
from network_space.accounts.services import anonymise_account, erase_member
from network_space.core.i18n import lazy_gettext as _l
from network_space.core.privacy import (
    BASIS_PUBLIC_TASK, UNIT_MONTHS, Retention, register_personal_data,
)
from network_space.extensions import db


def export_account(user: User) -> dict:
    received = db.session.scalars(select(Invitation).where(Invitation.email == user.email).order_by(Invitation.id))
    sent = db.session.scalars(select(Invitation).where(Invitation.invited_by_id == user.id).order_by(Invitation.id))
    attempts = db.session.scalars(
        select(LoginAttempt).where(LoginAttempt.email == user.email).order_by(LoginAttempt.id))
    return {
        "profil": {
            "identifiant": user.id,
            "nom": user.full_name,
            "email": user.email,
            "fonction": user.job_title,
            "telephone": user.phone,
            "presentation": user.bio,
            "structure": user.structure.name if user.structure else None,
            "territoires": [territory.name for territory in user.territories],
            "temps_de_facilitation_etp": user.facilitation_fte,
            "role": str(ROLE_LABELS.get(user.role, user.role)),
            "langue": user.language,
            "compte_actif": user.active,
            "cree_le": user.created_at,
            "derniere_connexion": user.last_login_at,
            "premiers_pas_masques_le": user.welcome_dismissed_at,
            "guide_pratique_ouvert_le": user.guide_opened_at,
        },
        "invitations_recues": [
            {"envoyee_le": i.sent_at, "par": i.invited_by.full_name if i.invited_by else None,
             "role": str(ROLE_LABELS.get(i.role, i.role)), "message": i.message, "acceptee_le": i.accepted_at}
            for i in received
        ],
        "invitations_envoyees": [
            {"email": i.email, "envoyee_le": i.sent_at, "etat": str(INVITATION_STATUS_LABELS.get(i.status, i.status))}
            for i in sent
        ],
        "tentatives_de_connexion": [
            {"date": a.created_at, "adresse_ip": a.ip_address, "reussie": a.success} for a in attempts
        ],
    }


def erase_account(user: User) -> None:
    anonymise_account(user)


def purge_login_attempts(cutoff: datetime) -> int:
    """Attempts only matter for the lock-out window; the rest is kept for investigations."""
    return db.session.execute(delete(LoginAttempt).where(LoginAttempt.created_at < cutoff)).rowcount


def purge_invitations(cutoff: datetime) -> int:
    """Invitations never accepted (expired or revoked before the cutoff) hold an address of
    someone who is not a member."""
    return db.session.execute(delete(Invitation).where(
        Invitation.accepted_at.is_(None),
        or_(Invitation.expires_at < cutoff, Invitation.revoked_at < cutoff),
    )).rowcount


def erase_deactivated_accounts(cutoff: datetime) -> int:
    """Erase the accounts deactivated before the cutoff (never reactivated since)."""
    users = list(db.session.scalars(select(User).where(
        User.active.is_(False), User.erased_at.is_(None), User.deactivated_at < cutoff).order_by(User.id)))
    for user in users:
        erase_member(user, actor=None)
    return len(users)


def register() -> None:
    register_personal_data(
        "compte", _l("Compte et profil de membre"), order=10,
        data=_l("Nom, adresse email, fonction, téléphone, présentation, structure employeuse, territoires "
                "couverts, rôle, langue, dates de création et de dernière connexion ; invitations reçues "
                "et envoyées ; tentatives de connexion (adresse saisie, adresse IP, date)."),
        purpose=_l("Donner accès à l'espace réservé aux membres du réseau, permettre aux membres de se "
                   "connaître et de se contacter (annuaire), protéger les comptes contre les intrusions."),
        legal_basis=(
            BASIS_PUBLIC_TASK,
            _l("Consentement (article 6-1-a du RGPD) pour le téléphone et la présentation, facultatifs : vous "
               "pouvez les retirer à tout moment en modifiant votre profil"),
            _l("Obligation légale de sécurité (articles 6-1-c et 32 du RGPD) pour les tentatives de connexion"),
        ),
        kept=_l("Tant que le compte est actif. Un compte désactivé peut être réactivé jusqu'à l'effacement "
                "de ses données, par un administrateur ou à l'échéance indiquée ci-dessous."),
        export=export_account, erase=erase_account,
        retentions=(
            Retention(_l("Tentatives de connexion"), "LOGIN_ATTEMPT_RETENTION_DAYS", purge_login_attempts),
            Retention(_l("Invitations non acceptées (après leur expiration)"), "INVITATION_RETENTION_DAYS",
                      purge_invitations),
            Retention(_l("Comptes désactivés, effacés après"), "DEACTIVATED_ACCOUNT_RETENTION_MONTHS",
                      erase_deactivated_accounts, unit=UNIT_MONTHS),
        ),
    )
