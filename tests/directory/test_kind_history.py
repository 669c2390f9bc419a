"""A change of an organisation's kind (ESAT → EA) is recorded in its history like any other field,
whichever way it is made: the edit form, a CSV import that updates it, a revert."""
from __future__ import annotations

from sqlalchemy import select

from network_space.directory.demo import fictional_siret
from network_space.extensions import db
from tests.directory.test_import import HEADER, VALID, csv_bytes, dry_run
from tests.directory.test_pages import _form_payload
from tests.helpers import csrf_token


def _history(app, org_id):
    from network_space.directory.models import OrganisationRevision

    with app.app_context():
        return [(r.action, r.changes) for r in db.session.scalars(
            select(OrganisationRevision).where(OrganisationRevision.organisation_id == org_id)
            .order_by(OrganisationRevision.id))]


def test_kind_change_alone_is_recorded_notified_and_revertible(app, client, login_as, make_user, reference, make_org):
    from network_space.directory.models import Organisation, OrganisationRevision
    from network_space.notifications.models import Notification
    from network_space.notifications.services import follow

    kinds, _territories = reference
    follower = make_user("member")
    org_id = make_org(name="ESAT du Test (fictif)", kind="esat")
    with app.app_context():
        follow(follower, db.session.get(Organisation, org_id))
        db.session.commit()
    login_as("coanimator")
    page = client.get(f"/directory/{org_id}/edit").get_data(as_text=True)
    assert client.post(f"/directory/{org_id}/edit", data=_form_payload(page, kind=str(kinds["ea"]))).status_code == 302

    assert _history(app, org_id)[-1] == ("update", {"kind": ["ESAT", "Entreprise adaptée (EA)"]})
    history = client.get(f"/directory/{org_id}/history").get_data(as_text=True)
    assert '<th scope="row">Type</th>' in history and "Entreprise adaptée (EA)" in history
    with app.app_context():
        [notice] = db.session.scalars(select(Notification).where(Notification.user_id == follower.id,
                                                                 Notification.kind == "directory.updated"))
        assert notice.context["message"] == "Modifié : Type."
        first_id = db.session.scalar(select(db.func.min(OrganisationRevision.id))
                                     .where(OrganisationRevision.organisation_id == org_id))

    client.post(f"/directory/{org_id}/history/{first_id}/revert", data={"csrf_token": csrf_token(history)})
    assert _history(app, org_id)[-1][0] == "revert"
    assert _history(app, org_id)[-1][1] == {"kind": ["Entreprise adaptée (EA)", "ESAT"]}


def test_kind_change_by_import_is_recorded(app, client, login_as, reference, make_org):
    org_id = make_org(name=VALID[0][0], kind="ea", siret=fictional_siret(101))
    login_as("coanimator")
    url, form, report = dry_run(client, csv_bytes([HEADER] + VALID[:1]), "update")
    assert "1 à mettre à jour" in report
    client.post(url + "/run", data=form)
    action, changes = _history(app, org_id)[-1]
    assert action == "import" and changes["kind"] == ["Entreprise adaptée (EA)", "ESAT"]
