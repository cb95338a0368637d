"""Turning what a newsroom hands us (bytes of a file, a paste, an API body) into article text.

Decoding and format conversion happen once, when the article is stored: the resulting text is
the body that claim offsets index into, and it is never rewritten afterwards.
"""

from __future__ import annotations

import hashlib
import io
import re
import time
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings

from claims.errors import InvalidInput, TooLarge

SUPPORTED_SUFFIXES = {
    ".txt": "text/plain",
    ".md": "text/markdown",
    ".html": "text/html",
    ".htm": "text/html",
}
DOCUMENT_SUFFIXES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pdf": "application/pdf",
}

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WHITESPACE = re.compile(r"\s+")
_HTML_HINT = re.compile(r"<\s*(html|body|p|div|article|head|script|br|h[1-6])\b", re.IGNORECASE)
_BLOCK_TAGS = {
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "table",
    "blockquote",
    "section",
    "article",
    "pre",
    "figcaption",
    "dd",
    "dt",
}
_DROP_TAGS = [
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "iframe",
    "svg",
    "button",
    "select",
    "object",
    "embed",
]


@dataclass(frozen=True)
class ArticleText:
    """Text ready to store: `body` for claims, `raw` as received when it differs from the body
    (HTML), and the format it came in."""

    body: str
    raw: str
    content_type: str


def max_bytes() -> int:
    return int(settings.FACTCHECK_MAX_ARTICLE_BYTES)


def check_size(size: int) -> None:
    limit = max_bytes()
    if size > limit:
        raise TooLarge(
            f"The article is {size / 1048576:.1f} MB; the largest accepted is "
            f"{limit / 1048576:.1f} MB (FACTCHECK_MAX_ARTICLE_BYTES)."
        )


def max_chars() -> int:
    return int(settings.FACTCHECK_MAX_ARTICLE_CHARS)


def check_length(body: str) -> None:
    """A body longer than the extractor reads is refused before it is stored."""
    limit = max_chars()
    if len(body) > limit:
        raise TooLarge(
            f"The article has {len(body):,} characters; the longest accepted is {limit:,} "
            "(FACTCHECK_MAX_ARTICLE_CHARS, what the extractor reads). Split it into articles."
        )


