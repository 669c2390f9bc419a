"""A guest's personal link signs (link id, nonce); the database decides whether it still works
(revoked, expired), so the signature has no time limit."""
from __future__ import annotations

from network_space.accounts.tokens import read_token, sign
from network_space.guests.models import GuestLink

LINK_SALT = "guests.link"


def make_token(link: GuestLink) -> str:
    return sign(LINK_SALT, link.id, link.nonce)


def read(token: str) -> tuple[int, str] | None:
    return read_token(token, LINK_SALT, None)
