"""Generating batches in a second process, so generation and database writes overlap."""

import multiprocessing
import queue
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.process import BaseProcess
from typing import Any

from goodwill.demo.generator import DemoGenerator
from goodwill.demo.rows import Batch
from goodwill.demo.world import World

# The worker is forked, so it neither re-imports the caller's main module (a spawned child would
# re-run an unguarded `python -m goodwill.cli`) nor needs the world pickled; where fork is not
# the safe default (macOS, Windows) generation runs inline. The worker never touches the
# database: it only sends batches back through a bounded queue, and exits with os._exit like
# every multiprocessing child.

QUEUE_DEPTH = 3
POLL_SECONDS = 1.0
_DONE = "done"


@contextmanager
def generated_batches(
    world: World, *, conversations: int, seed: int, now: int, in_background: bool
) -> Iterator[Iterator[Batch]]:
    """The run's batches in order; the same rows whether or not they come from a subprocess.

    Enter it before starting any thread (such as a progress bar), since it forks on Linux.
    """
    if not in_background or not sys.platform.startswith("linux"):
        yield DemoGenerator(world, conversations=conversations, seed=seed, now=now).batches()
        return
    context = multiprocessing.get_context("fork")
    batches: Any = context.Queue(maxsize=QUEUE_DEPTH)
    worker = context.Process(
        target=_produce,
        args=(batches, world, conversations, seed, now),
        name="goodwill-demo-generator",
        daemon=True,
    )
    worker.start()
    try:
        yield _drain(batches, worker)
    finally:
        if worker.is_alive():
            worker.terminate()
        worker.join()


def _drain(batches: Any, worker: BaseProcess) -> Iterator[Batch]:
    while True:
        try:
            item = batches.get(timeout=POLL_SECONDS)
        except queue.Empty:
            if not worker.is_alive():
                raise RuntimeError("the demo generator process stopped unexpectedly") from None
            continue
        if isinstance(item, Batch):
            yield item
        elif item == _DONE:
            return
        else:
            raise RuntimeError(f"the demo generator failed:\n{item}")


def _produce(batches: Any, world: World, conversations: int, seed: int, now: int) -> None:
    try:
        generator = DemoGenerator(world, conversations=conversations, seed=seed, now=now)
        for batch in generator.batches():
            batches.put(batch)
        batches.put(_DONE)
    except BaseException:  # report anything to the parent, which raises it
        batches.put(traceback.format_exc())
