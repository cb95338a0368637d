"""Which sentences are claims, what kind, who made them, and how worth checking they are.

The kinds follow Full Fact's claim taxonomy (Konstantinovskiy et al., arXiv:1809.08193:
quantity, comparison, causal, rule, prediction, personal, other) plus quote and event."""

from __future__ import annotations

import re
from typing import Any

from claims.extraction.quantities import find_quantities
from claims.extraction.types import Quantity

_BOILERPLATE = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^\s*(don'?t|do not) miss\b",
        r"^\s*(read|see) (more|also)\b",
        r"^\s*related( stories| articles)?\s*:",
        r"^\s*next steps? for you\b",
        r"^\s*the post .+ appeared first on\b",
        r"\bappeared first on\b",
        r"^\s*(share|subscribe|sign up|follow us|click here|advertisement|listen to)\b",
        r"\bsubscribe to (our|the) newsletter\b",
        r"^\s*(photo|image|video)( credit)?\s*:",
        r"^\s*(copyright|©)",
        r"^\s*all rights reserved",
    )
] + [
    # Shapes that depend on capital letters: bylines, datelines, all-capital labels.
    re.compile(p)
    for p in (
        r"^\s*([Bb]y|[Ww]ritten by|[Rr]eporting by)\s+[A-Z][\w.'-]*(\s+[A-Z][\w.'-]*){0,4}"
        r"(\s+(reporter|correspondent|staff|editor|and [A-Z][\w.'-]*( [A-Z][\w.'-]*)?))?\s*$",
        r"^\s*[A-Z][\w.'-]*(\s+[A-Z][\w.'-]*){0,4}\s+contributed( to this)? reporting\.?\s*$",
        r"^\s*[A-Z][A-Za-z .]{0,30}\s*[–—-]\s*$",
        r"^\s*[A-Z]{2,}(\s+[A-Z]{2,})*\s*$",
    )
]
_QUESTION = re.compile(r"\?[\"”’»)]*\s*$")
_OPINION = re.compile(
    r"\b(i think|i believe|in my (view|opinion)|we think|we believe|should|ought to|must be|"
    r"needs? to|let'?s|honestly|frankly|arguably|remember when|pay (close )?attention|"
    r"think back|you'?ve (seen|read)|imagine|biggest (strength|weakness)|is not how)\b",
    re.IGNORECASE,
)
_IMPERATIVE_VERBS = (
    r"check|pay|remember|think|look|imagine|consider|don'?t|do not|never|read|watch|listen|"
    r"click|sign|subscribe|share|follow|visit|see|monitor|keep|stop|start|avoid|try|make|take|"
    r"ask|use|get|call|contact|note|expect|stay|plan|prepare|learn|choose|compare|review|save|"
    r"buy|set|turn|wash|drink|eat|limit|protect|find|join|download|register|tell|let|bring|"
    r"trust|beware|mind|focus|ignore|treat|talk|write|go"
)
_IMPERATIVE = re.compile(
    rf"^\s*(?:{_IMPERATIVE_VERBS})\b(?!\s+(?:is|are|was|were|has|had)\b)", re.I
)
# A list item: a bullet or a number, then an optional label ending in a colon.
_BULLET = re.compile(r"^\s*(?:[-–—•*·▪◦‣⁃]|\(?\d{1,2}[.)]|\(?[a-z][.)])\s+")
_LABEL = re.compile(r"^[^:.!?]{1,60}:\s+")
_QUOTE_MARKS = re.compile(r"[\"“”]")
_SELF_REFERENCE = re.compile(
    r"\b(?:this|our) (?:story|article|piece|column|newsletter|one) (?:begins|starts|opens|ends|"
    r"is about|was (?:first |originally )?published|has been (?:updated|corrected))\b",
    re.IGNORECASE,
)
# Entity labels (spaCy's OntoNotes scheme) that name something a checker can look up.
_CONCRETE_LABELS = {
    "PERSON",
    "ORG",
    "GPE",
    "NORP",
    "LOC",
    "FAC",
    "EVENT",
    "LAW",
    "PRODUCT",
    "WORK_OF_ART",
    "MONEY",
    "PERCENT",
    "QUANTITY",
    "CARDINAL",
}
_MONTHS_AND_DAYS = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun)[a-z]*\b",
    re.IGNORECASE,
)
_SPEECH_VERBS = (
    r"said|says|saying|told|tells|telling|wrote|writes|writing|claimed|claims|claiming|stated|"
    r"states|argued|argues|insisted|insists|added|adds|adding|announced|announces|tweeted|"
    r"posted|posting|declared|warned|alleged|alleges|testified|reported|reports|noted|"
    r"explained|boasted|revealed|reveals"
)

