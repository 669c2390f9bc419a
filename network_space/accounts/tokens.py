"""Signed links sent by email: invitations (7 days) and password resets (1 hour).

The links sign only what makes them single-use: an invitation's (id, nonce) — resending changes
the nonce — and a reset's (user id, fingerprint of the password hash) — using it changes the hash.
"""
from __future__ import annotations

import hashlib

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

INVITATION_SALT = "accounts.invitation"
RESET_SALT = "accounts.password-reset"


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def password_fingerprint(password_hash: str) -> str:
    return hashlib.sha256((password_hash or "").encode()).hexdigest()[:24]


def make_invitation_token(invitation) -> str:
    return _serializer(INVITATION_SALT).dumps([invitation.id, invitation.nonce])


def make_reset_token(user) -> str:
    return _serializer(RESET_SALT).dumps([user.id, password_fingerprint(user.password_hash)])


def read_token(token: str, salt: str, max_age: int | None) -> tuple[int, str] | None:
    """(id, secret) from a valid, unexpired token; None for anything else (forged, expired, garbled)."""
    try:
        value = _serializer(salt).loads(token, max_age=max_age)
    except (BadSignature, UnicodeError, ValueError):
        return None
    if (not isinstance(value, list) or len(value) != 2 or not isinstance(value[0], int)
            or isinstance(value[0], bool) or not isinstance(value[1], str)):
        return None
    return value[0], value[1]


def sign(salt: str, obj_id: int, secret: str) -> str:
    """A link token without a time limit, for links whose validity the database decides (a
    guest's link lives as long as its invitation): read it back with read_token(…, None)."""
    return _serializer(salt).dumps([obj_id, secret])
