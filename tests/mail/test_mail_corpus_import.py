"""Real mail from other projects' test suites, imported in bulk (skipped without the corpus).

Never copied into the repository: read in place from /work/shared/data/email_corpus."""

from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.cli.import_mail import run_mail_import
from goodwill.conversations.models import Conversation, Message
from goodwill.core.clock import FixedClock
from goodwill.core.db import Database
from goodwill.mail.models import InboundMail, InboundStatus
from goodwill.mail.parse import parse_mail
from goodwill.mail.services.accept import accept_raw_mail
from goodwill.mail.services.intake import process_inbound_mail, synthetic_message_id
from goodwill.mail.sources import MailFormat, MailSource, open_mail_source
from goodwill.settings import Settings

CORPUS = Path("/work/shared/data/email_corpus")
MBOX = CORPUS / "perl5_mail_box_mbox" / "mbox.src"
FOLDERS = ("enmime", "mikel_mail", "spamscope_mail_parser")
pytestmark = pytest.mark.skipif(not CORPUS.exists(), reason="the shared email corpus is absent")

# The reply threads of mbox.src, worked out by hand from its Message-ID, In-Reply-To and
# References headers (numbers are positions in the file, 1 to 45). A message joins a thread
# when it references a message present in the file, in either direction; nothing joins by
# subject. Message 9 ("Resize with Transparency") has no From header: it is rejected, as the
# live intake rejects it. That leaves 44 messages in 28 threads:
#   1 <- 2, 3 (both reference 20000209154405.C265@better.net = message 1)
#   4, 5, 6, 7, 8: "Transparency question" and four "RE:" answers from Outlook that carry no
#     In-Reply-To or References at all: five threads, because the subject alone never threads
#   12 <- 11 <- 15, 14 (11 answers 12, 15 answers 11, 14 references 11 and 15); 12 itself and
#     13 both answer 10F4E7B8...@interaccess.com, which is not in the file: 13 stays alone
#   16 -> 17, 19 <- 30, 20 -> 21 <- 25 (25 references 21 and 20), 22 -> 23, 26 -> 27,
#   36 -> 37, 39 <- 40 <- 41 <- 42, 43 -> 44 ("a -> b": a answers b, which comes later)
#   alone: 10, 13, 18, 24, 28, 29, 31, 32, 33, 34, 35, 38, 45
MBOX_THREADS = [
    [1, 2, 3],
    [4],
    [5],
    [6],
    [7],
    [8],
    [10],
    [11, 12, 14, 15],
    [13],
    [16, 17],
    [18],
    [19, 30],
    [20, 21, 25],
    [22, 23],
    [24],
    [26, 27],
    [28],
    [29],
    [31],
    [32],
    [33],
    [34],
    [35],
    [36, 37],
    [38],
    [39, 40, 41, 42],
    [43, 44],
    [45],
]


def corpus_files() -> list[Path]:
    return sorted(
        path
        for folder in FOLDERS
        for path in (CORPUS / folder).rglob("*")
        if path.is_file() and not path.name.startswith("LICENSE")
    )


def import_source(
    source: MailSource, database: Database, settings: Settings, now: datetime
) -> list[InboundMail]:
    run_mail_import(database, source, settings=settings, now=now, batch_size=50)
    with database.reader() as session:
        return list(session.scalars(select(InboundMail).order_by(InboundMail.id)))


def test_every_corpus_message_is_stored_or_rejected_with_a_reason(
    database: Database, settings: Settings, clock: FixedClock, session: Session
) -> None:
    files = corpus_files()
    assert len(files) == 181  # 180 RFC 822 messages and one Outlook .msg
    rows = []
    for path in files:  # one import per file: a bad one must not block the next
        rows += import_source(
            open_mail_source(path, MailFormat.EML), database, settings, clock.now()
        )[len(rows) :]
    assert len(rows) == len(files)
    stored_ids = set(session.scalars(select(Message.external_id)))
    bounce_ids = {row.message_id_header for row in rows if row.status == InboundStatus.BOUNCE}
    for path, row in zip(files, rows, strict=True):
        assert row.status != InboundStatus.PENDING, path
        assert row.raw == path.read_bytes(), path
        if row.status == InboundStatus.REJECTED:
            assert row.reason, path
        elif row.status == InboundStatus.STORED:
            assert row.message_id is not None and row.conversation_id is not None, path
        elif row.status == InboundStatus.DUPLICATE:  # test suites reuse Message-IDs
            assert row.message_id_header in stored_ids | bounce_ids, path
        else:
            assert row.status == InboundStatus.BOUNCE, path
    by_name = {path.name: row for path, row in zip(files, rows, strict=True)}
    assert by_name["mail_outlook_1.msg"].status == InboundStatus.REJECTED
    statuses = {row.status for row in rows}
    assert {InboundStatus.STORED, InboundStatus.REJECTED, InboundStatus.BOUNCE} <= statuses


