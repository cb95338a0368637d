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


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # scales attached to money, spaced thousands, number words
        ("Its market value reached $2.174T in July.", (2_174_000_000_000, "USD", None)),
        ("The fine was 10 000 dollars.", (10_000, "USD", None)),
        ("The region has 1 234 567 people.", (1_234_567, "people", None)),
        ("The hospital treated one hundred and sixteen patients.", (116, "patients", None)),
        ("Fifty-two trucks crossed the border.", (52, "trucks", None)),
        # bounds
        ("The army sent no less than thirty tanks.", (30, "tanks", "at least")),
        ("The army sent no more than thirty tanks.", (30, "tanks", "at most")),
        ("At least 40 people died in the fire.", (40, "people", "at least")),
        ("At most 90 seats remain.", (90, "seats", "at most")),
        ("Spending exceeds $5 billion a year.", (5_000_000_000, "USD", "more than")),
        ("Inflation stayed above 3% all year.", (3, "percent", "more than")),
        ("Debt is greater than 100 percent of output.", (100, "percent", "more than")),
        ("Turnout fell below 40 percent.", (40, "percent", "less than")),
        ("Nearly 500 homes were flooded.", (500, "homes", "less than")),
        ("Approximately 60 percent agreed.", (60, "percent", "about")),
        ("Over 2,000 staff walked out.", (2_000, "staff", "more than")),
        ("Under 30 pupils passed.", (30, "pupils", "less than")),
        # the counted noun stops before the verb
        ("About 300 people attended the vigil.", (300, "people", "about")),
        # currencies: country prefixes, ISO codes before and after, a trailing symbol
        ("The line will cost C$2.4 billion.", (2_400_000_000, "CAD", None)),
        ("The airport earned HK$9 billion.", (9_000_000_000, "HKD", None)),
        ("The mine sold for A$700 million.", (700_000_000, "AUD", None)),
        ("The grant is USD 200 per family.", (200, "USD", None)),
        ("The grant is 200 USD per family.", (200, "USD", None)),
        ("Entry costs 15 € for adults.", (15, "EUR", None)),
    ],
)
def test_number_grammar_shapes(sentence: str, expected: tuple[object, str, object]) -> None:
    assert _one(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "The survey is at https://example.org/poll?share=40%25 for readers.",
        "He bought 5m of cable.",  # metres or millions: left out
        "The vote was 52-48.",
        "The G20 met in Rio.",
        "Between 10 and 20 people were hurt.",  # a range: one value would misstate it
        "The trip takes from 5 to 8 hours.",
    ],
)
def test_uncertain_numbers_are_left_out(sentence: str) -> None:
    assert [q for q in find_quantities(sentence) if q.unit != "year"] == []


def test_an_age_between_commas_after_a_person_and_nothing_else() -> None:
    assert _one("The victim, 27, was taken to hospital.") == (27, "years old", None)
    assert _one("Lena Fischer, 54, a nurse from Bristol, gave evidence.") == (
        54,
        "years old",
        None,
    )
    for sentence in (
        "In Paris, 12, 13 and 14 were sold.",  # a list of numbers
        "The score was Arsenal, 3, Chelsea 1.",  # a score
        "By May, 20, were gone.",  # after a date
        "Smith, 150, was charged.",  # no one is 150
    ):
        assert not [q for q in find_quantities(sentence) if q.unit == "years old"], sentence


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Inflation hit 7.5pc in March.", (7.5, "percent", None)),
        ("The package is worth Rs 20,000 crore.", (200_000_000_000, "INR", None)),
        ("The scheme costs Rs. 5 lakh a year.", (500_000, "INR", None)),
        ("Only 12 of the 50 states have passed such laws.", (12, "states", None)),
        ("At least 3 of the victims were children.", (3, "victims", "at least")),
    ],
)
def test_more_shapes_of_news_figures(sentence: str, expected: tuple[object, str, object]) -> None:
    assert _one(sentence) == expected


def test_clock_times_rates_and_the_part_of_a_whole() -> None:
    for sentence in ("The meeting starts at 3pm.", "Polls close at 10 p.m. tonight."):
        assert not find_quantities(sentence), sentence
    # a speed is a rate: its kilometres are not a count of kilometres
    assert not find_quantities("The train reached 320 km/h.")
    # "12 of the 50 states": both numbers count states, and neither swallows the other
    both = find_quantities("Only 12 of the 50 states have passed such laws.")
    assert [(q.text, q.value, q.unit) for q in both] == [
        ("12", 12, "states"),
        ("50 states", 50, "states"),
    ]
    # "Mrs 5" is no rupee
    assert not [q for q in find_quantities("Mrs 5 votes.") if q.unit == "INR"]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("A quarter of a million people signed the petition.", (250_000, "people", None)),
        ("Half a million homes lost power.", (500_000, "homes", None)),
        ("He was fined 2,500 Swiss francs.", (2500, "CHF", None)),
        ("The dam holds 40 billion cubic metres of water.", (40e9, "cubic metres", None)),
        ("The strike lasted over 3 hours.", (3, "hours", "more than")),
        ("She has lived there for over 10 years.", (10, "years", "more than")),
    ],
)
def test_shares_of_a_scale_measures_and_bounds_of_time(
    sentence: str, expected: tuple[object, str, object]
) -> None:
    assert _one(sentence) == expected


def test_a_share_is_no_count_and_over_a_period_is_no_bound() -> None:
    assert not find_quantities("About two thirds of voters disapprove.")
    # "over 8 years" after what was done is the time it took
    eight = [q for q in find_quantities("Researchers studied 12,000 patients over 8 years.")]
    assert [(q.value, q.unit, q.bound) for q in eight] == [
        (12000, "patients", None),
        (8, "years", None),
    ]


def test_where_a_guess_would_give_a_wrong_figure() -> None:
    def read(sentence: str) -> list[tuple[object, str, object]]:
        return [(q.value, q.unit, q.bound) for q in find_quantities(sentence)]

    # no person before the commas, or more than one after: no age
    for sentence in (
        "In Texas, 14, including two children, died.",
        "In London, 25, mostly young men, were arrested.",
        "Liverpool, 3, were top of the table.",
    ):
        assert not [q for q in read(sentence) if q[1] == "years old"], sentence
    # "over" is a bound unless it follows another figure
    for sentence in (
        "He was sentenced to over 10 years.",
        "It was the highest in over 20 years.",
        "The plan was delayed by over two years.",
    ):
        assert read(sentence)[-1][2] == "more than", sentence
    assert read("The cost was £5bn over 10 years.")[-1] == (10, "years", None)
    # shares of a scale, with a numerator, in money too
    assert read("The deal is worth half a billion dollars.") == [(500_000_000, "USD", None)]
    assert read("Three quarters of a million people voted.") == [(750_000, "people", None)]
    assert read("Two and a half million people live there.") == [(2_500_000, "people", None)]
    # the possessor is not what is counted (tagged as extraction reads it)
    from claims.extraction.pipeline import sentence_quantities

    parts = sentence_quantities("Three of the company's five directors quit.")
    assert [(q.value, q.unit) for q in parts] == [(3, "directors"), (5, "directors")]
    # one speed given in two units: the first is kept, the rate after the slash is not
    assert read("The limit is 70 mph/110 km/h.") == [(70, "mph", None)]
