"""Quantities normalised as a desk needs them (no database)."""

import pytest

from claims.extraction.quantities import find_quantities


def _one(sentence: str) -> tuple[object, str, object]:
    quantities = [q for q in find_quantities(sentence) if q.unit != "year"]
    assert quantities, f"no quantity found in {sentence!r}"
    q = quantities[0]
    assert q.unit, "a unit is never empty"
    assert q.text in sentence
    return q.value, q.unit, q.bound


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("He said the US spent $350 billion on the war.", (350_000_000_000, "USD", None)),
        ("The repairs will cost £48 million.", (48_000_000, "GBP", None)),
        ("It cost €15m to build.", (15_000_000, "EUR", None)),
        ("The fund holds US$2.5 billion.", (2_500_000_000, "USD", None)),
        ("They raised 3 million dollars.", (3_000_000, "USD", None)),
        ("We’re talking as many as seven private phone calls.", (7, "phone calls", "up to")),
        (
            "the support of more than 80 senators, a veto-proof majority",
            (80, "senators", "more than"),
        ),
        ("killing more than a dozen people", (12, "people", "more than")),
        ("He blustered through a two-hour call.", (2, "hour", None)),
        ("a new U.S. proposal for a 30-day cease-fire", (30, "day", None)),
        ("Traffic has risen by 12% since 2019.", (12, "percent", None)),
        ("Turnout was about 64.5 per cent.", (64.5, "percent", "about")),
        ("Rescue teams evacuated more than 200 homes.", (200, "homes", "more than")),
        ("The scheme reaches 46,000 children.", (46_000, "children", None)),
        ("It took 18 months.", (18, "months", None)),
    ],
)
def test_quantity_normalisation(sentence: str, expected: tuple[object, str, object]) -> None:
    assert _one(sentence) == expected


def test_years_are_years_and_nothing_is_invented() -> None:
    quantities = find_quantities("In 2017, Trump ordered missile strikes on a Syrian air base.")
    assert [(q.text, q.value, q.unit) for q in quantities] == [("2017", 2017, "year")]
    assert find_quantities("He met her in March.") == ()


def test_numbers_inside_names_are_not_counts() -> None:
    assert not [
        q
        for q in find_quantities("Then there was the COVID-19 test kit story.")
        if q.unit != "year"
    ]


def test_money_is_not_also_counted() -> None:
    quantities = find_quantities("the US spent $350 billion on aid")
    assert len(quantities) == 1
