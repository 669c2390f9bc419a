"""Benchmark: the departmental report as DOCX for 5 years × 17 territories × every indicator
(target: < 5 s), beside a reference measured in the same run — the same document without its
charts — and the ODT, PDF and the consolidation alone.

    .venv/bin/python bench/reports.py [--years 5] [--runs 3]

Standalone: it builds its own temporary SQLite database; nothing else is touched. The first
generation of the process includes loading matplotlib (seconds): it is shown apart, as the first
request of a freshly started server would see it.
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select  # noqa: E402

from network_space import create_app  # noqa: E402
from network_space.extensions import db  # noqa: E402


def _seed(years: int) -> None:
    from network_space.accounts.models import Structure
    from network_space.accounts.reference import ensure_territories
    from network_space.reports.models import Campaign, Contribution, ContributionValue, Indicator

    spec = importlib.util.spec_from_file_location("m", ROOT / "migrations" / "versions" / "20261129_1800_reports.py")
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    db.session.add_all(Indicator(code=code, group=group, kind=kind, label=label, definition=definition,
                                 position=i * 10, active=True)
                       for i, (code, group, kind, label, definition) in enumerate(migration.INDICATORS, start=1))
    territories = list(ensure_territories().values())
    structure = Structure(name="Structure du banc", kind="epci")
    db.session.add(structure)
    db.session.flush()
    indicators = list(db.session.scalars(select(Indicator)))
    last = 2026
    for year in range(last - years + 1, last + 1):
        campaign = Campaign(year=year, title=f"Bilan {year}", deadline=date(year + 1, 3, 31), territories=territories)
        db.session.add(campaign)
        db.session.flush()
        db.session.execute(insert(Contribution), [
            dict(campaign_id=campaign.id, territory_id=t.id, structure_id=structure.id, status="validated",
                 revision=1, confirmations={}) for t in territories])
    contributions = list(db.session.execute(select(Contribution.id, Contribution.territory_id)))
    rows = []
    for contribution_id, territory_id in contributions:
        for indicator in indicators:
            if indicator.kind == "number":
                rows.append(dict(contribution_id=contribution_id, indicator_id=indicator.id,
                                 number=(territory_id * 97 + indicator.id * 31) % 5000 + 10))
            else:
                rows.append(dict(contribution_id=contribution_id, indicator_id=indicator.id,
                                 text="Un **chantier** de réhabilitation avec un lot réservé ESAT.\n\n- forum\n- visite"))
    db.session.execute(insert(ContributionValue), rows)
    db.session.commit()


def _timed(fn, runs: int) -> tuple[list[tuple[float, float]], object]:
    """(wall clock, CPU time of this process) of each run. On a shared machine the CPU time is
    what a free machine would take; the wall clock adds the waiting for a core."""
    times, result = [], None
    for _ in range(runs):
        started, cpu = time.perf_counter(), time.process_time()
        result = fn()
        times.append((time.perf_counter() - started, time.process_time() - cpu))
    return times, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp}/bench.sqlite",
                         DATA_DIR=f"{tmp}/data", SEARCH_INDEX_DIR=f"{tmp}/index")
        with app.app_context(), app.test_request_context():
            from network_space.core import charts, documents
            from network_space.reports import export, queries
            from network_space.reports.charts import report_charts

            db.create_all()
            _seed(args.years)
            values = db.session.query(queries.ContributionValue).count()
            year = 2026

            def report(extension: str, with_charts: bool = True):
                charts._png.cache_clear()  # every run draws its charts again, as a new year would
                c = queries.consolidate(year)
                return documents.WRITERS[extension][0](export.report_outline(c, with_charts=with_charts))

            (first_time,), first = _timed(lambda: report("docx"), 1)
            consolidation, _ = _timed(lambda: queries.consolidate(year), args.runs)
            drawing, _ = _timed(lambda: [charts.png(chart) for chart in report_charts(queries.consolidate(year))
                                         if charts._png.cache_clear() is None], args.runs)
            reference, _ = _timed(lambda: report("docx", with_charts=False), args.runs)
            docx_times, docx_bytes = _timed(lambda: report("docx"), args.runs)
            odt_times, odt_bytes = _timed(lambda: report("odt"), args.runs)
            pdf_times, pdf_bytes = _timed(lambda: report("pdf"), args.runs)
            db.session.remove()
            db.engine.dispose()

    def line(label: str, times: list[tuple[float, float]], size: int | None = None) -> str:
        extra = f", {size / 1024:.0f} Ko" if size else ""
        wall, cpu = statistics.median(t[0] for t in times), statistics.median(t[1] for t in times)
        return f"{label:<46} CPU {cpu:5.2f} s, horloge {wall:5.2f} s (médianes de {len(times)}){extra}"

    print(f"données : {args.years} années × 17 territoires, {values} valeurs validées")
    print(line("consolidation (requêtes + sommes)", consolidation))
    print(line("les 5 graphiques en PNG (matplotlib)", drawing))
    print(line("référence : DOCX sans graphiques", reference))
    print(line("bilan DOCX (5 graphiques PNG)", docx_times, len(docx_bytes)))
    print(line("bilan ODT", odt_times, len(odt_bytes)))
    print(line("bilan PDF", pdf_times, len(pdf_bytes)))
    print(line("premier DOCX du processus (import matplotlib)", [first_time], len(first)))
    print("objectif : bilan DOCX < 5 s")
    print(f"charge machine : {os.getloadavg()[0]:.1f} (moyenne 1 min), {os.cpu_count()} cœurs")


if __name__ == "__main__":
    main()
