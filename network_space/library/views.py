"""Library pages: list and search, resource page, new/edit, versions, downloads, comments,
categories (admin)."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from network_space.core.forms import choices
from network_space.core.permissions import require
from network_space.core.storage import MissingFile, UploadError, max_upload_bytes, send_stored
from network_space.core.transactions import attempt
from network_space.extensions import db
from network_space.library import queries, services
from network_space.library.forms import CategoryForm, CommentForm, GuideForm, NewResourceForm, ResourceForm, VersionForm
from network_space.library.models import (
    BUYER_TYPES, CLAUSE_MECHANISMS, KIND_FILE, VISIBILITY_COANIMATORS, VISIBILITY_MEMBERS, Category, Resource,
    ResourceVersion,
)

bp = Blueprint("library", __name__, url_prefix="/library")


@bp.route("/")
@login_required
def index():
    require("member")
    query = queries.LibraryQuery.from_request()
    results = queries.search_library(query, current_user)
    fallback = None if results.available else queries.newest_resources(current_user, limit=30)
    return render_template("library/index.html", query=query, results=results, fallback=fallback,
                           facets=queries.FACETS, facet_label=queries.facet_label)


def _load(resource_id: int, action: str = "library.view") -> Resource:
    resource = queries.resource_for_page(resource_id)
    if resource is None:
        abort(404)
    require(action, resource)
    return resource


def _prepare(form: ResourceForm, resource: Resource | None = None) -> None:
    form.category_id.choices = choices(queries.category_choices(resource.category_id if resource else None))
    form.sector_ids.choices = choices(queries.sector_choices())
    form.territory_id.choices = choices(queries.territory_choices())
    if not current_user.is_coanimator and not (resource and resource.visibility == VISIBILITY_COANIMATORS):
        form.visibility.choices = [c for c in form.visibility.choices if c.value == VISIBILITY_MEMBERS]


def _form_page(template: str, form, **context):
    return render_template(template, form=form, popular_tags=queries.popular_tags(),
                           max_mb=max_upload_bytes() // (1024 * 1024), **context)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    require("library.create")
    form = NewResourceForm()
    _prepare(form)
    if form.validate_on_submit():
        kind = form.kind.data
        stored = None
        if kind == KIND_FILE:
            try:
                stored = services.store_file(form.file.data)
            except UploadError as error:
                form.file.errors = [str(error)]
        if not form.file.errors:
            created = attempt(lambda: services.create_resource(current_user, form.data_dict(kind), stored,
                                                               form.version_note.data),
                              _("Ressource ajoutée à la bibliothèque."), form=form)
            if created:
                return redirect(url_for("library.detail", resource_id=created.value.id))
    if request.method == "POST" and form.kind.data == KIND_FILE:
        # Browsers never re-fill a file input: say so, next to the field.
        form.file.errors = list(form.file.errors) + [_("Les autres informations sont conservées : choisissez à nouveau le fichier.")]
    return _form_page("library/form.html", form, resource=None)


@bp.route("/<int:resource_id>")
@login_required
def detail(resource_id: int):
    resource = _load(resource_id)
    # Back on the page after an action on it (a comment, following it): not a new reader.
    again = urlsplit(request.referrer or "").path == request.path
    attempt(lambda: services.record_view(resource, current_user._get_current_object(), count=not again))
    return render_template("library/detail.html", resource=resource, comment_form=CommentForm(),
                           version_form=VersionForm(), clause_mechanisms=CLAUSE_MECHANISMS, buyer_types=BUYER_TYPES,
                           max_mb=max_upload_bytes() // (1024 * 1024))


@bp.route("/<int:resource_id>/edit", methods=["GET", "POST"])
@login_required
def edit(resource_id: int):
    resource = _load(resource_id, "library.edit")
    form = ResourceForm(obj=resource, kind=resource.kind) if request.method == "GET" else ResourceForm(kind=resource.kind)
    if request.method == "GET":
        form.tags.data = ", ".join(t.name for t in resource.tags)
        form.sector_ids.data = [s.id for s in resource.sectors]
        form.territory_id.data = resource.territory_id or 0
        form.clause_mechanism.data = resource.clause_mechanism or ""
        form.buyer_type.data = resource.buyer_type or ""
        form.open_on(resource)
    _prepare(form, resource)
    if form.validate_on_submit():
        if form.edited_meanwhile(resource):
            return _form_page("library/form.html", form, resource=resource), 409
        if attempt(lambda: services.update_resource(resource, form.data_dict(resource.kind), current_user),
                   _("Ressource modifiée."), form=form):
            return redirect(url_for("library.detail", resource_id=resource.id))
    return _form_page("library/form.html", form, resource=resource)


@bp.route("/<int:resource_id>/delete", methods=["POST"])
@login_required
def delete(resource_id: int):
    resource = _load(resource_id, "library.delete")
    attempt(lambda: services.delete_resource(resource, current_user), _("Ressource supprimée."))
    return redirect(url_for("library.index"))


@bp.route("/<int:resource_id>/versions", methods=["POST"])
@login_required
def add_version(resource_id: int):
    resource = _load(resource_id, "library.edit")
    if resource.kind != KIND_FILE:
        abort(404)
    form = VersionForm()
    if form.validate_on_submit():
        try:
            stored = services.store_file(form.file.data)
        except UploadError as error:
            form.file.errors = [str(error)]
        else:
            if attempt(lambda: services.add_version(resource, stored, form.note.data, current_user),
                       _("Nouvelle version enregistrée."), form=form):
                return redirect(url_for("library.detail", resource_id=resource.id) + "#versions")
    attempt(lambda: services.record_view(resource, current_user._get_current_object(), count=False))
    return render_template("library/detail.html", resource=resource, comment_form=CommentForm(formdata=None),
                           version_form=form, clause_mechanisms=CLAUSE_MECHANISMS, buyer_types=BUYER_TYPES,
                           max_mb=max_upload_bytes() // (1024 * 1024)), 400


def _send(version: ResourceVersion):
    inline = request.args.get("inline") == "1"
    try:
        response = send_stored(version.storage_key, version.original_name, version.extension, inline=inline)
    except MissingFile:  # logged by send_stored
        flash(_("Le fichier « %(name)s » est introuvable sur le serveur : il ne peut pas être téléchargé pour "
                "le moment. L'incident a été signalé.", name=version.original_name), "error")
        return redirect(url_for("library.detail", resource_id=version.resource_id))
    attempt(lambda: services.record_download(version))
    return response


@bp.route("/<int:resource_id>/download")
@login_required
def download(resource_id: int):
    resource = _load(resource_id)
    if resource.latest_version is None:
        abort(404)
    return _send(resource.latest_version)


@bp.route("/<int:resource_id>/versions/<int:version_id>/download")
@login_required
def download_version(resource_id: int, version_id: int):
    resource = _load(resource_id)
    version = next((v for v in resource.versions if v.id == version_id), None)
    if version is None:
        abort(404)
    return _send(version)


@bp.route("/<int:resource_id>/comments", methods=["POST"])
@login_required
def comment(resource_id: int):
    resource = _load(resource_id, "library.comment")
    form = CommentForm()
    if form.validate_on_submit() and attempt(lambda: services.add_comment(resource, current_user, form.body.data),
                                             _("Merci pour votre retour."), form=form):
        return redirect(url_for("library.detail", resource_id=resource.id) + "#commentaires")
    return render_template("library/detail.html", resource=resource, comment_form=form, version_form=VersionForm(formdata=None),
                           clause_mechanisms=CLAUSE_MECHANISMS, buyer_types=BUYER_TYPES,
                           max_mb=max_upload_bytes() // (1024 * 1024)), 400


# --- categories (admin) -----------------------------------------------------------------------

@bp.route("/categories", methods=["GET", "POST"])
@login_required
def categories():
    require("library.categories")
    form = CategoryForm()
    if form.validate_on_submit() and attempt(lambda: services.add_category(form.name.data, current_user),
                                             _("Catégorie ajoutée."), form=form):
        return redirect(url_for("library.categories"))
    return render_template("library/categories.html", form=form, categories=queries.all_categories(),
                           guide_form=_guide_form())


def _guide_form(formdata=None) -> GuideForm:
    """The choice of the practical guide: any resource every member sees."""
    guide = queries.practical_guide()
    form = GuideForm(formdata=formdata, data={"resource_id": guide.id if guide else None})
    form.resource_id.choices = choices([("", _("— Aucun —"))] + [(r.id, r.title) for r in queries.guide_candidates()])
    return form


@bp.route("/guide", methods=["POST"])
@login_required
def choose_guide():
    require("library.categories")
    form = _guide_form(request.form)
    if form.validate_on_submit():
        chosen = db.session.get(Resource, form.resource_id.data) if form.resource_id.data else None
        attempt(lambda: services.set_practical_guide(chosen, current_user),
                _("Guide pratique : « %(title)s ».", title=chosen.title) if chosen
                else _("Plus de guide pratique proposé aux nouveaux membres."), form=form)
    else:
        flash(" ".join(form.resource_id.errors) or _("Choix invalide."), "error")
    return redirect(url_for("library.categories") + "#guide")


@bp.route("/categories/<int:category_id>", methods=["POST"])
@login_required
def category_update(category_id: int):
    require("library.categories")
    category = db.session.get(Category, category_id) or abort(404)
    action = request.form.get("action")
    if action in ("enable", "disable"):
        attempt(lambda: services.set_category_active(category, action == "enable", current_user),
                _("Catégorie mise à jour."))
    elif action == "rename":
        form = CategoryForm()
        if not form.validate_on_submit():
            flash(" ".join(form.name.errors) or _("Nom invalide."), "error")
        else:
            attempt(lambda: services.rename_category(category, form.name.data, current_user), _("Catégorie mise à jour."))
    else:
        abort(400)
    return redirect(url_for("library.categories"))