_COMPARISON = re.compile(
    r"\b(more|less|fewer|higher|lower|larger|smaller|bigger|biggest|largest|highest|lowest|"
    r"most|least|twice|double|half|worst|best|record|compared (with|to)|than|since \w+ began|"
    r"rose|risen|fell|fallen|increased?|decreased?|doubled|tripled)\b",
    re.IGNORECASE,
)
# "the largest in the county", "the most expensive": a superlative compares on its own, in a
# sentence that states no event ("X launched one of the most enduring..." is the launch).
_SUPERLATIVE = re.compile(
    r"(?<!one of )\bthe\s+(?:(?:most|least)\s+\w+|biggest|largest|highest|lowest|worst|best|"
    r"fastest|slowest|oldest|youngest|richest|poorest|deadliest|busiest|longest|shortest|greatest|"
    r"smallest|strongest|weakest|cheapest|safest|hottest|coldest|wettest|driest|warmest)\b",
    re.IGNORECASE,
)
_CAUSAL = re.compile(
    r"\b(because|caused|causes|due to|led to|leads to|as a result|result(ed)? in|so that|"
    r"in order to|to pressure|therefore|thanks to|linked to|blamed)\b",
    re.IGNORECASE,
)
_RULE = re.compile(
    r"\b(law|illegal|legal|rule|regulation|bill|ban|banned|constitution|treaty|requires?|"
    r"mandatory|allowed|prohibited|veto)\b",
    re.IGNORECASE,
)
_PREDICTION = re.compile(
    r"\b(will|would|expects?|expected|forecasts?|predicts?|projected|is going to|are going to|"
    r"next (year|month|week))\b",
    re.IGNORECASE,
)
_PERSONAL = re.compile(r"^\s*(i|we|my|our)\b", re.IGNORECASE)
_EVENT_VERB = re.compile(
    r"\b(\w+ed|met|sent|kept|made|took|gave|won|lost|began|ran|held|cut|hit|left|led|built|"
    r"paid|spent|sold|bought|fled|broke|fell|rose|struck|signed|agreed|ordered|called|"
    r"annexed|invaded|blocked|threatened|withheld|taken|given|found|shot|hurt|stolen|caught|"
    r"brought|thrown|beaten|chosen|sworn|flown|fought|was \w+ing|were \w+ing)\b",
    re.IGNORECASE,
)
_DIGIT = re.compile(r"\d")


_LEADING_SYMBOLS = re.compile(r"^[^\w\"“‘(]+")


def is_boilerplate(sentence: str) -> bool:
    """Feed and page furniture: "Don't miss", bylines, share lines, "appeared first on"."""
    sentence = _LEADING_SYMBOLS.sub("", sentence).replace("’", "'")
    return any(p.search(sentence) for p in _BOILERPLATE)


def is_question(sentence: str) -> bool:
    return bool(_QUESTION.search(sentence))


def is_opinion_or_advice(sentence: str) -> bool:
    """Pure opinion, advice and asides with nothing checkable in them; a bullet of advice
    ("- Watch the count: every time...") whatever follows its label."""
    if is_advice(sentence):
        return True
    return bool(
        _OPINION.search(sentence)
        and not _DIGIT.search(sentence)
        and not _QUOTE_MARKS.search(sentence)
    )


