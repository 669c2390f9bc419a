"""French numbers, the one way pages, documents and charts write them."""
from __future__ import annotations

from network_space.core.numbers import french_number, french_percent


def test_numbers_are_written_the_french_way():
    assert french_number(1234567) == "1\u202f234\u202f567"
    assert french_number(12.5, 1) == "12,5" and french_number(12.0, 1) == "12,0"
    assert french_number(0.25, 2, trim=True) == "0,25" and french_number(1.0, 2, trim=True) == "1"
    assert french_number(1500.5, 2, trim=True) == "1\u202f500,5"
    assert french_number(None) == "—"


def test_ratios_are_written_as_percentages():
    assert french_percent(0.3461) == "34,6\u00a0%"
    assert french_percent(0.75) == "75\u00a0%" and french_percent(2.0) == "200\u00a0%"
    assert french_percent(None) == "—"
