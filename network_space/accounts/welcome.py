"""The welcome checklist of a new member's dashboard: first steps that each tick themselves from
real data (territories chosen, event kinds followed, calendar subscribed…), shown until all are
done or the member hides it ("Masquer", stored on the member).

Each domain registers its own steps in its ``init_app`` (accounts knows nothing of the events or
the meetings): ``welcome_step("calendar", order=30, done_when=subscribed)(check)``, where
``check(user, done)`` returns a ``Step`` or None when the step does not apply (e.g. no plenary
planned). ``done_when(user)``, when the step has one, is a SQL condition saying whether the step is
done: the checklist asks all of them in one statement and passes each answer as ``done`` (None
for a step without one), instead of one query per step."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import exists, select

from network_space.accounts.models import user_territory
from network_space.core.models import utcnow
from network_space.extensions import db
from network_space.notifications.models import NotificationPreference


@dataclass(frozen=True)
class Step:
    label: str
    url: str
    done: bool
    hint: str | None = None


_steps: dict[str, tuple[int, Callable, Callable | None]] = {}


def welcome_step(name: str, order: int = 100, done_when: Callable | None = None):
    def decorator(check: Callable):
        _steps[name] = (order, check, done_when)
        return check

    return decorator


def steps_for(user) -> list[Step]:
    steps = sorted(_steps.items(), key=lambda item: item[1][0])
    conditions = [done_when(user).label(name) for name, (_order, _check, done_when) in steps if done_when]
    done = db.session.execute(select(*conditions)).one()._mapping if conditions else {}
    return [step for name, (_order, check, done_when) in steps
            if (step := check(user, bool(done[name]) if done_when else None)) is not None]


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
    return Step(_("Choisir vos territoires"), url_for("accounts.edit_profile"), done,
                _("Les actualités, réunions et partenaires de vos territoires vous parviennent."))


def preferences_chosen(user):
    return exists().where(NotificationPreference.user_id == user.id)


def preferences_step(user, done: bool) -> Step:
    return Step(_("Régler vos notifications"), url_for("notifications.settings"), done,
                _("Par email tout de suite, en résumé, sur le site seulement : à vous de choisir, par sujet."))
