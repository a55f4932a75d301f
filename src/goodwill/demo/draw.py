"""Fast random draws for the generator (rng.choice is the hottest call in a run). Pure."""

import random
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def choose(rng: random.Random, items: Sequence[T]) -> T:
    """A uniformly random item; like rng.choice but several times faster."""
    return items[int(rng.random() * len(items))]
