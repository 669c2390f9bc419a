"""@mentions: who "@prenom.nom" or "@Prénom Nom" names, for the page (a link to the member's
profile), for notifications (who to tell) and for the autocomplete of the reply box.

A member's handle is their name folded (no accents, lower case), words joined by dots:
"Élodie Perrin" is ``@elodie.perrin``. Two active members with the same name get their id added
(``@marie.dupont.12``), so a handle always names one person. The display name works too, as long
as it is typed whole ("@Élodie Perrin"). Members are read once per request, in one query.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from flask import g, has_app_context, url_for
from markupsafe import Markup
from sqlalchemy import select

from network_space.accounts.models import User, fold
from network_space.core.markdown import Mention, Resolver, mentions_in, render_markdown
from network_space.extensions import db

MAX_SUGGESTIONS = 8


@dataclass(frozen=True)
class Member:
    id: int
    full_name: str
    handle: str
    folded_name: str


def handle_base(full_name: str) -> str:
    words = re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)*", fold(full_name).replace("'", "").replace("’", ""))
    return ".".join(words)


def _load_members() -> list[Member]:
    rows = db.session.execute(select(User.id, User.full_name).where(User.active.is_(True)).order_by(User.id)).all()
    bases = {user_id: handle_base(name) for user_id, name in rows}
    counts = Counter(bases.values())
    return [Member(user_id, name, bases[user_id] if counts[bases[user_id]] == 1 else f"{bases[user_id]}.{user_id}",
                   fold(name)) for user_id, name in rows if bases[user_id]]


def active_members() -> list[Member]:
    """The active members, once per request (or per call outside one)."""
    if not has_app_context():
        return _load_members()
    if "discussion_members" not in g:
        g.discussion_members = _load_members()
    return g.discussion_members


def _folded_with_positions(text: str) -> tuple[str, list[int]]:
    """``text`` folded like accounts.models.fold, and for each folded character the index of the
    original character it came from (folding may change the length: "ﬁ" gives "fi")."""
    folded, origins = [], []
    for index, char in enumerate(text):
        decomposed = unicodedata.normalize("NFKD", char)
        for part in "".join(c for c in decomposed if not unicodedata.combining(c)).casefold():
            folded.append(part)
            origins.append(index)
    return "".join(folded), origins


def _ends_word(folded: str, end: int) -> bool:
    """A mention stops at the end of a word: "@marie.dupont." at the end of a sentence is fine,
    "@marie.duponte" is not Marie Dupont."""
    if end >= len(folded):
        return True
    nxt = folded[end]
    if nxt.isalnum() or nxt in "_-":
        return False
    return not (nxt == "." and end + 1 < len(folded) and folded[end + 1].isalnum())


def make_resolver(members: list[Member], *, links: bool = True) -> Resolver:
    """``links``: whether the mentions carry the member's profile address (for a page; finding
    whom a message mentions needs none, and works outside a request: CLI, inbound email)."""
    # Longest first, so that "marie.dupont.12" wins over a shorter handle that starts it.
    keys = sorted(((m.handle, m) for m in members), key=lambda item: -len(item[0]))
    names = sorted(((m.folded_name, m) for m in members if m.folded_name), key=lambda item: -len(item[0]))

    def resolve(after: str) -> Mention | None:
        folded, origins = _folded_with_positions(after[:200])
        for candidates in (keys, names):
            for key, member in candidates:
                if folded.startswith(key) and _ends_word(folded, len(key)):
                    length = origins[len(key) - 1] + 1
                    href = url_for("accounts.member", user_id=member.id) if links else ""
                    return Mention(length, member.id, href, member.full_name)
        return None

    return resolve


def resolver() -> Resolver:
    """The resolver of the current request's members (for the ``markdown`` filter)."""
    if has_app_context() and "discussion_resolver" in g:
        return g.discussion_resolver
    resolve = make_resolver(active_members())
    if has_app_context():
        g.discussion_resolver = resolve
    return resolve


# Rendered messages kept per process: a thread page shows up to 50 of them, and rendering (parse,
# mentions, sanitizing) is most of its time. The key holds the text and the members' names and
# handles, so an edit, a renamed or a deactivated member renders afresh.
RENDER_CACHE_SIZE = 4096
MAX_CACHED_LENGTH = 20_000


@lru_cache(maxsize=RENDER_CACHE_SIZE)
def _rendered(text: str, members: tuple[Member, ...]) -> Markup:
    return render_markdown(text, mentions=make_resolver(list(members)))


def render_message(text: str | None) -> Markup:
    """A message's HTML with its @mentions as links (for a page, in a request)."""
    if not text:
        return Markup("")
    if len(text) > MAX_CACHED_LENGTH:
        return render_markdown(text, mentions=resolver())
    return _rendered(text, tuple(active_members()))


def mentioned_ids(text: str | None) -> list[int]:
    """The members a message mentions, in order, once each; not those only in quotes or code.
    Read afresh (not the request's cached list): a write must see who is active now."""
    seen: list[int] = []
    for mention in mentions_in(text, make_resolver(_load_members(), links=False)):
        if mention.key not in seen:
            seen.append(mention.key)
    return seen


def suggestions(prefix: str) -> list[Member]:
    """Members whose handle, name or any word of their name starts with ``prefix`` (folded)."""
    wanted = fold(prefix.strip().lstrip("@"))[:60]
    if not wanted:
        return []
    words = wanted.replace(".", " ").split()
    found = []
    for member in active_members():
        haystack = member.folded_name.replace("-", " ").split() + [member.handle, member.folded_name]
        if member.handle.startswith(wanted) or member.folded_name.startswith(wanted) or (
                words and all(any(part.startswith(word) for part in haystack) for word in words)):
            found.append(member)
    found.sort(key=lambda m: (not m.handle.startswith(wanted), m.folded_name))
    return found[:MAX_SUGGESTIONS]
