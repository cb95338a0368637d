"""Numbers in a sentence, normalised: money with scale and currency, counts (in digits or
words) with what they count, bounds ("more than", "no less than", "exceeds"), percentages,
durations, ages and years.

A small number grammar of our own reads the numerals: digits with comma or space thousands
("1,234,567", "1 234 567"), decimals with a scale word or an attached scale in money
("$2.174T", "€15m"), and number words ("one hundred and sixteen", "fifty-two", "a dozen").
The README says why it is not a library (quantulum3 was measured and left out).

What is counted is the noun phrase after the number. With the part-of-speech tags of the
model (`tags`), the phrase is the run of nouns and adjectives after the number, so it stops
before the verb ("300 people attended" counts people); without tags, a word list stands in.

Never silently wrong: a number whose reading is uncertain (a bare "5m", a broken run of
number words, a number in a web address) is left out rather than guessed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from claims.extraction.types import Quantity

# --- number words ---------------------------------------------------------------------------

_SMALL = {
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
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_BIG = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_WORDS = sorted([*_SMALL, *_TENS, "hundred", *_BIG, "dozen"], key=len, reverse=True)
_NUMBER_WORD = "|".join(_WORDS)
# A run of number words: "one hundred and sixteen", "fifty-two", "a dozen", "two million".
_WORD_RUN = (
    rf"(?:\ban?\s+(?=(?:hundred|thousand|million|billion|dozen)\b))?"
    rf"\b(?:{_NUMBER_WORD})\b(?:(?:\s+and\s+|\s+|-)(?:{_NUMBER_WORD})\b)*"
)


def words_value(phrase: str) -> float | None:
    """The value of a run of number words, or None when the run is not a well-formed number
    ("two three", "hundred and")."""
    tokens = [t for t in re.split(r"[\s-]+", phrase.lower()) if t]
    if tokens and tokens[0] in {"a", "an"}:
        tokens[0] = "one"
    total = 0.0
    current = 0.0
    previous = ""  # the class of the last word: small, tens, hundred, big, and
    for word in tokens:
        if word == "and":
            if previous not in {"hundred", "big"}:
                return None
            previous = "and"
            continue
        if word in _SMALL:
            value = _SMALL[word]
            if previous == "small" or (previous == "tens" and value >= 10):
                return None
            current += value
            previous = "small"
        elif word in _TENS:
            if previous in {"small", "tens"}:
                return None
            current += _TENS[word]
            previous = "tens"
        elif word == "hundred":
            if previous not in {"small", "tens", ""} or current >= 100:
                return None
            current = (current or 1) * 100
            previous = "hundred"
        elif word == "dozen":
            if previous not in {"small", ""} or len(tokens) > 2:
                return None
            current = (current or 1) * 12
            previous = "small"
        elif word in _BIG:
            if previous in {"and", "big"} and not current:
                return None
            total += (current or 1) * _BIG[word]
            current = 0
            previous = "big"
        else:
            return None
    if previous == "and":
        return None
    return total + current


# --- the pieces of a quantity ----------------------------------------------------------------

_DIGITS = (
    r"(?<![\w.,$€£¥-])(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?!\d|[,.]\d)"
    r"|\d+(?:\.\d+)?)(?![\d])"
)
_SCALE_WORDS = {
    "thousand": 1e3,
    "million": 1e6,
    "mn": 1e6,
    "mln": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "trillion": 1e12,
    "tn": 1e12,
    "trn": 1e12,
    "lakh": 1e5,
    "crore": 1e7,
}
# Single letters are scales only attached to a figure of money: "$2.174T", "€15m", "£3bn".
_ATTACHED_SCALES = {"k": 1e3, "m": 1e6, "b": 1e9, "t": 1e12}
_SCALE = r"(?:\s?(?:thousand|million|billion|trillion|mn|mln|bn|tn|trn|lakh|crore)\b)"
_ATTACHED = r"(?:[kKmMbBtT](?![\w]))"

_CURRENCY_PREFIXES = {
    "$": "USD",
    "us$": "USD",
    "c$": "CAD",
    "ca$": "CAD",
    "can$": "CAD",
    "a$": "AUD",
    "au$": "AUD",
    "nz$": "NZD",
    "hk$": "HKD",
    "s$": "SGD",
    "r$": "BRL",
    "nt$": "TWD",
    "mx$": "MXN",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₹": "INR",
    "₽": "RUB",
    "₩": "KRW",
    "₺": "TRY",
    "₴": "UAH",
    "₪": "ILS",
    "rs": "INR",
    "rs.": "INR",
}
_ISO_CODES = {
    "USD",
    "EUR",
    "GBP",
    "JPY",
    "CNY",
    "RMB",
    "CAD",
    "AUD",
    "NZD",
    "CHF",
    "HKD",
    "SGD",
    "INR",
    "RUB",
    "UAH",
    "BRL",
    "MXN",
    "ZAR",
    "KRW",
    "TRY",
    "SEK",
    "NOK",
    "DKK",
    "PLN",
    "ILS",
    "AED",
    "SAR",
    "NGN",
    "KES",
    "TWD",
}
_CURRENCY_WORDS = {
    "dollars": "USD",
    "dollar": "USD",
    "euros": "EUR",
    "euro": "EUR",
    "pounds sterling": "GBP",
    "pounds": "GBP",
    "pound": "GBP",
    "yen": "JPY",
    "rupees": "INR",
    "roubles": "RUB",
    "rubles": "RUB",
    "hryvnias": "UAH",
    "yuan": "CNY",
    "francs": "CHF",
    "pesos": "MXN",
    "rand": "ZAR",
    "won": "KRW",
    "swiss francs": "CHF",
    "swiss franc": "CHF",
    "japanese yen": "JPY",
    "indian rupees": "INR",
    "chinese yuan": "CNY",
    "russian roubles": "RUB",
    "russian rubles": "RUB",
    "south african rand": "ZAR",
    "mexican pesos": "MXN",
    "brazilian reais": "BRL",
    "reais": "BRL",
    "turkish lira": "TRY",
    "zlotys": "PLN",
    "zloty": "PLN",
    "kronor": "SEK",
    "shekels": "ILS",
    "naira": "NGN",
    "dirhams": "AED",
    "riyals": "SAR",
}
_DOLLAR_COUNTRIES = {
    "us": "USD",
    "u.s.": "USD",
    "american": "USD",
    "canadian": "CAD",
    "australian": "AUD",
    "new zealand": "NZD",
    "hong kong": "HKD",
    "singapore": "SGD",
    "taiwan": "TWD",
}

_PREFIX = (
    r"(?P<sym>(?:US|CA|CAN|C|AU|A|NZ|HK|S|R|NT|MX)\$|\$|€|£|¥|₹|₽|₩|₺|₴|₪|(?<![A-Za-z])Rs\.?)"
    rf"|(?P<iso>\b(?:{'|'.join(sorted(_ISO_CODES))})\b)"
)
_NUMBER = rf"(?P<num>{_DIGITS})"
_MONEY_PREFIXED = re.compile(
    rf"(?:{_PREFIX})\s?(?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?"
    rf"|\d{{1,3}}(?:[ \u00a0]\d{{3}})+(?!\d|[,.]\d)|\d+(?:\.\d+)?)(?![\d])"
    rf"(?:(?P<scale>{_SCALE})|(?P<attached>{_ATTACHED}))?"
)
_COUNTRY = "|".join(re.escape(c) for c in sorted(_DOLLAR_COUNTRIES, key=len, reverse=True))
_MONEY_SUFFIXED = re.compile(
    rf"(?P<num>{_DIGITS}|{_WORD_RUN})(?P<scale>{_SCALE})?\s?"
    rf"(?:(?P<iso>\b(?:{'|'.join(sorted(_ISO_CODES))})\b)|(?P<sym>€|£|\$)(?![\w])"
    rf"|(?:(?P<country>{_COUNTRY})\s+)?(?P<word>"
    rf"{'|'.join(sorted((re.escape(w) for w in _CURRENCY_WORDS), key=len, reverse=True))})\b)",
    re.IGNORECASE,
)
_PERCENT = re.compile(
    rf"(?P<num>{_DIGITS}|{_WORD_RUN})\s?(?P<unit>%|percentage points?\b|per ?cent\b|(?-i:pc)\b)",
    re.IGNORECASE,
)
_DURATION_UNITS = ("second", "minute", "hour", "day", "week", "month", "year", "decade", "century")
_HYPHENATED = re.compile(
    rf"(?P<num>{_DIGITS}|{_WORD_RUN})-(?P<unit>{'|'.join(_DURATION_UNITS)})s?"
    r"(?P<old>-old)?(?![\w-])",
    re.IGNORECASE,
)
_AGE = re.compile(
    rf"\b(?:aged\s+(?P<num>\d{{1,3}})(?!\d|[,.]\d)|(?P<num2>\d{{1,3}}|{_WORD_RUN})\s+years?\s+old\b)",
    re.IGNORECASE,
)
# An age in apposition: "The victim, 27, was..." / "Jonas Berg, 62, a fisherman": a bare
# whole number between commas right after a name or a noun for a person, then what goes on
# about one person (an article, "who", a singular verb: not "Liverpool, 3, were top", not a
# list of numbers, not "Arsenal, 3, Chelsea 1"), not after a date or a place ("In Texas, 14,").
_AGE_APPOSITION = re.compile(
    r"(?:\b[A-Z][a-z][\w'’-]*|\b(?:victim|man|woman|boy|girl|driver|suspect|mother|father|son|"
    r"daughter|teenager|pensioner|passenger|resident|wife|husband|patient|worker|officer|"
    r"student|nurse|doctor|teacher|soldier|farmer|owner|survivor|witness)),\s"
    r"(?P<num>\d{1,3}),\s"
    r"(?=(?:a|an|the|from|of|who|whose|was|is|has|had|said|says|told|died|his|her)\b)"
)
# "In Texas, 14, ...": a place after a preposition, not a person with an age.
_PLACE_BEFORE = re.compile(r"\b(?:in|at|across|from|for|on|of|to|by|near|outside)\s+$", re.I)
_NOT_PEOPLE = re.compile(
    r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|January|February|March|April|May|June|July|"
    r"August|September|October|November|December"
)
_COUNT_NUMBER = re.compile(
    rf"{_NUMBER}(?P<scale>\s(?:thousand|million|billion|trillion|lakh|crore)\b)?"
)
# "half a million", "a quarter of a million": a share of a scale, read as the value it is.
_FRACTION_OF_SCALE = re.compile(
    r"\b(?:(?P<count>a|one|two|three|four|\d)\s+)?(?P<part>half|quarters?|thirds?)\s+"
    r"(?:of\s+)?an?\s+(?P<scale>million|billion|trillion)\b"
    r"|\b(?P<whole>one|two|three|four|five|six|seven|eight|nine|ten|\d{1,3})\s+and\s+a\s+"
    r"(?P<half>half)\s+(?P<scale2>million|billion|trillion)\b",
    re.IGNORECASE,
)
_PARTS = {"half": 0.5, "quarter": 0.25, "third": 1 / 3}
# A figure of money inside such a share is left out: "half a billion dollars".
_SHARE_BEFORE = re.compile(r"\b(?:half|quarters?|thirds?|and\s+a\s+half)\s+(?:of\s+)?$", re.I)
# A share is not a count: "two thirds of voters" counts no thirds.
_SHARE_UNITS = frozenset(
    [
        "half",
        "halves",
        "third",
        "thirds",
        "quarter",
        "quarters",
        "fifth",
        "fifths",
        "sixth",
        "sixths",
        "tenth",
        "tenths",
        "percent",
    ]
)
# Adjectives that belong to a unit of measure ("40 billion cubic metres").
_MEASURE_ADJECTIVES = ("cubic", "square")
# A clock time ("3pm", "7 a.m."): no count.
_CLOCK = re.compile(r"\s?(?:[ap]\.m\.|[ap]m\b|GMT\b|BST\b|CET\b|EST\b|EDT\b|o['’]clock)", re.I)
# "12 of the 50 states": the number counts what the noun phrase after "of the ..." names.
_PART_OF = re.compile(
    r"\s+of\s+(?:the|those|these|its|their|his|her|our)\s+(?:\w+['’]s\s+)?"
    rf"(?:(?:\d[\d,]*|(?:{_NUMBER_WORD}))\s+)?(?=[a-z])",
    re.IGNORECASE,
)
_COUNT_WORDS = re.compile(_WORD_RUN, re.IGNORECASE)
_YEAR = re.compile(r"(?<![\w.,$€£-])(?P<year>1[89]\d\d|20\d\d)(?![\w%])(?!,\d)")
_WEB = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+|\S+\.(?:com|org|net|gov|html?)\S*")

# Bounds: the words just before a quantity, and a few just after it ("or more").
_BOUNDS_BEFORE = {
    "more than": "more than",
    "greater than": "more than",
    "higher than": "more than",
    "over": "more than",
    "above": "more than",
    "upwards of": "more than",
    "in excess of": "more than",
    "exceeding": "more than",
    "exceeds": "more than",
    "exceeded": "more than",
    "exceed": "more than",
    "surpassing": "more than",
    "topping": "more than",
    "topped": "more than",
    "tops": "more than",
    "surpassed": "more than",
    "surpasses": "more than",
    "well over": "more than",
    "just over": "more than",
    "at least": "at least",
    "no less than": "at least",
    "no fewer than": "at least",
    "not less than": "at least",
    "not fewer than": "at least",
    "a minimum of": "at least",
    "less than": "less than",
    "fewer than": "less than",
    "lower than": "less than",
    "under": "less than",
    "below": "less than",
    "just under": "less than",
    "nearly": "less than",
    "almost": "less than",
    "close to": "about",
    "at most": "at most",
    "no more than": "at most",
    "not more than": "at most",
    "a maximum of": "at most",
    "up to": "up to",
    "as many as": "up to",
    "as much as": "up to",
    "about": "about",
    "around": "about",
    "roughly": "about",
    "approximately": "about",
    "approx.": "about",
    "circa": "about",
    "some": "about",
    "an estimated": "about",
    "estimated": "about",
}
_BOUND_BEFORE = re.compile(
    r"\b(?P<bound>"
    + "|".join(sorted((re.escape(b) for b in _BOUNDS_BEFORE), key=len, reverse=True))
    + r")\s+(?:an?\s+)?$",
    re.IGNORECASE,
)
_BOUND_AFTER = re.compile(r"^\s+or\s+(?P<bound>more|fewer|less)\b", re.IGNORECASE)

# Words that end the counted noun phrase when there are no tags.
_STOP = set(
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
        "being",
        "have",
        "has",
        "had",
        "will",
        "would",
        "could",
        "can",
        "may",
        "might",
        "shall",
        "should",
        "must",
        "did",
        "do",
        "does",
        "said",
        "says",
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
        "each",
        "every",
        "percent",
    ]
)
_ADJECTIVES = set(
    [
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
    ]
)
# Verbs that follow a count often enough to end its noun phrase when there are no tags.
_COMMON_VERBS = set(
    [
        "remain",
        "remains",
        "say",
        "live",
        "lives",
        "work",
        "works",
        "face",
        "faces",
        "need",
        "needs",
        "want",
        "wants",
        "die",
        "dies",
        "go",
        "goes",
        "went",
        "come",
        "comes",
        "came",
        "make",
        "makes",
        "take",
        "takes",
        "get",
        "gets",
        "got",
        "lose",
        "loses",
        "lost",
        "win",
        "wins",
        "won",
        "vote",
        "votes",
        "stay",
        "stays",
        "wait",
        "waits",
        "left",
        "fled",
        "fly",
        "flew",
        "run",
        "runs",
        "ran",
        "sit",
        "sits",
        "sat",
        "stand",
        "stands",
        "stood",
        "use",
        "uses",
        "hold",
        "holds",
        "held",
        "own",
        "owns",
        "earn",
        "earns",
        "pay",
        "pays",
        "paid",
        "receive",
        "receives",
    ]
)
_NOUN_TAGS = {"NOUN"}
_PHRASE_TAGS = {"NOUN", "ADJ", "PROPN"}


def _clean(value: float) -> int | float:
    return int(value) if float(value).is_integer() else round(value, 6)


def _digits_value(text: str) -> float | None:
    try:
        return float(re.sub(r"[,\s\u00a0\u202f]", "", text))
    except ValueError:
        return None


def _value(text: str) -> float | None:
    text = text.strip()
    if text[:1].isdigit():
        return _digits_value(text)
    return words_value(text)


def _bound_before(sentence: str, start: int) -> tuple[str | None, int]:
    match = _BOUND_BEFORE.search(sentence[max(0, start - 30) : start])
    if match is None:
        return None, start
    return _BOUNDS_BEFORE[match["bound"].lower()], start - (len(match.group(0)))


def _share_value(match: re.Match[str]) -> float | None:
    """ "three quarters of a million" -> 750,000; "two and a half million" -> 2,500,000."""
    if match["half"]:
        whole = _value(match["whole"])
        return None if whole is None else (whole + 0.5) * _SCALE_WORDS[match["scale2"].lower()]
    count = 1.0 if match["count"] in {None, "a", "A"} else _value(match["count"])
    part = _PARTS[match["part"].lower().removesuffix("s")]
    return None if count is None else count * part * _SCALE_WORDS[match["scale"].lower()]


def _over_a_period(text: str, start: int, unit: str) -> bool:
    """ "over ten years" right after another figure is the time that figure took ("studied
    12,000 patients over 8 years", "£5bn over 10 years", "fell 5% over a decade"), not a
    bound; anywhere else ("sentenced to over 10 years", "the highest in over 20 years") it
    is one."""
    if not unit.rstrip("s").endswith(_DURATION_UNITS):
        return False
    before = text[max(0, start - 40) : start]
    return bool(
        re.search(
            r"\d(?:[\d,.]*\d)?\s*(?:%|[A-Za-z]+(?:\s+[a-z]+)?)?\s+over\s+$", before, re.IGNORECASE
        )
    )


def _bound_after(sentence: str, end: int) -> str | None:
    match = _BOUND_AFTER.search(sentence[end : end + 12])
    if match is None:
        return None
    return "at least" if match["bound"].lower() == "more" else "at most"


_RANGE_BEFORE = re.compile(
    r"\b(?:between|from)\s+\S{1,12}(?:\s+(?:thousand|million|billion|trillion))?\s+(?:and|to)\s+$",
    re.IGNORECASE,
)
_RANGE_AFTER = re.compile(r"^\s+(?:and|to)\s+\S*\d", re.IGNORECASE)


_CHANGE = re.compile(
    r"\b(?:rose|risen|rising|fell|fallen|falling|grew|grown|increased|decreased|dropped|"
    r"climbed|jumped|surged|slipped|declined|cut|raised|lowered|went up|went down|up|down)\s+"
    r"(?:\w+\s+){0,2}$",
    re.IGNORECASE,
)


_RATIO_BEFORE = re.compile(rf"\b(?:\d+|{_NUMBER_WORD})\s+(?:in|out of)\s+$", re.IGNORECASE)
_RATIO_AFTER = re.compile(rf"^\s+(?:in|out of)\s+(?:\d|(?:{_NUMBER_WORD})\b)", re.IGNORECASE)


def _in_range(text: str, start: int, end: int) -> bool:
    """Either end of a range ("between 10 and 20 people", "from 5 to 8 hours"): one value
    would misstate it, so neither is given. A change ("rose from $5m to $8m") is two values,
    both given."""
    if _RATIO_BEFORE.search(text[max(0, start - 20) : start]) or _RATIO_AFTER.search(text[end:]):
        return True  # "one in five adults": a ratio, not a count of five
    match = _RANGE_BEFORE.search(text[max(0, start - 40) : start])
    if match is None:
        before = text[max(0, start - 12) : start]
        opening = re.search(r"\b(?:between|from)\s+$", before, re.IGNORECASE)
        if not (opening and _RANGE_AFTER.search(text[end:])):
            return False
        word_at = start - len(before) + opening.start()
    else:
        word_at = max(0, start - 40) + match.start()
    if text[word_at : word_at + 4].lower() == "from":
        return not _CHANGE.search(text[max(0, word_at - 30) : word_at])
    return True


def _masked(sentence: str) -> str:
    """The sentence with web and e-mail addresses blanked (same length, so offsets hold)."""
    return _WEB.sub(lambda m: " " * len(m.group(0)), sentence)


def _unit_from_tags(
    sentence: str, after: int, tags: Sequence[tuple[int, int, str]]
) -> tuple[str, int]:
    """The counted noun phrase after a number, from the model's tags: the run of nouns and
    adjectives that follows, up to the first word of another kind (a verb, a preposition)."""
    phrase: list[tuple[int, int, str]] = []
    for start, end, pos in tags:
        if start < after:
            continue
        if not phrase and sentence[after:start].strip():
            return "", after  # something other than white space between number and noun
        if phrase and phrase[-1][2] == "NOUN" and pos != "NOUN":
            break  # the noun phrase ends with its nouns ("three libraries next year")
        if pos in _PHRASE_TAGS and sentence[start:end][:1].isalpha():
            phrase.append((start, end, pos))
            if len(phrase) >= 4:
                break
            continue
        break
    while phrase and phrase[-1][2] != "NOUN":
        phrase.pop()
    if not phrase:
        return "", after
    nouns: list[tuple[int, int, str]] = []
    for item in reversed(phrase):
        if item[2] != "NOUN" or len(nouns) == 2:
            break
        nouns.insert(0, item)
    words = [sentence[s:e] for s, e, _ in nouns]
    if not all(w.islower() for w in words):
        return "", after
    return " ".join(words).lower(), nouns[-1][1]


def _unit_at(
    sentence: str, after: int, tags: Sequence[tuple[int, int, str]] | None
) -> tuple[str, int]:
    """What is counted after position `after`, and where its words end: from the tags when
    the sentence was parsed, else from word lists."""
    if tags is not None:
        return _unit_from_tags(sentence, after, tags)
    return _unit_from_words(sentence, after)


def _unit_from_words(sentence: str, after: int) -> tuple[str, int]:
    words: list[tuple[int, int]] = []
    for match in re.finditer(r"[A-Za-z][A-Za-z-]*|\S", sentence[after:]):
        text = match.group(0)
        if not words and sentence[after : after + match.start()].strip():
            return "", after
        if not text[0].isalpha() or text.lower() in _STOP or len(words) == 3:
            break
        if words and text.lower() in _COMMON_VERBS:
            break  # "90 seats remain"
        if len(text) > 3 and text.lower().endswith("ed") and words:
            break  # "300 people attended": a verb ends the phrase
        words.append((after + match.start(), after + match.end()))
    while words and sentence[words[0][0] : words[0][1]].lower() in _ADJECTIVES:
        words.pop(0)
    if not words:
        return "", after
    chosen = words[-2:]
    texts = [sentence[s:e] for s, e in chosen]
    if not all(t.islower() for t in texts):
        return "", after
    return " ".join(texts).lower(), chosen[-1][1]


def find_quantities(
    sentence: str, tags: Sequence[tuple[int, int, str]] | None = None
) -> tuple[Quantity, ...]:
    """Quantities in document order, with no two overlapping.

    `tags`, if given, are (start, end, coarse part of speech) of the sentence's tokens, with
    offsets into `sentence`."""
    text = _masked(sentence)
    found: list[tuple[int, int, Quantity]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e, _ in found)

    def add(start: int, end: int, value: float | None, unit: str) -> None:
        if value is None or not free(start, end) or _in_range(text, start, end):
            return
        if _SHARE_BEFORE.search(text[max(0, start - 20) : start]):
            return  # "half a billion dollars": the share is read with the counts below
        bound, _ = _bound_before(text, start)
        bound = bound or _bound_after(text, end)
        found.append((start, end, Quantity(sentence[start:end], _clean(value), unit, bound)))

    for match in _MONEY_PREFIXED.finditer(text):
        value = _digits_value(match["num"])
        if value is None:
            continue
        if match["attached"]:
            value *= _ATTACHED_SCALES[match["attached"].lower()]
        elif match["scale"]:
            value *= _SCALE_WORDS[match["scale"].strip().lower()]
        unit = _CURRENCY_PREFIXES[match["sym"].lower()] if match["sym"] else match["iso"].upper()
        add(match.start(), match.end(), value, "CNY" if unit == "RMB" else unit)
    for match in _MONEY_SUFFIXED.finditer(text):
        if match["iso"] and not match["iso"].isupper():
            continue  # "200 usd" in lower case is more likely noise than a code
        value = _value(match["num"])
        if value is None:
            continue
        if match["scale"]:
            value *= _SCALE_WORDS[match["scale"].strip().lower()]
        if match["iso"]:
            unit = match["iso"].upper()
        elif match["sym"]:
            unit = _CURRENCY_PREFIXES[match["sym"]]
        else:
            word = match["word"].lower()
            unit = _CURRENCY_WORDS[word]
            if match["country"]:
                if not word.startswith("dollar"):
                    continue
                unit = _DOLLAR_COUNTRIES[match["country"].lower()]
            if word.startswith("pound") and re.match(r"\s+of\b", text[match.end() :]):
                continue  # "200 pounds of cocaine" is a weight
        add(match.start(), match.end(), value, "CNY" if unit == "RMB" else unit)
    for match in _PERCENT.finditer(text):
        unit = "percentage points" if match["unit"].lower().startswith("percentage") else "percent"
        add(match.start(), match.end(), _value(match["num"]), unit)
    for match in _AGE.finditer(text):
        number = match["num"] or match["num2"]
        add(match.start(), match.end(), _value(number), "years old")
    for match in _AGE_APPOSITION.finditer(text):
        who = match.group(0).split(",")[0]
        if (
            0 < int(match["num"]) <= 120
            and not _NOT_PEOPLE.fullmatch(who)
            and not _PLACE_BEFORE.search(text[max(0, match.start() - 12) : match.start()])
        ):
            add(match.start("num"), match.end("num"), int(match["num"]), "years old")
    for match in _HYPHENATED.finditer(text):
        unit = match["unit"].lower()
        if match["old"]:
            add(match.start(), match.end(), _value(match["num"]), "years old")
        else:
            add(match.start(), match.end(), _value(match["num"]), unit)
    fractions = [(m.start(), m.end(), m.group(0), None) for m in _FRACTION_OF_SCALE.finditer(text)]
    counts = (
        fractions
        + [(m.start(), m.end(), m["num"], m["scale"]) for m in _COUNT_NUMBER.finditer(text)]
        + [(m.start(), m.end(), m.group(0), None) for m in _COUNT_WORDS.finditer(text)]
    )
    for start, end, number, scale in sorted(counts, key=lambda c: (c[0], -c[1])):
        if any(f[0] < start < f[1] for f in fractions):
            continue  # "a million" inside "a quarter of a million"
        if not free(start, end) or text[end : end + 1] in {"-", ":", "/", "%"}:
            continue
        if number.strip().lower() in {"one", "zero", "dozen"}:
            continue  # "one of the", "one day": too often no count at all
        if re.fullmatch(r"1[89]\d\d|20\d\d", number) and _bound_before(text, start)[0] is None:
            continue  # a year, not a count ("2018 Helsinki summit")
        fraction = _FRACTION_OF_SCALE.fullmatch(number)
        value = _share_value(fraction) if fraction else _value(number)
        if value is None:
            continue
        if scale:
            value *= _SCALE_WORDS[scale.strip().lower()]
        elif re.match(r"\s?(?:mn|bn|tn|[kmbt])\b", text[end : end + 4], re.IGNORECASE):
            continue  # "5m" without a currency: metres or millions? left out
        if _CLOCK.match(text, end):
            continue  # "at 3pm"
        unit, unit_end = _unit_at(sentence, end, tags)
        if not unit and (part := _PART_OF.match(text, end)):
            # "Only 12 of the 50 states": 12 states, its span the number alone (the 50 is
            # its own quantity)
            unit = _unit_at(sentence, part.end(), tags)[0]
            unit_end = end
        if re.match(r"/[A-Za-z]", text[unit_end : unit_end + 2]):
            continue  # "320 km/h", "5 mg/l": a rate, not a count of kilometres
        if not unit or not free(start, unit_end) or _in_range(text, start, end):
            continue
        if unit.split()[-1] in _SHARE_UNITS:
            continue  # "two thirds of voters"
        if unit in _CURRENCY_WORDS:
            unit = _CURRENCY_WORDS[unit]  # "half a billion dollars"
        lead = re.match(rf"\s*({'|'.join(_MEASURE_ADJECTIVES)})\s", sentence[end:unit_end])
        if lead and not unit.startswith(lead.group(1).lower()):
            unit = f"{lead.group(1).lower()} {unit}"  # "cubic metres"
        bound = _bound_before(text, start)[0] or _bound_after(text, unit_end)
        if bound == "more than" and _over_a_period(text, start, unit):
            bound = None  # "studied 12,000 patients over 8 years": during, not more than
        found.append(
            (start, unit_end, Quantity(sentence[start:unit_end], _clean(value), unit, bound))
        )
    for match in _YEAR.finditer(text):
        start, end = match.start("year"), match.end("year")
        if free(start, end):
            found.append((start, end, Quantity(match["year"], int(match["year"]), "year")))
    found.sort(key=lambda item: item[0])
    return tuple(q for _, _, q in found)
