"""Discussion pages: the list, a thread and its replies, writing and editing, history, answers,
moderation, write-up cards and their export, the members of the @ autocomplete, categories
(admin). Thin: read the request, ask permission, call a service through attempt(), render.

A thread one may not view is a 404, as if it did not exist; an action one may not take on a
thread one sees is a 403."""
from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from network_space.accounts.queries import active_territories
from network_space.core.forms import choices
from network_space.core import documents
from network_space.core.http import int_arg
from network_space.core.i18n import lazy_gettext as _l
from network_space.core.pagination import page_arg
from network_space.core.permissions import can, require
from network_space.core.transactions import attempt
from network_space.directory.models import GROUP_BUYER, Organisation, OrganisationKind
from network_space.discussions import export, links, mentions, queries, services
from network_space.discussions.forms import CategoryForm, MoveForm, ReplyForm, ThreadForm
from network_space.discussions.models import (
    KIND_LABELS, KIND_WRITEUP, DiscussionCategory, Thread,
)
from network_space.discussions.permissions import may_view
from network_space.extensions import db
from network_space.library.models import CLAUSE_MECHANISMS, Sector
from network_space.notifications.services import absolute_url

bp = Blueprint("discussions", __name__, url_prefix="/discussions")

STATUS_LABELS = {
    "ouvertes": _l("Ouvertes"), "fermees": _l("Fermées"),
    "questions-resolues": _l("Questions résolues"), "questions-non-resolues": _l("Questions non résolues"),
}


def _thread_or_404(thread_id: int) -> Thread:
    thread = queries.thread_for_page(thread_id)
    if thread is None or not may_view(current_user, thread):
        abort(404)
    return thread


def _reply_or_404(thread: Thread, number: int):
    reply = queries.reply_by_number(thread.id, number)
    if reply is None:
        abort(404)
    return reply


def _allowed(action: str, obj) -> None:
    if not can(action, obj):
        abort(403)


# --- the list -----------------------------------------------------------------------------------

@bp.route("/")
@login_required
def index():
    require("member")
    filters = queries.ThreadFilters.from_args(request.args)
    listing = queries.thread_list(filters, current_user)
    categories = queries.categories_for(current_user)
    category = next((c for c in categories if c.id == filters.category_id), None)
    return render_template(
        "discussions/index.html", filters=filters, listing=listing, categories=categories, category=category,
        territories=active_territories(), tags=queries.popular_tags(), kinds=KIND_LABELS, statuses=STATUS_LABELS,
    )


@bp.route("/fiches")
@login_required
def writeups():
    require("member")
    filters = queries.ThreadFilters.from_args(request.args)
    page = queries.writeup_cards(filters, current_user)
    sectors = list(db.session.scalars(db.select(Sector).order_by(Sector.position, Sector.name)))
    return render_template(
        "discussions/writeups.html", filters=filters, page=page, buyers=queries.writeup_buyers(), sectors=sectors,
        mechanisms=CLAUSE_MECHANISMS, territories=active_territories(), facts=export.writeup_facts,
        writeup_category=next((c for c in queries.categories_for(current_user, writable=True) if c.writeups), None),
    )


@bp.route("/tout-lu", methods=["POST"])
@login_required
def mark_all_read():
    require("member")
    attempt(lambda: services.mark_all_read(current_user), _("Toutes les discussions sont marquées comme lues."))
    return redirect(url_for("discussions.index"))


# --- writing a thread ---------------------------------------------------------------------------

