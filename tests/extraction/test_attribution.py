"""Claimants read from the dependency parse, in running news text (no database)."""

import json
from io import StringIO
from pathlib import Path

from django.core.management import call_command

from claims.extraction import extract_claims, pipeline


def _claimants(text: str) -> list[tuple[str, str]]:
    return [(claimant, kind) for _, _, claimant, kind in pipeline.attribute(text)]


def test_a_news_story_names_its_speakers_and_no_one_else() -> None:
    text = (
        "Flood barriers will be built along the River Ouse by 2028, York City Council has "
        "announced.\n"
        "The council said the scheme would cost £34 million and protect 2,000 homes.\n"
        "Rachel Dunn, head of flood risk at the Environment Agency, said the barriers were "
        "overdue.\n"
        "She told reporters that the river had burst its banks four times since 2015.\n"
        "Residents criticised Mark Ellis, the council leader, over the delay.\n"
        "The first barrier was installed in March."
    )
    assert _claimants(text) == [
        ("York City Council", "organisation"),
        ("York City Council", "organisation"),
        ("Rachel Dunn", "person"),
        ("Rachel Dunn", "person"),
        ("", ""),  # Mark Ellis is the object of the criticism, not a speaker
        ("", ""),  # the writer's own statement
    ]


def test_said_after_the_name_and_a_title_before_it() -> None:
    text = (
        "“Nobody was hurt,” said Inspector Laura Chen of Thames Valley Police.\n"
        "Prime Minister Sanna Marin said Finland would apply to join NATO."
    )
    assert _claimants(text) == [("Laura Chen", "person"), ("Sanna Marin", "person")]


def test_a_pronoun_with_no_named_antecedent_stays_empty() -> None:
    text = "A spokesman declined to comment.\nHe said the company would issue a statement."
    assert _claimants(text)[-1] == ("", "")


def test_claimant_type_is_in_the_extraction_result() -> None:
    text = "The Ministry of Health said 1,200 nurses had been hired since January."
    [claim] = extract_claims(text)
    assert (claim.claimant, claim.claimant_type) == ("Ministry of Health", "organisation")
    assert claim.as_dict()["claimant_type"] == "organisation"


def test_extract_claims_json_carries_the_claimant_type(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text(
        "The Ministry of Health said 1,200 nurses had been hired since January.\n",
        encoding="utf-8",
    )
    out = StringIO()
    call_command("extract_claims", str(path), "--json", stdout=out)
    [claim] = json.loads(out.getvalue())
    assert claim["claimant"] == "Ministry of Health"
    assert claim["claimant_type"] == "organisation"
    out = StringIO()
    call_command("extract_claims", str(path), stdout=out)
    assert "(organisation: Ministry of Health)" in out.getvalue()


def test_a_name_the_entity_pass_cut_short_is_read_whole_from_the_parse() -> None:
    text = (
        "“We have the money,” Mayor Sadiq Khan said.\n"
        "Ursula von der Leyen told the parliament that the EU would spend €800 billion.\n"
        "Ukraine's defence ministry said 14 drones had been shot down overnight."
    )
    assert _claimants(text) == [
        ("Sadiq Khan", "person"),  # the title is dropped, the first name kept
        ("Ursula von der Leyen", "person"),  # particles in lower case, not a place "Leyen"
        ("Ukraine's defence ministry", "organisation"),  # whose ministry it is
    ]


def test_a_document_speaks_for_the_organisation_that_issued_it() -> None:
    assert _claimants("According to a statement from the Pentagon, two soldiers were hurt.") == [
        ("Pentagon", "organisation")
    ]
    assert _claimants(
        "According to a report by Amnesty International, 30 protesters were detained."
    ) == [("Amnesty International", "organisation")]
    # a document that names no organisation has no speaker the grammar can give
    assert _claimants("According to a study of 500 hospitals, waiting times doubled.") == [("", "")]


def test_the_company_is_the_organisation_named_just_before_never_a_place() -> None:
    assert _claimants(
        "Microsoft released its results on Thursday. The company said cloud revenue grew."
    )[-1] == ("Microsoft", "organisation")
    assert _claimants(
        "The report was published by the Resolution Foundation. The think tank said wages "
        "had stagnated."
    )[-1] == ("Resolution Foundation", "organisation")
    # only a place was named: "the company" stays the company, not London
    assert _claimants("Shares fell in London on Monday. The company said sales had slowed.")[
        -1
    ] == ("company", "organisation")
    # two organisations named in the sentence before: which one is meant is not known
    assert _claimants(
        "Unilever bought Dollar Shave Club in 2016. The company said the deal would pay off."
    )[-1][0] in {"", "company"}
