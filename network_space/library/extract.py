"""Text extraction from uploaded files, for the search index.

Runs in a child process (``python extract.py EXT PATH``, without importing the application, so
it starts fast) so that a hostile
or broken file is bounded in time (LIBRARY_EXTRACT_TIMEOUT seconds) and memory (address-space
limit), and can never take the web worker down. Archives (office formats) are checked against
decompression bombs before any library opens them. The result is (text, error): text is cut at
MAX_TEXT_CHARS; error is a French reason shown to the author ("texte non indexé : …").
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

MAX_TEXT_CHARS = 500_000
MEMORY_LIMIT = 1024 * 1024 * 1024
ROOT = Path(__file__).resolve().parents[2]


class _Enough(Exception):
    """Raised inside a reader once MAX_TEXT_CHARS are collected."""


class _Collector:
    def __init__(self):
        self.parts: list[str] = []
        self.size = 0

    def add(self, text) -> None:
        if text is None:
            return
        text = str(text).strip()
        if not text:
            return
        self.parts.append(text)
        self.size += len(text) + 1
        if self.size >= MAX_TEXT_CHARS:
            raise _Enough

    def text(self) -> str:
        return "\n".join(self.parts)[:MAX_TEXT_CHARS]


def _pdf(path: str, out: _Collector) -> None:
    from pypdf import PdfReader

    reader = PdfReader(path)
    if reader.is_encrypted:
        try:
            if not reader.decrypt(""):
                raise ExtractionError("document PDF protégé par un mot de passe")
        except ExtractionError:
            raise
        except Exception as error:  # noqa: BLE001 - unsupported encryption
            raise ExtractionError("document PDF chiffré") from error
    for page in reader.pages:
        out.add(page.extract_text())


def _docx(path: str, out: _Collector) -> None:
    import docx

    document = docx.Document(path)
    for paragraph in document.paragraphs:
        out.add(paragraph.text)
    for table in document.tables:
        for row in table.rows:
            out.add(" ".join(cell.text for cell in row.cells))


def _xlsx(path: str, out: _Collector) -> None:
    from openpyxl import load_workbook

    # As a file object: openpyxl refuses a path without an .xlsx/.xlsm extension, and stored
    # files are named by their content hash.
    with open(path, "rb") as stream:
        workbook = load_workbook(stream, read_only=True, data_only=True)
        try:
            for sheet in workbook.worksheets:
                out.add(sheet.title)
                for row in sheet.iter_rows(values_only=True):
                    out.add(" ".join(str(v) for v in row if v is not None))
        finally:
            workbook.close()


def _pptx(path: str, out: _Collector) -> None:
    from pptx import Presentation

    for slide in Presentation(path).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                out.add(shape.text_frame.text)
            if getattr(shape, "has_table", False) and shape.has_table:
                for row in shape.table.rows:
                    out.add(" ".join(cell.text for cell in row.cells))


def _odf(path: str, out: _Collector) -> None:
    from odf import teletype, text
    from odf.opendocument import load

    document = load(path)
    # Paragraphs and headings hold the text of documents, spreadsheet cells and slides alike.
    for element in document.getElementsByType(text.H) + document.getElementsByType(text.P):
        out.add(teletype.extractText(element))


def _plain(path: str, out: _Collector) -> None:
    with open(path, "rb") as stream:
        raw = stream.read(MAX_TEXT_CHARS * 4)
    try:
        content = raw.decode("utf-8")
    except UnicodeDecodeError:
        content = raw.decode("cp1252", errors="replace")
    out.add(content)


READERS = {
    "pdf": _pdf, "docx": _docx, "xlsx": _xlsx, "pptx": _pptx,
    "odt": _odf, "ods": _odf, "odp": _odf, "txt": _plain, "md": _plain, "csv": _plain,
}
ARCHIVES = {"docx", "xlsx", "pptx", "odt", "ods", "odp"}


class ExtractionError(Exception):
    """A file whose text cannot be read; the message is the French reason."""


ARCHIVE_REASONS = {
    "unreadable": "fichier endommagé (archive illisible)",
    "entries": "archive contenant trop d'éléments",
    "bomb": "contenu décompressé anormalement volumineux (bombe de décompression ?)",
}


def _archive_problem(path: str) -> str | None:
    """core/archives.py loaded by path: this module runs as a script in the child process."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("_ns_archives", ROOT / "network_space" / "core" / "archives.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.archive_problem(path)


def extract_here(path: str, extension: str) -> str:
    """Extract in this process (the child). Raises ExtractionError with a French reason."""
    reader = READERS.get(extension)
    if reader is None:
        raise ExtractionError("format sans texte à indexer")
    if extension in ARCHIVES:
        problem = _archive_problem(path)
        if problem:
            raise ExtractionError(ARCHIVE_REASONS[problem])
    out = _Collector()
    try:
        reader(path, out)
    except _Enough:
        pass
    except ExtractionError:
        raise
    except Exception as error:  # noqa: BLE001 - every library fails its own way on a broken file
        raise ExtractionError(f"fichier illisible ({type(error).__name__})") from error
    text = out.text()
    if not text.strip():
        raise ExtractionError("aucun texte trouvé (document scanné ou image ?)")
    return text


def _limit_resources() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def extract_text(path: Path, extension: str, timeout: float = 20) -> tuple[str | None, str | None]:
    """(text, None) on success, (None, reason) otherwise. Never raises."""
    if extension not in READERS:
        return None, "format sans texte à indexer"
    try:
        completed = subprocess.run(
            [sys.executable, "-I", str(Path(__file__).resolve()), extension, str(path)],
            capture_output=True, timeout=timeout, cwd=str(ROOT), preexec_fn=_limit_resources,
        )
    except subprocess.TimeoutExpired:
        return None, f"extraction trop longue (plus de {int(timeout)} s)"
    except OSError as error:
        return None, f"extraction impossible ({type(error).__name__})"
    try:
        result = json.loads(completed.stdout.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None, "extraction interrompue (fichier trop complexe ou trop volumineux)"
    return result.get("text"), result.get("error")


def _main(argv: list[str]) -> None:
    extension, path = argv[1], argv[2]
    try:
        result = {"text": extract_here(path, extension), "error": None}
    except ExtractionError as error:
        result = {"text": None, "error": str(error)}
    except MemoryError:
        result = {"text": None, "error": "fichier trop complexe (mémoire dépassée)"}
    sys.stdout.write(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    import warnings

    warnings.simplefilter("ignore")  # library warnings about odd files must not pollute stdout
    _main(sys.argv)
