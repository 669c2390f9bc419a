"""Personal data: what each domain keeps about people, how a member gets it, how it is erased and
how long it is kept (RGPD articles 5-1-e, 13, 15, 17 and 20).

One registry, filled by each domain in its ``init_app`` with ``register_personal_data()`` (the
domain's ``privacy.py``). Everything that speaks about personal data reads it, so none can drift
from the others:

- the member's download of their data (``write_export``): one JSON file per entry, plus the files
  they uploaded, in a ZIP;
- an admin's erasure of a former member (``erase_personal_data``): each entry's ``erase`` runs,
  feature domains first and accounts last, so that every domain still sees the member's name
  while it removes it from its own rows;
- the worker's retention task (``apply_retention``, at most every RETENTION_INTERVAL_SECONDS):
  each ``Retention`` deletes what is older than its configured period (a setting of config.py);
- the "Données personnelles" page, which lists each entry with the values of those same settings.
"""
from __future__ import annotations

import json
import time
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import IO, Any, Callable, Iterable

from dateutil.relativedelta import relativedelta
from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext

from network_space.core.i18n import lazy_gettext as _l
from network_space.core.models import utcnow
from network_space.core.storage import path_for
from network_space.core.worker import worker_task
from network_space.extensions import db

# Legal bases (RGPD article 6) the entries use. A public body's network runs on its public task.
BASIS_PUBLIC_TASK = _l("Mission d'intérêt public (article 6-1-e du RGPD) : l'animation du réseau départemental "
                       "des facilitateurs clauses sociales par le Département et l'État")
BASIS_SECURITY = _l("Obligation légale de sécurité du traitement (articles 6-1-c et 32 du RGPD)")

# The name an erased member's contributions show (their row stays, anonymised).
ERASED_NAME = _l("Ancien membre")

UNIT_DAYS = "days"
UNIT_MONTHS = "months"


@dataclass(frozen=True)
class Retention:
    """Rows deleted (or emptied) once older than a configured period.

    ``setting`` is a key of config.py holding a number of days or months; 0 means "never".
    ``purge(cutoff)`` removes what is older than ``cutoff`` in the session (it flushes, the caller
    commits) and returns how many rows it touched.
    """

    label: Any
    setting: str
    purge: Callable[[datetime], int]
    unit: str = UNIT_DAYS

    @property
    def period(self) -> int:
        return int(current_app.config[self.setting])

    def cutoff(self, now: datetime) -> datetime | None:
        if self.period <= 0:
            return None
        if self.unit == UNIT_MONTHS:
            return now - relativedelta(months=self.period)
        return now - timedelta(days=self.period)

    def describe(self) -> str:
        """The period in words, as the "Données personnelles" page shows it."""
        if self.period <= 0:
            return _("sans limite de durée")
        if self.unit == UNIT_MONTHS:
            return ngettext("%(num)d mois", "%(num)d mois", self.period)
        return ngettext("%(num)d jour", "%(num)d jours", self.period)


@dataclass(frozen=True)
class PersonalData:
    """What one domain keeps about people.

    ``export(user)`` returns JSON-able records (dates are written in ISO 8601) grouped by name;
    ``files(user)`` yields ``(name, storage key)`` of the files the member uploaded;
    ``erase(user)`` removes or anonymises the member's data in the session (it must not commit);
    ``legal_basis`` is a tuple of texts (one per basis, each saying what it covers when the
    entry has several); ``kept`` says in words how long what no ``Retention`` purges is kept.
    """

    name: str
    label: Any
    data: Any
    purpose: Any
    legal_basis: tuple
    kept: Any
    order: int
    export: Callable[[Any], dict[str, Any]] | None = None
    files: Callable[[Any], Iterable[tuple[str, str]]] | None = None
    erase: Callable[[Any], None] | None = None
    retentions: tuple[Retention, ...] = field(default=())


_entries: dict[str, PersonalData] = {}


def register_personal_data(name: str, label, *, data, purpose, legal_basis, kept, order: int,
                           export=None, files=None, erase=None, retentions: Iterable[Retention] = ()) -> PersonalData:
    """Declare what a domain keeps about people. Idempotent per name (create_app() may run
    several times in one process). ``name`` is also the JSON file's name in the export."""
    if not name.isascii() or not name.replace("_", "").isalnum():
        raise ValueError(f"personal data name {name!r}: ASCII letters, digits and _ only")
    entry = PersonalData(name, label, data, purpose, tuple(legal_basis), kept, order, export, files, erase,
                         tuple(retentions))
    _entries[name] = entry
    return entry


