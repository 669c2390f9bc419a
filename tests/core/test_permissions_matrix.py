"""Every route of app.url_map against anonymous, member, co-animator and admin.

Generic on purpose: a route added by any part of the site is covered without touching this file,
unless it is public (then it goes in PUBLIC_ENDPOINTS, the one whitelist) or answers a logged-in
GET with a redirect (REDIRECT_WHEN_LOGGED_IN).
"""
from __future__ import annotations

from werkzeug.routing.converters import AnyConverter, IntegerConverter

from tests.helpers import csrf_token

# Reachable without an account. Keep this list short: the site is members-only.
PUBLIC_ENDPOINTS = {
    "static",
    "core.healthz",
    "accounts.login",
    "accounts.forgot_password",
    "accounts.reset_password",
    "accounts.accept_invitation",
    "notifications.unsubscribe",  # link in every email, signed token
    "events.feed",  # personal iCalendar feed, secret token in the URL
    # A guest's (partner without an account) personal page and its actions: signed token in the URL.
    "guests.page", "guests.register", "guests.unregister", "guests.answer", "guests.rsvp", "guests.ics_file",
    "guests.forget", "guests.forgotten",
    "guests.public_register",  # an event's public registration page, 404 unless its organisers opened it
    # What every French public-sector site shows everyone, linked from every page's footer.
    "legal.legal_notice",
    "legal.personal_data",
    "legal.accessibility",
}

# GET pages that send a logged-in member elsewhere by design.
REDIRECT_WHEN_LOGGED_IN = {"accounts.login", "admin.index"}

# Under /admin/, what co-animators may use too.
ADMIN_PAGES_FOR_COANIMATORS = {"admin.invitations", "admin.invitation_resend", "admin.invitation_revoke"}

MISSING_ID = 987654


def _routes(app):
    """(endpoint, url, methods, has_params) for every rule, parameters filled with values that
    point at nothing."""
    routes = []
    for rule in app.url_map.iter_rules():
        values = {}
        for name, converter in rule._converters.items():
            if isinstance(converter, IntegerConverter):
                values[name] = MISSING_ID
            elif isinstance(converter, AnyConverter):
                values[name] = sorted(converter.items)[0]
            else:
                values[name] = "inexistant"
        with app.test_request_context():
            from flask import url_for

            url = url_for(rule.endpoint, **values)
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
        routes.append((rule.endpoint, url, methods, bool(rule.arguments)))
    return sorted(routes, key=lambda r: r[1])


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and "/login" in response.headers.get("Location", "")


def _token(client) -> str:
    return csrf_token(client.get("/login").get_data(as_text=True))


def test_anonymous_is_sent_to_login_everywhere_but_public_pages(app, client):
    token = _token(client)
    problems = []
    for endpoint, url, methods, has_params in _routes(app):
        method = "GET" if "GET" in methods else methods[0]
        response = client.open(url, method=method, data={"csrf_token": token} if method != "GET" else None)
        code = response.status_code
        if code >= 500:
            problems.append(f"{method} {url} ({endpoint}): {code}")
        elif endpoint in PUBLIC_ENDPOINTS:
            if _is_login_redirect(response):
                problems.append(f"{method} {url} ({endpoint}) is public but redirects to login")
        elif has_params:
            if code == 200:
                problems.append(f"{method} {url} ({endpoint}): 200 for anonymous")
        elif not _is_login_redirect(response):
            problems.append(f"{method} {url} ({endpoint}): {code}, expected a redirect to login")
    assert not problems, "\n".join(problems)


def _expected_admin_refusal(role: str, endpoint: str, url: str) -> bool:
    if not url.startswith("/admin/"):
        return False
    if role == "member":
        return True
    if role == "coanimator":
        return endpoint not in ADMIN_PAGES_FOR_COANIMATORS
    return False


def _visit_as(client, login_as, role: str, routes) -> tuple[dict[str, int], list[str]]:
    """Status of every parameterless GET page for this role, and the problems seen."""
    login_as(role)
    token = csrf_token(client.get("/profile").get_data(as_text=True))
    statuses, problems = {}, []
    for endpoint, url, methods, has_params in routes:
        refused = _expected_admin_refusal(role, endpoint, url)
        if "GET" in methods:
            response = client.get(url)
        elif refused:
            # Writes are only tried where they must be refused: elsewhere they would change data.
            response = client.post(url, data={"csrf_token": token})
        else:
            continue
        code = response.status_code
        if code >= 500:
            problems.append(f"{url} ({endpoint}): {code}")
        elif refused:
            if code != 403:
                problems.append(f"{url} ({endpoint}): {code}, expected 403 for {role}")
        elif has_params:
            if _is_login_redirect(response):
                problems.append(f"{url} ({endpoint}): sends a logged-in {role} to login")
        elif endpoint in REDIRECT_WHEN_LOGGED_IN or endpoint == "static":
            continue
        elif code not in (200, 403) or (role == "admin" and code != 200):
            problems.append(f"{url} ({endpoint}): {code} for {role}")
        else:
            statuses[url] = code
    return statuses, problems


def test_each_role_gets_what_it_may(app, client, login_as):
    """Admins open every page; members get 403 on /admin/ (co-animators too, but for invitations);
    elsewhere a page may be refused (403) to a lower role, never open to it and shut to a higher one."""
    routes = _routes(app)
    seen, problems = {}, []
    for role in ("member", "coanimator", "admin"):
        seen[role], role_problems = _visit_as(client, login_as, role, routes)
        problems += role_problems
    for lower, higher in (("member", "coanimator"), ("coanimator", "admin")):
        for url, code in seen[lower].items():
            if code == 200 and seen[higher].get(url) != 200:
                problems.append(f"{url}: open to {lower} but {seen[higher].get(url)} for {higher}")
    assert not problems, "\n".join(problems)


def test_admin_navigation_only_for_admins(client, login_as):
    login_as("member")
    assert "/admin/" not in client.get("/").get_data(as_text=True)
    login_as("admin")
    assert 'href="/admin/members"' in client.get("/").get_data(as_text=True)