def is_advice(sentence: str) -> bool:
    """An instruction to the reader: an imperative at the start of the sentence, of a list
    item, or of a list item's label."""
    body = _BULLET.sub("", sentence, count=1)
    if _IMPERATIVE.search(body):
        return True
    label = _LABEL.match(body)
    return bool(label and _IMPERATIVE.search(body[label.end() :]))


_TERMINAL = re.compile(r"[.!?…][\"”’»)\]]*\s*$|[\"”’»]\s*$")
_WORD = re.compile(r"[A-Za-z][\w'’-]*")


def is_heading(sentence: str, whole_paragraph: bool) -> bool:
    """A sub-heading or a label line: a paragraph of its own, short, with no sentence
    punctuation at its end ("The Bob Woodward Bombshells", "Next steps for you:")."""
    if not whole_paragraph or _BULLET.match(sentence):
        return False
    words = _WORD.findall(sentence)
    return len(words) <= 14 and not _TERMINAL.search(sentence)


_CONTENT_STOP = set(
    [
        "a",
        "an",
        "the",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "from",
        "with",
        "and",
        "or",
        "but",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "has",
        "have",
        "had",
        "it",
        "its",
        "this",
        "that",
        "as",
        "his",
        "her",
        "their",
        "he",
        "she",
        "they",
        "says",
        "said",
        "will",
        "would",
    ]
)


def content_words(sentence: str) -> set[str]:
    return {
        w.lower().strip("'’")
        for w in _WORD.findall(sentence)
        if w.lower() not in _CONTENT_STOP and len(w) > 2
    }


def repeats(headline: str, body_sentence: str) -> bool:
    """Whether a body sentence says what a headline says: most of the headline's content
    words are in it (a lede restating its headline)."""
    head = {w[:5] for w in content_words(headline)}
    body = {w[:5] for w in content_words(body_sentence)}
    return len(head) >= 3 and len(head & body) >= 0.5 * len(head)


_CONDITIONAL = re.compile(r"^\W*(?:if|had|were|unless|should|suppose|imagine)\b", re.I)
_MENTAL_STATE = re.compile(
    r"\b(?:believes?|believed|thinks|thought|feels?|felt|fears?|feared|hopes?|hoped|wishes|"
    r"wants?|wanted|worried|leery|eager|frustrated|disturbed|humiliated|hopeful|impressed|"
    r"convinced|reluctant|likely|seems?|seemed|appears? to|perhaps|probably|pessimistic|"
    r"optimistic|skeptical|sceptical|confident|doubtful|speculation|speculate[sd]?)\b",
    re.I,
)


def is_speculation(sentence: str, quantities: tuple[Quantity, ...]) -> bool:
    """A conditional ("If Putin refuses...", "Had he accepted...") or a statement about what
    somebody believes, feels or wants, with no figure or date in it: nothing a checker can
    verify in the world."""
    if _CONDITIONAL.search(_BULLET.sub("", sentence, count=1)):
        return True
    return bool(_MENTAL_STATE.search(sentence) and not quantities and not _DIGIT.search(sentence))


def is_fragment(tags: list[tuple[int, int, str]] | None) -> bool:
    """No verb at all ("The Deep State, NATO bureaucracy, and Western liberalism."), read from
    the model's tags when the sentence was tagged."""
    return tags is not None and not any(pos in {"VERB", "AUX"} for _, _, pos in tags)


