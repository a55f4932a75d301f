"""Pure attachment rules: file names, base64, the size limit and download headers."""

import pytest

from goodwill.conversations.attachments import (
    clean_filename,
    decode_base64,
    download_headers,
    ensure_within_limit,
)
from goodwill.core.errors import Invalid


@pytest.mark.parametrize(
    ("name", "cleaned"),
    [
        ("report.pdf", "report.pdf"),
        ("/etc/passwd", "passwd"),
        ("..\\..\\boot.ini", "boot.ini"),
        (" tab\tname.txt ", "tabname.txt"),
    ],
)
def test_clean_filename_keeps_the_last_component(name: str, cleaned: str) -> None:
    assert clean_filename(name) == cleaned


@pytest.mark.parametrize("name", ["", "dir/", "a/..", "\x00", "x" * 256])
def test_clean_filename_refuses_what_names_no_file(name: str) -> None:
    with pytest.raises(ValueError, match="filename must"):
        clean_filename(name)


def test_decode_base64_is_strict() -> None:
    assert decode_base64("aGk=") == b"hi"
    for bad in ("aGk", "a Gk=", "***"):
        with pytest.raises(ValueError, match="not valid base64"):
            decode_base64(bad)


def test_limit_counts_the_total() -> None:
    ensure_within_limit([5, 5], limit=10)
    with pytest.raises(Invalid, match="add up to 11 bytes"):
        ensure_within_limit([5, 6], limit=10)


def test_downloads_are_never_inline() -> None:
    headers = download_headers('a"; inline.html')
    assert headers["Content-Disposition"] == "attachment; filename*=UTF-8''a%22%3B%20inline.html"
    assert headers["X-Content-Type-Options"] == "nosniff"
