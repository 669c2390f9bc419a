"""The demo: a past plenary with published minutes and open actions, a Nord-Isère meeting next
month, a working group with an open date poll and some answers."""
from __future__ import annotations

from network_space import DOMAINS
from network_space.core.models import utcnow
from network_space.demo import seed_demo
from network_space.meetings import polls


def test_demo_meetings(ctx):
    demo = seed_demo(DOMAINS)
    meetings = demo.data["meetings"]
    plenary, nord, housing = meetings["plenary"], meetings["nord"], meetings["housing"]
    assert plenary.status == "published" and plenary.minutes.published_at and plenary.ends_at < utcnow()
    assert any(a.is_open for a in plenary.actions) and plenary.decisions
    assert nord.status == "scheduled" and 20 <= (nord.starts_at - utcnow()).days <= 45
    assert nord.invitees and all("nord" in i.user.sectors for i in nord.invitees if i.user not in nord.organisers)
    # Three members answered; two partners too, by their personal links (guests/demo.py).
    assert housing.status == "poll" and len(housing.slots) == 3 and len(housing.responses) == 5
    assert sum(r.guest_id is not None for r in housing.responses) == 2
    assert any(row.best for row in polls.tally(housing))