def _prepare(form: ThreadForm, thread: Thread | None = None) -> None:
    if thread is None:
        form.category_id.choices = choices([(c.id, c.name) for c in queries.categories_for(current_user, writable=True)])
    form.territory_id.choices = choices([(0, _("Tout le département"))]
                                        + [(t.id, t.name) for t in active_territories()])
    buyers = db.session.scalars(db.select(Organisation).join(OrganisationKind).where(
        OrganisationKind.group == GROUP_BUYER, Organisation.active.is_(True)).order_by(Organisation.name))
    form.buyer_id.choices = choices([(0, _("— Non précisé —"))] + [(o.id, o.name) for o in buyers])
    sectors = db.session.scalars(db.select(Sector).where(Sector.active.is_(True)).order_by(Sector.position))
    form.sector_id.choices = choices([(0, _("— Non précisé —"))] + [(s.id, s.name) for s in sectors])
    if thread is not None and not thread.category.writeups and thread.kind != KIND_WRITEUP:
        # The category is not changed here: a write-up could not be saved in this one.
        form.kind.choices = [c for c in form.kind.choices if c.value != KIND_WRITEUP]
    if thread is not None and thread.writeup is not None:
        for field, current in ((form.buyer_id, thread.writeup.buyer), (form.sector_id, thread.writeup.sector)):
            if current is not None and current.id not in {c.value for c in field.choices}:
                field.choices.append(choices([(current.id, current.name)])[0])


def _thread_data(form: ThreadForm, category: DiscussionCategory | None) -> services.ThreadData:
    return services.ThreadData(
        title=form.title.data, body=form.body.data, category=category, kind=form.kind.data, tags=form.tag_names(),
        territory_id=form.territory_id.data or None, links=form.parsed_links, writeup=form.writeup_data())


def _form_page(form: ThreadForm, thread: Thread | None, status: int | None = None):
    try:
        pairs = links.parse_links(form.links.data)
    except links.LinkError:
        pairs = []  # the field says why
    writeup_ids = [c.id for c in queries.categories_for(current_user) if c.writeups]
    status = status or (400 if request.method == "POST" else 200)
    return render_template("discussions/form.html", form=form, thread=thread, tags=queries.popular_tags(),
                           writeup_category_ids=writeup_ids, link_preview=links.resolve(pairs, current_user)), status


def _contact_of(user) -> str:
    """A write-up's contact as first offered: its author, their structure and address."""
    return ", ".join(x for x in (user.full_name, user.structure.name if user.structure else "", user.email) if x)


def _links_of(thread: Thread | None) -> list[tuple[str, int]]:
    return [(link.target_type, link.target_id) for link in thread.links] if thread is not None else []


@bp.route("/nouvelle", methods=["GET", "POST"])
@login_required
def new():
    require("discussions.create")
    form = ThreadForm()
    _prepare(form)
    if request.method == "GET":
        form.category_id.data = int_arg("categorie")
        if request.args.get("type") in KIND_LABELS:
            form.kind.data = request.args["type"]
        if form.kind.data == KIND_WRITEUP and form.category_id.data is None:
            form.category_id.data = next((c.id for c in queries.categories_for(current_user, writable=True)
                                          if c.writeups), None)
        form.links.data = (request.args.get("lien") or "").strip()[:500]
        form.contact.data = _contact_of(current_user)
    elif form.validate_on_submit():
        category = db.session.get(DiscussionCategory, form.category_id.data)
        created = attempt(lambda: services.create_thread(current_user, _thread_data(form, category)),
                          _("Discussion publiée."), form=form)
        if created:
            return redirect(url_for("discussions.show", thread_id=created.value.id))
    return _form_page(form, None)


@bp.route("/<int:thread_id>/modifier", methods=["GET", "POST"])
@login_required
def edit(thread_id: int):
    thread = _thread_or_404(thread_id)
    _allowed("discussions.edit", thread)
    form = ThreadForm(obj=thread) if request.method == "GET" else ThreadForm()
    del form.category_id  # the category changes by moving the thread (moderation), not here
    _prepare(form, thread)
    if request.method == "GET":
        form.tags.data = ", ".join(t.name for t in thread.tags)
        form.territory_id.data = thread.territory_id or 0
        form.links.data = "\n".join(links.link_url(t, i) for t, i in _links_of(thread))
        if thread.writeup is not None:
            writeup = thread.writeup
            for name in services.WRITEUP_FIELDS:
                getattr(form, name).data = getattr(writeup, name)
            form.buyer_id.data = writeup.buyer_id or 0
            form.sector_id.data = writeup.sector_id or 0
            form.clause_mechanism.data = writeup.clause_mechanism or ""
        else:  # should it become a write-up, its author is whom to ask, as on a new one
            form.contact.data = _contact_of(thread.author or current_user)
        form.open_on(thread)
    elif form.validate_on_submit():
        if form.edited_meanwhile(thread):
            return _form_page(form, thread, status=409)
        if attempt(lambda: services.update_thread(thread, current_user, _thread_data(form, thread.category)),
                   _("Discussion modifiée."), form=form):
            return redirect(url_for("discussions.show", thread_id=thread.id))
    return _form_page(form, thread)


