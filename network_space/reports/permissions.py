"""Who may do what with the departmental report.

Members read the campaigns and the consolidated figures (validated contributions only) and fill
the contributions of their own structure for the territories they cover; a contribution is seen
by its authors and the co-animators until it is validated, then by every member (never outside
the site). Co-animators run the campaign (open, review, remind, export, publish) and may fill a
contribution for any territory; admins keep the list of indicators."""
from __future__ import annotations

from network_space.core.permissions import ROLE_ADMIN, ROLE_COANIMATOR, ROLE_MEMBER, has_role, rule
from network_space.reports.models import EDITABLE, NOT_STARTED, SUBMITTED, VALIDATED


@rule("reports.view")
def _view(user, obj) -> bool:
    return has_role(user, ROLE_MEMBER)


@rule("reports.manage")
def _manage(user, obj) -> bool:
    """Open and close campaigns, review contributions, send reminders, export and publish."""
    return has_role(user, ROLE_COANIMATOR)


@rule("reports.indicators")
def _indicators(user, obj) -> bool:
    """The list of indicators is a taxonomy, edited by admins (like the library categories)."""
    return has_role(user, ROLE_ADMIN)


def _is_author(user, contribution) -> bool:
    """A member of the contribution's structure who covers its territory."""
    return (has_role(user, ROLE_MEMBER) and user.structure_id == contribution.structure_id
            and any(t.id == contribution.territory_id for t in user.territories))


@rule("reports.contribution.view")
def _contribution_view(user, contribution) -> bool:
    if has_role(user, ROLE_COANIMATOR):
        return True
    if contribution is None:
        return False
    return _is_author(user, contribution) or (contribution.status == VALIDATED and has_role(user, ROLE_MEMBER))


@rule("reports.contribution.edit")
def _contribution_edit(user, contribution) -> bool:
    """A Contribution or a Slot (not started): while the campaign is open and it is a draft or
    sent back, by its authors or a co-animator."""
    if contribution is None or not contribution.campaign.is_open:
        return False
    if contribution.status not in EDITABLE and contribution.status != NOT_STARTED:
        return False
    return has_role(user, ROLE_COANIMATOR) or _is_author(user, contribution)


@rule("reports.contribution.review")
def _contribution_review(user, contribution) -> bool:
    """Validate or send back, while the campaign is open: a sent contribution, or a validated one
    to reopen it. A closed campaign's figures stay as closed (reopen the campaign first)."""
    return (contribution is not None and contribution.campaign.is_open
            and contribution.status in (SUBMITTED, VALIDATED) and has_role(user, ROLE_COANIMATOR))


@rule("reports.view_coverage")
def _view_coverage(user, obj) -> bool:
    """The coverage of the territory, for every member: who covers which territory is what the
    network is about."""
    return has_role(user, ROLE_MEMBER)


@rule("reports.view_activity")
def _view_activity(user, obj) -> bool:
    """The co-animation's activity report, for the co-animators who present it to the
    Département and the DDETS."""
    return has_role(user, ROLE_COANIMATOR)
