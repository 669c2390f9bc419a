"""Reads: the member directory and the lists of the admin pages."""
from __future__ import annotations

from dataclasses import dataclass

from flask import request
from sqlalchemy import Select, or_, select
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


def directory_select(filters: DirectoryFilters, active: bool = True) -> Select:
    """Members (active, or deactivated for the admin) matching the filters, with what a card shows loaded in a fixed number of queries."""
    stmt = (
        select(User)
        .where(User.active.is_(active))
        # The structure (one per member) in the same statement, the territories (several) in one more.
        .options(joinedload(User.structure), selectinload(User.territories))
        .order_by(User.name_key, User.id)
    )
    if filters.q:
        pattern = f"%{_like_escape(fold(filters.q))}%"
        stmt = stmt.where(or_(User.name_key.like(pattern, escape="\\"),
                              User.email.like(f"%{_like_escape(filters.q.lower())}%", escape="\\")))
    if filters.structure_id:
        stmt = stmt.where(User.structure_id == filters.structure_id)
    if filters.role:
        stmt = stmt.where(User.role == filters.role)
    if filters.territory_id or filters.sector:
        covered = select(user_territory.c.user_id).join(Territory, Territory.id == user_territory.c.territory_id)
        if filters.territory_id:
            covered = covered.where(Territory.id == filters.territory_id)
        if filters.sector:
            covered = covered.where(Territory.sector == filters.sector)
        stmt = stmt.where(User.id.in_(covered))
    return stmt


def structures_for_select(active_only: bool = False) -> list[Structure]:
    stmt = select(Structure).order_by(Structure.name)
    if active_only:
        stmt = stmt.where(Structure.active.is_(True))
    return list(db.session.scalars(stmt))


@built_once
def _active_territories_statement():
    return select(Territory).where(Territory.active.is_(True)).order_by(Territory.name)


def active_territories() -> list[Territory]:
    """The territories in use, by name: the filters' and the forms' lists."""
    return list(db.session.scalars(_active_territories_statement()))


def territories_for_select(active_only: bool = True) -> list[Territory]:
    stmt = select(Territory).order_by(Territory.sector, Territory.name)
    if active_only:
        stmt = stmt.where(Territory.active.is_(True))
    return list(db.session.scalars(stmt))


def member_profile(user_id: int) -> User | None:
    return db.session.scalar(
        select(User).where(User.id == user_id)
        .options(selectinload(User.structure).selectinload(Structure.territory), selectinload(User.territories))
    )