# Concrete acts in the past tense, the kind of event a record can confirm (not "mentioned",
# "showed", "seemed"): with a name and a middling score, such a sentence is a claim.
_PAST_EVENT = re.compile(
    r"\b(?:met|sent|signed|ordered|worked|served|visited|attended|voted|fired|hired|paid|spent|"
    r"bought|sold|built|invaded|annexed|attacked|killed|arrested|launched|banned|approved|"
    r"passed|vetoed|sanctioned|withdrew|deployed|imposed|raised|closed|opened|won|lost|"
    r"resigned|appointed|elected|founded|moved|flew|hosted|funded|donated|sued|charged|"
    r"convicted|sentenced|released|published|joined|called|tweeted|posted|kept|cut)\b"
)


# Fewer words than this and no figure: too little to check on its own ("Russia stalled.").
MIN_CLAIM_WORDS = 7
# Case matters: "US" is a country, "us" the writer.
_FIRST_PERSON = re.compile(r"\b(?:I|I['’]\w+|[Ww]e|[Ww]e['’]\w+|us|[Oo]ur|[Mm]y|me)\b")
_QUOTED_SPAN = re.compile(r"[\"“][^\"“”]*[\"”]|[\"“][^\"“”]*$")


def is_writer_voice(sentence: str) -> bool:
    """The writer speaking in the first person outside any quotation ("it reminds us of",
    "we saw this with"): commentary, not a claim about the world."""
    unquoted = _QUOTED_SPAN.sub(" ", sentence)
    return bool(_FIRST_PERSON.search(unquoted))


def never_a_claim(sentence: str, quantities: tuple[Quantity, ...] | None = None) -> bool:
    """What no score makes a claim: speculation; and, with no count, sum or share in it, the
    writer's own voice or a sentence too short to check on its own. The quantities are read
    only when a rule needs them (`None`: not read yet)."""
    if _CONDITIONAL.search(_BULLET.sub("", sentence, count=1)):
        return True
    mental = bool(_MENTAL_STATE.search(sentence))
    voice = is_writer_voice(sentence) or len(_WORD.findall(sentence)) < MIN_CLAIM_WORDS
    if not mental and not voice:
        return False
    if quantities is None:
        quantities = find_quantities(sentence)
    if mental and is_speculation(sentence, quantities):
        return True
    return voice and not any(q.unit != "year" for q in quantities)


def is_claim(
    sentence: str,
    score: float,
    threshold: float,
    quantities: tuple[Quantity, ...],
    entities: tuple[dict[str, Any], ...],
    claimant: str,
) -> bool:
    """The claim gate after the model's score. A sentence the model rates is a claim; one it
    rates low is a claim only with strong concrete evidence in it: a count, sum or share (not
    just a year), a quotation from a named speaker, or a past event of a named person or body
    (the model is tuned on debates and under-rates reported facts). Speculation is never a
    claim."""
    if never_a_claim(sentence, quantities):
        return False
    counted = [q for q in quantities if q.unit != "year"]
    if score >= threshold:
        return True
    if counted and score >= 0.1:
        return True
    if claimant and _QUOTE_MARKS.search(sentence) and score >= 0.25:
        return True
    named = any(e["label"] in {"PERSON", "ORG", "GPE", "NORP"} for e in entities)
    return bool(named and _PAST_EVENT.search(sentence) and score >= 0.15)


def is_self_reference(sentence: str) -> bool:
    """The writer narrating the article itself: "this story begins with...", "this article
    has been updated". Nothing in it is about the world."""
    return bool(_SELF_REFERENCE.search(sentence))


def has_checkable_detail(
    sentence: str, quantities: tuple[Quantity, ...], entities: tuple[dict[str, Any], ...]
) -> bool:
    """Whether a checker has something to look up: a named person, organisation, place, law
    or event, a number, a date that is pinned down ("in March", "2013", not "in recent
    weeks"), or quoted words. "The relationship has begun to show signs of strain" has none."""
    if quantities or _DIGIT.search(sentence) or _QUOTE_MARKS.search(sentence):
        return True
    for entity in entities:
        if entity["label"] in _CONCRETE_LABELS:
            return True
        if entity["label"] in {"DATE", "TIME"} and _MONTHS_AND_DAYS.search(entity["text"]):
            return True
    return False


