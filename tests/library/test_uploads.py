"""Uploads through the form: accepted files, each kind of bad file, metadata kept on failure,
downloads with safe headers, versions."""
import errno
import hashlib
import io
import os

import pytest

from network_space.extensions import db
from network_space.library import samples
from tests.helpers import csrf_token
from tests.library.test_extract import zip_bomb_docx


def category_id(app, name="Modèles de clauses"):
    from network_space.library.models import Category

    with app.app_context():
        return db.session.scalar(db.select(Category.id).where(Category.name == name))


def post_new(client, app, filename, content, title="Modèle de clause BTP", **extra):
    token = csrf_token(client.get("/library/new").get_data(as_text=True))
    data = {
        "csrf_token": token, "kind": "file", "title": title, "summary": "Résumé **important**",
        "category_id": str(category_id(app)), "tags": "BTP, bailleurs", "territory_id": "0",
        "visibility": "members", "clause_mechanism": "execution", "buyer_type": "bailleur",
        "file": (io.BytesIO(content), filename),
    }
    data.update(extra)
    return client.post("/library/new", data=data, content_type="multipart/form-data")


def fetch(client, url):
    """GET a file download; closes the response (send_file keeps the file open until then)."""
    response = client.get(url)
    response.get_data()
    response.close()
    return response


def stored_files(app):
    root = os.path.join(app.config["DATA_DIR"], "files")
    return sorted(os.path.join(d, f) for d, _, files in os.walk(root) for f in files)


def test_upload_docx_then_download_and_search_inside(client, login_as, app):
    from network_space.library.models import Resource
    from network_space.search.engine import search

    login_as("member")
    content = samples.make_docx(["Le titulaire réalise des heures d'insertion au bénéfice des publics éloignés."])
    response = post_new(client, app, "clause.docx", content)
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        resource = db.session.scalar(db.select(Resource))
        version = resource.latest_version
        assert version.text_status == "ok" and "insertion" in version.text
        assert [t.name for t in resource.tags] == ["bailleurs", "btp"]
        resource_id = resource.id
    download = fetch(client, f"/library/{resource_id}/download")
    assert download.status_code == 200
    assert download.data == content
    assert download.headers["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert "clause.docx" in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    html = client.get("/library/?q=publics+eloignes").get_data(as_text=True)
    assert "Modèle de clause BTP" in html and '<mark class="match term0">publics</mark>' in html


def test_an_uploaded_spreadsheet_is_indexed(client, login_as, app):
    from network_space.library.models import Resource

    login_as("member")
    content = samples.make_xlsx([["Entreprise", "Heures"], ["Menuiserie Chartreuse", 420]])
    assert post_new(client, app, "suivi-heures.xlsx", content, title="Suivi des heures").status_code == 302
    with app.app_context():
        version = db.session.scalar(db.select(Resource)).latest_version
        assert (version.text_status, version.text_error) == ("ok", None)
    html = client.get("/library/?q=menuiserie").get_data(as_text=True)
    assert "Suivi des heures" in html and "texte non indexé" not in html


@pytest.mark.parametrize("filename, content, message", [
    ("programme.exe", b"MZ\x90\x00" + b"\x00" * 100, "Format non accepté"),
    ("sans-extension", b"hello", "Format non accepté"),
    ("image.pdf", samples.make_image("PNG"), "ne correspond pas"),
    ("page.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "ne correspond pas"),
    ("page.txt", b"<html><body><script>alert(1)</script></body></html>", "ne correspond pas"),
    ("tableau.docx", samples.make_xlsx([["a"]]), "ne correspond pas"),
    ("bombe.docx", zip_bomb_docx(), "anormalement volumineux"),
    ("vide.pdf", b"", "vide"),
])
def test_bad_uploads_are_refused_and_metadata_kept(client, login_as, app, filename, content, message):
    from network_space.library.models import Resource

    login_as("member")
    before = stored_files(app)
    response = post_new(client, app, filename, content, title="Mon titre conservé")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in html
    assert 'value="Mon titre conservé"' in html
    assert "BTP, bailleurs" in html
    assert "choisissez à nouveau le fichier" in html
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Resource.id))) == 0
    assert stored_files(app) == before
    assert os.listdir(os.path.join(app.config["DATA_DIR"], "tmp")) == []


