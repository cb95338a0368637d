"""Sentence spans over the text as received (offsets, never a rewritten copy).

A rule-based splitter: paragraph breaks always end a sentence; within a paragraph a sentence
ends at . ! ? (and a closing quote or bracket after it) followed by a space and an upper-case
letter, digit or opening quote, unless the period closes a known abbreviation or an initial.
It never splits inside a quotation, and it tolerates machine-translated text with odd
punctuation (a paragraph with no sentence punctuation is one span, cut at a bounded length).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

MAX_SENTENCE_CHARS = 1000

# Titles and other abbreviations that stand before a name: never the end of a sentence.
_PREPOSITIVE = {
    "mr",
    "mrs",
    "ms",
    "mx",
    "dr",
    "prof",
    "sen",
    "sens",
    "rep",
    "reps",
    "gov",
    "govs",
    "gen",
    "gens",
    "col",
    "lt",
    "sgt",
    "capt",
    "maj",
    "adm",
    "cmdr",
    "cpl",
    "pvt",
    "rev",
    "revs",
    "hon",
    "pres",
    "amb",
    "atty",
    "insp",
    "det",
    "supt",
    "fr",
    "messrs",
    "mme",
    "mlle",
    "st",
    "mt",
    "ft",
    "ste",
    "v",
    "vs",
    "cf",
    "approx",
    "ca",
    "e.g",
    "i.e",
}
# Abbreviations that may also end a sentence ("...and Co. It closed"): a boundary only when a
# word that opens sentences follows.
_POSTPOSITIVE = {
    "etc",
    "inc",
    "ltd",
    "co",
    "corp",
    "jr",
    "sr",
    "bros",
    "plc",
    "llc",
    "u.s",
    "u.k",
    "u.n",
    "e.u",
    "u.s.a",
    "a.m",
    "p.m",
    "est",
    "dept",
    "al",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "univ",
    "assn",
    "ave",
    "blvd",
    "rd",
    "phd",
}
# Abbreviations that stand before a number only ("No. 10", "p. 55", "Art. 5").
_BEFORE_NUMBER = {"no", "nos", "p", "pp", "vol", "art", "fig", "figs", "sec", "ch", "para", "op"}
# Words that open sentences (attribution reads them too: none is anyone's first name).
OPENERS = {
    "the",
    "a",
    "an",
    "this",
    "that",
    "these",
    "those",
    "it",
    "he",
    "she",
    "they",
    "we",
    "i",
    "you",
    "his",
    "her",
    "their",
    "our",
    "my",
    "its",
    "but",
    "and",
    "so",
    "yet",
    "in",
    "on",
    "at",
    "after",
    "before",
    "when",
    "while",
    "if",
    "as",
    "there",
    "how",
    "what",
    "why",
    "who",
    "where",
    "mr",
    "mrs",
    "ms",
    "dr",
    "then",
    "however",
    "meanwhile",
    "now",
    "still",
}
_ABBREVIATIONS = _PREPOSITIVE | _POSTPOSITIVE | _BEFORE_NUMBER
# An initialism spelled with periods and not listed above ("H.R.", "D.C."): not the end of a
# sentence before a bill's number ("H.R. 815)"), as before a count or any other word it may be.
_BILL_NUMBER = re.compile(r"\s+\d[\d,]*(?:[).,;:]|\s+(?:and|or|would|was|is|passed)\b)")
_DOTTED_INITIALISM = re.compile(r"(?:[a-z]\.)+[a-z]")
_OPEN_QUOTES = '"“‘«'
_CLOSE_QUOTES = '"”’»'
_PARAGRAPH = re.compile(r"\n\s*\n|\n")
_END = re.compile(r"[.!?…]+[\"”’»)\]]*(?=\s+[\"“‘«(\[]?[A-Z0-9À-ÖØ-Þ])")


def paragraphs(text: str) -> Iterator[tuple[int, int]]:
    """Spans of the text between line breaks, stripped of surrounding white space."""
    start = 0
    for match in _PARAGRAPH.finditer(text):
        yield from _stripped(text, start, match.start())
        start = match.end()
    yield from _stripped(text, start, len(text))


def _stripped(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        yield start, end


# A list item inside a paragraph: "1.)", "2)", "3.", "a.", "•", "⁃" before a capital or digit.
_ITEM = re.compile(
    r"(?:(?<=\s)|^)(?:\(?\d{1,2}\.?\)|\d{1,2}\.(?!\d)|[a-h]\.|[•⁃▪◦‣·]\s*(?:\d{1,2}\.(?!\d))?)"
    r"\s*(?=[A-Z0-9])"
)


def _items(text: str, start: int, end: int) -> Iterator[tuple[int, int, int]]:
    """A paragraph that opens on a list marker splits before each marker of the same kind:
    (item start, where its text begins after the marker, item end)."""
    first = _ITEM.match(text, start, end)
    if first is None:
        yield start, start, end
        return
    kind = _marker_kind(first.group(0))
    markers = [m for m in _ITEM.finditer(text, start, end) if _marker_kind(m.group(0)) == kind]
    if kind == "letter" and not _consecutive_letters([m.group(0) for m in markers]):
        markers = markers[:1]
    for index, marker in enumerate(markers):
        stop = markers[index + 1].start() if index + 1 < len(markers) else end
        yield marker.start(), marker.end(), stop


def _marker_kind(marker: str) -> str:
    marker = marker.strip()
    if marker[:1] in "•⁃▪◦‣·":
        return "bullet"
    if marker[:1].isalpha():
        return "letter"
    return re.sub(r"\d+", "9", marker)


def _consecutive_letters(markers: list[str]) -> bool:
    letters = [m.strip()[0] for m in markers]
    return letters == [chr(ord("a") + i) for i in range(len(letters))]


def sentences(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Sentence spans within one paragraph span: list items apart, then sentences."""
    for item_start, body, item_end in _items(text, start, end):
        for s, e in _sentences(text, body, item_end):
            yield (item_start if s == body else s), e


