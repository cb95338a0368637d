"""Numbers in a sentence, normalised: money with scale and currency, counts (in digits or
words) with what they count, bounds ("more than", "as many as"), percentages, durations and
years. Nothing is invented: a date without a day stays a year."""

from __future__ import annotations

import re

from claims.extraction.types import Quantity

_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "a hundred": 100,
    "one hundred": 100,
    "a dozen": 12,
    "dozen": 12,
    "a thousand": 1000,
}
_SCALES = {
    "thousand": 1e3,
    "k": 1e3,
    "million": 1e6,
    "mn": 1e6,
    "m": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "b": 1e9,
    "trillion": 1e12,
    "tn": 1e12,
}
_CURRENCY_SYMBOLS = {"$": "USD", "us$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR"}
_CURRENCY_WORDS = {
    "dollars": "USD",
    "dollar": "USD",
    "euros": "EUR",
    "euro": "EUR",
    "pounds": "GBP",
    "pound": "GBP",
    "yen": "JPY",
    "rupees": "INR",
    "roubles": "RUB",
    "rubles": "RUB",
    "hryvnias": "UAH",
    "yuan": "CNY",
}
_BOUNDS = {
    "more than": "more than",
    "over": "more than",
    "upwards of": "more than",
    "in excess of": "more than",
    "exceeding": "more than",
    "less than": "less than",
    "fewer than": "less than",
    "under": "less than",
    "below": "less than",
    "about": "about",
    "around": "about",
    "roughly": "about",
    "approximately": "about",
    "nearly": "about",
    "almost": "about",
    "some": "about",
    "an estimated": "about",
    "up to": "up to",
    "as many as": "up to",
    "as much as": "up to",
    "at least": "at least",
    "at most": "at most",
    "no more than": "at most",
    "exactly": None,
}
_DURATIONS = {
    "second": "second",
    "minute": "minute",
    "hour": "hour",
    "day": "day",
    "week": "week",
    "month": "month",
    "year": "year",
    "decade": "decade",
    "century": "century",
}
# Words that end the noun phrase after a number ("80 senators, a veto-proof majority").
_STOP = {
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
    "that",
    "which",
    "who",
    "whom",
    "than",
    "as",
    "since",
    "until",
    "into",
    "per",
    "were",
    "was",
    "are",
    "is",
    "be",
    "been",
    "have",
    "has",
    "had",
    "will",
    "would",
    "could",
    "can",
    "may",
    "might",
    "did",
    "do",
    "does",
    "found",
    "said",
    "rose",
    "fell",
    "missed",
    "cross",
    "crossed",
    "each",
    "every",
    "a day",
    "this",
    "these",
    "those",
    "it",
    "its",
    "their",
    "his",
    "her",
    "our",
    "your",
    "my",
    "they",
    "he",
    "she",
    "we",
    "you",
    "i",
    "when",
    "where",
    "while",
    "if",
    "because",
    "after",
    "before",
    "during",
    "across",
    "over",
    "under",
    "about",
    "more",
    "less",
    "ago",
    "later",
    "earlier",
    "now",
    "then",
    "there",
    "here",
    "not",
    "no",
    "so",
    "too",
    "very",
    "also",
    "only",
    "just",
    "still",
    "already",
    "times",
    "per cent",
    "percent",
}
_ADJECTIVES = {
    "private",
    "new",
    "secret",
    "additional",
    "other",
    "separate",
    "different",
    "former",
    "current",
    "major",
    "small",
    "large",
    "big",
    "total",
    "extra",
    "further",
    "consecutive",
    "straight",
    "full",
    "whole",
    "entire",
    "recent",
    "previous",
    "past",
    "next",
    "last",
    "first",
    "several",
    "many",
    "few",
    "top",
    "senior",
    "local",
    "national",
    "foreign",
}

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_WORD_NUM = "|".join(sorted((re.escape(w) for w in _UNITS), key=len, reverse=True))
_BOUND = "|".join(sorted((re.escape(b) for b in _BOUNDS), key=len, reverse=True))
_SCALE = r"thousand|million|billion|trillion|mn|bn|tn|[kmb](?![a-z])"
_SYMBOL = r"US\$|\$|€|£|¥|₹"

