"""Reading raw messages from a mail archive: one .eml file, a folder of them, a Maildir or an mbox.

Messages are yielded lazily, as raw bytes, in file order; an mbox is memory-mapped and split on
its "From " lines (faster than the standard `mailbox` module, same splitting rule)."""

import mmap
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class MailFormat(StrEnum):
    AUTO = "auto"
    EML = "eml"  # one message per file: a file, or a folder searched recursively
    MAILDIR = "maildir"  # a folder with cur/ and new/
    MBOX = "mbox"  # many messages in one file, each starting with a "From " line


class MailSourceError(Exception):
    """The path cannot be read as mail; the message says what to fix."""


@dataclass(frozen=True, slots=True)
class SourceMessage:
    raw: bytes
    origin: str  # where it came from, for the summary: a path, or "path, message 12"
    bytes_done: int  # bytes of the source read so far, including this message (progress)
    envelope_from: str | None = None  # the sender on an mbox "From " line
    error: str | None = None  # the file could not be read; raw is empty


_SEPARATOR = re.compile(rb"^From ", re.MULTILINE)
_ESCAPED_FROM = re.compile(rb"^>(>*From )", re.MULTILINE)
_MAILDIR_FOLDERS = ("new", "cur")


@dataclass(frozen=True, slots=True)
class MailSource:
    path: Path
    format: MailFormat
    total_bytes: int

    def messages(self) -> Iterator[SourceMessage]:
        if self.format == MailFormat.MBOX:
            return _mbox_messages(self.path)
        return _file_messages(_message_files(self.path, self.format))


def open_mail_source(path: Path, mail_format: MailFormat = MailFormat.AUTO) -> MailSource:
    """Check the path and work out its format; raises MailSourceError with a sentence."""
    if not path.exists():
        raise MailSourceError(f"{path} does not exist; give a .eml file, a folder or an mbox file")
    resolved = _resolve_format(path, mail_format)
    if resolved == MailFormat.MBOX:
        total = path.stat().st_size
    else:
        total = sum(_size(file) for file in _message_files(path, resolved))
    return MailSource(path=path, format=resolved, total_bytes=total)


def _resolve_format(path: Path, mail_format: MailFormat) -> MailFormat:
    if path.is_dir():
        return _directory_format(path, mail_format)
    if not path.is_file():
        raise MailSourceError(f"{path} is neither a file nor a folder")
    first = _first_bytes(path)
    if mail_format == MailFormat.MAILDIR:
        raise MailSourceError(f"{path} is a file; a Maildir is a folder with cur/ and new/ in it")
    if mail_format == MailFormat.MBOX and not first.startswith(b"From "):
        raise MailSourceError(
            f'{path} does not look like an mbox file: it should begin with a "From " line'
        )
    if mail_format == MailFormat.AUTO:
        return MailFormat.MBOX if first.startswith(b"From ") else MailFormat.EML
    return mail_format


def _directory_format(path: Path, mail_format: MailFormat) -> MailFormat:
    if not os.access(path, os.R_OK | os.X_OK):
        raise MailSourceError(f"{path} cannot be read: permission denied")
    is_maildir = all((path / folder).is_dir() for folder in _MAILDIR_FOLDERS)
    if mail_format == MailFormat.MBOX:
        raise MailSourceError(f"{path} is a folder; an mbox is a single file")
    if mail_format == MailFormat.MAILDIR and not is_maildir:
        raise MailSourceError(f"{path} is not a Maildir: it has no cur/ and new/ folders")
    if mail_format == MailFormat.AUTO:
        return MailFormat.MAILDIR if is_maildir else MailFormat.EML
    return mail_format


def _first_bytes(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(5)
    except OSError as error:
        raise MailSourceError(f"{path} cannot be read: {_why(error)}") from error


def _why(error: OSError) -> str:
    return (error.strerror or str(error)).lower()


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _visible(name: str) -> bool:
    return not name.startswith(".")


def _message_files(path: Path, mail_format: MailFormat) -> list[Path]:
    """The files to read, in a stable order: sorted paths; Maildir by name (delivery time)."""
    if path.is_file():
        return [path]
    if mail_format == MailFormat.MAILDIR:
        files = [
            entry
            for folder in _MAILDIR_FOLDERS
            for entry in (path / folder).iterdir()
            if entry.is_file() and _visible(entry.name)
        ]
        return sorted(files, key=lambda entry: (entry.name, entry.parent.name))
    found: list[Path] = []
    for root, folders, names in os.walk(path):
        folders[:] = sorted(name for name in folders if _visible(name))
        found.extend(Path(root) / name for name in names if _visible(name))
    return sorted(file for file in found if file.is_file())


def _file_messages(files: list[Path]) -> Iterator[SourceMessage]:
    done = 0
    for file in files:
        try:
            raw = file.read_bytes()
        except OSError as error:
            done += _size(file)
            yield SourceMessage(b"", str(file), done, error=f"cannot be read: {_why(error)}")
            continue
        done += len(raw)
        yield SourceMessage(raw, str(file), done)


def _mbox_messages(path: Path) -> Iterator[SourceMessage]:
    try:
        handle = path.open("rb")
    except OSError as error:
        raise MailSourceError(f"{path} cannot be read: {_why(error)}") from error
    with handle:
        if path.stat().st_size == 0:
            return
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            yield from _split_mbox(data, str(path))


def _split_mbox(data: mmap.mmap, origin: str) -> Iterator[SourceMessage]:
    starts = (match.start() for match in _SEPARATOR.finditer(data))
    start = next(starts, None)
    number = 0
    while start is not None:
        end = next(starts, None)
        number += 1
        chunk = data[start : len(data) if end is None else end]
        yield _mbox_message(chunk, f"{origin}, message {number}", start + len(chunk))
        start = end


def _mbox_message(chunk: bytes, origin: str, bytes_done: int) -> SourceMessage:
    """Drop the "From " line and the blank line that separates messages; unescape ">From "."""
    line_end = chunk.find(b"\n")
    from_line = chunk[: line_end if line_end >= 0 else len(chunk)].rstrip(b"\r")
    raw = chunk[line_end + 1 :] if line_end >= 0 else b""
    if raw.endswith(b"\r\n\r\n"):
        raw = raw[:-2]
    elif raw.endswith(b"\n\n"):
        raw = raw[:-1]
    if b">From " in raw:
        raw = _ESCAPED_FROM.sub(rb"\1", raw)
    return SourceMessage(raw, origin, bytes_done, envelope_from=_envelope_sender(from_line))


def _envelope_sender(from_line: bytes) -> str | None:
    parts = from_line.split(None, 2)
    if len(parts) < 2:
        return None
    return parts[1].decode("ascii", "replace")[:320]
