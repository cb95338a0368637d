"""Which sentences are claims, what kind, who made them, and how worth checking they are.

The kinds follow Full Fact's claim taxonomy (Konstantinovskiy et al., arXiv:1809.08193:
quantity, comparison, causal, rule, prediction, personal, other) plus quote and event."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

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
_IMPERATIVE = re.compile(
    r"^\s*(check|pay|remember|think|look|imagine|consider|don'?t|do not|read|watch|listen|"
    r"click|sign|subscribe|share|follow|visit|see)\b",
    re.IGNORECASE,
)
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
    r"explained|boasted|revealed|reveals|dropped"
)
_NAME = r"(?:[A-Z][a-zA-Z'’.-]+)(?:\s+(?:[A-Z][a-zA-Z'’.-]+|de|van|von|bin|al)){0,3}"
_TITLES = (
    r"President|Prime Minister|Senator|Sen\.|Rep\.|Gov\.|Mayor|Dr\.?|Mr\.?|Mrs\.?|Ms\.?|"
    r"Council leader|[Cc]ouncillor|leader|[Mm]inister|journalist|spokesperson|spokesman|"
    r"spokeswoman|secretary|Secretary"
)
_ROLE_NAME = rf"(?:(?:{_TITLES})\s+)?({_NAME})"
# Who speaks before a speech verb may also be "he" or "she" (", she said."): a pronoun
# resolves to the person named last (claimant_of).
_SPEAKER = rf"(?:(?:{_TITLES})\s+)?({_NAME}|\b(?:he|she)\b)"
_CLAIMANT_PATTERNS = [
    re.compile(rf"\baccording to (?:the )?{_ROLE_NAME}"),
    re.compile(rf"{_SPEAKER},?\s+(?:[^,.:;“\"]{{0,60}},\s+)?(?:{_SPEECH_VERBS})\b"),
    re.compile(rf"\b(?:{_SPEECH_VERBS})\s+{_ROLE_NAME}"),
    re.compile(rf"{_ROLE_NAME}(?:’s|'s)\s+(?:claim|assertion|statement|boast)\b"),
]
_PRONOUN_CLAIM = re.compile(r"\b(?:his|her|their) (?:claim|assertion|statement|boast)\b")
_PRONOUNS = {"He", "She", "They", "It", "We", "I", "You", "This", "That", "The", "But", "And"}
_NOT_PEOPLE = {
    "The",
    "This",
    "That",
    "But",
    "And",
    "In",
    "On",
    "At",
    "If",
    "As",
    "When",
    "While",
    "So",
    "Despite",
    "After",
    "Before",
    "Since",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "Moscow",
    "Washington",
    "Kyiv",
    "Kiev",
    "Russia",
    "Ukraine",
    "America",
    "Europe",
    "Congress",
    "Council",
    "The Atlantic",
    "Truth",
    "Why",
    "How",
    "What",
    "Experts",
    "Yet",
    "Then",
    "Now",
    "Multiple",
    "Some",
    "Many",
}

_COMPARISON = re.compile(
    r"\b(more|less|fewer|higher|lower|larger|smaller|bigger|biggest|largest|highest|lowest|"
    r"most|least|twice|double|half|worst|best|record|compared (with|to)|than|since \w+ began|"
    r"rose|risen|fell|fallen|increased?|decreased?|doubled|tripled)\b",
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
    r"annexed|invaded|blocked|threatened|withheld|was \w+ing|were \w+ing)\b",
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
    """Pure opinion, advice and asides with nothing checkable in them."""
    if _IMPERATIVE.search(sentence):
        return True
    return bool(
        _OPINION.search(sentence)
        and not _DIGIT.search(sentence)
        and not _QUOTE_MARKS.search(sentence)
    )


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
_QUOTE_VERBS = re.compile(rf"\b(?:{_SPEECH_VERBS}|called|calls|calling)\b")
_DURATION_UNITS = {"second", "minute", "hour", "day", "week", "month", "year", "decade", "century"}


def _is_quote(sentence: str, claimant: str) -> bool:
    """A quotation is the claim when the quoted words carry the sentence: it ends on the
    quote, or most of its words are quoted."""
    quoted = _QUOTED.findall(sentence)
    if not quoted or not (claimant or _QUOTE_VERBS.search(sentence)):
        return False
    quoted_words = sum(len(q.split()) for q in quoted)
    return bool(_ENDS_QUOTED.search(sentence)) or quoted_words >= 0.4 * len(sentence.split())


def claim_kind(sentence: str, quantities: tuple[Quantity, ...], claimant: str) -> str:
    if _is_quote(sentence, claimant):
        return "quote"
    counted = [q for q in quantities if q.unit != "year"]
    if _CAUSAL.search(sentence):
        return "causal"
    durations_only = counted and all(q.unit.rstrip("s") in _DURATION_UNITS for q in counted)
    if counted and not (durations_only and _EVENT_VERB.search(sentence)):
        return "quantity"
    if _COMPARISON.search(sentence) and re.search(r"\b(than|since|est|record)\b", sentence):
        return "comparison"
    if _PREDICTION.search(sentence) and not _EVENT_VERB.search(sentence):
        return "prediction"
    if _RULE.search(sentence):
        return "rule"
    if _PERSONAL.search(sentence):
        return "personal"
    if _EVENT_VERB.search(sentence):
        return "event"
    return "other"


def _surname_match(candidate: str, people: list[str]) -> str:
    last = candidate.split()[-1]
    for person in reversed(people):
        if person.split()[-1] == last:
            return person
    return ""


def _is_person(candidate: str, people: list[str], persons: list[str]) -> bool:
    first = candidate.split()[0]
    if candidate in _NOT_PEOPLE or first in _NOT_PEOPLE or first in _PRONOUNS:
        return False
    return (
        any(candidate in p or p in candidate for p in persons)
        or bool(_surname_match(candidate, people))
        or len(candidate.split()) >= 2
    )


def _overlapping(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    position = 0
    while (match := pattern.search(text, position)) is not None:
        yield match
        position = match.start() + 1


def claimant_of(sentence: str, people: list[str], persons: list[str] | None = None) -> str:
    """Who made the claim, where the sentence says: "X said", "according to X", "X's claim",
    "X ... detail: <claim>"; "his claim" and "..., she said" resolve to the nearest named
    person. Else ""."""
    persons = persons or []
    found: list[tuple[int, str]] = []
    for pattern in _CLAIMANT_PATTERNS:
        for match in _overlapping(pattern, sentence):
            candidate = match.group(1).strip().removesuffix("’s").removesuffix("'s").strip()
            if candidate.split()[0].capitalize() in _PRONOUNS:
                if people:
                    found.append((match.start(), people[-1]))
                continue
            if _is_person(candidate, people, persons):
                found.append((match.start(), full_name(candidate, people + persons)))
    if found:
        return min(found)[1]
    pronoun = _PRONOUN_CLAIM.search(sentence)
    if pronoun:
        before = sentence[: pronoun.start()]
        named = [p for p in persons if p in before] or [
            person for person in people if person.split()[-1] in before
        ]
        if named:
            return full_name(named[-1], people)
        return people[-1] if people else ""
    colon = sentence.find(":")
    if colon > 0:
        named = [p for p in persons if p in sentence[max(0, colon - 80) : colon]]
        if named:
            return full_name(named[-1], people)
    return ""


def full_name(name: str, previous_names: list[str]) -> str:
    """ "Trump" after "Donald Trump" is Donald Trump."""
    for earlier in reversed(previous_names):
        if earlier != name and earlier.endswith(" " + name):
            return earlier
    return name