def _sentences(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    begin = start
    for match in _END.finditer(text, start, end):
        stop = match.end()
        if (
            _inside_quote(text, begin, stop)
            or _is_abbreviation(text, match.start(), begin)
            or _is_ellipsis_inside(text, match)
        ):
            continue
        yield from _bounded(text, begin, stop)
        begin = stop
        while begin < end and text[begin].isspace():
            begin += 1
    if begin < end:
        yield from _bounded(text, begin, end)


MAX_QUOTE_CHARS = 600


def _inside_quote(text: str, begin: int, stop: int) -> bool:
    """An open quotation holds the sentence together, unless it never closes (garbled input):
    a quote left open for more than MAX_QUOTE_CHARS stops holding."""
    chunk = text[begin:stop]
    if chunk.count('"') % 2 == 1:
        opened = begin + chunk.rfind('"')
    elif chunk.count("“") > chunk.count("”"):
        opened = begin + chunk.rfind("“")
    else:
        return False
    return stop - opened < MAX_QUOTE_CHARS


def _is_ellipsis_inside(text: str, match: re.Match[str]) -> bool:
    """Three dots (spaced or not, or "…") leave words out but do not end the sentence; four
    ("....", ". . . .") do. "[...]" marks a cut inside a quotation."""
    dots = match.group(0)
    before = text[max(0, match.start() - 6) : match.start()]
    run = re.search(r"(?:\.\s)+$", before)
    count = dots.count(".") + dots.count("…") * 3 + (run.group(0).count(".") if run else 0)
    if text[match.start() - 1 : match.start()] == "[" or dots.startswith("…]"):
        return True
    return 2 <= count <= 3 or dots.rstrip('"”’»)]') == "…"


def _is_abbreviation(text: str, dot: int, sentence_start: int = 0) -> bool:
    if text[dot] != ".":
        return False
    word_start = dot
    while word_start > 0 and (text[word_start - 1].isalpha() or text[word_start - 1] == "."):
        word_start -= 1
    word = text[word_start:dot].lower()
    following = re.match(r"\s+[\"“‘(]?([\w.]+)", text[dot + 1 :])
    next_word = following.group(1) if following else ""
    if text[dot - 1 : dot] == "°":
        return True  # "N°. 1026"
    if not word:
        return False
    if len(word) == 1 and text[word_start].isupper():
        # An initial ("John F. Kennedy", "Albert I. Jones"), unless the letter follows a word
        # in lower case and a sentence could end there ("you and I. Did you...").
        previous = text[max(sentence_start, word_start - 30) : word_start].split()
        return not (previous and previous[-1][:1].islower() and word in {"i", "a"})
    if word in _BEFORE_NUMBER:
        return next_word[:1].isdigit()
    if word in _PREPOSITIVE:
        return True
    if word not in _POSTPOSITIVE and _DOTTED_INITIALISM.fullmatch(word):
        # "H.R. 815)" or "H.R. 815, the..." names a bill; "D.C. 15 people were..." starts anew
        return bool(_BILL_NUMBER.match(text, dot + 1))
    if word in _POSTPOSITIVE:
        opener = next_word.rstrip(".").lower() in OPENERS
        if word in {"a.m", "p.m", "etc", "inc", "ltd", "co", "corp", "plc", "llc"}:
            # "...at 7 a.m. Voters queued": a capitalised word then one in lower case.
            after = re.match(r"\s+[A-Z][a-z]+\s+[a-z]", text[dot + 1 :])
            opener = opener or after is not None
        long_enough = len(text[sentence_start:word_start].split()) >= 3
        return not (opener and long_enough)
    return False


def _bounded(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Cut an over-long run (no punctuation at all) at word boundaries."""
    while end - start > MAX_SENTENCE_CHARS:
        cut = text.rfind(" ", start, start + MAX_SENTENCE_CHARS)
        if cut <= start:
            cut = start + MAX_SENTENCE_CHARS
        yield from _stripped(text, start, cut)
        start = cut
    yield from _stripped(text, start, end)


def sentence_spans(text: str) -> Iterator[tuple[int, int]]:
    for p_start, p_end in paragraphs(text):
        yield from sentences(text, p_start, p_end)
