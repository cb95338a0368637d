"""What the matching rules compare, and the decision rule itself (no database)."""

from claims.matching import archive, benchmark, rules
from claims.matching import text as claim_text

CLAIM = "The United States has spent $350 billion on the war in Ukraine since 2022."


def test_numbers_are_normalised_and_compared_by_value() -> None:
    assert claim_text.numbers("$350 billion") == claim_text.numbers("350 billion dollars")
    assert claim_text.numbers("$350 billion") != claim_text.numbers("$35 billion")
    assert claim_text.numbers("seven private phone calls") == frozenset({7.0})
    assert claim_text.numbers("incomes down $4,300") == frozenset({4300.0})


def test_negation_is_parity_of_negating_words() -> None:
    assert not claim_text.is_negated("The US spent $350 billion.")
    assert claim_text.is_negated("The US did not spend $350 billion.")
    assert claim_text.is_negated("The US didn't spend $350 billion.")
    assert not claim_text.is_negated("It is not true that the US did not spend it.")


def test_tweet_noise_is_cleaned_but_the_author_name_kept() -> None:
    tweet = (
        "Drone strike caught on camera #IranUsa pic.twitter.com/TvRk https://t.co/x "
        "— Jane Doe (@janedoe) January 6, 2020"
    )
    cleaned = claim_text.clean(tweet)
    assert "pic.twitter" not in cleaned and "https" not in cleaned and "@janedoe" not in cleaned
    assert "Iran Usa" in cleaned and "Jane Doe" in cleaned


def test_a_clear_paraphrase_is_linked() -> None:
    verdict = rules.decide(CLAIM, [(CLAIM, 1.3, 0.97), ("Something else entirely.", 0.4, 0.2)])
    assert verdict.decision == "link" and verdict.index == 0 and verdict.reasons == []


def test_changed_numbers_negation_and_short_claims_are_only_suggested() -> None:
    for target, reason in [
        (CLAIM.replace("$350", "$35"), "the numbers differ"),
        (CLAIM.replace("has spent", "has not spent"), "the negations differ"),
    ]:
        verdict = rules.decide(CLAIM, [(target, 1.3, 0.97)])
        assert verdict.decision == "suggest"
        assert reason in verdict.reasons
    short = rules.decide("Crime is up.", [("Crime is up.", 1.3, 1.0)])
    assert short.decision == "suggest" and "too short to link automatically" in short.reasons


def test_weak_or_ambiguous_candidates_are_not_linked() -> None:
    assert rules.decide(CLAIM, [(CLAIM, 0.5, 0.3)]).decision == "none"
    assert rules.decide(CLAIM, [(CLAIM, 0.9, 0.7)]).decision == "suggest"
    close_call = rules.decide(CLAIM, [(CLAIM, 1.30, 0.97), (CLAIM, 1.29, 0.96)])
    assert close_call.decision == "suggest"
    assert "another candidate is about as close" in close_call.reasons
    assert rules.decide(CLAIM, []).decision == "none"


def test_benchmark_mutations_change_what_the_claim_says() -> None:
    assert benchmark.change_number(CLAIM) == CLAIM.replace("$350", "$3500")
    assert benchmark.change_number("No figures here.") is None
    negated = benchmark.add_negation(CLAIM)
    assert negated == CLAIM.replace("has spent", "has not spent")
    assert claim_text.is_negated(negated)
    assert benchmark.add_negation("Wombats share burrows.").startswith("It is not true that")


def test_archive_formats_and_per_record_problems() -> None:
    claimreview = b"""{"@context": "https://schema.org", "@graph": [
      {"@type": "ClaimReview", "claimReviewed": "Wombats share burrows in fires.",
       "url": "https://example.org/fc/1", "datePublished": "2020-01-10",
       "author": {"@type": "Organization", "name": "Desk"},
       "reviewRating": {"@type": "Rating", "alternateName": "Mostly true"},
       "itemReviewed": {"@type": "Claim", "author": {"name": "A Blogger"},
                        "datePublished": "2020-01-08"}},
      {"@type": "ClaimReview", "url": "https://example.org/fc/2"}]}"""
    items = list(archive.read(claimreview, "archive.json"))
    record, problem = items
    assert isinstance(record, archive.Record) and isinstance(problem, archive.Problem)
    assert record.text == "Wombats share burrows in fires."
    assert record.rating_label == "Mostly true" and record.claimant == "A Blogger"
    assert str(record.claim_date) == "2020-01-08" and str(record.published_on) == "2020-01-10"
    assert record.collection == "Desk" and record.external_id == "https://example.org/fc/1"
    assert "no claim text" in problem.message and problem.where == "item 2"

    jsonl = b'{"claim": "A", "rating": "false", "url": "javascript:alert(1)"}\nnot json\n'
    first, second = archive.read(jsonl, "a.jsonl")
    assert isinstance(first, archive.Record) and first.url == ""  # only http(s) links kept
    assert isinstance(second, archive.Problem) and second.where == "line 2"

    csv = b"claim,rating,date,url\nThe sea rose 20 cm,true,2021-05-01,https://example.org/x\n,false,,\n"
    good, bad = archive.read(csv, "a.csv")
    assert isinstance(good, archive.Record) and good.rating_label == "true"
    assert isinstance(bad, archive.Problem) and bad.where == "line 3"
    assert isinstance(next(archive.read(b"\xff\xfe\x00", "a.jsonl")), archive.Problem)
    header = next(archive.read(b"title,url\nx,y\n", "a.csv"))
    assert isinstance(header, archive.Problem) and "claim" in header.message


def test_an_added_negation_is_caught_even_beside_another_negation() -> None:
    said = "Not one of them mentioned that the median wage for women has dropped $733."
    target = "Under Obama the median wage for women has dropped $733."
    negated = benchmark.add_negation(said)
    assert "has not dropped" in negated
    assert "the negations differ" in rules.link_blockers(negated, target)
    assert claim_text.negations("It is false that wages dropped.") == 1
    assert (
        benchmark.add_negation("They can’t handle it.")
        == "It is not true that they can’t handle it."
    )


def test_negations_must_govern_the_same_words() -> None:
    target = (
        "Since 2013 the administration has allowed 300,000 criminal aliens to return, "
        "people who were not detained."
    )
    original = "Since 2013 the administration has allowed 300,000 criminal aliens to return."
    mutated = benchmark.add_negation(original)
    assert claim_text.negations(mutated) == claim_text.negations(target)  # counts alone agree
    assert {"allow", "300000"} <= claim_text.negated_terms(mutated)
    assert claim_text.negations_differ(mutated, target)
    same = "The criminal aliens were not detained."
    assert not claim_text.negations_differ(same, "Criminal aliens were not detained, they said")
