"""Each rule of a contribution's values: whole numbers ≥ 0 (French messages), texts bounded, and
each consistency warning raised exactly when the figures disagree."""
from __future__ import annotations

import pytest

from network_space.reports import checks


@pytest.mark.parametrize("typed, expected", [
    ("", None), ("   ", None), ("0", 0), ("42", 42), (" 1 234 ", 1234), ("1\u00a0234", 1234), ("1\u202f234\u202f567", 1234567),
    ("1000000000", 1_000_000_000),
])
def test_whole_numbers_are_read_as_typed_in_french(ctx, typed, expected):
    assert checks.parse_number(typed) == expected


@pytest.mark.parametrize("typed, message", [
    ("-3", "Le nombre doit être positif ou nul."),
    ("−3", "Le nombre doit être positif ou nul."),
    ("12,5", "Indiquez un nombre entier, sans décimale."),
    ("12.5", "Indiquez un nombre entier, sans décimale."),
    ("douze", "Indiquez un nombre entier (des chiffres seulement)."),
    ("1e3", "Indiquez un nombre entier (des chiffres seulement)."),
    ("²", "Indiquez un nombre entier (des chiffres seulement)."),
    ("١٢", "Indiquez un nombre entier (des chiffres seulement)."),  # Arabic-Indic digits
    ("=1+1", "Indiquez un nombre entier (des chiffres seulement)."),
    ("1000000001", "Ce nombre est trop grand (1 000 000 000 au plus)."),
])
def test_refused_numbers_say_why_in_french(ctx, typed, message):
    with pytest.raises(checks.ValueProblem) as error:
        checks.parse_number(typed)
    assert str(error.value) == message


def test_texts_lose_control_characters_and_are_bounded(ctx):
    assert checks.parse_text("  ligne 1\r\nligne 2\x00 ") == "ligne 1\nligne 2"
    assert checks.parse_text("   ") is None
    with pytest.raises(checks.ValueProblem, match="10\u202f000 caractères au maximum"):
        checks.parse_text("x" * 10_001)


def _codes(**values):
    base = {"hours_planned": None, "hours_achieved": None, "participants": None, "women": None,
            "contracts_with_clause": None, "contracts_notified": None, "public_rsa": None, "public_young": None}
    base.update(values)
    return [w.code for w in checks.warnings_for(base)]


def test_each_consistency_warning_is_raised_when_and_only_when_figures_disagree(ctx):
    assert _codes() == []
    assert _codes(hours_planned=1000, hours_achieved=1500) == []  # half as much again: still plausible
    assert _codes(hours_planned=1000, hours_achieved=1501) == ["hours"]
    assert _codes(hours_planned=0, hours_achieved=10) == ["hours"]
    assert _codes(participants=10, public_rsa=6, public_young=4) == []
    assert _codes(participants=10, public_rsa=6, public_young=5) == ["publics"]
    assert _codes(participants=10, women=11) == ["women"]
    assert _codes(contracts_with_clause=5, contracts_notified=5) == []
    assert _codes(contracts_with_clause=6, contracts_notified=5) == ["clauses"]
    # One mechanism may not count more markets than those with a clause; several may add up past it.
    assert _codes(contracts_with_clause=12, clause_execution=12, clause_award_criterion=12) == []
    assert _codes(contracts_with_clause=12, clause_execution=12_500) == ["mechanisms"]
    # A check whose indicator was retired (absent) is skipped.
    assert [w.code for w in checks.warnings_for({"hours_achieved": 10})] == []
