"""SIRET rules: Luhn, the La Poste exception, spaces; stored compact, shown grouped."""
from __future__ import annotations

import pytest

from network_space.directory.demo import fictional_siret
from network_space.directory.siret import InvalidSiret, format_siret, normalize_siret


def test_valid_siret_with_spaces_and_dots_is_stored_compact():
    assert normalize_siret("732 829 320 00074") == "73282932000074"
    assert normalize_siret(" 732.829.320.00074 ") == "73282932000074"
    assert format_siret("73282932000074") == "732 829 320 00074"


def test_empty_siret_is_none():
    assert normalize_siret("") is None
    assert normalize_siret("   ") is None
    assert normalize_siret(None) is None


@pytest.mark.parametrize("value", ["73282932000079", "73282932000075"])
def test_luhn_failure_is_refused(value):
    with pytest.raises(InvalidSiret, match="clé de contrôle"):
        normalize_siret(value)


@pytest.mark.parametrize("value, message", [
    ("7328293200007", "14 chiffres"),
    ("732829320000745", "14 chiffres"),
    ("7328293200007A", "que des chiffres"),
])
def test_length_and_format(value, message):
    with pytest.raises(InvalidSiret, match=message):
        normalize_siret(value)


def test_la_poste_exception():
    # La Poste establishments (SIREN 356 000 000) fail Luhn but have a digit sum multiple of 5.
    assert normalize_siret("356 000 000 09075") == "35600000009075"
    # Its head office follows Luhn as usual.
    assert normalize_siret("35600000000048") == "35600000000048"
    with pytest.raises(InvalidSiret):
        normalize_siret("35600000009076")


def test_demo_sirets_are_valid_and_distinct():
    values = [fictional_siret(n) for n in range(1, 60)]
    assert len(set(values)) == len(values)
    for value in values:
        assert normalize_siret(value) == value
