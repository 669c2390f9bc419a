"""Every write of the library: resources, versions (with text extraction), comments, counts,
categories. They flush, the view commits (core/transactions.py); each write queues the resource for the search index in the same
transaction and notifies through notifications.services."""
from __future__ import annotations

import re
import unicodedata

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, insert, select, update

from network_space.accounts import welcome
from network_space.accounts.models import User
from network_space.core.audit import audit
from network_space.core.site_settings import set_setting
from network_space.core.models import utcnow
from network_space.core.storage import StoredFile, path_for, store_upload
from network_space.core.tags import tags_named
from network_space.core.transactions import Refusal
from network_space.extensions import db
from network_space.library.extract import extract_text
from network_space.library.models import (
    DEFAULT_CATEGORIES, DEFAULT_SECTORS, KIND_FILE, KIND_LINK, KIND_NOTE, TEXT_FAILED, TEXT_NONE, TEXT_OK, Category, Resource,
    VISIBILITY_MEMBERS, ResourceComment, ResourceDownload, ResourceVersion, Sector, Tag,
)
from network_space.library.permissions import may_view
from network_space.library import queries
from network_space.library.queries import GUIDE_SETTING
from network_space.notifications import services as notifications
from network_space.search import enqueue

SEARCH_KIND = "library.resource"


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:80] or "secteur"


def ensure_defaults() -> None:
    """The nine categories and the activity sectors, when the tables are empty (demo, tests;
    the migration seeds them in production)."""
    if not db.session.scalar(select(func.count(Category.id))):
        db.session.add_all(Category(name=name, position=i) for i, name in enumerate(DEFAULT_CATEGORIES))
    if not db.session.scalar(select(func.count(Sector.id))):
        db.session.add_all(Sector(name=name, slug=slugify(name), position=i) for i, name in enumerate(DEFAULT_SECTORS))
    db.session.flush()


def _apply_metadata(resource: Resource, data: dict) -> None:
    for field in ("title", "visibility"):
        if field in data:
            setattr(resource, field, data[field])
    for field in ("summary", "body", "url", "category_id", "clause_mechanism", "buyer_type", "territory_id",
                  "review_by"):
        if field in data:
            setattr(resource, field, data[field] or None)  # "" from a form means "none"
    if "tags" in data:
        resource.tags = tags_named(Tag, data["tags"])
    if "sector_ids" in data:
        ids = list(data["sector_ids"] or [])
        resource.sectors = list(db.session.scalars(select(Sector).where(Sector.id.in_(ids)))) if ids else []


def store_file(upload) -> StoredFile:
    """Check and store an upload (raises core.storage.UploadError with a French message)."""
    return store_upload(upload)


def _new_version(resource: Resource, stored: StoredFile, note: str | None, author) -> ResourceVersion:
    number = (db.session.scalar(
        select(func.max(ResourceVersion.number)).where(ResourceVersion.resource_id == resource.id)
    ) or 0) + 1 if resource.id else 1
    text, error = extract_text(path_for(stored.key), stored.extension,
                               timeout=current_app.config["LIBRARY_EXTRACT_TIMEOUT"])
    if text:
        status = TEXT_OK
    elif stored.extension in ("png", "jpg", "jpeg"):
        status, error = TEXT_NONE, None
    else:
        status = TEXT_FAILED
    version = ResourceVersion(
        resource=resource, number=number, note=(note or None), author_id=getattr(author, "id", None),
        storage_key=stored.key, original_name=stored.original_name, extension=stored.extension,
        content_type=stored.content_type, size=stored.size, text=text, text_status=status,
        text_error=(error or "")[:300] or None,
    )
    db.session.add(version)
    return version


class ResourceError(Refusal):
    """A write the library refuses; the message is French, for the user."""


def _check_content(resource: Resource) -> None:
    # A link without its address or a note without its text would be an empty shell.
    if resource.kind == KIND_LINK and not resource.url:
        raise ResourceError(_("Indiquez l'adresse du lien."))
    if resource.kind == KIND_NOTE and not resource.body:
        raise ResourceError(_("Écrivez le texte de la note."))


def create_resource(author, data: dict, stored: StoredFile | None = None, version_note: str | None = None) -> Resource:
    resource = Resource(kind=data.get("kind") or KIND_FILE, author_id=author.id)
    _apply_metadata(resource, data)
    _check_content(resource)
    db.session.add(resource)
    db.session.flush()
    if stored is not None:
        _new_version(resource, stored, version_note, author)
    enqueue(SEARCH_KIND, resource.id)
    notifications.follow(author, resource)
    readers = [u for u in db.session.scalars(select(User).where(User.active.is_(True), User.id != author.id))
               if may_view(u, resource)]
    notifications.notify("library.new_resource", readers, resource, actor=author)
    return resource


