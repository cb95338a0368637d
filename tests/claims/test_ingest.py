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
