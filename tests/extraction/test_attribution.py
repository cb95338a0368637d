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


def test_he_and_she_after_a_description_a_pair_or_a_misread_name() -> None:
    # a description after a name is that person; so is the pronoun after it
    assert _claimants(
        "Gordon Brown gave a speech in Edinburgh. The former prime minister warned of cuts. "
        "He said poverty would rise."
    )[-1] == ("Gordon Brown", "person")
    assert _claimants(
        "Sadiq Khan defended the scheme. The mayor told LBC that air quality had improved."
    )[-1] == ("Sadiq Khan", "person")
    # a person only described is who "he" may mean: nobody is named
    assert _claimants("The president met Emmanuel Macron in Paris. He said the alliance held.")[
        -1
    ] == ("", "")
    # "X met the president. The president said": not X
    assert _claimants("Boris Johnson met the president. The president said talks went well.")[
        -1
    ] == ("", "")
    # two people named jointly: "he" is either
    assert _claimants(
        "Chris Whitty and Sajid Javid briefed reporters. He said the variant was spreading."
    )[-1] == ("", "")
    # the small model typed a person's name as a place; nobody else is in reach
    assert _claimants(
        "Kemi Badenoch was elected party leader in November. In her first speech, she said "
        "the party had lost its way."
    )[-1] == ("Kemi Badenoch", "person")
    # but a real place is never a "she"
    assert _claimants("Hong Kong reopened its borders. She said tourism would recover.")[-1] == (
        "",
        "",
    )


def test_whom_a_spokesperson_or_a_government_speaks_for() -> None:
    assert _claimants("A spokesman for Emmanuel Macron said the president would not resign.") == [
        ("Emmanuel Macron", "person")
    ]
    assert _claimants(
        "The BBC apologised for the error. A spokeswoman said the programme would be re-edited."
    )[-1] == ("BBC", "organisation")
    assert _claimants(
        "Viktor Orbán blocked the aid package. His government said Hungary would not pay."
    )[-1] == ("Viktor Orbán's government", "organisation")
    # several named before: "the supermarkets" are not one claimant
    assert _claimants(
        "Tesco and Sainsbury's raised wages. The supermarkets said pay would rise 5 percent."
    )[-1] == ("", "")
    # with no organisation named before, "the oil giant" names nobody
    assert _claimants("Prices fell. The oil giant said it would buy back shares.")[-1] == ("", "")


def test_single_names_titles_and_calling_something_something() -> None:
    assert _claimants("Uber told investors that bookings had grown 18 percent.") == [
        ("Uber", "organisation")
    ]
    assert _claimants("Pope Francis visited Lesbos. He said Europe had forgotten refugees.")[
        -1
    ] == ("Pope Francis", "person")
    assert _claimants(
        "Marine Le Pen was barred from office. She called the ruling a political execution."
    )[-1] == ("Marine Le Pen", "person")
    # calling someone is not calling something something
    assert _claimants("Marine Le Pen called the police on Monday.") == [("", "")]


def test_names_with_titles_letters_addresses_and_colleagues() -> None:
    assert _claimants("Mr Farage, the Reform UK leader, told supporters the party had grown.") == [
        ("Farage", "person")  # the apposition's words are not part of his name
    ]
    assert _claimants("The defence barrister, James Ryder KC, told the jury he was innocent.") == [
        ("James Ryder", "person")
    ]
    assert _claimants("The judge, Mrs Justice Collins, said the evidence was overwhelming.") == [
        ("Collins", "person")
    ]
    assert _claimants("Downing Street insisted the policy had not changed.") == [
        ("Downing Street", "organisation")
    ]
    assert _claimants("Scientists at the University of Oxford said the vaccine worked.") == [
        ("University of Oxford", "organisation")
    ]
    assert _claimants(
        "Jeff Bezos founded Amazon in 1994. On Monday, the billionaire said he would give away "
        "his fortune."
    )[-1] == ("Jeff Bezos", "person")
    # a name before its apposition is not an opening phrase of time
    assert _claimants(
        "Mary Barra, the chief executive of General Motors, spoke at the plant. She said 4,000 "
        "jobs would be added."
    )[-1] == ("Mary Barra", "person")


def test_a_name_typed_as_an_organisation_is_no_he_and_descriptions_of_clergy() -> None:
    # the small model typed the person an organisation: "he" cannot tell him from a company
    assert _claimants(
        "Hakeem Jeffries met the president on Wednesday. He told reporters the talks went well."
    )[-1] == ("", "")
    # a body's name is never "he"
    assert _claimants("Thames Water Holdings cut its dividend. He said bills would rise.")[-1] == (
        "",
        "",
    )
    assert _claimants("Justin Welby apologised on Tuesday. The archbishop said he had failed.")[
        -1
    ] == ("Justin Welby", "person")


def test_never_a_wrong_name_where_the_grammar_cannot_tell() -> None:
    """Shapes where a guess would publish the wrong speaker: each stays empty."""
    for text in (
        "Goldman Sachs cut 3,000 jobs. He said the bank was cautious.",  # a company is no "he"
        "The Prime Minister said the plan would work.",  # a title, nobody named
        "The Secretary General said the talks had failed.",
        "Protesters heckled Nigel Farage. The president of the union said the rally was calm.",
        "Hunter Biden was pardoned by his father. The president said the case was political.",
        "Theresa May spoke after Boris Johnson. The former prime minister said it was done.",
        "Keir Starmer was interviewed by the BBC. A spokesman said he had been misquoted.",
    ):
        assert _claimants(text)[-1] == ("", ""), text
    # "the company" is not a party or a public body named before
    for text in (
        "Labour criticised the contract. The company said it had met every target.",
        "Unions accused the NHS of cutting pay. The company said it had met every target.",
    ):
        assert _claimants(text)[-1][0] in {"", "company"}, text
    # a possessive or a party before a surname is not a first name
    assert _claimants("Russia's Putin met Xi. Putin said the war would continue.")[-1][0] == (
        "Putin"
    )
    assert _claimants("Tory Jenrick said the policy was wrong.")[-1][0] == "Jenrick"


def test_a_subject_nobody_named_keeps_he_open_and_findings_are_claims() -> None:
    # "Lula" is no entity the small model knows: "he" may be him, so it names nobody
    assert _claimants("Lula met Joe Biden at the White House. He said Brazil would act.")[-1] == (
        "",
        "",
    )
    # a plural or common subject is not somebody unnamed
    assert _claimants("Police arrested Tom Hale in Leeds. He said he was innocent.")[-1] == (
        "Tom Hale",
        "person",
    )
    assert _claimants(
        "Sue Gray published her report in May. She found that there had been failures."
    )[-1] == ("Sue Gray", "person")
    # finding a thing is not finding that something is so
    assert _claimants("Sue Gray found the file in May.") == [("", "")]