def update_resource(resource: Resource, data: dict, actor) -> Resource:
    _apply_metadata(resource, data)
    _check_content(resource)
    enqueue(SEARCH_KIND, resource.id)
    audit("library.update", target=f"resource:{resource.id}", actor=actor)
    return resource


def add_version(resource: Resource, stored: StoredFile, note: str | None, author) -> ResourceVersion:
    version = _new_version(resource, stored, note, author)
    resource.updated_at = utcnow()
    enqueue(SEARCH_KIND, resource.id)
    # Followers who may no longer view it (restricted since) are left out by notify_followers.
    notifications.notify_followers("library.new_version", resource, actor=author, note=note or "")
    return version


def delete_resource(resource: Resource, actor) -> None:
    """Delete a resource, its versions and comments; stored files stay (shared by content hash)."""
    enqueue(SEARCH_KIND, resource.id)
    notifications.forget_target(resource)
    audit("library.delete", target=f"resource:{resource.id}", detail=resource.title, actor=actor)
    db.session.delete(resource)


def add_comment(resource: Resource, author, body: str) -> ResourceComment:
    comment = ResourceComment(resource=resource, author_id=author.id, body=body)
    db.session.add(comment)
    enqueue(SEARCH_KIND, resource.id)
    recipients = {u.id: u for u in notifications.followers_of(resource)}
    if resource.author is not None and resource.author.active:
        recipients[resource.author.id] = resource.author
    recipients = [u for u in recipients.values() if u.id != author.id and may_view(u, resource)]
    notifications.notify("library.comment", recipients, resource, actor=author, excerpt=body[:300])
    notifications.follow(author, resource)
    return comment




def record_view(resource: Resource, user: User, *, count: bool = True) -> None:
    """Count a view, by someone other than its author (``count``: False for the page shown again
    after an action on it); the network's practical guide opened ticks the member's welcome step."""
    if queries.practical_guide() == resource:
        welcome.guide_opened(user)
    if not count or user.id == resource.author_id:
        return
    # A plain UPDATE: counters are not search fields and must not race with each other. It names
    # updated_at, or its onupdate would make every view a change of the resource ("Mise à jour",
    # and the version an edit form was opened on).
    db.session.execute(update(Resource).where(Resource.id == resource.id)
                       .values(view_count=Resource.view_count + 1, updated_at=Resource.updated_at)
                       .execution_options(synchronize_session=False))


def record_download(version: ResourceVersion) -> None:
    db.session.execute(update(Resource).where(Resource.id == version.resource_id)
                       .values(download_count=Resource.download_count + 1, updated_at=Resource.updated_at)
                       .execution_options(synchronize_session=False))
    db.session.execute(update(ResourceVersion).where(ResourceVersion.id == version.id)
                       .values(download_count=ResourceVersion.download_count + 1)
                       .execution_options(synchronize_session=False))
    db.session.execute(insert(ResourceDownload).values(resource_id=version.resource_id, downloaded_at=utcnow()))


# --- categories (admin) -----------------------------------------------------------------------

def _check_category_name_free(name: str, category: Category | None = None) -> None:
    clash = select(Category.id).where(func.lower(Category.name) == name.lower())
    if category is not None:
        clash = clash.where(Category.id != category.id)
    if db.session.scalar(clash) is not None:
        raise ResourceError(_("Cette catégorie existe déjà."), field="name")


def add_category(name: str, actor) -> Category:
    _check_category_name_free(name)
    position = (db.session.scalar(select(func.max(Category.position))) or 0) + 1
    category = Category(name=name, position=position)
    db.session.add(category)
    audit("library.category_add", target=name, actor=actor)
    return category


def rename_category(category: Category, name: str, actor) -> None:
    _check_category_name_free(name, category)
    old = category.name
    category.name = name
    # Resources keep their category by id; their index documents carry the name.
    for resource_id in db.session.scalars(select(Resource.id).where(Resource.category_id == category.id)):
        enqueue(SEARCH_KIND, resource_id)
    audit("library.category_rename", target=name, detail=old, actor=actor)


def set_category_active(category: Category, active: bool, actor) -> None:
    category.active = active
    audit("library.category_" + ("enable" if active else "disable"), target=category.name, actor=actor)


# --- the network's practical guide --------------------------------------------------------------

def set_practical_guide(resource: Resource | None, actor: User) -> None:
    """Admins choose the resource new members are pointed to (their welcome checklist)."""
    if resource is not None and resource.visibility != VISIBILITY_MEMBERS:
        raise ResourceError(_("Le guide doit être visible de tous les membres."), "resource_id")
    set_setting(GUIDE_SETTING, str(resource.id) if resource is not None else None, actor)