_QUOTED = re.compile(r"[\"“]([^\"“”]+)[\"”]")
_ENDS_QUOTED = re.compile(r"[\"”][.!?]?\s*$|[.!?…][\"”]\s*$")
_QUOTE_VERBS = re.compile(
    rf"\b(?:{_SPEECH_VERBS}|called|calls|calling|described|describes|describing|dubbed|"
    r"branded|labell?ed|termed)\b"
)
_DURATION_UNITS = {"second", "minute", "hour", "day", "week", "month", "year", "decade", "century"}


def _is_quote(sentence: str, claimant: str) -> bool:
    """A quotation is the claim when the quoted words carry the sentence: it ends on the
    quote, or most of its words are quoted."""
    quoted = _QUOTED.findall(sentence)
    if not quoted or not (claimant or _QUOTE_VERBS.search(sentence)):
        return False
    quoted_words = sum(len(q.split()) for q in quoted)
    return bool(_ENDS_QUOTED.search(sentence)) or quoted_words >= 0.4 * len(sentence.split())


_SOURCE_NOUNS = re.compile(
    r"\b(?:sources?|officials?|advisers?|advisors?|aides?|people|persons?|analysts?|experts?|"
    r"diplomats?|witnesses|insiders|lawmakers|staffers|members|executives|employees|"
    r"residents|accounts?|reports?|interviews?|documents?|studies|surveys?)$"
)
_SOURCE_FOLLOWS = re.compile(
    rf"^[\s,]*(?:[\w’'-]+\s+){{0,5}}?(?:{_SPEECH_VERBS}|confirm(?:ed|s)?|den(?:ied|y|ies)|"
    r"disclosed|briefed|familiar with|with knowledge of|"
    r"who (?:spoke|asked|requested|declined)|speaking|interviewed|briefed|according)\b"
)


def is_source_count(sentence: str, quantity: Quantity) -> bool:
    """A count of the sources a sentence cites ("two outside advisers told us", "three people
    familiar with the talks said"): the claim is what they said, not how many they were."""
    if not _SOURCE_NOUNS.search(quantity.unit):
        return False
    at = sentence.find(quantity.text)
    if at < 0:
        return False
    return bool(_SOURCE_FOLLOWS.search(sentence[at + len(quantity.text) :]))


def _describes_age(quantity: Quantity) -> bool:
    """An age that describes a person ("a 34-year-old woman", "the driver, aged 81,", "the
    victim, 27,"): the sentence is about what happened to them, not about the number. "She
    is 104 years old" states the age and still counts."""
    return quantity.unit == "years old" and not re.search(
        r"\byears?\s+old\b", quantity.text, re.IGNORECASE
    )


def claim_kind(sentence: str, quantities: tuple[Quantity, ...], claimant: str) -> str:
    if _is_quote(sentence, claimant):
        return "quote"
    counted = [
        q
        for q in quantities
        if q.unit != "year" and not _describes_age(q) and not is_source_count(sentence, q)
    ]
    if _CAUSAL.search(sentence):
        return "causal"
    durations_only = counted and all(q.unit.rstrip("s") in _DURATION_UNITS for q in counted)
    if counted and not (durations_only and _EVENT_VERB.search(sentence)):
        return "quantity"
    if _COMPARISON.search(sentence) and (
        re.search(r"\b(than|since|record)\b", sentence)
        or (_SUPERLATIVE.search(sentence) and not _EVENT_VERB.search(sentence))
    ):
        return "comparison"
    if _PREDICTION.search(sentence) and not _EVENT_VERB.search(sentence):
        return "prediction"
    if _RULE.search(sentence) and not _PAST_EVENT.search(sentence):
        return "rule"  # "the bill bans..." is a rule; "the president signed the bill", an event
    if _PERSONAL.search(sentence):
        return "personal"
    if _EVENT_VERB.search(sentence):
        return "event"
    return "other"
