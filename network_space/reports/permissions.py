"""Who may do what with the departmental report.

Members read the campaigns and the consolidated figures (validated contributions only) and fill
the contributions of their own structure and territories; co-animators run the campaign (open,
review, remind, export, publish); admins keep the list of indicators."""
from __future__ import annotations

from network_space.core.permissions import ROLE_ADMIN, ROLE_COANIMATOR, ROLE_MEMBER, has_role, rule


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