_MONEY = re.compile(
    rf"(?:(?P<bound>{_BOUND})\s+)?(?P<sym>{_SYMBOL})\s?(?P<num>{_NUM})(?:\s?(?P<scale>{_SCALE}))?\b",
    re.IGNORECASE,
)
_MONEY_WORDS = re.compile(
    rf"(?:(?P<bound>{_BOUND})\s+)?(?P<num>{_NUM})(?:\s(?P<scale>thousand|million|billion|trillion))?"
    rf"\s(?P<cur>{'|'.join(_CURRENCY_WORDS)})\b",
    re.IGNORECASE,
)
_PERCENT = re.compile(
    rf"(?:(?P<bound>{_BOUND})\s+)?(?P<num>{_NUM})\s?(?:%|percent\b|per cent\b)", re.IGNORECASE
)
_DURATION = re.compile(
    rf"\b(?P<num>{_NUM}|{_WORD_NUM})-(?P<unit>{'|'.join(_DURATIONS)})s?\b", re.IGNORECASE
)
_COUNT_WORDS = "|".join(
    sorted((re.escape(w) for w in _UNITS if w not in {"one", "zero"}), key=len, reverse=True)
)
_COUNT = re.compile(
    rf"(?:\b(?P<bound>{_BOUND})\s+)?(?<![\w.,-])(?P<num>{_NUM}|{_COUNT_WORDS})(?:\s(?P<scale>thousand|million|billion))?"
    r"(?P<noun>(?:\s[A-Za-z][A-Za-z-]*){1,3})",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\b(?:in |since |by |until |from )?(?P<year>1[89]\d\d|20\d\d)\b")


def _number(text: str) -> float | None:
    key = text.lower().strip()
    if key in _UNITS:
        return float(_UNITS[key])
    try:
        return float(key.replace(",", ""))
    except ValueError:
        return None


def _clean(value: float) -> int | float:
    return int(value) if float(value).is_integer() else round(value, 6)


def _bound(text: str | None) -> str | None:
    return _BOUNDS.get(text.lower()) if text else None


def _unit_from(noun_words: str) -> str:
    words: list[str] = []
    for word in noun_words.split():
        if word.lower() in _STOP:
            break
        words.append(word)
    while words and words[0].lower() in _ADJECTIVES:
        words.pop(0)
    if not words or not words[-1].islower():
        return ""
    return " ".join(words[-2:]).lower()


def find_quantities(sentence: str) -> tuple[Quantity, ...]:
    """Quantities in document order, with no two overlapping."""
    found: list[tuple[int, int, Quantity]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e, _ in found)

    for match in _MONEY.finditer(sentence):
        num = _number(match["num"])
        if num is None or not free(match.start(), match.end()):
            continue
        scale = _SCALES.get((match["scale"] or "").lower(), 1)
        unit = _CURRENCY_SYMBOLS.get(match["sym"].lower(), "USD")
        text = match.group(0)[len(match["bound"]) :].strip() if match["bound"] else match.group(0)
        quantity = Quantity(text, _clean(num * scale), unit, _bound(match["bound"]))
        found.append((match.start(), match.end(), quantity))
    for match in _MONEY_WORDS.finditer(sentence):
        num = _number(match["num"])
        if num is None or not free(match.start(), match.end()):
            continue
        scale = _SCALES.get((match["scale"] or "").lower(), 1)
        unit = _CURRENCY_WORDS[match["cur"].lower()]
        quantity = Quantity(match.group(0), _clean(num * scale), unit, _bound(match["bound"]))
        found.append((match.start(), match.end(), quantity))
    for match in _PERCENT.finditer(sentence):
        num = _number(match["num"])
        if num is None or not free(match.start(), match.end()):
            continue
        found.append(
            (
                match.start(),
                match.end(),
                Quantity(match.group(0), _clean(num), "percent", _bound(match["bound"])),
            )
        )
    for match in _DURATION.finditer(sentence):
        num = _number(match["num"])
        if num is None or not free(match.start(), match.end()):
            continue
        unit = _DURATIONS[match["unit"].lower()]
        found.append((match.start(), match.end(), Quantity(match.group(0), _clean(num), unit)))
    for match in _COUNT.finditer(sentence):
        num = _number(match["num"])
        if num is None:
            continue
        unit = _unit_from(match["noun"])
        if not unit:
            continue
        if re.fullmatch(r"1[89]\d\d|20\d\d", match["num"]) and not match["bound"]:
            continue  # a year, not a count ("2018 Helsinki summit")
        scale = _SCALES.get((match["scale"] or "").lower(), 1)
        end = match.end()
        unit_pos = sentence.lower().find(unit, match.start("noun"))
        if unit_pos >= 0:
            end = unit_pos + len(unit)
        if not free(match.start(), end):
            continue
        start = match.start("num") if not match["bound"] else match.start()
        text = sentence[match.start("num") : end]
        quantity = Quantity(text, _clean(num * scale), unit, _bound(match["bound"]))
        found.append((start, end, quantity))
    for match in _YEAR.finditer(sentence):
        start, end = match.start("year"), match.end("year")
        if not free(start, end):
            continue
        found.append((start, end, Quantity(match["year"], int(match["year"]), "year")))
    found.sort(key=lambda item: item[0])
    return tuple(q for _, _, q in found)
