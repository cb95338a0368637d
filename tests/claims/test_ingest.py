"""Turning input into article text: encodings, HTML, junk, size limits, duplicate detection."""

import pytest
from django.test import override_settings

from claims.errors import InvalidInput
from claims.ingest import (
    article_text_from_string,
    article_text_from_upload,
    content_hash,
    decode_bytes,
)

TEXT = "The council said repairs will cost £48 million. Work starts in March next year."


def test_utf8_with_bom_and_cp1252_decode() -> None:
    assert decode_bytes("\ufeff".encode() + TEXT.encode()) == TEXT
    assert decode_bytes(TEXT.encode("cp1252")) == TEXT
    assert decode_bytes(TEXT.encode("utf-16")) == TEXT


def test_binary_junk_is_refused_with_a_clear_message() -> None:
    with pytest.raises(InvalidInput, match="binary"):
        article_text_from_upload("junk.txt", bytes(range(256)) * 50)
    with pytest.raises(InvalidInput, match="binary"):
        article_text_from_string("\x01\x02\x03\x04\x05\x06" * 200 + "some words")


@pytest.mark.parametrize("text", ["", "   \n\t  ", "\u200b\u200b"])
def test_empty_article_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput):
        article_text_from_string(text)


def test_nul_and_lone_surrogates_are_refused() -> None:
    with pytest.raises(InvalidInput, match="NUL"):
        article_text_from_string(TEXT + "\x00" + TEXT)
    with pytest.raises(InvalidInput, match="Unicode"):
        article_text_from_string(TEXT + "\ud800")


@override_settings(FACTCHECK_MAX_ARTICLE_BYTES=1024 * 1024)
def test_oversized_article_is_refused_with_the_limit_named() -> None:
    with pytest.raises(InvalidInput, match="FACTCHECK_MAX_ARTICLE_BYTES"):
        article_text_from_upload("big.txt", b"word " * 300_000)


def test_unsupported_file_type_is_refused() -> None:
    with pytest.raises(InvalidInput, match="not supported"):
        article_text_from_upload("photo.jpg", b"\xff\xd8\xff" + b"x" * 100)


def test_html_becomes_text_without_script_style_or_navigation() -> None:
    html = (
        "<html><head><title>t</title><style>p{color:red}</style></head><body>"
        "<nav>Home | World | Sport</nav><script>alert('x')</script>"
        f"<article><p>{TEXT}</p><p>The mayor said 200 homes were evacuated.</p></article>"
        "<footer>Subscribe to our newsletter</footer></body></html>"
    )
    result = article_text_from_upload("page.html", html.encode())
    assert result.content_type == "text/html"
    assert result.raw == html
    assert "£48 million" in result.body
    assert "200 homes" in result.body
    for dropped in ("alert", "color:red", "Home | World", "Subscribe"):
        assert dropped not in result.body


def test_plain_text_body_is_kept_exactly_as_received() -> None:
    text = (
        "Title\r\n\r\n  Indented line with  double  spaces.\r\nAnd more words here, lots of them."
    )
    result = article_text_from_upload("a.txt", text.encode())
    assert result.body == text


def test_content_hash_ignores_whitespace_and_case_only() -> None:
    assert content_hash(TEXT) == content_hash("  " + TEXT.replace(" ", "\n  ").upper() + "\n")
    assert content_hash(TEXT) != content_hash(TEXT.replace("48", "84"))


# Decompression bombs: the tests build the files themselves.
_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
SENTENCE = "The council said repairs will cost £48 million, up from £30 million last year. "


def _docx(paragraphs: str, *, extra: dict[str, bytes] | None = None) -> bytes:
    """A real .docx from python-docx, its document.xml replaced by the given paragraphs."""
    import io
    import zipfile

    import docx

    template = io.BytesIO()
    docx.Document().save(template)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(template) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                data = (
                    f'<?xml version="1.0" encoding="UTF-8"?><w:document {_W}><w:body>'
                    f"{paragraphs}</w:body></w:document>"
                ).encode()
            target.writestr(item.filename, data)
        for name, data in (extra or {}).items():
            target.writestr(name, data)
    return out.getvalue()


