"""Login, password reset, invitation acceptance, the member directory and one's own profile."""
from __future__ import annotations

import tempfile

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm

from network_space.accounts import queries, services, welcome
from network_space.accounts.forms import (
    AcceptInvitationForm, ChangePasswordForm, choices, ForgotPasswordForm, LoginForm, ProfileForm, ResetPasswordForm,
)
from network_space.accounts.models import ROLE_LABELS, SECTOR_LABELS
from network_space.core.audit import audit
from network_space.core.i18n import in_language_of
from network_space.core.i18n import lazy_gettext as _l
from network_space.core.models import utcnow
from network_space.core.privacy import write_export
from network_space.core.pagination import paginate
from network_space.core.permissions import require
from network_space.core.transactions import attempt
from network_space.core.urls import is_safe_next
from network_space.extensions import client_address, limiter

bp = Blueprint("accounts", __name__)

def _login_rate() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_rate, methods=["POST"])
def login():
    next_url = request.values.get("next")
    if current_user.is_authenticated:
        return redirect(next_url if is_safe_next(next_url) else url_for("core.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        result = attempt(lambda: services.authenticate(form.email.data, form.password.data, client_address())).value
        if result.locked:
            flash(_("Trop de tentatives de connexion. Réessayez dans quelques minutes ou réinitialisez votre mot de passe."), "error")
        elif result.user is None:
            flash(_("Adresse email ou mot de passe incorrect."), "error")
        else:
            login_user(result.user, remember=form.remember.data)
            flash(_("Bienvenue, %(name)s.", name=result.user.full_name), "success")
            return redirect(next_url if is_safe_next(next_url) else url_for("core.dashboard"))
    return render_template("accounts/login.html", form=form, next=next_url if is_safe_next(next_url) else None)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    attempt(lambda: audit("logout", target=current_user.email))
    logout_user()
    flash(_("Vous êtes déconnecté·e."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/logout/everywhere", methods=["POST"])
@login_required
def logout_everywhere():
    user = current_user._get_current_object()
    if attempt(lambda: services.end_every_session(user)):
        logout_user()
        flash(_("Vous êtes déconnecté·e de tous vos appareils."), "info")
    return redirect(url_for("accounts.login"))


# --- Password reset ------------------------------------------------------------------------------

@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_login_rate, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        # The same answer whether or not the address is a member's.
        attempt(lambda: services.request_password_reset(form.email.data),
                _("Si cette adresse correspond à un compte actif, un email avec un lien de réinitialisation "
                  "vient d'être envoyé. Le lien est valable une heure."), category="info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot_password.html", form=form)


def _invalid_link(title: str, message: str, status: int = 400):
    return render_template("accounts/link_invalid.html", title=title, message=message), status


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    user = services.user_from_reset_token(token)
    if user is None:
        return _invalid_link(
            _("Lien de réinitialisation invalide"),
            _("Ce lien a expiré, a déjà servi ou n'est pas valide. Demandez un nouveau lien : il est valable une heure."),
        )
    form = ResetPasswordForm()
    if form.validate_on_submit() and attempt(
            lambda: services.reset_password(user, form.password.data, form.confirm.data),
            _("Votre mot de passe a été modifié. Connectez-vous avec le nouveau mot de passe."), form=form):
        logout_user()
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form, user=user)


# --- Invitations ---------------------------------------------------------------------------------

INVITATION_LINK_MESSAGES = {
    "accepted": (_l("Invitation déjà utilisée"), _l("Cette invitation a déjà été acceptée. Connectez-vous avec votre adresse email et votre mot de passe.")),
    "expired": (_l("Invitation expirée"), _l("Ce lien d'invitation a expiré (il est valable 7 jours). Demandez à la personne qui vous a invité·e de vous le renvoyer.")),
    "revoked": (_l("Invitation annulée"), _l("Cette invitation a été annulée. Contactez les co-animateurs du réseau si vous pensez que c'est une erreur.")),
    "invalid": (_l("Lien d'invitation invalide"), _l("Ce lien n'est pas valide ou a été remplacé par un envoi plus récent. Utilisez le dernier email reçu.")),
}


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    invitation, status = services.invitation_from_token(token)
    if status != "pending":
        title, message = INVITATION_LINK_MESSAGES[status]
        return _invalid_link(str(title), str(message), 410 if status in ("expired", "revoked", "accepted") else 400)
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        accepted = attempt(
            lambda: services.accept_invitation(invitation, form.full_name.data, form.password.data, form.confirm.data),
            lambda user: _("Bienvenue dans l'espace du réseau, %(name)s !", name=user.full_name), form=form)
        if accepted:
            login_user(accepted.value)
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/accept_invitation.html", form=form, invitation=invitation,
                           role_label=ROLE_LABELS.get(invitation.role))


# --- Member directory and profiles ---------------------------------------------------------------

@bp.route("/members/")
@login_required
def directory():
    require("members.view")
    filters = queries.DirectoryFilters.from_request()
    page = paginate(queries.directory_select(filters.shape), per_page=30, values=filters.values)
    return render_template(
        "accounts/directory.html", page=page, filters=filters,
        structures=queries.structures_for_select(), territories=queries.territories_for_select(),
        sectors=SECTOR_LABELS, roles=ROLE_LABELS,
    )


@bp.route("/members/<int:user_id>")
@login_required
def member(user_id: int):
    require("members.view")
    user = queries.member_profile(user_id)
    if user is None:
        abort(404)
    return render_template("accounts/profile.html", user=user, roles=ROLE_LABELS, sectors=SECTOR_LABELS)


@bp.route("/welcome/dismiss", methods=["POST"])
@login_required
def dismiss_welcome():
    """"Masquer" on the dashboard's first steps: hidden for good (any valid form post)."""
    if FlaskForm().validate_on_submit():
        user = current_user._get_current_object()
        attempt(lambda: welcome.dismiss(user),
                _("Premiers pas masqués. Vous retrouverez ces réglages dans votre profil et le menu."))
    return redirect(url_for("core.dashboard"))


@bp.route("/profile")
@login_required
def profile():
    return member(current_user.id)


def _said_in_their_language(user):
    """The confirmation, in the language the member may just have chosen: it shows on the next
    page, which speaks that language."""
    def message(_none) -> str:
        with in_language_of(user):
            return _("Votre profil a été mis à jour.")

    return message


@bp.route("/profile/edit", methods=["GET", "POST"])
@login_required
def edit_profile():
    user = queries.member_profile(current_user.id)
    require("profile.edit", user)
    form = ProfileForm(obj=user)
    territories = queries.territories_for_select(active_only=False)
    form.territories.choices = choices((t.id, t.name_and_sector) for t in territories if t.active or t in user.territories)
    if request.method == "GET":
        form.territories.data = [t.id for t in user.territories]
    if form.validate_on_submit():
        chosen = [t for t in territories if t.id in set(form.territories.data)]
        if attempt(lambda: services.update_profile(user, chosen, full_name=form.full_name.data,
                                                   job_title=form.job_title.data, phone=form.phone.data,
                                                   bio=form.bio.data, language=form.language.data,
                                                   facilitation_fte=form.facilitation_fte.data),
                   _said_in_their_language(user), form=form):
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/edit_profile.html", form=form)


@bp.route("/profile/export", methods=["POST"])
@login_required
def export_data():
    """All the member's personal data as a ZIP (RGPD articles 15 and 20), written to a temporary
    file: it may hold every file they uploaded."""
    user = current_user._get_current_object()
    archive = tempfile.TemporaryFile()
    try:
        write_export(user, archive)
    except BaseException:
        archive.close()
        raise
    attempt(lambda: audit("personal_data.exported", target=user.email, actor=user))
    archive.seek(0)
    response = send_file(archive, mimetype="application/zip", as_attachment=True,
                         download_name=f"mes-donnees-{utcnow():%Y-%m-%d}.zip", max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/profile/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        if attempt(lambda: services.change_password(user, form.current_password.data, form.password.data,
                                                    form.confirm.data),
                   _("Votre mot de passe a été modifié. Vos autres sessions ont été déconnectées."), form=form):
            # The new session token logged out every other session; keep this one.
            login_user(user)
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/change_password.html", form=form)
