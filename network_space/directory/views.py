from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from network_space.accounts.models import Territory
from network_space.accounts.queries import active_territories
from network_space.core import spreadsheet
from network_space.core.dates import fmt_datetime, to_paris, paris_today
from network_space.core.models import utcnow
from network_space.core.pagination import paginate
from network_space.core.permissions import can, require
from network_space.core.storage import UploadError, check_spooled
from network_space.core.transactions import attempt
from network_space.directory import export, importer, queries, services
from network_space.directory.forms import (
    MAX_CONTACTS, ImportMappingForm, ImportUploadForm, KindForm, OrganisationForm, kind_select_choices,
)
from network_space.directory.models import KIND_GROUPS, Organisation, OrganisationKind, OrganisationRevision
from network_space.directory.services import FIELD_LABELS
from network_space.extensions import db
from network_space.library.models import Sector

bp = Blueprint("directory", __name__, url_prefix="/directory")
PER_PAGE = 25
MAX_EXPORT_ROWS = 5000


def _organisation(organisation_id: int) -> Organisation:
    org = db.session.get(Organisation, organisation_id)
    if org is None:
        abort(404)
    return org


@bp.route("/")
@login_required
def index():
    require("directory.view")
    filters = queries.DirectoryFilters.from_args(request.args).with_text_matches(current_user)
    page = paginate(queries.organisations_query(filters.shape), per_page=PER_PAGE, values=filters.values)
    return render_template("directory/index.html", page=page, details=queries.list_details(page.items),
                           filters=filters, facets=queries.facets(filters))


@bp.route("/export.<any(csv, xlsx):fmt>")
@login_required
def export_list(fmt: str):
    require("directory.export")
    filters = queries.DirectoryFilters.from_args(request.args).with_text_matches(current_user)
    query = queries.organisations_query(filters.shape, export=True).limit(MAX_EXPORT_ROWS)
    organisations = list(db.session.scalars(query, filters.values))
    include_notes = can("directory.notes")
    stamp = to_paris(utcnow()).strftime("%Y-%m-%d")
    if fmt == "csv":
        body, mimetype = export.to_csv(organisations, include_notes), "text/csv"  # werkzeug adds the charset
    else:
        body = export.to_xlsx(organisations, include_notes)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="annuaire-partenaires-{stamp}.{fmt}"',
    })


def _form_choices(form: OrganisationForm, org: Organisation | None) -> None:
    kinds = queries.kind_choices(include_inactive=org.kind if org else None)
    form.kind.choices = kind_select_choices(kinds)
    territories = active_territories()
    form.territory.choices = [SelectChoice(0, _("— Aucun —"))] + [SelectChoice(t.id, t.name) for t in territories]
    form.served_territories.choices = [SelectChoice(t.id, t.name) for t in territories]
    form.sectors.choices = [SelectChoice(s.id, s.name) for s in queries.sector_choices(org)]


def _form_data(form: OrganisationForm, org: Organisation | None) -> dict:
    """The form as the service's data dict (objects for related rows, checked to exist)."""
    kind = db.session.get(OrganisationKind, form.kind.data or 0)
    territory_ids = set(form.served_territories.data or [])
    served = list(db.session.scalars(select(Territory).where(Territory.id.in_(territory_ids)))) if territory_ids else []
    sector_ids = set(form.sectors.data or [])
    sectors = list(db.session.scalars(select(Sector).where(Sector.id.in_(sector_ids)))) if sector_ids else []
    data = {
        "name": form.name.data,
        "trade_name": form.trade_name.data,
        "kind": kind,
        "siret": form.siret.data,
        "address": form.address.data,
        "postcode": form.postcode.data,
        "commune": form.commune.data,
        "territory": db.session.get(Territory, form.territory.data) if form.territory.data else None,
        "phone": form.phone.data,
        "email": form.email.data,
        "website": form.website.data,
        "contacts": [entry.data for entry in form.contacts.entries],
        "services": form.services.data or [],
        "sectors": sectors,
        "whole_departement": form.whole_departement.data,
        "served_territories": served,
        "workforce": form.workforce.data,
        "reserved_l2113_12": form.reserved_l2113_12.data,
        "reserved_l2113_13": form.reserved_l2113_13.data,
        "description": form.description.data,
    }
    if can("directory.notes"):
        data["internal_notes"] = form.internal_notes.data
    if form.mark_checked.data:
        data["last_checked_on"] = paris_today()
        data["last_checked_by"] = current_user._get_current_object()
    return data


