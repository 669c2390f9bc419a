"""The site's GET routes filled with real values from the demo network: what the generic sweeps
(hostile input, page sweep) walk through. A route whose URL has a parameter kind not known here
makes the sweeps fail with a message saying what to add, so no page escapes them."""
from __future__ import annotations

from sqlalchemy import select
from werkzeug.routing.converters import AnyConverter, IntegerConverter

from network_space.extensions import db
from tests.demo_network import demo_network


# URL parameter names -> the table and columns that give real values for them, together.
REAL_VALUES = {
    frozenset({"user_id"}): ("user", {"user_id": "id"}),
    frozenset({"message_id"}): ("outbox_message", {"message_id": "id"}),
    frozenset({"structure_id"}): ("structure", {"structure_id": "id"}),
    frozenset({"territory_id"}): ("territory", {"territory_id": "id"}),
    frozenset({"announcement_id"}): ("announcement", {"announcement_id": "id"}),
    frozenset({"organisation_id"}): ("organisation", {"organisation_id": "id"}),
    frozenset({"kind_id"}): ("organisation_kind", {"kind_id": "id"}),
    frozenset({"event_id"}): ("event", {"event_id": "id"}),
    frozenset({"resource_id"}): ("library_resource", {"resource_id": "id"}),
    frozenset({"resource_id", "version_id"}): ("library_version", {"resource_id": "resource_id", "version_id": "id"}),
    frozenset({"category_id"}): ("library_category", {"category_id": "id"}),
    frozenset({"meeting_id"}): ("meeting", {"meeting_id": "id"}),
    frozenset({"meeting_id", "item_id"}): ("agenda_item", {"meeting_id": "meeting_id", "item_id": "id"}),
    frozenset({"meeting_id", "number"}): ("minutes_revision", {"meeting_id": "minutes.meeting_id", "number": "number"}),
    frozenset({"meeting_id", "decision_id"}): ("meeting_decision", {"meeting_id": "meeting_id", "decision_id": "id"}),
    frozenset({"meeting_id", "action_id"}): ("action_item", {"meeting_id": "meeting_id", "action_id": "id"}),
    frozenset({"notification_id"}): ("notification", {"notification_id": "id"}),
    frozenset({"link_id"}): ("guest_link", {"link_id": "id"}),
    frozenset({"thread_id"}): ("discussion_thread", {"thread_id": "id"}),
    frozenset({"thread_id", "number"}): ("discussion_reply", {"thread_id": "thread_id", "number": "number"}),
    frozenset({"discussion_category_id"}): ("discussion_category", {"discussion_category_id": "id"}),
    frozenset({"year"}): ("report_campaign", {"year": "year"}),
    frozenset({"year", "territory_id", "structure_id"}): (
        "report_contribution", {"year": "report_campaign.year", "territory_id": "territory_id",
                                "structure_id": "structure_id"}),
    frozenset({"contribution_id"}): ("report_contribution", {"contribution_id": "id"}),
    frozenset({"indicator_id"}): ("report_indicator", {"indicator_id": "id"}),
}


def _invitation_token(user_id):
    from network_space.accounts.models import User
    from network_space.accounts.services import invite
    from network_space.accounts.tokens import make_invitation_token

    from network_space.accounts.models import Invitation

    email = "nouvelle.facilitatrice@example.org"
    invitation = db.session.scalar(select(Invitation).where(Invitation.email == email))
    if invitation is None:  # one pending invitation, whose link every role opens
        admin = db.session.scalar(select(User).where(User.role == "admin").order_by(User.id))
        invitation = invite(email, "member", None, None, admin)
        db.session.commit()
    return make_invitation_token(invitation)


def _reset_token(user_id):
    from network_space.accounts.models import User
    from network_space.accounts.tokens import make_reset_token

    return make_reset_token(db.session.get(User, user_id) if user_id else db.session.scalars(select(User)).first())


def _unsubscribe_token(user_id):
    from network_space.notifications.services import unsubscribe_token

    return unsubscribe_token(user_id or 1, "library")


def _import_token(user_id):
    from network_space.accounts.models import User
    from network_space.directory.importer import save_upload

    user = db.session.get(User, user_id) if user_id else db.session.scalars(select(User)).first()
    csv = "Nom;Type;Commune;SIRET\nESAT du Grésivaudan;ESAT;Crolles;\nEI Nord-Isère Services;EI;Vienne;\n"
    return save_upload(csv.encode("utf-8"), "partenaires.csv", user)


def _feed_token(user_id):
    from network_space.accounts.models import User
    from network_space.events.feeds import new_feed_token

    user = db.session.get(User, user_id) if user_id else db.session.scalars(select(User)).first()
    return new_feed_token(user, "all")


def _report_import_token(user_id):
    """An uploaded figures file for the contribution the sweeps open first for the role."""
    from network_space.accounts.models import User
    from network_space.reports.importer import save_upload
    from network_space.reports.models import Contribution

    user = db.session.get(User, user_id) if user_id else db.session.scalars(select(User)).first()
    editable = _editable_contributions(user_id)
    first = db.session.get(Contribution, editable[0]) if editable else \
        db.session.scalars(select(Contribution).order_by(Contribution.id)).first()
    target = f"{first.campaign.year}/{first.territory_id}/{first.structure_id}"
    return save_upload("Indicateur;Valeur\nHeures d'insertion réalisées;1200\n".encode(), "bilan.csv", user, target)


