"""Security headers on every response.

- Content-Security-Policy and the usual hardening headers, everywhere.
- Strict-Transport-Security when HSTS_SECONDS is set (production: one year by default).
- Cache-Control: no-store on every page of a signed-in member and on every download (a file,
  an export, a calendar): no browser or proxy cache keeps members' data, and the back button
  after logging out shows nothing.
"""
from __future__ import annotations

from flask import current_app, request, session

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def _holds_members_data(response) -> bool:
    if request.endpoint == "static":
        return False
    # The session is read, not the member: no database query, even on an error page.
    return "_user_id" in session or response.headers.get("Content-Disposition", "").startswith("attachment")


def set_security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    hsts = current_app.config["HSTS_SECONDS"]
    if hsts:
        response.headers["Strict-Transport-Security"] = f"max-age={hsts}"
    if _holds_members_data(response):
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app) -> None:
    app.after_request(set_security_headers)
