"""Administration pages (/admin/…): members, invitations, structures, territories, audit log
(the emails pages are notifications' admin.py).

Everything here is for admins, except the invitations pages, which co-animators use too.
Every write goes through accounts.services and leaves an audit entry."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from network_space.accounts import queries, services
from network_space.accounts.forms import EraseForm, InvitationForm, RoleForm, StructureForm, TerritoryForm
from network_space.core.forms import choices
from network_space.accounts.models import (
    INVITATION_FILTER_LABELS, INVITATION_STATUS_LABELS, ROLE_LABELS, SECTOR_LABELS, STRUCTURE_KIND_LABELS, Invitation,
    Structure, Territory, User, user_territory,
)
from network_space.core.audit import AuditEntry, audit_action_label
from network_space.core.models import utcnow
from network_space.core.pagination import paginate
from network_space.core.permissions import ROLES, require
from network_space.core.transactions import attempt
from network_space.extensions import db

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def _members_only():
    """Every admin page needs a login; the role is checked per view (co-animators see invitations)."""


def _get_or_404(model, object_id: int):
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    return obj


def _saved_or_refused(form, save, message, endpoint: str):
    """save(); then the list with ``message`` (given the saved object's name), or None with the
    refusal under the form's field, the form coming back as typed."""
    if attempt(save, lambda obj: message(obj.name), form=form):
        return redirect(url_for(endpoint))
    return None


def _deleted_or_refused(obj, delete, message, endpoint: str):
    """delete(obj, actor); then back to the list with ``message`` (given the name) or the refusal."""
    attempt(lambda: delete(obj, current_user), message(obj.name))
    return redirect(url_for(endpoint))


# --- Members -------------------------------------------------------------------------------------

@bp.route("/")
def index():
    require("admin")
    return redirect(url_for("admin.members"))


@bp.route("/members")
def members():
    require("admin")
    filters = queries.DirectoryFilters.from_request()
    state = "inactive" if request.args.get("state") == "inactive" else "active"
    page = paginate(queries.directory_select(filters.shape, active=state == "active"), per_page=50,
                    values=filters.values)
    return render_template("admin/members.html", page=page, filters=filters, roles=ROLE_LABELS,
                           state=state, role_form=RoleForm())


@bp.route("/members/<int:user_id>/role", methods=["POST"])
def member_role(user_id: int):
    require("admin")
    user = _get_or_404(User, user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        flash(_("Rôle invalide."), "error")
        return redirect(url_for("admin.members"))
    attempt(lambda: services.change_role(user, form.role.data, current_user),
            lambda _none: _("Nouveau rôle pour %(name)s : %(role)s.", name=user.full_name, role=ROLE_LABELS[user.role]))
    return redirect(url_for("admin.members"))


@bp.route("/members/<int:user_id>/active", methods=["POST"])
def member_active(user_id: int):
    require("admin")
    user = _get_or_404(User, user_id)
    activate = request.form.get("active") == "1"
    attempt(lambda: services.set_active(user, activate, current_user),
            _("Compte de %(name)s réactivé.", name=user.full_name) if activate
            else _("Compte de %(name)s désactivé : ses sessions sont fermées, ses contributions restent.",
                   name=user.full_name))
    return redirect(url_for("admin.members", state=None if activate else "inactive"))


@bp.route("/members/<int:user_id>/erase", methods=["GET", "POST"])
def member_erase(user_id: int):
    """Erase a former member's personal data, after a confirmation step (RGPD article 17)."""
    require("admin")
    user = _get_or_404(User, user_id)
    refusal = services.erase_refusal(user, current_user)
    form = EraseForm()
    if refusal is None and form.validate_on_submit():
        if form.confirm_email.data.lower() != user.email:
            form.confirm_email.errors = list(form.confirm_email.errors) + [
                _("Ce n'est pas l'adresse de ce compte : rien n'a été effacé.")]
        elif attempt(lambda: services.erase_member(user, current_user),
                     _("Les données personnelles de ce membre ont été effacées ; ses contributions restent, "
                       "signées « Ancien membre »."), form=form):
            return redirect(url_for("admin.members", state="inactive"))
    return render_template("admin/member_erase.html", user=user, form=form, refusal=refusal)


# --- Invitations (co-animators too) --------------------------------------------------------------

def _invitation_form() -> InvitationForm:
    form = InvitationForm()
    form.role.choices = choices((r, ROLE_LABELS[r]) for r in ROLES if services.may_invite_role(current_user, r))
    form.structure.choices = choices([(0, _("— Choisissez une structure —"))] +
                                     [(s.id, s.name) for s in queries.structures_for_select(active_only=True)])
    form.new_structure_territory.choices = choices(
        [(0, _("— Aucun —"))] + [(t.id, t.name) for t in queries.territories_for_select(active_only=True)])
    return form


@bp.route("/invitations", methods=["GET", "POST"])
def invitations():
    require("invitations.manage")
    form = _invitation_form()
    if form.validate_on_submit():
        def invite():
            structure = db.session.get(Structure, form.structure.data) if form.structure.data else \
                services.create_structure_for_invitation(current_user, form.new_structure_name.data,
                                                         form.new_structure_kind.data,
                                                         form.new_structure_territory.data or None)
            return services.invite(form.email.data, form.role.data, structure, form.message.data, current_user)

        if attempt(invite,
                   lambda invitation: _("Invitation envoyée à %(email)s (lien valable 7 jours).", email=invitation.email),
                   form=form):
            return redirect(url_for("admin.invitations"))
    status = request.args.get("status")
    stmt = select(Invitation).options(selectinload(Invitation.structure), selectinload(Invitation.invited_by))
    now = utcnow()
    if status == "pending":
        stmt = stmt.where(Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None), Invitation.expires_at >= now)
    elif status == "accepted":
        stmt = stmt.where(Invitation.accepted_at.is_not(None))
    elif status == "revoked":
        stmt = stmt.where(Invitation.revoked_at.is_not(None), Invitation.accepted_at.is_(None))
    elif status == "expired":
        stmt = stmt.where(Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None), Invitation.expires_at < now)
    else:
        status = None
    page = paginate(stmt.order_by(Invitation.sent_at.desc(), Invitation.id.desc()), per_page=50)
    return render_template("admin/invitations.html", form=form, page=page, status=status,
                           statuses=INVITATION_STATUS_LABELS,
                           filters=INVITATION_FILTER_LABELS, roles=ROLE_LABELS)