def test_the_whole_corpus_folder_imports_in_one_go(
    database: Database, settings: Settings, clock: FixedClock
) -> None:
    summary = run_mail_import(
        database, open_mail_source(CORPUS), settings=settings, now=clock.now(), batch_size=40
    )
    assert summary.read == 182 + 3  # the files, the mbox read as one file, three licences
    assert summary.stored > 80
    assert summary.read == summary.stored + summary.duplicates + summary.bounces + len(
        summary.rejected
    )


def _groups(session: Session, positions: dict[str, int]) -> list[list[int]]:
    found: dict[int, list[int]] = defaultdict(list)
    rows = session.execute(select(Message.external_id, Message.conversation_id))
    for external_id, conversation_id in rows:
        if external_id in positions:
            found[conversation_id].append(positions[external_id])
    return sorted(sorted(group) for group in found.values())


def _positions(inbound: list[InboundMail]) -> dict[str, int]:
    """Message-ID (or synthetic id) -> position in the file, from the rows kept in order."""
    return {row.message_id_header or "": n for n, row in enumerate(inbound, start=1)}


def test_the_mailing_list_mbox_comes_out_as_its_reply_threads(
    database: Database, settings: Settings, clock: FixedClock, session: Session
) -> None:
    inbound = import_source(open_mail_source(MBOX), database, settings, clock.now())
    assert len(inbound) == 45
    assert [n for n, row in enumerate(inbound, 1) if row.status == InboundStatus.REJECTED] == [9]
    assert _groups(session, _positions(inbound)) == MBOX_THREADS
    conversations = {row.conversation_id for row in inbound if row.conversation_id}
    assert len(conversations) == len(MBOX_THREADS) == 28
    subjects = session.scalars(
        select(Conversation.subject).where(Conversation.id.in_(conversations))
    ).all()
    assert "File Conversion From HTML to PS and TIFF" in subjects  # "Re:" is gone


# Threads the live intake splits even in date order: in each, a reply's Date header is
# earlier than its parent's (the clocks disagree), so the live intake files the reply first
# and cannot tell, when the parent comes, that it was answered. The bulk import can.
LIVE_SPLITS = {(20, 21, 25): [[20, 25], [21]], (22, 23): [[22], [23]], (26, 27): [[26], [27]]}


def test_live_filing_in_date_order_groups_the_mbox_like_the_bulk_import(
    database: Database, settings: Settings, clock: FixedClock, session: Session
) -> None:
    """The live intake cannot see that an earlier message answered a later one, so it is fed
    the mbox in date order (parents first); it then agrees with the bulk import except where
    a reply is dated before its parent."""
    items = list(open_mail_source(MBOX).messages())
    inbound = [
        accept_raw_mail(session, item.raw, source="import", now=clock.now(), process=False)
        for item in items
    ]
    dates = [_date(row) for row in inbound]
    for index in sorted(range(len(inbound)), key=lambda i: (dates[i], i)):
        process_inbound_mail(session, inbound[index], settings=settings, now=clock.now())
    session.flush()
    assert [n for n, row in enumerate(inbound, 1) if row.status == InboundStatus.REJECTED] == [9]
    positions = {
        row.message_id_header or synthetic_message_id(row.raw): n
        for n, row in enumerate(inbound, start=1)
    }
    expected: list[list[int]] = []
    for thread in MBOX_THREADS:
        expected += LIVE_SPLITS.get(tuple(thread), [thread])
    assert _groups(session, positions) == sorted(expected)
    for reply, parent in [(20, 21), (22, 23), (26, 27)]:
        assert dates[reply - 1] < dates[parent - 1]


def _date(row: InboundMail) -> datetime:
    parsed = parse_mail(row.raw, max_attachment_bytes=0)
    return parsed.date or datetime.min.replace(tzinfo=UTC)