def _save(form: OrganisationForm, org: Organisation | None):
    """The saved organisation, or None with the refusal shown in the form."""
    def save():
        data = _form_data(form, org)
        if org is None:
            return services.create_organisation(data, current_user), True
        return org, services.update_organisation(org, data, current_user) is not None

    def said(outcome) -> str:
        saved, changed = outcome
        if org is None:
            return _("« %(name)s » est ajoutée à l'annuaire.", name=saved.name)
        return _("Les modifications sont enregistrées.") if changed else _("Aucun changement.")

    saved = attempt(save, said, form=form)
    return saved.value[0] if saved else None


def _pad_contacts(form: OrganisationForm) -> None:
    while len(form.contacts.entries) < min(MAX_CONTACTS, len([e for e in form.contacts.entries if e.data.get("name")]) + 1):
        form.contacts.append_entry()


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    require("directory.edit")
    form = OrganisationForm()
    _form_choices(form, None)
    if form.validate_on_submit():
        org = _save(form, None)
        if org is not None:
            return redirect(url_for("directory.show", organisation_id=org.id))
    _pad_contacts(form)
    return render_template("directory/form.html", form=form, org=None)


@bp.route("/<int:organisation_id>/edit", methods=["GET", "POST"])
@login_required
def edit(organisation_id: int):
    org = _organisation(organisation_id)
    require("directory.edit", org)
    if request.method == "GET":
        simple = ("name", "trade_name", "address", "postcode", "commune", "phone", "email", "website",
                  "whole_departement", "workforce", "reserved_l2113_12", "reserved_l2113_13", "description",
                  "internal_notes")
        form = OrganisationForm(data={
            **{name: getattr(org, name) for name in simple},
            "kind": org.kind_id, "territory": org.territory_id or 0,
            "served_territories": [t.id for t in org.served_territories], "services": org.service_codes,
            "sectors": [s.id for s in org.sectors],
            "contacts": [{k: getattr(c, k) for k in ("name", "role", "email", "phone")} for c in org.contacts],
            "siret": org.siret_display,
        })
        if not can("directory.notes", org):
            form.internal_notes.data = None
        form.open_on(org)
    else:
        form = OrganisationForm()
    _form_choices(form, org)
    status = 200
    if form.validate_on_submit():
        if form.edited_meanwhile(org):
            status = 409
        elif _save(form, org) is not None:
            return redirect(url_for("directory.show", organisation_id=org.id))
    _pad_contacts(form)
    return render_template("directory/form.html", form=form, org=org), status


@bp.route("/<int:organisation_id>")
@login_required
def show(organisation_id: int):
    org = _organisation(organisation_id)
    require("directory.view", org)
    return render_template("directory/show.html", org=org)


@bp.route("/<int:organisation_id>/check", methods=["POST"])
@login_required
def check(organisation_id: int):
    org = _organisation(organisation_id)
    require("directory.edit", org)
    attempt(lambda: services.mark_checked(org, current_user), _("Fiche marquée comme vérifiée aujourd'hui."))
    return redirect(url_for("directory.show", organisation_id=org.id))


@bp.route("/<int:organisation_id>/<any(archive, restore):action>", methods=["POST"])
@login_required
def archive(organisation_id: int, action: str):
    org = _organisation(organisation_id)
    require("directory.archive", org)
    attempt(lambda: services.set_active(org, action == "restore", current_user),
            _("Organisation réactivée.") if action == "restore" else _("Organisation archivée."))
    return redirect(url_for("directory.show", organisation_id=org.id))


@bp.route("/<int:organisation_id>/history")
@login_required
def history(organisation_id: int):
    org = _organisation(organisation_id)
    require("directory.history", org)
    revisions = db.session.scalars(
        select(OrganisationRevision).where(OrganisationRevision.organisation_id == org.id)
        .order_by(OrganisationRevision.id.desc())
    ).all()
    return render_template("directory/history.html", org=org, revisions=revisions, labels=FIELD_LABELS)


@bp.route("/<int:organisation_id>/history/<int:revision_id>/revert", methods=["POST"])
@login_required
def revert(organisation_id: int, revision_id: int):
    org = _organisation(organisation_id)
    require("directory.revert", org)
    revision = db.session.get(OrganisationRevision, revision_id)
    if revision is None or revision.organisation_id != org.id:
        abort(404)
    reverted = attempt(lambda: services.revert_to(org, revision, current_user))
    if reverted and reverted.value is None:
        flash(_("La fiche est déjà dans cet état."), "info")
    elif reverted:
        flash(_("La fiche est revenue à la version du %(date)s.", date=fmt_datetime(revision.created_at)), "success")
    return redirect(url_for("directory.history", organisation_id=org.id))


# --- import --------------------------------------------------------------------------------

