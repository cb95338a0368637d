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

_ABBREVIATIONS = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "sen",
    "rep",
    "gov",
    "gen",
    "col",
    "lt",
    "sgt",
    "st",
    "jr",
    "sr",
    "vs",
    "etc",
    "inc",
    "ltd",
    "co",
    "corp",
    "no",
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
    "u.s",
    "u.k",
    "u.n",
    "e.g",
    "i.e",
    "a.m",
    "p.m",
    "approx",
    "est",
    "dept",
    "fig",
    "mt",
    "ft",
}
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


def sentences(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Sentence spans within one paragraph span."""
    begin = start
    for match in _END.finditer(text, start, end):
        stop = match.end()
        if _inside_quote(text, begin, stop) or _is_abbreviation(text, match.start()):
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


def _is_abbreviation(text: str, dot: int) -> bool:
    if text[dot] != ".":
        return False
    word_start = dot
    while word_start > 0 and (text[word_start - 1].isalpha() or text[word_start - 1] == "."):
        word_start -= 1
    word = text[word_start:dot].lower()
    if not word:
        return False
    if len(word) == 1 and text[word_start].isupper():
        return True  # an initial: "John F. Kennedy"
    return word in _ABBREVIATIONS


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
