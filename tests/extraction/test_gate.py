"""Which sentences are claims at all (no database)."""

from claims.extraction import extract_claims, rules


def test_a_headline_repeated_by_the_lede_yields_one_claim() -> None:
    text = (
        "Council to spend £40 million on new bridge over the Tyne\n"
        "Newcastle City Council will spend £40 million on a new bridge over the Tyne, the "
        "council said on Tuesday.\n"
        "Work is due to begin in 2026."
    )
    texts = [c.text for c in extract_claims(text)]
    assert texts[0].startswith("Newcastle City Council will spend")
    assert not any(t.startswith("Council to spend") for t in texts)


def test_sub_headings_advice_and_questions_are_not_claims() -> None:
    text = (
        "What the new rules mean for you\n"
        "- Check your tax code: HMRC sent 3 million letters in May.\n"
        "- Keep receipts for every claim.\n"
        "Will the rules change again next year?\n"
        "HMRC said 1.2 million people had been overtaxed in 2024."
    )
    texts = [c.text for c in extract_claims(text)]
    assert texts == ["HMRC said 1.2 million people had been overtaxed in 2024."]


def test_speculation_and_the_writers_voice_are_not_claims() -> None:
    assert rules.never_a_claim("If the council had acted sooner, the bridge would still stand.")
    assert rules.never_a_claim("The minister clearly believes the public is on her side.")
    assert rules.never_a_claim("It reminds us of the crisis a decade ago and its lessons.")
    assert rules.never_a_claim("Russia stalled.")
    # A figure keeps a sentence in play however it is phrased.
    assert not rules.never_a_claim("We counted 412 empty homes on the estate.")


def test_a_fragment_without_a_verb_is_not_a_claim() -> None:
    assert rules.is_fragment([(0, 3, "DET"), (4, 9, "NOUN"), (9, 10, "PUNCT")])
    assert not rules.is_fragment([(0, 3, "PROPN"), (4, 8, "VERB")])
    assert not rules.is_fragment(None)  # untagged: not judged


def test_a_count_of_sources_is_not_a_quantity_claim() -> None:
    from claims.extraction import pipeline

    assert pipeline.sentence_kind("Two senior officials said the minister had resigned.") != (
        "quantity"
    )
    assert pipeline.sentence_kind("The storm killed 14 people in two villages.") == "quantity"


def test_a_local_news_story_end_to_end() -> None:
    text = (
        "City to close three libraries as budget gap widens\n"
        "Bristol City Council will close three libraries next year to save £2.4 million, the "
        "council said on Tuesday.\n"
        '"We have no choice," said Craig Cheney, the cabinet member for finance. "Our grant '
        'has been cut by 40% since 2010."\n'
        "Library campaigners disagree.\n"
        "What happens next?\n"
        "- Join the consultation before 31 March.\n"
        "If the review succeeds, the closures could be delayed by up to a year.\n"
        "It is a sad day for the city."
    )
    claims = extract_claims(text)
    by_text = {c.text[:20]: c for c in claims}
    lede = by_text["Bristol City Council"]
    assert (lede.claimant, lede.claimant_type) == ("Bristol City Council", "organisation")
    assert [(q.value, q.unit) for q in lede.quantities] == [(3, "libraries"), (2_400_000, "GBP")]
    quote = by_text['"Our grant has been ']
    assert quote.claimant == "Craig Cheney"  # the quotation goes on from the sentence before
    assert not any(
        c.text.startswith(("City to close", "Library", "What", "- Join", "If", "It is"))
        for c in claims
    )
