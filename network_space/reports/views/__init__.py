"""Pages of the departmental report: campaigns and their completeness board, the contribution
form (and its import), the review, the consolidated results with charts, exports, indicators. The
coverage page is views/coverage.py, the activity report views/activity.py; they add their routes
to the same blueprint."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, ngettext
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.utils import secure_filename

from network_space.accounts.models import Structure, Territory
from network_space.accounts.queries import active_territories
from network_space.core import charts as core_charts, documents, spreadsheet
from network_space.core.permissions import can, require
from network_space.core.transactions import attempt
from network_space.extensions import db
from network_space.reports import contributions, export, importer, queries, services
from network_space.reports.charts import report_charts
from network_space.reports.checks import CHECKS, warnings_for
from network_space.reports.forms import (
    CampaignForm, IndicatorForm, MappingForm, ReviewForm, UploadForm, field_name, read_contribution,
    typed_from_values,
)
from network_space.reports.models import (
    CHANGE_ACTIONS, GROUPS, STATUSES, Campaign, Contribution, Indicator, Slot,
)

bp = Blueprint("reports", __name__, url_prefix="/reports")


def _campaign_or_404(year: int) -> Campaign:
    campaign = queries.campaign_by_year(year)
    if campaign is None:
        abort(404)
    return campaign


@bp.route("/")
@login_required
def index():
    require("reports.view")
    campaigns = queries.campaigns()
    mine = {c.id: queries.my_slots(c, current_user) for c in campaigns if c.is_open}
    return render_template("reports/index.html", campaigns=campaigns, mine=mine, statuses=STATUSES)


# --- campaigns -------------------------------------------------------------------------------


def _covered_territory_ids() -> set[int]:
    """The territories some facilitator covers: expected by default."""
    return {t.id for user in queries.facilitators(t.id for t in active_territories()) for t in user.territories}


@bp.route("/campaigns/new", methods=["GET", "POST"])
@login_required
def campaign_new():
    require("reports.manage")
    territories = active_territories()
    form = CampaignForm(territories=territories)
    if request.method == "GET":
        latest = max((c.year for c in queries.campaigns()), default=None)
        form.year.data = (latest + 1) if latest else None
        form.territories.data = sorted(_covered_territory_ids())
    if form.validate_on_submit():
        chosen = [t for t in territories if t.id in set(form.territories.data or [])]
        outcome = attempt(lambda: services.open_campaign(
            current_user, year=form.year.data, deadline=form.deadline.data, territories=chosen,
            title=form.title.data, message=form.message.data),
            lambda c: _("Campagne « %(title)s » ouverte : les facilitateurs sont prévenus.", title=c.title), form=form)
        if outcome:
            return redirect(url_for("reports.campaign", year=outcome.value.year))
    return render_template("reports/campaign_form.html", form=form, campaign=None)


@bp.route("/<int:year>/edit", methods=["GET", "POST"])
@login_required
def campaign_edit(year: int):
    campaign = _campaign_or_404(year)
    require("reports.manage", campaign)
    territories = active_territories()
    form = CampaignForm(obj=campaign, territories=territories)
    if request.method == "GET":
        form.territories.data = [t.id for t in campaign.territories]
    form.year.data = campaign.year  # the year names the campaign: it does not change
    if form.validate_on_submit():
        chosen = [t for t in territories if t.id in set(form.territories.data or [])]
        outcome = attempt(lambda: services.update_campaign(
            campaign, current_user, deadline=form.deadline.data, territories=chosen, title=form.title.data,
            message=form.message.data), _("La campagne est mise à jour."), form=form)
        if outcome:
            return redirect(url_for("reports.campaign", year=year))
    return render_template("reports/campaign_form.html", form=form, campaign=campaign)


@bp.route("/<int:year>/<any(close, reopen):action>", methods=["POST"])
@login_required
def campaign_status(year: int, action: str):
    campaign = _campaign_or_404(year)
    require("reports.manage", campaign)
    attempt(lambda: services.set_campaign_open(campaign, action == "reopen", current_user),
            _("Campagne rouverte.") if action == "reopen" else _("Campagne clôturée : les contributions ne peuvent "
                                                                  "plus être modifiées."))
    return redirect(url_for("reports.campaign", year=year))


@bp.route("/<int:year>/")
@login_required
def campaign(year: int):
    campaign = _campaign_or_404(year)
    require("reports.view", campaign)
    rows = queries.board(campaign) if can("reports.manage") else []
    return render_template("reports/campaign.html", campaign=campaign, rows=rows, counts=queries.board_counts(rows),
                           mine=queries.my_slots(campaign, current_user), statuses=STATUSES)


@bp.route("/<int:year>/remind", methods=["POST"])
@login_required
def remind(year: int):
    """Remind every late facilitator, or those of one row of the board (territory, structure)."""
    campaign = _campaign_or_404(year)
    require("reports.manage", campaign)
    rows = queries.board(campaign)
    territory_id, structure_id = request.form.get("territory_id", ""), request.form.get("structure_id", "")
    if territory_id or structure_id:
        rows = [r for r in rows if str(r.territory.id) == territory_id and r.structure is not None
                and str(r.structure.id) == structure_id]
    attempt(lambda: services.remind_late(campaign, rows, current_user),
            lambda n: ngettext("Rappel envoyé à %(num)d personne.", "Rappel envoyé à %(num)d personnes.", n))
    return redirect(url_for("reports.campaign", year=year) + "#board")


# --- contributions ---------------------------------------------------------------------------


def _slot_or_contribution(year: int, territory_id: int, structure_id: int) -> Contribution | Slot:
    campaign = _campaign_or_404(year)
    territory, structure = db.session.get(Territory, territory_id), db.session.get(Structure, structure_id)
    if territory is None or structure is None:
        abort(404)
    contribution = db.session.scalar(select(Contribution).where(
        Contribution.campaign_id == campaign.id, Contribution.territory_id == territory_id,
        Contribution.structure_id == structure_id))
    if contribution is not None:
        return contribution
    if territory not in campaign.territories:
        abort(404)
    return Slot(campaign, territory, structure)


def _form_page(target, typed, indicators, conflict=None, status=200):
    values_by_code = {i.code: typed.values.get(i) for i in indicators if i.active}
    warnings = warnings_for(values_by_code) if not typed.errors else []
    return render_template(
        "reports/contribution_form.html", target=target, typed=typed, indicators=indicators, groups=GROUPS,
        warnings=warnings, checks=CHECKS, field_name=field_name, conflict=conflict,
        history_url=url_for("reports.contribution", contribution_id=target.id) if target.id else None), status


@bp.route("/<int:year>/fill/<int:territory_id>/<int:structure_id>", methods=["GET", "POST"])
@login_required
def fill(year: int, territory_id: int, structure_id: int):
    target = _slot_or_contribution(year, territory_id, structure_id)
    if not can("reports.contribution.edit", target):
        if target.id and can("reports.contribution.view", target):
            return redirect(url_for("reports.contribution", contribution_id=target.id))
        abort(403)
    indicators = queries.form_indicators(target if target.id else None)
    if request.method == "GET":
        return _form_page(target, typed_from_values(indicators, queries.values_of(target if target.id else None),
                                                    target.confirmations or {}, target.revision), indicators)
    if not ReviewForm().validate_on_submit():  # CSRF (the form's fields are read by read_contribution)
        flash(_("Le formulaire a expiré : vos saisies sont conservées, enregistrez à nouveau."), "error")
        return _form_page(target, read_contribution(request.form, indicators), indicators, status=400)
    typed = read_contribution(request.form, indicators)
    if not typed.valid:
        flash(ngettext("%(num)d valeur est à corriger : rien n'est enregistré.",
                       "%(num)d valeurs sont à corriger : rien n'est enregistré.", len(typed.errors) or 1), "error")
        return _form_page(target, typed, indicators, status=422)
    sending = request.form.get("action") == "submit"

    def save():
        contribution = target if target.id else contributions.start(target, current_user)
        contributions.save(contribution, current_user, typed.values, typed.notes, revision=typed.revision)
        return contribution

    outcome = attempt(save, None if sending else _("Brouillon enregistré."))
    if outcome and sending:
        # What was typed is kept as a draft first: a sending refused (a warning to confirm by a
        # note) loses nothing, and the page says both.
        saved = outcome.value
        sent = attempt(lambda: contributions.submit(saved, current_user),
                       _("Contribution envoyée : la co-animation est prévenue."))
        if sent:
            return redirect(url_for("reports.contribution", contribution_id=saved.id))
        flash(_("Vos saisies sont enregistrées en brouillon, mais la contribution n'est pas envoyée."), "info")
        saved = db.session.get(Contribution, saved.id)
        typed.revision = saved.revision
        return _form_page(saved, typed, indicators, status=422)
    if outcome:
        return redirect(url_for("reports.fill", year=year, territory_id=territory_id, structure_id=structure_id))
    # A conflict: shown again with what was typed, on the revision saved meanwhile, its values
    # beside. (A contribution started by this very request was rolled back: nothing to show.)
    saved = getattr(outcome.refusal, "contribution", None)
    saved = db.session.get(Contribution, saved.id) if saved is not None and saved.id else None
    if saved is None:
        return _form_page(target, typed, indicators, status=422)
    typed.revision = saved.revision
    return _form_page(saved, typed, indicators, conflict=queries.values_of(saved), status=409)


@bp.route("/contributions/<int:contribution_id>")
@login_required
def contribution(contribution_id: int):
    item = db.session.get(Contribution, contribution_id)
    if item is None:
        abort(404)
    require("reports.contribution.view", item)
    indicators = queries.form_indicators(item)
    values = queries.values_of(item)
    return render_template("reports/contribution.html", contribution=item, indicators=indicators, values=values,
                           groups=GROUPS, review_form=ReviewForm(), actions=CHANGE_ACTIONS,
                           warnings=warnings_for({i.code: values.get(i.id) for i in indicators if i.active}),
                           checks={c.code: c for c in CHECKS})


@bp.route("/contributions/<int:contribution_id>/<any(validate, send_back):action>", methods=["POST"])
@login_required
def review(contribution_id: int, action: str):
    item = db.session.get(Contribution, contribution_id)
    if item is None:
        abort(404)
    require("reports.contribution.review", item)
    form = ReviewForm()
    if form.validate_on_submit():
        if action == "validate":
            outcome = attempt(lambda: contributions.validate(item, current_user, form.comment.data),
                              _("Contribution validée : elle compte dans le bilan."), form=form)
        else:
            outcome = attempt(lambda: contributions.send_back(item, current_user, form.comment.data),
                              _("Contribution renvoyée : ses auteurs sont prévenus."), form=form)
        if outcome:
            return redirect(url_for("reports.campaign", year=item.campaign.year) + "#board")
    item = db.session.get(Contribution, contribution_id)
    indicators = queries.form_indicators(item)
    values = queries.values_of(item)
    return render_template("reports/contribution.html", contribution=item, indicators=indicators, values=values,
                           groups=GROUPS, review_form=form, actions=CHANGE_ACTIONS,
                           warnings=warnings_for({i.code: values.get(i.id) for i in indicators if i.active}),
                           checks={c.code: c for c in CHECKS}), 422


# --- import ----------------------------------------------------------------------------------


def _editable_target(year: int, territory_id: int, structure_id: int):
    target = _slot_or_contribution(year, territory_id, structure_id)
    require("reports.contribution.edit", target)
    return target


def _target_key(year: int, territory_id: int, structure_id: int) -> str:
    return f"{year}/{territory_id}/{structure_id}"


@bp.route("/<int:year>/fill/<int:territory_id>/<int:structure_id>/template.<any(xlsx, csv):extension>")
@login_required
def import_template(year: int, territory_id: int, structure_id: int, extension: str):
    target = _editable_target(year, territory_id, structure_id)
    indicators = queries.form_indicators(target if target.id else None)
    rows = importer.template_rows(indicators, queries.values_of(target if target.id else None))
    name = f"bilan-{year}-{target.territory.label}"
    return _spreadsheet(rows, extension, name, _("Contribution %(year)d", year=year))


@bp.route("/<int:year>/fill/<int:territory_id>/<int:structure_id>/import", methods=["GET", "POST"])
@login_required
def import_upload(year: int, territory_id: int, structure_id: int):
    target = _editable_target(year, territory_id, structure_id)
    form = UploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        if not upload or not getattr(upload, "filename", ""):
            form.file.errors.append(_("Choisissez un fichier XLSX ou CSV."))
        else:
            with upload.stream:
                raw = upload.stream.read(importer.MAX_IMPORT_KB * 1024 + 1)
            try:
                importer.parse(raw, upload.filename)
            except spreadsheet.SpreadsheetError as error:
                form.file.errors.append(str(error))
            else:
                token = importer.save_upload(raw, upload.filename, current_user,
                                             _target_key(year, territory_id, structure_id))
                return redirect(url_for("reports.import_check", year=year, territory_id=territory_id,
                                        structure_id=structure_id, token=token))
    return render_template("reports/import_upload.html", target=target, form=form, max_kb=importer.MAX_IMPORT_KB,
                           max_rows=importer.MAX_ROWS, fields=importer.IMPORT_FIELDS)


@bp.route("/<int:year>/fill/<int:territory_id>/<int:structure_id>/import/<token>", methods=["GET", "POST"])
@login_required
def import_check(year: int, territory_id: int, structure_id: int, token: str):
    """Step 2: the columns, the dry run; then the import itself (``confirm``)."""
    target = _editable_target(year, territory_id, structure_id)
    parsed = importer.load_upload(token, current_user, _target_key(year, territory_id, structure_id))
    if parsed is None:
        flash(_("Ce fichier n'est plus disponible : envoyez-le à nouveau."), "error")
        return redirect(url_for("reports.import_upload", year=year, territory_id=territory_id,
                                structure_id=structure_id))
    form = MappingForm()
    indicators = queries.form_indicators(target if target.id else None)
    current = queries.values_of(target if target.id else None)
    context = dict(target=target, parsed=parsed, form=form, token=token, fields=importer.IMPORT_FIELDS,
                   examples=spreadsheet.column_examples(parsed))
    if request.method == "GET":
        mapping, problems = importer.guess_mapping(parsed.header), []
        dry_run = importer.analyse(parsed, mapping, indicators, current) if {"value"} <= set(mapping) and (
            {"code", "indicator"} & set(mapping)) else None
        return render_template("reports/import_check.html", mapping=mapping, problems=problems, dry_run=dry_run,
                               **context)
    mapping, problems = importer.read_mapping(request.form, parsed.header)
    if not form.validate_on_submit() or problems:
        return render_template("reports/import_check.html", mapping=mapping, problems=problems, dry_run=None,
                               **context), 422
    dry_run = importer.analyse(parsed, mapping, indicators, current)
    if request.form.get("confirm") != "1" or dry_run.errors:
        if request.form.get("confirm") == "1":
            flash(_("Le fichier contient des erreurs : rien n'a été importé."), "error")
        return render_template("reports/import_check.html", mapping=mapping, problems=[], dry_run=dry_run,
                               **context), (422 if dry_run.errors and request.form.get("confirm") == "1" else 200)

    def run():
        contribution = target if target.id else contributions.start(target, current_user)
        return contribution, importer.run(contribution, dry_run, current_user)

    outcome = attempt(run, lambda result: ngettext("%(num)d valeur importée dans le brouillon.",
                                                   "%(num)d valeurs importées dans le brouillon.",
                                                   len([c for c in result[1] if c["indicator_id"]])))
    if outcome:
        importer.discard_upload(token)
        return redirect(url_for("reports.fill", year=year, territory_id=territory_id, structure_id=structure_id))
    return render_template("reports/import_check.html", mapping=mapping, problems=[], dry_run=dry_run, **context), 409


# --- results and exports ---------------------------------------------------------------------


def _consolidation(year: int):
    campaign = _campaign_or_404(year)
    require("reports.view", campaign)
    return queries.consolidate(year)


@bp.route("/<int:year>/results")
@login_required
def results(year: int):
    c = _consolidation(year)
    charts = report_charts(c)
    return render_template("reports/results.html", c=c, campaign=c.campaigns[year], charts=charts,
                           svg=core_charts.svg, table_rows=core_charts.chart_table_rows,
                           summary=export.summary_lines(c), completeness=export.completeness_line(c),
                           partial=export.partial_line(c),
                           department=export.department_rows(c), territories=export.territory_rows(c),
                           sectors=queries.sector_rows(c), change_text=export.change_text, fte_hours=queries.FTE_HOURS)


def _spreadsheet(rows, extension: str, name: str, title: str) -> Response:
    if extension == "csv":
        return Response(spreadsheet.to_csv(rows), mimetype="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{_safe(name)}.csv"'})
    return Response(spreadsheet.to_xlsx(rows, title, doc_title=title),
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{_safe(name)}.xlsx"'})


def _safe(name: str) -> str:
    return secure_filename(name) or "bilan"


# The members' names for the files they download (the URLs keep theirs: links are shared).
TABLE_FILE_NAMES = {"department": "departement", "territories": "territoires", "years": "annees"}


@bp.route("/<int:year>/tables/<any(department, territories, years):table>.<any(xlsx, csv):extension>")
@login_required
def table(year: int, table: str, extension: str):
    c = _consolidation(year)
    return _spreadsheet(export.table_rows(c, table), extension, f"bilan-{year}-{TABLE_FILE_NAMES[table]}",
                        export.table_title(table, year))


@bp.route("/<int:year>/report.<any(docx, odt, pdf):extension>")
@login_required
def report(year: int, extension: str):
    c = _consolidation(year)
    return documents.download(export.report_outline(c), extension, f"bilan-clauses-sociales-{year}")


@bp.route("/<int:year>/publish", methods=["POST"])
@login_required
def publish(year: int):
    campaign = _campaign_or_404(year)
    require("reports.manage", campaign)
    if not ReviewForm().validate_on_submit():
        abort(400)
    c = queries.consolidate(year)
    extension = request.form.get("format") if request.form.get("format") in ("pdf", "docx", "odt") else "pdf"
    data = documents.WRITERS[extension][0](export.report_outline(c))
    outcome = attempt(lambda: services.publish(campaign, current_user, data, f"bilan-clauses-sociales-{year}.{extension}",
                                               " ".join(export.summary_lines(c)) or export.completeness_line(c)),
                      _("Le bilan est publié dans la bibliothèque."))
    if outcome:
        return redirect(url_for("library.detail", resource_id=outcome.value.id))
    return redirect(url_for("reports.results", year=year))


# --- indicators (admin) ----------------------------------------------------------------------


@bp.route("/indicators", methods=["GET", "POST"])
@bp.route("/indicators/<int:indicator_id>", methods=["GET", "POST"])
@login_required
def indicators(indicator_id: int | None = None):
    require("reports.indicators")
    indicator = db.session.get(Indicator, indicator_id) if indicator_id else None
    if indicator_id and indicator is None:
        abort(404)
    form = IndicatorForm(obj=indicator)
    if form.validate_on_submit():
        outcome = attempt(lambda: services.save_indicator(
            indicator, current_user, label=form.label.data, definition=form.definition.data, group=form.group.data,
            kind=form.kind.data), _("Indicateur enregistré."), form=form)
        if outcome:
            return redirect(url_for("reports.indicators") + f"#indicator-{outcome.value.id}")
    return render_template("reports/indicators.html", form=form, indicator=indicator, indicators=queries.indicators(),
                           groups=GROUPS)


@bp.route("/indicators/<int:indicator_id>/<any(up, down, retire, restore):action>", methods=["POST"])
@login_required
def indicator_action(indicator_id: int, action: str):
    require("reports.indicators")
    indicator = db.session.get(Indicator, indicator_id)
    if indicator is None:
        abort(404)
    if action in ("up", "down"):
        attempt(lambda: services.move_indicator(indicator, -1 if action == "up" else 1, current_user))
    else:
        attempt(lambda: services.set_indicator_active(indicator, action == "restore", current_user),
                _("Indicateur retiré : il n'est plus demandé, ses valeurs passées restent.") if action == "retire"
                else _("Indicateur rétabli."))
    return redirect(url_for("reports.indicators") + f"#indicator-{indicator.id}")