# --- a thread -----------------------------------------------------------------------------------

def _quote(thread: Thread, number: int | None) -> str:
    """The Markdown that quotes message ``number`` (0: the opening message) in a reply."""
    if number is None or number > thread.last_number:
        return ""
    message = thread if number == 0 else queries.reply_by_number(thread.id, number)
    if message is None or message.deleted:
        return ""
    author = message.author.full_name if message.author else _("Ancien membre")
    # The site's full address: the reply is also read in emails, where a path leads nowhere.
    permalink = absolute_url(url_for("discussions.permalink", thread_id=thread.id, number=number))
    header = (_("%(name)s a écrit ([message initial](%(url)s)) :", name=author, url=permalink) if number == 0
              else _("%(name)s a écrit ([message n° %(n)d](%(url)s)) :", name=author, n=number, url=permalink))
    return "\n".join("> " + line if line else ">" for line in [header, ""] + message.body.splitlines()) + "\n\n"


def _show_page(thread: Thread, reply_form: ReplyForm, *, status: int = 200):
    pages = queries.reply_pages(thread)
    page = min(page_arg(), pages)
    unread = queries.unread_of(thread, current_user)
    # The member has now seen up to the last reply of this page: recorded before anything else
    # is loaded (the commit expires what the session holds), and only when it moves forward.
    last_shown = min(page * queries.REPLIES_PER_PAGE, thread.last_number)
    if status == 200 and unread.any and (unread.new_thread or unread.new_replies is None
                                         or last_shown >= unread.first_unread):
        attempt(lambda: services.mark_read(current_user, thread, last_shown))
        thread = queries.thread_for_page(thread.id)
    replies = queries.replies_page(thread, page)
    answer = None
    if thread.answer_number is not None:
        answer = next((r for r in replies if r.number == thread.answer_number), None) \
            or queries.reply_by_number(thread.id, thread.answer_number)
    return render_template(
        "discussions/show.html", thread=thread, replies=replies, page=page, pages=pages, answer=answer,
        first_unread=unread.first_unread if unread.any else None, reply_form=reply_form,
        links=links.resolve(_links_of(thread), current_user), revised=queries.revised_numbers(thread, replies),
        may=_may(thread, replies), move_form=MoveForm(formdata=None),
        facts=export.writeup_facts(thread) if thread.writeup else [],
        sections=export.writeup_sections(thread, with_message=False) if thread.writeup else [],
    ), status


@dataclass(frozen=True)
class _May:
    """What the reader may do on a thread page, asked once per page rather than per message."""

    reply: bool
    accept: bool
    moderate: bool
    editable: frozenset[int]  # numbers of the messages shown they may edit and delete (0: the opening)


def _may(thread: Thread, replies) -> _May:
    user = current_user._get_current_object()
    return _May(reply=can("discussions.reply", thread, user), accept=can("discussions.accept", thread, user),
                moderate=can("discussions.moderate", thread, user),
                editable=frozenset(m.number for m in (thread, *replies) if can("discussions.edit", m, user)))


@bp.route("/<int:thread_id>")
@login_required
def show(thread_id: int):
    thread = _thread_or_404(thread_id)
    form = ReplyForm(formdata=None)
    quoted = int_arg("citer", minimum=0)
    if quoted is not None:
        form.body.data = _quote(thread, quoted)
    return _show_page(thread, form)


