from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from network_space.accounts import services
from network_space.accounts.forms import LoginForm
from network_space.core.audit import audit
from network_space.core.urls import is_safe_next
from network_space.extensions import client_address, db, limiter

bp = Blueprint("accounts", __name__)


def _login_rate() -> str:
    return current_app.config.get("LOGIN_RATE_LIMIT", "20 per minute")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_rate, methods=["POST"])
def login():
    next_url = request.values.get("next")
    if current_user.is_authenticated:
        return redirect(next_url if is_safe_next(next_url) else url_for("core.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        result = services.authenticate(form.email.data, form.password.data, client_address())
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
    audit("logout", target=current_user.email)
    db.session.commit()
    logout_user()
    flash(_("Vous êtes déconnecté·e."), "info")
    return redirect(url_for("accounts.login"))