def _paragraph(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def _pdf(pages: list[bytes]) -> bytes:
    """A PDF whose pages have the given content streams (Flate-compressed), in Helvetica."""
    import io

    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    resources = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})}
    )
    for content in pages:
        page = writer.add_blank_page(612, 792)
        stream = DecodedStreamObject()
        stream.set_data(content)
        page[NameObject("/Contents")] = writer._add_object(stream.flate_encode())
        page[NameObject("/Resources")] = resources
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _text_op(text: str) -> bytes:
    return f"BT /F1 11 Tf 72 700 Td ({text}) Tj ET\n".encode("latin-1")


def test_a_docx_bomb_is_refused_from_the_zip_directory_before_parsing() -> None:
    import time

    bomb = _docx(_paragraph(SENTENCE.encode("ascii", "replace").decode()) * 250_000)
    assert len(bomb) < 1024 * 1024  # ~25 MB of XML in well under 1 MB of zip
    started = time.monotonic()
    with pytest.raises(InvalidInput, match=r"decompression bomb.*FACTCHECK_MAX_COMPRESSION_RATIO"):
        article_text_from_upload("bomb.docx", bomb)
    assert time.monotonic() - started < 1.0  # refused from the directory, nothing inflated


@override_settings(FACTCHECK_MAX_DOCUMENT_UNCOMPRESSED_BYTES=1024 * 1024)
def test_a_docx_larger_than_the_limit_uncompressed_is_refused() -> None:
    import os

    # Incompressible parts (ratio ~1), so only the total uncompressed size trips.
    document = _docx(_paragraph(SENTENCE) * 20, extra={"word/media/big.bin": os.urandom(1200_000)})
    with pytest.raises(InvalidInput, match="FACTCHECK_MAX_DOCUMENT_UNCOMPRESSED_BYTES"):
        article_text_from_upload("big.docx", document)


@override_settings(FACTCHECK_MAX_DOCUMENT_PARTS=50)
def test_a_docx_with_too_many_parts_is_refused() -> None:
    parts = {f"customXml/extra{n}.xml": b"<a/>" for n in range(60)}
    with pytest.raises(InvalidInput, match="FACTCHECK_MAX_DOCUMENT_PARTS"):
        article_text_from_upload("parts.docx", _docx(_paragraph(SENTENCE), extra=parts))


def test_an_ordinary_docx_and_pdf_still_load() -> None:
    docx_text = article_text_from_upload("ok.docx", _docx(_paragraph(SENTENCE) * 3)).body
    assert "£48 million" in docx_text
    pdf_text = article_text_from_upload("ok.pdf", _pdf([_text_op(TEXT[:40])] * 3)).body
    assert "The council said" in pdf_text


@override_settings(FACTCHECK_MAX_DOCUMENT_UNCOMPRESSED_BYTES=2 * 1024 * 1024)
def test_a_pdf_stream_bomb_stops_inflating_at_the_limit() -> None:
    import time

    bomb = _pdf([_text_op("x" * 60) * 200_000])  # ~10 MB of page content in a few KB
    assert len(bomb) < 200_000
    started = time.monotonic()
    with pytest.raises(InvalidInput, match=r"decompression bomb.*UNCOMPRESSED_BYTES"):
        article_text_from_upload("bomb.pdf", bomb)
    assert time.monotonic() - started < 2.0


@override_settings(FACTCHECK_MAX_DOCUMENT_PAGES=50)
def test_a_pdf_with_too_many_pages_is_refused_before_reading_them() -> None:
    with pytest.raises(InvalidInput, match=r"60 pages.*FACTCHECK_MAX_DOCUMENT_PAGES"):
        article_text_from_upload("long.pdf", _pdf([_text_op("page")] * 60))


@override_settings(FACTCHECK_DOCUMENT_PARSE_SECONDS=0)
def test_reading_a_pdf_stops_at_the_time_limit() -> None:
    with pytest.raises(InvalidInput, match="FACTCHECK_DOCUMENT_PARSE_SECONDS"):
        article_text_from_upload("slow.pdf", _pdf([_text_op(TEXT[:40])] * 3))
