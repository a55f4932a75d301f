"""Threading a mail import, batch by batch, with the live intake's rules. Pure.

Messages are placed in file order. A message joins the conversation of a Message-ID it
references (In-Reply-To, then References newest first) that is stored or was imported earlier;
else the conversation of an earlier message that referenced *its* Message-ID (a reply that came
before its parent in the file); else a conversation named by one of our signed Message-IDs or a
reference token (subject, plus-address); else it starts a conversation. Never by subject."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum


class Placement(StrEnum):
    MESSAGE = "message"
    DUPLICATE = "duplicate"
    BOUNCE = "bounce"


@dataclass(frozen=True, slots=True)
class NewThread:
    """A conversation this batch starts; `number` counts them from 0 within the batch."""

    number: int


Target = int | NewThread  # an existing conversation id, or one this batch starts


@dataclass(frozen=True, slots=True)
class Letter:
    """What threading needs of one message."""

    message_id: str  # the Message-ID, or the synthetic one
    message_ids: tuple[str, ...]  # the ids it refers to, most trusted first
    references: tuple[str, ...]  # conversation references it names, most trusted first
    is_bounce: bool = False


@dataclass(frozen=True, slots=True)
class Known:
    """What the database held before the batch, for the ids and references the batch names."""

    conversation_by_message_id: dict[str, int]
    conversation_by_reference: dict[str, int]
    bounce_ids: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Placed:
    placement: Placement
    target: Target | None  # None only for a bounce about mail we cannot identify


@dataclass(slots=True)
class ImportThreads:
    """What earlier batches of this import placed (kept in memory between batches)."""

    conversation_of: dict[str, int] = field(default_factory=dict)  # Message-ID -> conversation
    waiting: dict[str, int] = field(default_factory=dict)  # referenced, not yet seen
    bounces: set[str] = field(default_factory=set)
    created: set[int] = field(default_factory=set)  # conversations this import started

    def merge(self, delta: "ImportThreads") -> None:
        """Keep what the database cannot answer. A committed batch's Message-IDs are found in
        the database, so `conversation_of` is not kept: memory stays small on big archives."""
        for message_id, conversation_id in delta.waiting.items():
            self.waiting.setdefault(message_id, conversation_id)
        self.bounces |= delta.bounces
        self.created |= delta.created


@dataclass(slots=True)
class BatchPlan:
    placed: list[Placed]
    new_threads: int
    conversation_of: dict[str, Target]  # this batch's own additions
    waiting: dict[str, Target]
    bounces: set[str]

    def resolved(self, ids: Sequence[int]) -> ImportThreads:
        """The batch's additions with new threads replaced by their conversation ids."""

        def real(target: Target) -> int:
            return ids[target.number] if isinstance(target, NewThread) else target

        return ImportThreads(
            conversation_of={m: real(t) for m, t in self.conversation_of.items()},
            waiting={m: real(t) for m, t in self.waiting.items()},
            bounces=set(self.bounces),
            created=set(ids),
        )


class _Planner:
    def __init__(self, known: Known, state: ImportThreads) -> None:
        self.known = known
        self.state = state
        self.plan = BatchPlan([], 0, {}, {}, set())

    def stored(self, message_id: str) -> Target | None:
        found = self.plan.conversation_of.get(message_id)
        if found is None:
            found = self.state.conversation_of.get(message_id)
        if found is None:
            found = self.known.conversation_by_message_id.get(message_id)
        return found

    def referenced(self, letter: Letter) -> Target | None:
        for message_id in letter.message_ids:
            found = self.stored(message_id)
            if found is not None:
                return found
        return None

    def named(self, letter: Letter) -> Target | None:
        for reference in letter.references:
            found = self.known.conversation_by_reference.get(reference)
            if found is not None:
                return found
        return None

    def awaited(self, message_id: str) -> Target | None:
        found = self.plan.waiting.get(message_id)
        return self.state.waiting.get(message_id) if found is None else found

    def place(self, letter: Letter) -> Placed:
        if letter.is_bounce:
            return self.place_bounce(letter)
        duplicate = self.stored(letter.message_id)
        if duplicate is not None:
            return Placed(Placement.DUPLICATE, duplicate)
        target = self.referenced(letter)
        if target is None:
            target = self.awaited(letter.message_id)
        if target is None:
            target = self.named(letter)
        if target is None:
            target = NewThread(self.plan.new_threads)
            self.plan.new_threads += 1
        self.plan.conversation_of[letter.message_id] = target
        for message_id in letter.message_ids:
            if self.stored(message_id) is None and self.awaited(message_id) is None:
                self.plan.waiting[message_id] = target
        return Placed(Placement.MESSAGE, target)

    def place_bounce(self, letter: Letter) -> Placed:
        seen = self.known.bounce_ids, self.state.bounces, self.plan.bounces
        if any(letter.message_id in ids for ids in seen):
            return Placed(Placement.DUPLICATE, None)
        self.plan.bounces.add(letter.message_id)
        target = self.referenced(letter)
        return Placed(Placement.BOUNCE, self.named(letter) if target is None else target)


def plan_batch(letters: Sequence[Letter], known: Known, state: ImportThreads) -> BatchPlan:
    """Place every letter of a batch, in order; `state` is read, never changed."""
    planner = _Planner(known, state)
    planner.plan.placed = [planner.place(letter) for letter in letters]
    return planner.plan
