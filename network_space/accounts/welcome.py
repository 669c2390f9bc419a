"""The welcome checklist of a new member's dashboard: first steps that each tick themselves from
real data (territories chosen, event kinds followed, calendar subscribed…), shown until all are
done or the member hides it ("Masquer", stored on the member).

Each domain registers its own steps in its ``init_app`` (accounts knows nothing of the events or
the meetings): ``welcome_step("calendar", order=30, ask=subscribed)(check)``, where
``check(user, answer)`` returns a ``Step`` or None when the step does not apply (e.g. no plenary
planned). ``ask(user)``, when the step has one, returns what the step needs to know from the
database as SQL: one scalar expression (often "is the step done?") or a tuple of them. The checklist
asks those of every step in one statement and passes each step its answer (a value, a tuple, or
None for a step without ``ask``), instead of one query per step. That statement is built once per
role (core/statements.py): ``ask`` receives a ``Viewer``, whose ``id`` is a bound parameter."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import exists, select

from network_space.accounts.models import user_territory
from network_space.core.models import utcnow
from network_space.core.statements import Viewer, built_once, shape_of, values
from network_space.extensions import db
from network_space.notifications.models import NotificationPreference


@dataclass(frozen=True)
class Step:
    label: str
    url: str
    done: bool
    hint: str | None = None


_steps: dict[str, tuple[int, Callable, Callable | None]] = {}


def welcome_step(name: str, order: int = 100, ask: Callable | None = None):
    def decorator(check: Callable):
        _steps[name] = (order, check, ask)
        return check

    return decorator


def _ordered() -> list:
    return sorted(_steps.items(), key=lambda item: item[1][0])


@built_once
def _questions(role) -> tuple:
    """The statement asking every step's question of a member with this role (the member's id a
    bound parameter), or None when no step asks, and how its columns split among the steps: per
    step, how many columns its tuple takes, or None for a single value."""
    viewer = Viewer(role)
    columns, layout = [], []
    for name, (_order, _check, ask) in _ordered():
        if ask:
            asked = ask(viewer)
            expressions = asked if isinstance(asked, tuple) else (asked,)
            columns += [expression.label(f"{name}_{i}") for i, expression in enumerate(expressions)]
            layout.append((name, len(asked) if isinstance(asked, tuple) else None))
    return (select(*columns) if columns else None), tuple(layout)


def steps_for(user) -> list[Step]:
    statement, layout = _questions(shape_of(user))
    row = iter(db.session.execute(statement, values(user)).one() if statement is not None else ())
    answers = {name: tuple(next(row) for _ in range(width)) if width is not None else next(row)
               for name, width in layout}
    return [step for name, (_order, check, _ask) in _ordered() if (step := check(user, answers.get(name))) is not None]


def welcome_panel(user) -> dict | None:
    """The dashboard panel (registered in accounts' init_app): None once hidden or all done."""
    if user.welcome_dismissed_at is not None:
        return None
    steps = steps_for(user)
    if not steps or all(step.done for step in steps):
        return None
    return {"steps": steps, "done": sum(step.done for step in steps)}


def dismiss(user) -> None:
    user.welcome_dismissed_at = utcnow()


def guide_opened(user) -> None:
    """The member opened the network's practical guide (library calls this from the resource page)."""
    if user.guide_opened_at is None:
        user.guide_opened_at = utcnow()


# --- accounts' own steps ------------------------------------------------------------------------

def territories_chosen(user):
    return exists().where(user_territory.c.user_id == user.id)


def territories_step(user, done: bool) -> Step:
    return Step(_("Choisir vos territoires"), url_for("accounts.edit_profile"), bool(done),
                _("Les actualités, réunions et partenaires de vos territoires vous parviennent."))


def preferences_chosen(user):
    return exists().where(NotificationPreference.user_id == user.id)


def preferences_step(user, done: bool) -> Step:
    return Step(_("Régler vos notifications"), url_for("notifications.settings"), bool(done),
                _("Par email tout de suite, en résumé, sur le site seulement : à vous de choisir, par sujet."))
