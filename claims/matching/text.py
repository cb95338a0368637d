"""What the matching rules compare in a claim's text: its content words (for BM25), its
numbers (normalised values) and whether it is negated. Tweets' links, handles and picture
addresses are noise, not content."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from claims.extraction.quantities import find_quantities

_NOISE = re.compile(
    r"https?://\S+|pic\.twitter\.com/\S+|www\.\S+|\S+@\S+\.\S+|@\w+|&(?:amp|lt|gt|quot);",
    re.IGNORECASE,
)
# "— Ilhan Omar (@IlhanMN) January 6, 2020": the name stays, the handle and date go.
_TWEET_SIGNATURE = re.compile(r"\s+[—–-]\s+([^—–]{1,80}?)\s*\(@\w+\)\s+\w+ \d{1,2}, \d{4}\s*$")
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")

# Function words carry no content for retrieval. Negations are kept out of this list's
# effect on the guard (see NEGATIONS): they are dropped for BM25 only.
STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself yourselves
    said says say saying told tells according also just like get got one s t re ve ll d m
    rt via amp""".split()  # noqa: SIM905
)

# Words that negate an assertion. A claim and its negation are different claims.
NEGATIONS = frozenset(
    """not no never none nobody nothing neither nor cannot without isn't aren't wasn't weren't
    don't doesn't didn't won't wouldn't can't couldn't shouldn't hasn't haven't hadn't
    mustn't""".split()  # noqa: SIM905
)

_SUFFIXES = (
    "ational",
    "ization",
    "fulness",
    "ousness",
    "iveness",
    "ations",
    "ments",
    "ingly",
    "ation",
    "ities",
    "ness",
    "ment",
    "ings",
    "ies",
    "ied",
    "ing",
    "ity",
    "ers",
    "ed",
    "es",
    "er",
    "ly",
    "s",
)


def clean(text: str) -> str:
    """The claim without tweet signatures, links and handles; hashtags become words."""
    # Each pattern runs only where the characters it needs occur: a worker tokenises every
    # stored claim at start, and most claims hold no link, handle or hashtag.
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    if "(@" in text:
        text = _TWEET_SIGNATURE.sub(r" \1", text)
    if "@" in text or "&" in text or "://" in text or ("." in text and _maybe_link(text)):
        text = _NOISE.sub(" ", text)
    if "#" in text:
        text = re.sub(r"#(\w+)", lambda m: " " + _CAMEL.sub(" ", m.group(1)) + " ", text)
    return " ".join(text.split())  # = re.sub(r"\s+", " ", text).strip(): both use str.isspace


def _maybe_link(text: str) -> bool:
    lowered = text.lower()  # the pattern ignores case (and meets a dotless i as an i)
    return "www." in lowered or "pic.twitter.com/" in lowered or "ı" in text or "İ" in text


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """A light suffix stripper: enough to meet `spent`/`spending`, `cuts`/`cut`."""
    if len(word) <= 4 or word.isdigit():
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _words(text: str) -> list[str]:
    text = text.lower().replace("’", "'")
    if "," in text:
        text = re.sub(r"(?<=\d),(?=\d{3})", "", text)
    return _WORD.findall(text)


def terms(text: str) -> list[str]:
    """Content-word stems for BM25 (numbers included: they are strong evidence)."""
    return [stem(w) for w in _words(clean(text)) if w not in STOPWORDS and w not in NEGATIONS]


# The database keeps each claim's terms (the `terms` column, written with the text), so that a
# worker starting over a million claims splits stored words instead of tokenising every text.
# Change anything terms() returns and bump this: a stored value of another version is not read
# (the text is tokenised again instead), so no stale terms ever reach the index.
TERMS_VERSION = "t1"
_PREFIX = TERMS_VERSION + ":"


def stored_terms(text: str) -> str:
    """What the `terms` column holds for `text`: the version, then terms() joined by spaces
    (no term holds a space)."""
    return _PREFIX + " ".join(terms(text))


def read_stored_terms(value: str | None) -> str | None:
    """The space-joined terms of a stored value, or None where it is missing or of another
    version (then the caller tokenises the text itself)."""
    if value is None or not value.startswith(_PREFIX):
        return None
    return value[len(_PREFIX) :]


_DENIAL = re.compile(r"\b(?:false|untrue|a myth|a lie) that\b")


def negations(text: str) -> int:
    """How many negations the claim holds (`not`, `never`, `didn't`, "it is false that" ...).

    Two claims link only with the same count: adding a negation anywhere changes it, even
    where another negation elsewhere in the sentence would fool a parity test."""
    words = _words(text)
    cues = sum(1 for w in words if w in NEGATIONS or w.endswith("n't"))
    return cues + len(_DENIAL.findall(text.lower()))


_CLAUSE = re.compile(r"[.;:!?,()\"“”]")
SCOPE_WORDS = 3


def negated_terms(text: str) -> frozenset[str]:
    """The content words a negation governs: up to three after each cue, within its clause
    (`has not allowed 300,000 aliens` -> allow, 300000, alien)."""
    governed: set[str] = set()
    for clause in _CLAUSE.split(re.sub(r"(?<=\d),(?=\d{3})", "", clean(text))):
        left = 0
        for word in _words(clause):
            if word in NEGATIONS or word.endswith("n't"):
                left = SCOPE_WORDS
            elif left and word not in STOPWORDS:
                governed.add(stem(word))
                left -= 1
    return frozenset(governed)


def negations_differ(one: str, other: str) -> bool:
    """True unless both claims hold as many negations, governing the same shared words."""
    if negations(one) != negations(other):
        return True
    shared = set(terms(one)) & set(terms(other))
    return bool((negated_terms(one) ^ negated_terms(other)) & shared)


def is_negated(text: str) -> bool:
    """True when the claim asserts with an odd number of negations."""
    return negations(text) % 2 == 1


_BARE = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?![\w])")


def numbers(text: str) -> frozenset[float]:
    """Every number the claim states, normalised (`$350 billion` -> 3.5e11; `seven` -> 7).

    Values found by the quantity parser, plus any bare figure it did not attach to a unit,
    so that no changed digit goes unseen."""
    text = clean(text)
    values = {round(float(q.value), 6) for q in find_quantities(text) if q.value is not None}
    for match in _BARE.finditer(text):
        value = float(match.group(1).replace(",", "") + "." + (match.group(2) or "0"))
        if not any(_same_figure(value, known) for known in values):
            values.add(round(value, 6))
    return frozenset(values)


def _same_figure(bare: float, parsed: float) -> bool:
    """`350` is the figure behind a parsed `$350 billion` (or `50` behind `50%` as 0.5)."""
    if abs(bare - parsed) < 1e-9:
        return True
    return bool(bare and parsed) and any(
        abs(parsed - bare * scale) < 1e-6 * abs(parsed) for scale in (1e3, 1e6, 1e9, 1e12, 0.01)
    )


def content_length(text: str) -> int:
    """Content words in the claim: very short claims are never linked automatically."""
    return len(terms(text))
