"""Uploaded files: checked, stored outside static/ by content hash, served only as attachments.

``store_upload(file)`` refuses (with a French ``UploadError``) anything whose extension is not
allowed, whose content does not match its extension (sniffed with ``filetype`` and, for office
formats, by their archive structure), that is larger than MAX_UPLOAD_MB, or that is a
decompression bomb. The original name is kept for display only: the file is stored as
``DATA_DIR/files/<2 first hex>/<sha256>`` and never under a user-chosen name.

A full disk (or any other failure to write) refuses the upload with its own French message and
logs the incident; the form keeps what was typed, as for any refused file. A stored file that has
gone missing is logged and reported by ``send_stored`` as ``MissingFile``.

An upload over the limit is refused like any other bad file, the typed fields kept: while the
request is parsed, each file part is spooled by ``UploadSpool``, which keeps one byte more than
the limit (so ``store_upload`` sees it is too large) and drops the rest. Only a whole request over
MAX_REQUEST_MB is refused before it is read (the 413 page).
"""
from __future__ import annotations

import errno
import hashlib
import logging
import os
import re
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

import filetype
from flask import current_app, send_file
from flask_babel import gettext as _

from network_space.core.archives import archive_problem

CHUNK = 1024 * 1024
log = logging.getLogger(__name__)

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "txt": "text/plain; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
}
ALLOWED_EXTENSIONS = tuple(CONTENT_TYPES)
TEXT_EXTENSIONS = {"txt", "md", "csv"}
# Shown in the browser rather than downloaded: formats browsers render without running anything.
INLINE_EXTENSIONS = {"pdf", "png", "jpg", "jpeg"}

# Office formats are zip archives; what identifies each inside the archive.
_ZIP_MARKERS = {
    "docx": "word/document.xml",
    "xlsx": "xl/workbook.xml",
    "pptx": "ppt/presentation.xml",
}
_ODF_MIMETYPES = {
    "odt": b"application/vnd.oasis.opendocument.text",
    "ods": b"application/vnd.oasis.opendocument.spreadsheet",
    "odp": b"application/vnd.oasis.opendocument.presentation",
}
_SNIFFED = {"pdf": {"pdf"}, "png": {"png"}, "jpg": {"jpg"}, "jpeg": {"jpg"}}
_HTML_START = re.compile(rb"^\s*(<!doctype\s+html|<html|<head|<body|<script|<svg|<\?xml)", re.IGNORECASE)


class UploadError(ValueError):
    """A refused upload; str(error) is the French message for the user."""


class MissingFile(LookupError):
    """A stored file that should be there is not (lost disk, restored without DATA_DIR…)."""


def write_failure(error: OSError) -> UploadError:
    """The French refusal for an uploaded file the server could not write (a full disk…); the
    incident is logged."""
    log.error("upload: the file could not be written (%s)", error)
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return UploadError(_("Le serveur manque d'espace disque : le fichier n'a pas pu être enregistré. "
                             "L'incident a été signalé ; réessayez plus tard."))
    return UploadError(_("Le fichier n'a pas pu être enregistré sur le serveur. L'incident a été signalé ; "
                         "réessayez plus tard."))


class UploadSpool(tempfile.SpooledTemporaryFile):
    """Where the request parser puts a file part (see the module docstring): at most ``limit`` + 1
    bytes are kept. A failure to write (the temporary directory's disk is full) is kept in
    ``error`` rather than raised, so the form is still read and refused with its fields."""

    def __init__(self, limit: int):
        super().__init__(max_size=500 * 1024, mode="rb+")
        self.room = limit + 1
        self.error: OSError | None = None

    def write(self, data) -> int:
        kept = bytes(data[:max(self.room, 0)])
        self.room -= len(kept)
        if kept and self.error is None:
            try:
                super().write(kept)
            except OSError as error:
                self.error = error
        return len(data)


def check_spooled(file) -> None:
    """Raise the French UploadError when the request parser could not keep the uploaded file."""
    error = getattr(file.stream, "error", None)
    if error is not None:
        raise write_failure(error)


@dataclass(frozen=True)
class StoredFile:
    key: str  # SHA-256 hex of the content
    size: int
    original_name: str
    extension: str
    content_type: str


def max_upload_bytes() -> int:
    return current_app.config["MAX_UPLOAD_MB"] * 1024 * 1024


def files_dir() -> Path:
    return Path(current_app.config["DATA_DIR"]) / "files"


