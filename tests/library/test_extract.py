"""Text extraction from real files produced by each format's own library."""
import io
import zipfile

import pytest
from werkzeug.datastructures import FileStorage

from network_space.core.storage import path_for, store_upload
from network_space.library import samples
from network_space.library.extract import extract_text

LINES = ["Clauses sociales d'insertion en Isère", "Réunion des facilitateurs : événements à venir"]


@pytest.mark.parametrize("extension, content, expected", [
    ("pdf", lambda: samples.make_pdf(LINES), "facilitateurs"),
    ("docx", lambda: samples.make_docx(LINES, table=[["Secteur", "Bâtiment"]]), "Bâtiment"),
    ("odt", lambda: samples.make_odt(LINES, title="Guide"), "événements"),
    ("ods", lambda: samples.make_ods([["Bénéficiaire", "Heures"], ["RSA", "120"]]), "Bénéficiaire"),
    ("odp", lambda: samples.make_odp(["Présentation du réseau"]), "Présentation"),
    ("xlsx", lambda: samples.make_xlsx([["Entreprise", "Heures"], ["Dupont BTP", 350]]), "Dupont BTP 350"),
    ("pptx", lambda: samples.make_pptx([("Bilan", "Heures d'insertion réalisées")]), "insertion"),
    ("txt", lambda: "Marché réservé L2113-13\n".encode(), "réservé"),
    ("md", lambda: "# Guide\n\n**Clause** d'exécution".encode(), "exécution"),
    ("csv", lambda: "nom;heures\nÉlodie;35\n".encode(), "Élodie"),
])
def test_each_format(ctx, extension, content, expected):
    """From the file as the library stores it: named by its content hash, without extension."""
    stored = store_upload(FileStorage(stream=io.BytesIO(content()), filename=f"Bilan 2026.{extension}"))
    path = path_for(stored.key)
    assert path.name == stored.key
    text, error = extract_text(path, extension)
    assert error is None
    assert expected in text


def test_text_is_bounded(tmp_path):
    from network_space.library.extract import MAX_TEXT_CHARS

    path = tmp_path / "big.txt"
    path.write_text("insertion " * (MAX_TEXT_CHARS // 5))
    text, error = extract_text(path, "txt")
    assert error is None and len(text) == MAX_TEXT_CHARS


def test_broken_pdf_gives_a_reason(tmp_path):
    path = tmp_path / "f.pdf"
    path.write_bytes(b"%PDF-1.4\n" + b"\x00garbage" * 50)
    text, error = extract_text(path, "pdf")
    assert text is None and error


def test_encrypted_pdf_gives_a_reason(tmp_path):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(samples.make_pdf(LINES))))
    writer.encrypt("secret", algorithm="RC4-128")  # AES needs `cryptography`, not installed
    path = tmp_path / "f.pdf"
    with open(path, "wb") as out:
        writer.write(out)
    text, error = extract_text(path, "pdf")
    assert text is None and "mot de passe" in error


def test_scanned_pdf_without_text(tmp_path):
    path = tmp_path / "f.pdf"
    path.write_bytes(samples.make_pdf([]))
    text, error = extract_text(path, "pdf")
    assert text is None and "aucun texte" in error


def zip_bomb_docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (60 * 1024 * 1024))
    return out.getvalue()


def test_decompression_bomb_is_not_opened(tmp_path):
    path = tmp_path / "f.docx"
    path.write_bytes(zip_bomb_docx())
    text, error = extract_text(path, "docx")
    assert text is None and "décompress" in error


def test_timeout_is_a_reason_not_an_error(tmp_path):
    path = tmp_path / "f.txt"
    path.write_text("texte")
    text, error = extract_text(path, "txt", timeout=0.000001)
    assert text is None and "trop longue" in error
