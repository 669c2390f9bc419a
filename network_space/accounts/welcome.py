"""The welcome checklist of a new member's dashboard: first steps that each tick themselves from
real data (territories chosen, event kinds followed, calendar subscribed…), shown until all are
done or the member hides it ("Masquer", stored on the member).

Each domain registers its own steps in its ``init_app`` (accounts knows nothing of the events or
the meetings): ``welcome_step("calendar", order=30)(check)``, where ``check(user)`` returns a
``Step`` or None when the step does not apply (e.g. no plenary planned)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from network_space.core.models import utcnow
from network_space.extensions import db
from network_space.notifications.models import NotificationPreference


@dataclass(frozen=True)
class Step:
    label: str
    url: str
    done: bool
    hint: str | None = None


_steps: dict[str, tuple[int, Callable]] = {}


def welcome_step(name: str, order: int = 100):
    def decorator(check: Callable):
        _steps[name] = (order, check)
        return check

    return decorator


def steps_for(user) -> list[Step]:
    return [step for _order, check in sorted(_steps.values(), key=lambda s: s[0])
            if (step := check(user)) is not None]


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

def territories_step(user) -> Step:
    return Step(_("Choisir vos territoires"), url_for("accounts.edit_profile"), bool(user.territories),
                _("Les actualités, réunions et partenaires de vos territoires vous parviennent."))


def preferences_step(user) -> Step:
    chosen = db.session.scalar(select(NotificationPreference.id).where(NotificationPreference.user_id == user.id)
                               .limit(1)) is not None
    return Step(_("Régler vos notifications"), url_for("notifications.settings"), chosen,
                _("Par email tout de suite, en résumé, sur le site seulement : à vous de choisir, par sujet."))