@bp.route("/<int:thread_id>/reponses/<int:number>")
@login_required
def permalink(thread_id: int, number: int):
    """Message ``number`` of a thread (0: its opening message), on the page that holds it."""
    thread = _thread_or_404(thread_id)
    if number == 0:
        return redirect(url_for("discussions.show", thread_id=thread.id))
    if number > thread.last_number:
        abort(404)
    page = queries.page_of(number)
    return redirect(url_for("discussions.show", thread_id=thread.id, page=page if page > 1 else None)
                    + f"#reply-{number}")


@bp.route("/<int:thread_id>/repondre", methods=["POST"])
@login_required
def reply(thread_id: int):
    thread = _thread_or_404(thread_id)
    form = ReplyForm()
    if not can("discussions.reply", thread):
        # Closed or hidden since the page was opened: say why and give the text back.
        form.body.errors = [services.reply_refusal(thread, current_user) or _("Vous ne pouvez pas répondre ici.")]
        return _show_page(thread, form, status=400)
    if form.validate_on_submit():
        posted = attempt(lambda: services.post_reply(thread, current_user, form.body.data),
                         _("Réponse publiée."), form=form)
        if posted:
            return redirect(url_for("discussions.permalink", thread_id=thread.id, number=posted.value.number))
        thread = _thread_or_404(thread_id)  # reloaded after the rollback
    return _show_page(thread, form, status=400)


@bp.route("/<int:thread_id>/reponses/<int:number>/modifier", methods=["GET", "POST"])
@login_required
def edit_reply(thread_id: int, number: int):
    thread = _thread_or_404(thread_id)
    message = _reply_or_404(thread, number)
    _allowed("discussions.edit", message)
    form = ReplyForm(obj=message) if request.method == "GET" else ReplyForm()
    if request.method == "GET":
        form.open_on(message)
    status = 400 if request.method == "POST" else 200
    if form.validate_on_submit():
        if form.edited_meanwhile(message):
            status = 409
        elif attempt(lambda: services.edit_reply(message, current_user, form.body.data), _("Réponse modifiée."),
                     form=form):
            return redirect(url_for("discussions.permalink", thread_id=thread.id, number=number))
    return render_template("discussions/edit_reply.html", thread=thread, message=message, form=form), status


@bp.route("/<int:thread_id>/supprimer", methods=["POST"])
@login_required
def delete_opening(thread_id: int):
    thread = _thread_or_404(thread_id)
    _allowed("discussions.delete", thread)
    attempt(lambda: services.delete_message(thread, current_user), _("Message supprimé."))
    return redirect(url_for("discussions.show", thread_id=thread_id))


@bp.route("/<int:thread_id>/reponses/<int:number>/supprimer", methods=["POST"])
@login_required
def delete_reply(thread_id: int, number: int):
    thread = _thread_or_404(thread_id)
    message = _reply_or_404(thread, number)
    _allowed("discussions.delete", message)
    attempt(lambda: services.delete_message(message, current_user), _("Message supprimé."))
    return redirect(url_for("discussions.permalink", thread_id=thread_id, number=number))


@bp.route("/<int:thread_id>/historique")
@login_required
def history(thread_id: int):
    thread = _thread_or_404(thread_id)
    return render_template("discussions/history.html", thread=thread, message=thread,
                           revisions=queries.history(thread, None))


@bp.route("/<int:thread_id>/reponses/<int:number>/historique")
@login_required
def reply_history(thread_id: int, number: int):
    thread = _thread_or_404(thread_id)
    message = _reply_or_404(thread, number)
    return render_template("discussions/history.html", thread=thread, message=message,
                           revisions=queries.history(thread, message))


# --- questions and moderation ------------------------------------------------------------------

@bp.route("/<int:thread_id>/reponses/<int:number>/solution", methods=["POST"])
@login_required
def accept(thread_id: int, number: int):
    thread = _thread_or_404(thread_id)
    message = _reply_or_404(thread, number)
    _allowed("discussions.accept", thread)
    attempt(lambda: services.accept_answer(thread, message, current_user),
            _("Réponse retenue : la question est résolue."))
    return redirect(url_for("discussions.permalink", thread_id=thread_id, number=number))