@bp.route("/invitations/<int:invitation_id>/resend", methods=["POST"])
def invitation_resend(invitation_id: int):
    require("invitations.manage")
    invitation = _get_or_404(Invitation, invitation_id)
    attempt(lambda: services.resend_invitation(invitation, current_user),
            lambda _none: _("Invitation renvoyée à %(email)s : l'ancien lien ne fonctionne plus.", email=invitation.email))
    return redirect(url_for("admin.invitations"))


@bp.route("/invitations/<int:invitation_id>/revoke", methods=["POST"])
def invitation_revoke(invitation_id: int):
    require("invitations.manage")
    invitation = _get_or_404(Invitation, invitation_id)
    if not services.may_invite_role(current_user, invitation.role):
        abort(403)
    attempt(lambda: services.revoke_invitation(invitation, current_user),
            lambda _none: _("Invitation de %(email)s révoquée.", email=invitation.email))
    return redirect(url_for("admin.invitations"))


# --- Structures ----------------------------------------------------------------------------------

@bp.route("/structures")
def structures():
    require("admin")
    counts = dict(db.session.execute(
        select(User.structure_id, func.count(User.id)).where(User.structure_id.is_not(None)).group_by(User.structure_id)
    ).all())
    items = db.session.scalars(select(Structure).options(selectinload(Structure.territory)).order_by(Structure.name)).all()
    return render_template("admin/structures.html", structures=items, counts=counts, kinds=STRUCTURE_KIND_LABELS)


@bp.route("/structures/new", methods=["GET", "POST"])
@bp.route("/structures/<int:structure_id>", methods=["GET", "POST"])
def structure_edit(structure_id: int | None = None):
    require("admin")
    structure = _get_or_404(Structure, structure_id) if structure_id is not None else None
    form = StructureForm(obj=structure)
    form.territory.choices = choices([(0, _("— Aucun —"))] + [(t.id, t.name) for t in queries.territories_for_select(active_only=False)])
    if request.method == "GET" and structure is not None:
        form.territory.data = structure.territory_id or 0
    if form.validate_on_submit():
        done = _saved_or_refused(form, lambda: services.save_structure(
            structure, current_user, name=form.name.data, kind=form.kind.data,
            territory_id=form.territory.data or None, website=form.website.data or None,
            address=form.address.data or None, active=form.active.data),
            lambda name: _("Structure « %(name)s » enregistrée.", name=name), "admin.structures")
        if done:
            return done
    return render_template("admin/structure_form.html", form=form, structure=structure)


@bp.route("/structures/<int:structure_id>/delete", methods=["POST"])
def structure_delete(structure_id: int):
    require("admin")
    return _deleted_or_refused(_get_or_404(Structure, structure_id), services.delete_structure,
                               lambda name: _("Structure « %(name)s » supprimée.", name=name), "admin.structures")


# --- Territories ---------------------------------------------------------------------------------

@bp.route("/territories")
def territories():
    require("admin")
    counts = dict(db.session.execute(
        select(user_territory.c.territory_id, func.count()).group_by(user_territory.c.territory_id)).all())
    items = db.session.scalars(select(Territory).order_by(Territory.sector, Territory.name)).all()
    return render_template("admin/territories.html", territories=items, counts=counts, sectors=SECTOR_LABELS)


@bp.route("/territories/new", methods=["GET", "POST"])
@bp.route("/territories/<int:territory_id>", methods=["GET", "POST"])
def territory_edit(territory_id: int | None = None):
    require("admin")
    territory = _get_or_404(Territory, territory_id) if territory_id is not None else None
    form = TerritoryForm(obj=territory)
    if form.validate_on_submit():
        done = _saved_or_refused(form, lambda: services.save_territory(
            territory, current_user, name=form.name.data, short_name=form.short_name.data or None,
            sector=form.sector.data, siren=form.siren.data or None, active=form.active.data),
            lambda name: _("Territoire « %(name)s » enregistré.", name=name), "admin.territories")
        if done:
            return done
    return render_template("admin/territory_form.html", form=form, territory=territory)


@bp.route("/territories/<int:territory_id>/delete", methods=["POST"])
def territory_delete(territory_id: int):
    require("admin")
    return _deleted_or_refused(_get_or_404(Territory, territory_id), services.delete_territory,
                               lambda name: _("Territoire « %(name)s » supprimé.", name=name), "admin.territories")


# --- Audit log -----------------------------------------------------------------------------------

@bp.route("/audit")
def audit_log():
    require("admin")
    action = request.args.get("action", "").strip()[:80]
    stmt = select(AuditEntry).options(selectinload(AuditEntry.actor)).order_by(AuditEntry.id.desc())
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    actions = db.session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)).all()
    return render_template("admin/audit.html", page=paginate(stmt, per_page=50), action=action,
                           actions=sorted(actions, key=lambda a: audit_action_label(a).lower()),
                           action_label=audit_action_label)