def _guest_token(user_id):
    """A live personal link of a demo guest (the role does not matter: a guest has no account)."""
    from network_space.guests.models import GuestLink
    from network_space.guests.tokens import make_token

    link = db.session.scalar(select(GuestLink).where(GuestLink.revoked_at.is_(None)).order_by(GuestLink.id))
    return make_token(link)


# Endpoints with a string parameter (a signed or secret token) -> a function giving a valid
# token for the role's user (None for anonymous), so the page behind the link is swept too.
REAL_TOKENS = {
    "accounts.accept_invitation": _invitation_token,
    "accounts.reset_password": _reset_token,
    "notifications.unsubscribe": _unsubscribe_token,
    "directory.import_mapping": _import_token,
    "events.feed": _feed_token,
    "reports.import_check": _report_import_token,
    "guests.page": _guest_token,
    "guests.ics_file": _guest_token,
    "guests.forget": _guest_token,
}


def get_routes(app):
    """Every rule that answers GET but static files, in URL order."""
    routes = [rule for rule in app.url_map.iter_rules() if "GET" in rule.methods and rule.endpoint != "static"]
    return sorted(routes, key=lambda r: r.rule)


def url_of(app, rule, values) -> str:
    from flask import url_for

    with app.test_request_context():
        return url_for(rule.endpoint, **values)


def real_rows(rule, user_id):
    """Real values for the rule's id parameters: the first and last rows of the matching table,
    the rows the role is meant to open (FIRST) put first: the roles but the admin open only that one."""
    int_params = {n for n, c in rule._converters.items() if isinstance(c, IntegerConverter)}
    if not int_params:
        return [{}]
    known = REAL_VALUES.get(frozenset(int_params))
    assert known, f"{rule.rule}: add its parameters {sorted(int_params)} to REAL_VALUES"
    table_name, columns = known
    tables = db.metadata.tables
    table = tables[table_name]
    # "other.column": a column of the table the row points at through its foreign key.
    query = select(table.c.id.label("_id"), *(tables[col.split(".")[0]].c[col.split(".")[1]].label(param) if "." in col
                                             else table.c[col].label(param) for param, col in columns.items()))
    for col in columns.values():
        if "." in col:
            query = query.join(tables[col.split(".")[0]])
    query = query.order_by(table.c.id)
    rows = [dict(r._mapping) for r in db.session.execute(query)]
    if table_name in FIRST:
        first = FIRST[table_name](user_id)
        rows.sort(key=lambda r: 0 if r["_id"] in first else 1)
    rows = [{k: v for k, v in row.items() if k != "_id"} for row in rows]
    return rows[:1] + rows[-1:] if len(rows) > 1 else rows


def _own_notifications(user_id) -> set[int]:
    """Another member's notification is refused: the role's own is the page to sweep."""
    table = db.metadata.tables["notification"]
    return set(db.session.scalars(select(table.c.id).where(table.c.user_id == user_id)))


def _editable_contributions(user_id) -> list[int]:
    """The report's contribution form and import steps open only on a contribution the person may
    still edit (open campaign, draft or sent back, theirs or a co-animator's)."""
    from network_space.accounts.models import User
    from network_space.core.permissions import can
    from network_space.reports.models import Contribution

    user = db.session.get(User, user_id) if user_id else None
    if user is None:
        return []
    return [c.id for c in db.session.scalars(select(Contribution).order_by(Contribution.id))
            if can("reports.contribution.edit", c, user=user)]


def _public_events(user_id) -> set[int]:
    """The public registration page exists only for the events whose page was opened."""
    table = db.metadata.tables["guest_public_event"]
    return set(db.session.scalars(select(table.c.event_id)))


def _typed_organisation_links(user_id) -> set[int]:
    """The "add to the directory" form opens for a guest whose organisation was typed, not picked."""
    links, guests = db.metadata.tables["guest_link"], db.metadata.tables["guest"]
    return set(db.session.scalars(select(links.c.id).join(guests, guests.c.id == links.c.guest_id)
                                  .where(guests.c.organisation_typed.is_not(None))))


FIRST = {
    "notification": _own_notifications,
    "report_contribution": _editable_contributions,
    "event": _public_events,
    "guest_link": _typed_organisation_links,
}


def fill(rule, real: dict, *, absurd_id=None, token="inexistant") -> dict:
    values = {}
    for name, converter in rule._converters.items():
        if isinstance(converter, IntegerConverter):
            values[name] = absurd_id if absurd_id is not None else real[name]
        elif isinstance(converter, AnyConverter):
            values[name] = sorted(converter.items)[0]
        else:
            values[name] = token
    return values


def real_token(rule, user_id) -> str:
    """A valid token for a rule with a string parameter (call inside an app context)."""
    maker = REAL_TOKENS.get(rule.endpoint)
    assert maker, f"{rule.rule}: add a way to make a real token for {rule.endpoint} to REAL_TOKENS"
    return maker(user_id)


def has_token(rule) -> bool:
    return any(not isinstance(c, (IntegerConverter, AnyConverter)) for c in rule._converters.values())


def demo_users(app) -> dict[str, tuple[int, str]]:
    """The demo network (tests/demo_network.py); (user id, session token) of the first active demo
    person per role."""
    return {role: (person.id, person.session_token) for role, person in demo_network(app).by_role.items()}
