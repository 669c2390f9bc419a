"""Reads: the member directory and the lists of the admin pages."""
from __future__ import annotations

from dataclasses import dataclass

from flask import request
from sqlalchemy import Select, and_, bindparam, or_, select
from sqlalchemy.orm import joinedload, selectinload

from network_space.accounts.models import ROLE_LABELS, SECTORS, Structure, Territory, User, fold, user_territory
from network_space.core.http import int_arg
from network_space.core.statements import built_once
from network_space.extensions import db


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass
class DirectoryFilters:
    q: str = ""
    structure_id: int | None = None
    territory_id: int | None = None
    sector: str | None = None
    role: str | None = None

    @classmethod
    def from_request(cls) -> "DirectoryFilters":
        sector = request.args.get("sector")
        role = request.args.get("role")
        return cls(
            q=request.args.get("q", "").strip()[:100],
            structure_id=int_arg("structure"),
            territory_id=int_arg("territory"),
            sector=sector if sector in SECTORS else None,
            role=role if role in ROLE_LABELS else None,
        )

    @property
    def active(self) -> bool:
        return bool(self.q or self.structure_id or self.territory_id or self.sector or self.role)

    @property
    def shape(self) -> tuple:
        """Which filters are set: the shape of the list's statement, built once (core/statements.py);
        their values are bound (``values``)."""
        return len(self.name_words), bool(self.structure_id), bool(self.territory_id), bool(self.sector), bool(self.role)

    @property
    def name_words(self) -> list[str]:
        """The words typed, each to be found in the name in any order ("Martin Hélène" finds Hélène
        Martin); past MAX_NAME_WORDS, the rest as one (a statement per count of words is kept)."""
        words = fold(self.q).split()
        return words[:MAX_NAME_WORDS - 1] + [" ".join(words[MAX_NAME_WORDS - 1:])] if len(words) > MAX_NAME_WORDS else words

    @property
    def values(self) -> dict:
        return {"email_pattern": f"%{_like_escape(self.q.lower())}%",
                **{f"name_{i}": f"%{_like_escape(word)}%" for i, word in enumerate(self.name_words)},
                "structure_id": self.structure_id, "territory_id": self.territory_id, "sector": self.sector,
                "role": self.role}


MAX_NAME_WORDS = 4


@built_once
def directory_select(shape: tuple, active: bool = True) -> Select:
    """Members (active, or deactivated for the admin) matching filters of this shape
    (DirectoryFilters.shape, executed with its values), with what a card shows loaded in a fixed
    number of queries."""
    words, structure, territory, sector, role = shape
    stmt = (
        select(User)
        .where(User.active.is_(active))
        # The structure and the territories in the same statement (docs/developpement.md, "Listes").
        .options(joinedload(User.structure), joinedload(User.territories))
        .order_by(User.name_key, User.id)
    )
    if words:
        stmt = stmt.where(or_(and_(*(User.name_key.like(bindparam(f"name_{i}"), escape="\\") for i in range(words))),
                              User.email.like(bindparam("email_pattern"), escape="\\")))
    if structure:
        stmt = stmt.where(User.structure_id == bindparam("structure_id"))
    if role:
        stmt = stmt.where(User.role == bindparam("role"))
    if territory or sector:
        covered = select(user_territory.c.user_id).join(Territory, Territory.id == user_territory.c.territory_id)
        if territory:
            covered = covered.where(Territory.id == bindparam("territory_id"))
        if sector:
            covered = covered.where(Territory.sector == bindparam("sector"))
        stmt = stmt.where(User.id.in_(covered))
    return stmt


@built_once
def _structures_statement(active_only: bool):
    stmt = select(Structure).order_by(Structure.name)
    return stmt.where(Structure.active.is_(True)) if active_only else stmt


def structures_for_select(active_only: bool = False) -> list[Structure]:
    return list(db.session.scalars(_structures_statement(active_only)))


@built_once
def _active_territories_statement():
    return select(Territory).where(Territory.active.is_(True))  # sorted by by_name, as a reader reads


def by_name(territories) -> list[Territory]:
    """Territories in alphabetical order as a reader expects it: "CC de l'Oisans" before "CC
    Saint-Marcellin", accents and capitals aside (a byte order puts every capital first)."""
    return sorted(territories, key=lambda t: fold(t.name))


def active_users() -> list[User]:
    """The active members, by name: the lists of people to choose from (organisers, invitees,
    assignees, someone to register by hand)."""
    return list(db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.name_key)))


def active_territories() -> list[Territory]:
    """The territories in use, by name: the filters' and the forms' lists."""
    return by_name(db.session.scalars(_active_territories_statement()))


@built_once
def _territories_statement(active_only: bool):
    stmt = select(Territory).order_by(Territory.sector, Territory.name)
    return stmt.where(Territory.active.is_(True)) if active_only else stmt


def territories_for_select(active_only: bool = True) -> list[Territory]:
    """The territories grouped by sector (the members' filters and forms)."""
    return sorted(db.session.scalars(_territories_statement(active_only)), key=lambda t: (t.sector, fold(t.name)))


def member_profile(user_id: int) -> User | None:
    return db.session.scalar(
        select(User).where(User.id == user_id)
        .options(selectinload(User.structure).selectinload(Structure.territory), selectinload(User.territories))
    )
