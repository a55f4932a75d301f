"""Reading mail archives: single files, folders, Maildirs and mbox files, as raw bytes."""

import mailbox
from pathlib import Path
from typing import Any

import pytest

from goodwill.mail.sources import MailFormat, MailSourceError, open_mail_source

CORPUS_MBOX = Path("/work/shared/data/email_corpus/perl5_mail_box_mbox/mbox.src")


def message(number: int, body: str = "Hello") -> bytes:
    return (
        f"From: Customer {number} <c{number}@example.com>\r\n"
        f"Subject: Question {number}\r\n"
        f"Message-ID: <m{number}@example.com>\r\n\r\n{body} {number}\r\n"
    ).encode()


def write_mbox(path: Path, bodies: list[bytes], *, newline: bytes = b"\n") -> None:
    parts = [
        b"From sender@example.com Mon Mar  2 09:00:00 2026" + newline + body + newline
        for body in bodies
    ]
    path.write_bytes(b"".join(parts))


def raws(path: Path, mail_format: MailFormat = MailFormat.AUTO) -> list[bytes]:
    return [item.raw for item in open_mail_source(path, mail_format).messages()]


def test_a_single_eml_file(tmp_path: Path) -> None:
    file = tmp_path / "one.eml"
    file.write_bytes(message(1))
    source = open_mail_source(file)
    assert source.format == MailFormat.EML
    assert source.total_bytes == len(message(1))
    items = list(source.messages())
    assert [item.raw for item in items] == [message(1)]
    assert items[0].origin == str(file)
    assert items[0].bytes_done == source.total_bytes


def test_a_folder_is_read_recursively_in_path_order_skipping_hidden_files(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "b" / "2.eml").write_bytes(message(2))
    (tmp_path / "a.eml").write_bytes(message(1))
    (tmp_path / "c.eml").write_bytes(message(3))
    (tmp_path / ".DS_Store").write_bytes(b"junk")
    (tmp_path / ".hidden" / "x.eml").write_bytes(message(9))
    source = open_mail_source(tmp_path)
    assert source.format == MailFormat.EML
    assert [item.raw for item in source.messages()] == [message(1), message(2), message(3)]
    assert source.total_bytes == sum(len(message(n)) for n in (1, 2, 3))


def test_a_maildir_reads_new_and_cur_in_delivery_order(tmp_path: Path) -> None:
    maildir = mailbox.Maildir(tmp_path / "Mail", create=True)
    maildir.close()
    box = tmp_path / "Mail"
    (box / "cur" / "1700000002.M2P1.host:2,S").write_bytes(message(2))
    (box / "new" / "1700000001.M1P1.host").write_bytes(message(1))
    (box / "new" / "1700000003.M3P1.host").write_bytes(message(3))
    (box / "tmp" / "1700000004.M4P1.host").write_bytes(message(4))  # not yet delivered
    source = open_mail_source(box)
    assert source.format == MailFormat.MAILDIR
    assert raws(box) == [message(1), message(2), message(3)]


def test_an_mbox_is_split_on_from_lines_like_the_standard_library(tmp_path: Path) -> None:
    path = tmp_path / "archive"
    bodies = [message(1), message(2, "Hi\n>From the start\n>>From quoted"), message(3)]
    write_mbox(path, bodies)
    source = open_mail_source(path)
    assert source.format == MailFormat.MBOX
    items = list(source.messages())
    assert [item.raw for item in items] == [
        message(1),
        message(2, "Hi\nFrom the start\n>From quoted"),
        message(3),
    ]
    assert items[0].envelope_from == "sender@example.com"
    assert items[1].origin == f"{path}, message 2"
    assert items[-1].bytes_done == path.stat().st_size
    assert len(items) == len(mailbox.mbox(path))


def test_an_mbox_with_crlf_line_ends(tmp_path: Path) -> None:
    path = tmp_path / "crlf.mbox"
    write_mbox(path, [message(1), message(2)], newline=b"\r\n")
    assert raws(path, MailFormat.MBOX) == [message(1), message(2)]


def test_an_empty_mbox_file_given_explicitly_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.mbox"
    path.write_bytes(b"")
    with pytest.raises(MailSourceError, match="does not look like an mbox"):
        open_mail_source(path, MailFormat.MBOX)
    assert raws(path) == [b""]  # as a single message it is empty: the importer rejects it


@pytest.mark.skipif(not CORPUS_MBOX.exists(), reason="the shared email corpus is absent")
def test_the_corpus_mbox_splits_into_as_many_messages_as_mailbox_finds() -> None:
    box = mailbox.mbox(CORPUS_MBOX)
    assert raws(CORPUS_MBOX) == [box.get_bytes(key) for key in box.iterkeys()]
    assert len(box) == 45


@pytest.mark.parametrize(
    ("setup", "mail_format", "sentence"),
    [
        ("missing", MailFormat.AUTO, "does not exist"),
        ("file", MailFormat.MAILDIR, "a Maildir is a folder"),
        ("file", MailFormat.MBOX, 'begin with a "From " line'),
        ("folder", MailFormat.MBOX, "an mbox is a single file"),
        ("folder", MailFormat.MAILDIR, "is not a Maildir"),
    ],
)
def test_paths_that_cannot_be_mail_are_refused_with_a_sentence(
    tmp_path: Path, setup: str, mail_format: MailFormat, sentence: str
) -> None:
    path = {"missing": tmp_path / "nope", "file": tmp_path / "x.eml", "folder": tmp_path}[setup]
    if setup == "file":
        path.write_bytes(message(1))
    with pytest.raises(MailSourceError, match=sentence):
        open_mail_source(path, mail_format)


def test_an_unreadable_file_is_refused_and_in_a_folder_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = tmp_path / "locked.eml"
    locked.write_bytes(message(1))
    (tmp_path / "ok.eml").write_bytes(message(2))
    real_open, real_read = Path.open, Path.read_bytes

    def guarded_open(path: Path, *args: Any, **kwargs: Any) -> Any:
        if path == locked:
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    def guarded_read(path: Path) -> bytes:
        if path == locked:
            raise PermissionError(13, "Permission denied")
        return real_read(path)

    monkeypatch.setattr(Path, "open", guarded_open)
    monkeypatch.setattr(Path, "read_bytes", guarded_read)
    with pytest.raises(MailSourceError, match="cannot be read: permission denied"):
        open_mail_source(locked)
    items = list(open_mail_source(tmp_path).messages())
    assert [(item.raw, item.error) for item in items] == [
        (b"", "cannot be read: permission denied"),
        (message(2), None),
    ]