@bp.route("/<int:thread_id>/solution/retirer", methods=["POST"])
@login_required
def unaccept(thread_id: int):
    thread = _thread_or_404(thread_id)
    _allowed("discussions.accept", thread)
    attempt(lambda: services.clear_answer(thread, current_user), _("La question n'est plus marquée comme résolue."))
    return redirect(url_for("discussions.show", thread_id=thread_id))


MODERATION_DONE = {
    "pin": _l("Discussion épinglée en tête de liste."), "unpin": _l("Discussion désépinglée."),
    "close": _l("Discussion fermée : plus de nouvelles réponses."), "reopen": _l("Discussion rouverte."),
    "hide": _l("Discussion masquée aux membres."), "unhide": _l("Discussion de nouveau visible."),
}


@bp.route("/<int:thread_id>/moderation", methods=["POST"])
@login_required
def moderate(thread_id: int):
    thread = _thread_or_404(thread_id)
    _allowed("discussions.moderate", thread)
    action = request.form.get("action", "")
    done = MODERATION_DONE.get(action)
    attempt(lambda: services.moderate(thread, current_user, action), str(done) if done else None)
    return redirect(url_for("discussions.show", thread_id=thread_id))


@bp.route("/<int:thread_id>/deplacer", methods=["GET", "POST"])
@login_required
def move(thread_id: int):
    thread = _thread_or_404(thread_id)
    _allowed("discussions.moderate", thread)
    form = MoveForm() if request.method == "POST" else MoveForm(category_id=thread.category_id)
    form.category_id.choices = choices([(c.id, c.name) for c in queries.categories_for(current_user)])
    if form.validate_on_submit() and attempt(
            lambda: services.move_thread(thread, current_user, db.session.get(DiscussionCategory, form.category_id.data)),
            _("Discussion déplacée."), form=form):
        return redirect(url_for("discussions.show", thread_id=thread_id))
    return render_template("discussions/move.html", thread=thread, form=form), 400 if request.method == "POST" else 200


# --- write-up export, mentions ------------------------------------------------------------------

@bp.route("/<int:thread_id>/fiche.<any(docx, odt, pdf):extension>")
@login_required
def export_writeup(thread_id: int, extension: str):
    thread = _thread_or_404(thread_id)
    if not can("discussions.export", thread):
        abort(404)
    return documents.download(export.writeup_outline(thread), extension, f"fiche-retour-experience-{thread.id}")


@bp.route("/membres")
@login_required
def members():
    """The @ autocomplete: members matching ?q=, as JSON (handle to insert, name to show)."""
    require("member")
    found = mentions.suggestions(request.args.get("q", "")[:60])
    return jsonify([{"handle": m.handle, "name": m.full_name} for m in found])


# --- categories (admin) ------------------------------------------------------------------------

@bp.route("/categories", methods=["GET", "POST"])
@login_required
def categories():
    require("discussions.categories")
    form = CategoryForm()
    if form.validate_on_submit() and attempt(
            lambda: services.save_category(None, current_user, name=form.name.data, description=form.description.data,
                                           coanimators_only=form.coanimators_only.data, writeups=form.writeups.data,
                                           active=form.active.data),
            _("Catégorie ajoutée."), form=form):
        return redirect(url_for("discussions.categories"))
    return render_template("discussions/categories.html", form=form,
                           categories=queries.categories_for(current_user)), 400 if request.method == "POST" else 200


@bp.route("/categories/<int:discussion_category_id>", methods=["GET", "POST"])
@login_required
def category(discussion_category_id: int):
    require("discussions.categories")
    category = db.session.get(DiscussionCategory, discussion_category_id) or abort(404)
    form = CategoryForm(obj=category) if request.method == "GET" else CategoryForm()
    if form.validate_on_submit() and attempt(
            lambda: services.save_category(category, current_user, name=form.name.data,
                                           description=form.description.data,
                                           coanimators_only=form.coanimators_only.data, writeups=form.writeups.data,
                                           active=form.active.data),
            _("Catégorie modifiée."), form=form):
        return redirect(url_for("discussions.categories"))
    return render_template("discussions/category.html", form=form, category=category), \
        400 if request.method == "POST" else 200