def decode_bytes(data: bytes) -> str:
    """Decode input bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252.

    Binary data is refused with a clear message rather than stored as mojibake.
    """
    check_size(len(data))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InvalidInput("The file claims to be UTF-16 but is not valid UTF-16.") from exc
    if b"\x00" in data[:65536]:
        raise InvalidInput(
            "This looks like a binary file (it contains NUL bytes), not article text."
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        # A few stray bytes in otherwise UTF-8 text: keep the text, mark the bad bytes.
        text = data.decode("utf-8", errors="replace")
        if text.count("\ufffd") > max(3, len(text) // 100):
            raise InvalidInput(
                "The text is in an encoding that could not be recognised; save it as UTF-8."
            ) from None
    return text


def check_text(text: str) -> str:
    """Refuse text that cannot be an article: empty, binary, or over the size limit."""
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError as exc:
        raise InvalidInput("The text contains invalid Unicode (unpaired surrogates).") from exc
    check_size(size)
    if "\x00" in text:
        raise InvalidInput("The text contains NUL characters; it looks like binary data.")
    if not text.strip():
        raise InvalidInput("The article is empty.")
    sample = text[:100000]
    controls = len(_CONTROL.findall(sample))
    if controls > max(10, len(sample) // 50):
        raise InvalidInput(
            "This looks like binary data, not article text (many control characters)."
        )
    letters = sum(1 for ch in sample if ch.isalpha())
    if letters < 20:
        raise InvalidInput("The article has almost no words in it.")
    return text


def looks_like_html(text: str) -> bool:
    return bool(_HTML_HINT.search(text[:5000]))


def html_to_text(html: str) -> str:
    """The readable text of an HTML page: scripts, styles and navigation dropped.

    trafilatura finds the main text of a full page; for fragments it finds nothing, and
    lxml's parse of the whole fragment is used instead.
    """
    import trafilatura  # imported lazily: loading it is slow and only HTML needs it

    extracted = trafilatura.extract(
        html, include_comments=False, include_tables=True, favor_recall=True, deduplicate=False
    )
    if extracted and len(extracted.split()) >= 20:
        return extracted
    return _html_fragment_text(html)


def _html_fragment_text(html: str) -> str:
    from lxml import html as lxml_html

    try:
        root = lxml_html.fromstring(html)
    except Exception as exc:  # lxml raises several types for unparsable input
        raise InvalidInput(f"The HTML could not be parsed: {exc}") from exc
    for tag in _DROP_TAGS:
        for element in root.iter(tag):
            element.drop_tree()
    parts: list[str] = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag in _BLOCK_TAGS:
            parts.append("\n")
        if element.text:
            parts.append(element.text)
        if element.tag in _BLOCK_TAGS:
            parts.append("\n")
        if element.tail:
            parts.append(element.tail)
    text = "".join(parts)
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    text = re.sub(r" *\n[ \n]*", "\n\n", text)
    return text.strip()


def _limit(name: str) -> int:
    return int(getattr(settings, name))


def check_docx_archive(data: bytes) -> None:
    """Refuse a .docx (a zip) whose members would inflate past the limits, before any of it
    is decompressed: the sizes come from the zip's directory, and zipfile never inflates a
    member past the size its directory declares."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise InvalidInput(
            "The .docx file could not be read: it is not a valid Word file."
        ) from exc
    with archive:
        members = archive.infolist()
    if len(members) > _limit("FACTCHECK_MAX_DOCUMENT_PARTS"):
        raise InvalidInput(
            f"The .docx file has {len(members)} parts; at most "
            f"{_limit('FACTCHECK_MAX_DOCUMENT_PARTS')} are accepted (FACTCHECK_MAX_DOCUMENT_PARTS)."
        )
    check_uncompressed_size(sum(member.file_size for member in members))
    ratio_limit = _limit("FACTCHECK_MAX_COMPRESSION_RATIO")
    for member in members:
        # Small parts (styles, settings) compress very well and cost nothing; judge big ones.
        if member.file_size > 1024 * 1024:
            ratio = member.file_size / max(member.compress_size, 1)
            if ratio > ratio_limit:
                raise InvalidInput(
                    f"The .docx file looks like a decompression bomb: a part of it inflates "
                    f"{ratio:.0f} times; at most {ratio_limit} times is accepted "
                    "(FACTCHECK_MAX_COMPRESSION_RATIO)."
                )


def check_uncompressed_size(size: int) -> None:
    limit = _limit("FACTCHECK_MAX_DOCUMENT_UNCOMPRESSED_BYTES")
    if size > limit:
        raise InvalidInput(
            f"The document would be {size / 1048576:.1f} MB uncompressed; the largest accepted "
            f"is {limit / 1048576:.1f} MB (FACTCHECK_MAX_DOCUMENT_UNCOMPRESSED_BYTES)."
        )


def _pdf_text(data: bytes) -> str:
    """Text of a PDF, with the work bounded: each stream inflates to at most the uncompressed
    limit, at most FACTCHECK_MAX_DOCUMENT_PAGES pages, the text no longer than an article may
    be, and no more than FACTCHECK_DOCUMENT_PARSE_SECONDS of reading in all."""
    from pypdf import PdfReader, apply_configuration
    from pypdf.errors import LimitReachedError

    inflate = _limit("FACTCHECK_MAX_DOCUMENT_UNCOMPRESSED_BYTES")
    max_pages = _limit("FACTCHECK_MAX_DOCUMENT_PAGES")
    seconds = float(settings.FACTCHECK_DOCUMENT_PARSE_SECONDS)
    started = time.monotonic()
    try:
        with apply_configuration(
            maximum_declared_stream_length=inflate,
            array_based_stream_maximum_output_length=inflate,
            stream_decoding_work_maximum_length=2 * inflate,
            zlib_maximum_output_length=inflate,
            lzw_maximum_output_length=inflate,
            run_length_maximum_output_length=inflate,
            jbig2_maximum_output_length=inflate,
            brotli_maximum_output_length=inflate,
        ):
            reader = PdfReader(io.BytesIO(data))
            pages = len(reader.pages)
            if pages > max_pages:
                raise InvalidInput(
                    f"The PDF has {pages} pages; at most {max_pages} are accepted "
                    "(FACTCHECK_MAX_DOCUMENT_PAGES)."
                )
            parts: list[str] = []
            size = 0
            for page in reader.pages:
                if time.monotonic() - started > seconds:
                    raise InvalidInput(
                        f"Reading the PDF took longer than {seconds:g} s; it was stopped "
                        "(FACTCHECK_DOCUMENT_PARSE_SECONDS)."
                    )
                text = (page.extract_text() or "").strip()
                size += len(text.encode("utf-8", errors="replace"))
                check_size(size)
                parts.append(text)
    except LimitReachedError as exc:
        raise InvalidInput(
            "The PDF looks like a decompression bomb: a stream in it inflates past "
            f"{inflate / 1048576:.1f} MB (FACTCHECK_MAX_DOCUMENT_UNCOMPRESSED_BYTES)."
        ) from exc
    return "\n\n".join(parts)


def text_from_document(data: bytes, suffix: str) -> str:
    """Text of a .docx or .pdf upload, refusing decompression bombs before parsing."""
    check_size(len(data))
    try:
        if suffix == ".docx":
            import docx

            check_docx_archive(data)
            document = docx.Document(io.BytesIO(data))
            return "\n\n".join(p.text for p in document.paragraphs if p.text.strip())
        if suffix == ".pdf":
            return _pdf_text(data)
    except InvalidInput:
        raise
    except Exception as exc:  # the parsers raise many types for broken files
        raise InvalidInput(
            f"The {suffix} file could not be read: {exc.__class__.__name__}."
        ) from exc
    raise InvalidInput(f"Files of type {suffix} are not supported.")


def article_text_from_upload(name: str, data: bytes) -> ArticleText:
    """Text of an uploaded or loaded file, by its name's suffix."""
    suffix = PurePath(name).suffix.lower()
    if suffix in DOCUMENT_SUFFIXES:
        body = check_text(text_from_document(data, suffix))
        return ArticleText(body=body, raw="", content_type=DOCUMENT_SUFFIXES[suffix])
    if suffix not in SUPPORTED_SUFFIXES:
        accepted = ", ".join(sorted([*SUPPORTED_SUFFIXES, *DOCUMENT_SUFFIXES]))
        raise InvalidInput(f"Files of type {suffix or '(none)'} are not supported; use {accepted}.")
    return article_text_from_string(decode_bytes(data), content_type=SUPPORTED_SUFFIXES[suffix])


def article_text_from_string(text: str, *, content_type: str | None = None) -> ArticleText:
    """Text of a paste or an API body; HTML (declared or recognised) is converted once."""
    check_text(text)
    if content_type == "text/html" or (content_type is None and looks_like_html(text)):
        body = html_to_text(text)
        if not body.strip():
            raise InvalidInput("The HTML page has no readable text.")
        return ArticleText(body=check_text(body), raw=text, content_type="text/html")
    # Plain text is stored once: the body is the input as received.
    return ArticleText(body=text, raw="", content_type=content_type or "text/plain")


def content_hash(body: str) -> str:
    """Hash of the normalised text: the same article, re-typed or re-wrapped, hashes the same."""
    normalised = _WHITESPACE.sub(" ", unicodedata.normalize("NFKC", body)).strip().casefold()
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


TITLE_CHARS = 120  # a first line longer than this is a paragraph, not a headline


def title_from_text(body: str, *, fallback: str) -> str:
    """A title for a text loaded without one: its first non-empty line when that reads as a
    headline; a longer first line (a paragraph) is cut at a word, with an ellipsis."""
    for line in body.splitlines():
        line = " ".join(line.strip().lstrip("#").split())
        if not line:
            continue
        if len(line) <= TITLE_CHARS:
            return line
        cut = line[: TITLE_CHARS - 1].rsplit(" ", 1)[0].rstrip(" ,;:.-")
        return (cut or line[: TITLE_CHARS - 1]) + "…"
    return fallback


def title_from_file_name(name: str) -> str:
    """The title of a file loaded without one: its name without the folder and extension."""
    path = PurePath(name.replace("\\", "/"))
    stem = (
        path.stem if path.suffix.lower() in {*SUPPORTED_SUFFIXES, *DOCUMENT_SUFFIXES} else path.name
    )
    return " ".join(stem.split())[:TITLE_CHARS] or "Untitled"