def entries() -> list[PersonalData]:
    return sorted(_entries.values(), key=lambda e: (e.order, e.name))


def retentions() -> list[Retention]:
    return [retention for entry in entries() for retention in entry.retentions]


# --- Export ------------------------------------------------------------------------------------

def _json_default(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


def _safe_file_name(name: str) -> str:
    cleaned = "".join(c if c.isalnum() or c in " .-_()" else "_" for c in name).strip(" .")
    return cleaned[-120:] or "fichier"


def write_export(user, stream: IO[bytes]) -> None:
    """Write the member's data as a ZIP into ``stream`` (a file opened for writing).

    JSON files are compressed; uploaded files are stored as they are (mostly compressed
    already). A file missing from the storage is listed in the read-me instead of failing the
    whole download.
    """
    generated = utcnow()
    readme = [
        _("Données personnelles de %(name)s, exportées le %(date)s (UTC).",
          name=user.full_name, date=generated.strftime("%d/%m/%Y %H:%M")),
        "",
        _("Chaque fichier JSON correspond à une partie du site ; les dates sont en UTC, au format ISO 8601."),
        "",
    ]
    missing: list[str] = []
    with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        used: set[str] = set()
        for entry in entries():
            if entry.export is None:
                continue
            content = {"rubrique": str(entry.label), "donnees": entry.export(user)}
            archive.writestr(f"{entry.name}.json", json.dumps(content, ensure_ascii=False, indent=2,
                                                             default=_json_default))
            readme.append(f"- {entry.name}.json : {entry.label}")
            for name, key in entry.files(user) if entry.files else ():
                target = f"fichiers/{_safe_file_name(name)}"
                base, dot, extension = target.rpartition(".")
                number = 2
                while target in used:
                    target = f"{base} ({number}).{extension}" if dot else f"{target} ({number})"
                    number += 1
                try:
                    archive.write(path_for(key), target, compress_type=zipfile.ZIP_STORED)
                except (OSError, ValueError):
                    current_app.logger.warning("personal data export: stored file %s missing", key)
                    missing.append(name)
                    continue
                used.add(target)
        if used:
            readme += ["", _("Le dossier « fichiers » contient les fichiers que vous avez déposés.")]
        if missing:
            readme += ["", _("Fichiers introuvables dans le stockage du site (signalez-le à un administrateur) :")]
            readme += [f"- {name}" for name in missing]
        archive.writestr("LISEZMOI.txt", "\r\n".join(readme) + "\r\n")


# --- Erasure -----------------------------------------------------------------------------------

def erase_personal_data(user) -> None:
    """Run every entry's erasure for ``user``, in reverse order (accounts, which anonymises the
    member's own row, comes last). In the caller's transaction."""
    for entry in reversed(entries()):
        if entry.erase is not None:
            entry.erase(user)
            db.session.flush()


# --- Retention ---------------------------------------------------------------------------------

def apply_retention(now: datetime | None = None) -> dict[str, int | Exception]:
    """Apply every registered retention period. Commits after each one (a worker task): one that
    fails is logged and rolled back, and the others still run. Returns what each one touched."""
    now = now or utcnow()
    results: dict[str, int | Exception] = {}
    for retention in retentions():
        cutoff = retention.cutoff(now)
        if cutoff is None:
            continue
        try:
            results[retention.setting] = retention.purge(cutoff)
            db.session.commit()
        except Exception as error:  # noqa: BLE001 - one failing purge must not stop the others
            db.session.rollback()
            current_app.logger.exception("retention %s failed", retention.setting)
            results[retention.setting] = error
    return results


_last_retention: list[float] = []


@worker_task("retention")
def retention_task() -> dict[str, int | Exception] | None:
    """The worker's task: apply_retention() at most every RETENTION_INTERVAL_SECONDS in a looping
    worker (periods count in days: no need to delete at every round of a few seconds); at every
    call of ``flask worker --once`` (a new process each time)."""
    interval = current_app.config["RETENTION_INTERVAL_SECONDS"]
    if _last_retention and time.monotonic() - _last_retention[-1] < interval:
        return None
    _last_retention[:] = [time.monotonic()]
    return apply_retention()