@bp.route("/import", methods=["GET", "POST"])
@login_required
def import_upload():
    require("directory.import")
    form = ImportUploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        if not upload or not getattr(upload, "filename", ""):
            form.file.errors.append(_("Choisissez un fichier CSV ou XLSX."))
        else:
            # Large uploads are spooled to a temporary file: close it as soon as it is read.
            with upload.stream:
                raw = upload.stream.read(importer.max_import_bytes() + 1)
            try:
                check_spooled(upload)
                importer.parse(raw, upload.filename)
                token = importer.save_upload(raw, upload.filename, current_user)
            except (UploadError, importer.ImportError_) as error:
                form.file.errors.append(str(error))
            else:
                return redirect(url_for("directory.import_mapping", token=token))
    return render_template("directory/import_upload.html", form=form,
                           max_kb=importer.max_import_bytes() // 1024, max_rows=importer.MAX_IMPORT_ROWS,
                           fields=importer.IMPORT_FIELDS)


def _load(token: str):
    parsed = importer.load_upload(token, current_user)
    if parsed is None:
        flash(_("Ce fichier n'est plus disponible : envoyez-le à nouveau."), "error")
    return parsed


def _mapping_page(token, parsed, form, mapping, mapping_problems=(), report=None):
    return render_template(
        "directory/import_mapping.html", token=token, parsed=parsed, form=form, mapping=mapping,
        mapping_problems=mapping_problems, report=report, fields=importer.IMPORT_FIELDS,
        examples=spreadsheet.column_examples(parsed),
        describe_existing=importer.describe_existing,
    )


@bp.route("/import/<token>", methods=["GET", "POST"])
@login_required
def import_mapping(token: str):
    require("directory.import")
    parsed = _load(token)
    if parsed is None:
        return redirect(url_for("directory.import_upload"))
    form = ImportMappingForm()
    if request.method == "GET":
        return _mapping_page(token, parsed, form, importer.guess_mapping(parsed.header))
    mapping, problems = importer.read_mapping(request.form, parsed.header)
    if not form.validate_on_submit() or problems:
        return _mapping_page(token, parsed, form, mapping, problems)
    report = importer.analyse(parsed, mapping, form.on_duplicate.data)
    return _mapping_page(token, parsed, form, mapping, report=report)


@bp.route("/import/<token>/run", methods=["POST"])
@login_required
def import_run(token: str):
    require("directory.import")
    parsed = _load(token)
    if parsed is None:
        return redirect(url_for("directory.import_upload"))
    form = ImportMappingForm()
    mapping, problems = importer.read_mapping(request.form, parsed.header)
    if not form.validate_on_submit() or problems:
        return _mapping_page(token, parsed, form, mapping, problems)
    # The dry run again, on the database as it is now: someone may have added a partner since.
    report = importer.analyse(parsed, mapping, form.on_duplicate.data)
    if report.errors:
        flash(_("Le fichier contient des erreurs : rien n'a été importé."), "error")
        return _mapping_page(token, parsed, form, mapping, report=report)
    done = attempt(lambda: importer.run_import(report, current_user), lambda done: _(
        "Import terminé : %(created)s, %(updated)s, %(skipped)s.",
        created=ngettext("%(num)d organisation créée", "%(num)d organisations créées", done["create"]),
        updated=ngettext("%(num)d mise à jour", "%(num)d mises à jour", done["update"]),
        skipped=ngettext("%(num)d ligne ignorée ou sans changement", "%(num)d lignes ignorées ou sans changement",
                         done["skip"])))
    if not done:
        return _mapping_page(token, parsed, form, mapping, report=importer.analyse(parsed, mapping, form.on_duplicate.data))
    importer.discard_upload(token)
    return redirect(url_for("directory.index", status="all"))


# --- kinds (admin) -------------------------------------------------------------------------

@bp.route("/kinds", methods=["GET", "POST"])
@bp.route("/kinds/<int:kind_id>", methods=["GET", "POST"])
@login_required
def kinds(kind_id: int | None = None):
    require("directory.kinds")
    kind = db.session.get(OrganisationKind, kind_id) if kind_id else None
    if kind_id and kind is None:
        abort(404)
    form = KindForm(obj=kind)
    if form.validate_on_submit() and attempt(
            lambda: services.save_kind(kind, form.name.data, form.group.data, form.slug.data, form.active.data),
            _("Type enregistré."), form=form):
        return redirect(url_for("directory.kinds"))
    all_kinds = db.session.scalars(select(OrganisationKind).order_by(OrganisationKind.group, OrganisationKind.position,
                                                                    OrganisationKind.name)).all()
    return render_template("directory/kinds.html", form=form, kind=kind, kinds=all_kinds, groups=KIND_GROUPS)
