"""The demo guests: a joint action with a social landlord with three partners from the directory
(one on the waiting list), a poll answered by two partners, an open public registration page."""
from __future__ import annotations

from network_space import DOMAINS
from network_space.demo import seed_demo
from network_space.events import services as event_services
from network_space.guests import queries, services
from network_space.guests.tokens import make_token
from network_space.meetings import polls


def test_demo_guests(ctx, client):
    demo = seed_demo(DOMAINS)
    joint = next(e for e in demo.data["events"] if e.title.startswith("Action conjointe avec Nord-Isère Logement"))
    rows = queries.guest_rows(joint)
    assert len(rows) == 3
    assert all(row.link.guest.organisation in joint.partners for row in rows)
    assert any(p.kind.slug == "bailleur-social" for p in joint.partners)
    assert sorted(row.state for row in rows) == ["Inscrit·e", "Inscrit·e", "Liste d'attente"]
    assert event_services.places_left(joint) == 0
    housing = demo.data["meetings"]["housing"]
    guest_answers = [r for r in housing.responses if r.guest_id is not None]
    assert len(guest_answers) == 2
    assert sum(row.yes + row.maybe + row.no for row in polls.tally(housing)) == 3 * len(housing.responses)
    public = next(e for e in demo.data["events"] if services.public_page(e) is not None)
    token = make_token(rows[0].link)
    assert "Mon inscription" in client.get(f"/partenaire/{token}").get_data(as_text=True)
    [company] = queries.guest_rows(public)
    assert company.link.guest.organisation_typed == "Giraud Bâtiment" and company.state == "Inscrit·e"
    html = client.get(f"/inscription/evenement/{public.id}").get_data(as_text=True)
    assert "Nom et prénom" in html and 'name="website"' in html
