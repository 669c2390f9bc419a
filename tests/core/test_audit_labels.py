"""The audit log speaks French (issue 13): every action code the code writes has a label that its
domain registered; an unknown code (an old entry, a code nobody described) shows visibly as such."""
from __future__ import annotations

import re
from pathlib import Path

from network_space.core.audit import audit, registered_audit_actions
from network_space.extensions import db

ROOT = Path(__file__).resolve().parents[2]
# Codes built at run time: every value they can take.
DYNAMIC = {"structure.created", "structure.updated", "territory.created", "territory.updated",
           "library.category_enable", "library.category_disable", "member.deactivated", "admin.promoted",
           "reports.campaign_close", "reports.campaign_reopen", "reports.indicator_add", "reports.indicator_update",
           "reports.indicator_retire", "reports.indicator_restore", "discussions.pin", "discussions.unpin",
           "discussions.close", "discussions.reopen", "discussions.hide", "discussions.unhide", "inbound.posted",
           "inbound.refused", "inbound.ignored"}


def _codes_in_source() -> set[str]:
    pattern = re.compile(r"""\baudit\(\s*["']([a-z_.]+)["']""")
    codes = set()
    for path in (ROOT / "network_space").rglob("*.py"):
        codes.update(pattern.findall(path.read_text(encoding="utf-8")))
    return codes


def test_every_action_written_has_a_french_label(app):
    codes = _codes_in_source() | DYNAMIC
    assert "login.success" in codes and len(codes) > 30  # the scan sees the code
    missing = sorted(code for code in codes if code not in registered_audit_actions()
                     and not code.endswith("_"))  # "library.category_" + …: in DYNAMIC
    assert missing == []


def test_the_audit_page_shows_labels_and_unknown_codes_visibly(app, client, login_as):
    admin = login_as("admin")
    with app.app_context():
        audit("login.success", target=admin.email, actor=admin)
        audit("ancien.code_oublie", target="x", actor=admin)
        db.session.commit()
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "Connexion réussie" in page and ">login.success<" not in page
    assert "Action non décrite (ancien.code_oublie)" in page
    # The filter lists labels too, and filters by the code.
    assert '<option value="login.success">Connexion réussie</option>' in page
    filtered = client.get("/admin/audit?action=login.success").get_data(as_text=True)
    assert "ancien.code_oublie" not in filtered.split("<tbody>", 1)[1]
