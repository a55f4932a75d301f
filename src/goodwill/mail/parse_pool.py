"""Parsing batches of raw mail in worker processes, one batch ahead of the database writes.

Parsing is CPU-bound pure Python, so a bulk import spends half its time in it; with worker
processes the next batch is parsed while the current one is being stored."""

import os
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import chain
from multiprocessing import get_all_start_methods, get_context
from multiprocessing.context import BaseContext

from goodwill.mail.parse import parse_mail
from goodwill.mail.parsed import ParsedMail
from goodwill.mail.sources import SourceMessage

ParsedBatch = list[tuple[SourceMessage, ParsedMail | None]]
AHEAD = 2  # batches parsed ahead of the one being stored: rides out a worker's hiccups


def default_workers() -> int:
    """One process fewer than the CPUs (the main process writes to the database); 0 on one CPU."""
    return max(0, min(4, (os.cpu_count() or 1) - 1))


def _context() -> BaseContext:
    """fork where there is one: a worker is ready at once, without importing the application
    again (it only ever parses bytes it is given); spawn elsewhere."""
    return get_context("fork" if "fork" in get_all_start_methods() else "spawn")


def parse_raws(raws: Sequence[bytes | None], max_attachment_bytes: int) -> list[ParsedMail | None]:
    return [
        None if raw is None else parse_mail(raw, max_attachment_bytes=max_attachment_bytes)
        for raw in raws
    ]


def _raws(batch: Sequence[SourceMessage]) -> list[bytes | None]:
    return [None if item.error else item.raw for item in batch]


def parsed_batches(
    batches: Iterable[list[SourceMessage]], *, max_attachment_bytes: int, workers: int
) -> Iterator[ParsedBatch]:
    """Each batch with its parsed mail, in order. With workers, the first batch is parsed here
    and the pool is only started when there is a second one (small imports start no process)."""
    stream = iter(batches)
    first = next(stream, None)
    if first is None:
        return
    second = next(stream, None)
    if workers < 1 or second is None:
        for batch in chain([first], [second] if second else [], stream):
            yield list(zip(batch, parse_raws(_raws(batch), max_attachment_bytes), strict=True))
        return
    with ProcessPoolExecutor(workers, mp_context=_context()) as pool:
        ahead: deque[tuple[list[SourceMessage], list[Future[list[ParsedMail | None]]]]] = deque()
        ahead.append((second, _submit(pool, second, max_attachment_bytes, workers)))
        yield list(zip(first, parse_raws(_raws(first), max_attachment_bytes), strict=True))
        for batch in stream:
            ahead.append((batch, _submit(pool, batch, max_attachment_bytes, workers)))
            if len(ahead) > AHEAD:
                yield _collect(*ahead.popleft())
        while ahead:
            yield _collect(*ahead.popleft())


def _submit(
    pool: ProcessPoolExecutor, batch: list[SourceMessage], max_attachment_bytes: int, workers: int
) -> list[Future[list[ParsedMail | None]]]:
    raws = _raws(batch)
    size = -(-len(raws) // workers)
    return [
        pool.submit(parse_raws, raws[start : start + size], max_attachment_bytes)
        for start in range(0, len(raws), size)
    ]


def _collect(
    batch: list[SourceMessage], futures: list[Future[list[ParsedMail | None]]]
) -> ParsedBatch:
    parsed = [mail for future in futures for mail in future.result()]
    return list(zip(batch, parsed, strict=True))