def test_oversize_upload_is_refused(ctx, app):
    # Through the storage service: a multi-megabyte body in the test client leaves its temporary
    # file open (werkzeug's test builder), which warnings-as-errors would report.
    from werkzeug.datastructures import FileStorage

    from network_space.core.storage import UploadError, store_upload

    saved = app.config["MAX_UPLOAD_MB"]
    app.config["MAX_UPLOAD_MB"] = 1
    try:
        with pytest.raises(UploadError, match="taille maximale de 1 Mo"):
            store_upload(FileStorage(stream=io.BytesIO(b"a" * (1024 * 1024 + 10)), filename="gros.txt"))
    finally:
        app.config["MAX_UPLOAD_MB"] = saved
    assert os.listdir(os.path.join(app.config["DATA_DIR"], "tmp")) == []


def test_path_in_the_filename_is_only_a_display_name(client, login_as, app):
    from network_space.library.models import ResourceVersion

    login_as("member")
    content = samples.make_pdf(["Guide pratique"])
    response = post_new(client, app, "../../../etc/guide.pdf", content)
    assert response.status_code == 302
    with app.app_context():
        version = db.session.scalar(db.select(ResourceVersion))
        assert version.original_name == "guide.pdf"
        key = version.storage_key
    assert key == hashlib.sha256(content).hexdigest()
    assert os.path.join(app.config["DATA_DIR"], "files", key[:2], key) in stored_files(app)
    assert not any("guide" in f for f in stored_files(app))
    assert not os.path.exists(os.path.join(app.config["DATA_DIR"], "..", "etc"))


def test_unreadable_file_is_saved_and_marked_for_its_author(client, login_as, app, make_user):
    from network_space.library.models import Resource

    author = login_as("member")
    broken = b"%PDF-1.4\n" + b"\x00garbage" * 50 + b"%%EOF"
    # A PDF whose body is garbage still passes the signature check: it is kept, text not indexed.
    response = post_new(client, app, "scan.pdf", broken)
    assert response.status_code == 302
    with app.app_context():
        resource = db.session.scalar(db.select(Resource))
        assert resource.latest_version.text_status == "failed"
        resource_id = resource.id
    html = client.get(f"/library/{resource_id}").get_data(as_text=True)
    assert "Texte non indexé" in html
    login_as(make_user("member"))
    html = client.get(f"/library/{resource_id}").get_data(as_text=True)
    assert "Texte non indexé" not in html
    assert author


def test_new_version_keeps_history(client, login_as, app):
    from network_space.library.models import Resource

    login_as("member")
    first = samples.make_pdf(["Version un : guide des clauses"])
    assert post_new(client, app, "guide.pdf", first).status_code == 302
    with app.app_context():
        resource_id = db.session.scalar(db.select(Resource.id))
    page = client.get(f"/library/{resource_id}").get_data(as_text=True)
    second = samples.make_pdf(["Version deux : guide des clauses et du suivi des heures"])
    response = client.post(f"/library/{resource_id}/versions", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(page), "note": "Mise à jour 2026", "file": (io.BytesIO(second), "guide-v2.pdf"),
    })
    assert response.status_code == 302
    assert fetch(client, f"/library/{resource_id}/download").data == second
    with app.app_context():
        versions = db.session.get(Resource, resource_id).versions
        assert [v.number for v in versions] == [2, 1]
        old_id = versions[1].id
    old = fetch(client, f"/library/{resource_id}/versions/{old_id}/download")
    assert old.data == first
    inline = fetch(client, f"/library/{resource_id}/download?inline=1")
    assert inline.headers["Content-Disposition"].startswith("inline")
    html = client.get(f"/library/{resource_id}").get_data(as_text=True)
    assert "Mise à jour 2026" in html and "guide-v2.pdf" in html
    with app.app_context():
        assert db.session.get(Resource, resource_id).download_count == 3
    # A bad new version: refused with its message, the resource unchanged.
    response = client.post(f"/library/{resource_id}/versions", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(html), "note": "x", "file": (io.BytesIO(b"<html></html>"), "v3.pdf"),
    })
    assert response.status_code == 400 and "ne correspond pas" in response.get_data(as_text=True)


