"""The co-animation's activity report (/reports/activity): the page and its DOCX/ODT/PDF files
for a period (the current year by default)."""
from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_login import login_required

from network_space.core import documents
from network_space.core.permissions import require
from network_space.reports import activity as activity_data
from network_space.reports.forms import ActivityPeriodForm
from network_space.reports.views import bp
from network_space.core.dates import paris_today


def _period_form() -> tuple[ActivityPeriodForm, activity_data.Period | None]:
    """The form read from the query string (or set to the current year), and its period when valid."""
    if request.args:
        form = ActivityPeriodForm(request.args)
        return form, form.period if form.validate() else None
    period = activity_data.Period.year_of(paris_today())
    return ActivityPeriodForm(formdata=None, start=period.start, end=period.end), period


@bp.route("/activity")
@login_required
def activity():
    require("reports.view_activity")
    form, period = _period_form()
    sections = activity_data.report(period) if period else []
    return render_template("reports/activity.html", form=form, period=period, sections=sections)


@bp.route("/activity.<any(docx, odt, pdf):extension>")
@login_required
def activity_file(extension: str):
    require("reports.view_activity")
    form, period = _period_form()
    if period is None:  # the page says what is wrong with the dates
        return redirect(url_for("reports.activity", start=request.args.get("start", ""), end=request.args.get("end", "")))
    outline = activity_data.outline(period, activity_data.report(period))
    return documents.download(outline, extension, f"rapport-activite-{period.start}-{period.end}")