def path_for(key: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{64}", key or ""):
        raise ValueError("bad storage key")
    return files_dir() / key[:2] / key


def display_name(filename: str | None) -> str:
    """The user's file name without any directory part or control character, for display."""
    name = (filename or "").replace("\\", "/").split("/")[-1]
    name = unicodedata.normalize("NFC", name)
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip().lstrip(".")
    return name[-200:] or "fichier"


def extension_of(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def check_archive(path: Path) -> None:
    """Refuse zip archives that would expand beyond the limits (see core/archives.py)."""
    problem = archive_problem(path)
    if problem == "unreadable":
        raise UploadError(_("Le fichier est endommagé (archive illisible)."))
    if problem == "entries":
        raise UploadError(_("Le fichier contient trop d'éléments pour être accepté."))
    if problem == "bomb":
        raise UploadError(_("Le fichier est refusé : son contenu décompressé serait anormalement volumineux."))


def _zip_matches(path: Path, extension: str) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if extension in _ZIP_MARKERS:
                return _ZIP_MARKERS[extension] in names
            if "mimetype" not in names:
                return False
            with archive.open("mimetype") as stream:
                return stream.read(100).strip() == _ODF_MIMETYPES[extension]
    except (zipfile.BadZipFile, OSError, KeyError):
        return False


def check_content(path: Path, extension: str) -> None:
    """Check that the content really is what the extension says."""
    with open(path, "rb") as stream:
        head = stream.read(8192)
    kind = filetype.guess(head)
    sniffed = kind.extension if kind else None
    mismatch = _("Le contenu du fichier ne correspond pas à son extension « .%(ext)s ».", ext=extension)
    if extension in _SNIFFED:
        if sniffed not in _SNIFFED[extension]:
            raise UploadError(mismatch)
    elif extension in _ZIP_MARKERS or extension in _ODF_MIMETYPES:
        if not head.startswith(b"PK\x03\x04"):
            raise UploadError(mismatch)
        check_archive(path)
        if not _zip_matches(path, extension):
            raise UploadError(mismatch)
    elif extension in TEXT_EXTENSIONS:
        if sniffed is not None or b"\x00" in head or _HTML_START.match(head):
            raise UploadError(mismatch)
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as error:
            # The cut may fall inside a multi-byte character; only the last 3 bytes may be partial.
            if error.start < len(head) - 3:
                raise UploadError(_("Le fichier texte doit être encodé en UTF-8.")) from error
    else:
        raise UploadError(mismatch)


def store_upload(file) -> StoredFile:
    """Check and store a werkzeug FileStorage; raise UploadError with a French message."""
    original = display_name(getattr(file, "filename", None))
    extension = extension_of(original)
    if not getattr(file, "filename", None):
        raise UploadError(_("Choisissez un fichier."))
    if extension not in CONTENT_TYPES:
        raise UploadError(_("Format non accepté. Formats possibles : %(list)s.",
                            list=", ".join(e.upper() for e in ALLOWED_EXTENSIONS if e != "jpeg")))
    check_spooled(file)
    limit = max_upload_bytes()
    tmp_dir = Path(current_app.config["DATA_DIR"]) / "tmp"
    digest = hashlib.sha256()
    size = 0
    tmp = None
    try:
        tmp_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=tmp_dir)
        tmp = Path(tmp_name)
        with os.fdopen(fd, "wb") as out:
            while chunk := file.stream.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise UploadError(_("Le fichier dépasse la taille maximale de %(n)d Mo.",
                                        n=current_app.config["MAX_UPLOAD_MB"]))
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise UploadError(_("Le fichier est vide."))
        check_content(tmp, extension)
        key = digest.hexdigest()
        target = path_for(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            tmp.unlink()  # same content already stored
        else:
            os.replace(tmp, target)
    except OSError as error:
        raise write_failure(error) from error
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
    return StoredFile(key=key, size=size, original_name=original, extension=extension,
                      content_type=CONTENT_TYPES[extension])


def send_stored(key: str, download_name: str, extension: str, *, inline: bool = False):
    """The response for a stored file: right type, attachment (or inline for safe formats).
    Raises MissingFile, logged, when the file is not on disk."""
    path = path_for(key)
    if not path.is_file():
        log.error("storage: stored file %s (%s) is missing from %s", key, download_name, files_dir())
        raise MissingFile(key)
    as_attachment = not (inline and extension in INLINE_EXTENSIONS)
    response = send_file(path, as_attachment=as_attachment, download_name=download_name, max_age=0,
                         conditional=True)
    # Set whole: given as send_file's mimetype, a type with its charset gets werkzeug's again.
    response.headers["Content-Type"] = CONTENT_TYPES.get(extension, "application/octet-stream")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