def test_link_and_note_resources(client, login_as, app):
    login_as("member")
    token = csrf_token(client.get("/library/new").get_data(as_text=True))
    base = {"csrf_token": token, "title": "Site de la DDETS", "category_id": str(category_id(app)),
            "territory_id": "0", "visibility": "members"}
    response = client.post("/library/new", data=dict(base, kind="link", url="javascript:alert(1)"))
    assert "https://" in response.get_data(as_text=True)
    response = client.post("/library/new", data=dict(base, kind="link", url="https://isere.gouv.fr/"))
    assert response.status_code == 302
    response = client.post("/library/new", data=dict(base, kind="note", title="Astuce", body="Penser au **GEIQ**."))
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<strong>GEIQ</strong>" in html


def test_over_long_fields_are_refused_with_messages(client, login_as, app):
    login_as("member")
    token = csrf_token(client.get("/library/new").get_data(as_text=True))
    response = client.post("/library/new", data={
        "csrf_token": token, "kind": "note", "title": "x" * 300, "body": "b", "category_id": "999999",
        "territory_id": "abc", "tags": ",".join(f"t{i}" for i in range(30)), "visibility": "members",
    })
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "200 caractères au maximum" in html and "mots-clés au maximum" in html


class FullDisk:
    """A file on a full disk, as os.fdopen() would return it: writing raises ENOSPC."""

    def __init__(self, fd, mode):
        self._file = open(fd, mode)

    def write(self, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._file.close()


def _assert_refused_and_kept(app, response, message, files_before):
    from network_space.library.models import Resource

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in html
    assert 'value="Mon titre conservé"' in html and "BTP, bailleurs" in html and "Résumé **important**" in html
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Resource.id))) == 0
    assert stored_files(app) == files_before
    assert os.listdir(os.path.join(app.config["DATA_DIR"], "tmp")) == []


def test_a_full_disk_refuses_the_upload_in_french_and_keeps_the_fields(client, login_as, app, monkeypatch, caplog):
    login_as("member")
    before = stored_files(app)
    monkeypatch.setattr(os, "fdopen", FullDisk)  # how core/storage.py opens the file it writes
    response = post_new(client, app, "clause.docx", samples.make_docx(["Clause"]), title="Mon titre conservé")
    _assert_refused_and_kept(app, response, "Le serveur manque d&#39;espace disque", before)
    assert any("could not be written" in r.getMessage() and "No space left" in r.getMessage() for r in caplog.records)


def test_a_full_temporary_disk_while_the_form_is_read_is_refused_the_same_way(client, login_as, app, monkeypatch):
    """The request parser spools the file before the view runs (core/storage.py UploadSpool)."""
    import tempfile

    def full(self, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    login_as("member")
    before = stored_files(app)
    monkeypatch.setattr(tempfile.SpooledTemporaryFile, "write", full)
    response = post_new(client, app, "clause.docx", samples.make_docx(["Clause"]), title="Mon titre conservé")
    _assert_refused_and_kept(app, response, "Le serveur manque d&#39;espace disque", before)


def test_a_missing_stored_file_is_a_french_message_not_an_error(client, login_as, app, caplog):
    from network_space.core.storage import path_for
    from network_space.library.models import Resource

    login_as("member")
    assert post_new(client, app, "clause.docx", samples.make_docx(["Clause"])).status_code == 302
    with app.app_context():
        resource = db.session.scalar(db.select(Resource))
        resource_id, version_id = resource.id, resource.latest_version.id
    with app.app_context():
        os.remove(path_for(resource.latest_version.storage_key))
    for url in (f"/library/{resource_id}/download", f"/library/{resource_id}/versions/{version_id}/download"):
        response = client.get(url, follow_redirects=True)
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and response.request.path == f"/library/{resource_id}"
        assert "Le fichier « clause.docx » est introuvable sur le serveur" in html
    assert any("is missing" in r.getMessage() for r in caplog.records if r.levelname == "ERROR")
    with app.app_context():
        assert db.session.get(Resource, resource_id).latest_version.download_count == 0
