"""The five failure modes that drive customers away, each with its evidence. Pure: `now` is given.

- not_listening: the customer repeats themselves ("as I said", or a later message that says
  the same thing as an earlier one after an agent replied).
- ignored: the first reply missed its SLA target, or a customer message waited longer than
  `reply_target_seconds` for an agent (still waiting, for open conversations).
- promise_broken: recorded broken promises, or (when promises are not tracked) an agent
  commitment with a deadline that passed with no agent message by then.
- lacking_knowledge: reassigned or moved between teams, reopened after an answer, or an agent
  saying "I don't know" / "not sure".
- no_follow_up: waiting on us longer than `follow_up_after_seconds` with no update, or an agent
  promised an update and none followed while the conversation stayed open that long.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from goodwill.quality import lexicon_solution as ls
from goodwill.quality.promises_text import extract_commitments
from goodwill.quality.rubric import FAILURE_MODES
from goodwill.quality.steps import MessageSteps
from goodwill.quality.transcript import ConversationFacts, TranscriptMessage

OVERLAP_THRESHOLD = 0.6  # Jaccard similarity of content words that counts as a repeat
MIN_CONTENT_WORDS = 4
_CONTENT_WORD = re.compile(r"[a-zà-ÿ0-9]{4,}", re.IGNORECASE)
_VAGUE_UPDATE = re.compile(
    r"\b(?:i|we)(?:'ll|\s+will)\s+(?:\w+\s+){0,5}(?:get\s+back|update\s+you|keep\s+you\s+"
    r"(?:posted|updated|informed)|be\s+in\s+touch|follow\s+up|let\s+you\s+know|come\s+back\s+to"
    r"\s+you|reach\s+out)",
    re.IGNORECASE,
)
OPEN_WAITING_ON_US = frozenset({"new", "open"})


@dataclass(slots=True)
class FailureFindings:
    flags: dict[str, bool] = field(default_factory=lambda: dict.fromkeys(FAILURE_MODES, False))
    evidence: dict[str, str] = field(default_factory=dict)

    def flag(self, mode: str, evidence: str) -> None:
        if not self.flags[mode]:
            self.flags[mode] = True
            self.evidence[mode] = evidence


def _hours(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours:.0f} h" if hours >= 2 else f"{delta.total_seconds() / 60:.0f} min"


def _content_words(text: str) -> frozenset[str]:
    return frozenset(word.lower() for word in _CONTENT_WORD.findall(text))


def _not_listening(messages: Sequence[TranscriptMessage], found: FailureFindings) -> None:
    earlier: list[frozenset[str]] = []
    pending: list[frozenset[str]] = []
    agent_replied = False
    for message in messages:
        if message.author == "agent":
            agent_replied, earlier = True, earlier + pending
            pending = []
        elif message.author == "customer":
            match = ls.REPEATING.search(message.text) if agent_replied else None
            if match is not None:
                found.flag("not_listening", f"customer: {_snippet(message.text, match.start())}")
                return
            words = _content_words(message.text)
            if agent_replied and _repeats(words, earlier):
                found.flag("not_listening", f"customer repeated: {_snippet(message.text, 0)}")
                return
            pending.append(words)


def _repeats(words: frozenset[str], earlier: list[frozenset[str]]) -> bool:
    if len(words) < MIN_CONTENT_WORDS:
        return False
    for previous in earlier:
        if len(previous) >= MIN_CONTENT_WORDS:
            overlap = len(words & previous) / len(words | previous)
            if overlap >= OVERLAP_THRESHOLD:
                return True
    return False


def _snippet(text: str, position: int) -> str:
    start = max(0, position - 40)
    return " ".join(text[start : start + 140].split())


def _ignored(
    messages: Sequence[TranscriptMessage],
    facts: ConversationFacts,
    now: datetime,
    found: FailureFindings,
) -> None:
    if facts.first_response_at is not None and facts.first_response_late():
        late = facts.first_response_at - facts.created_at
        found.flag("ignored", f"first reply after the SLA target ({_hours(late)})")
        return
    limit = timedelta(seconds=facts.reply_target_seconds)
    waiting_since: datetime | None = None
    for message in messages:
        if message.author == "customer" and waiting_since is None:
            waiting_since = message.at
        elif message.author == "agent" and waiting_since is not None:
            if message.at - waiting_since > limit:
                gap = message.at - waiting_since
                found.flag("ignored", f"customer waited {_hours(gap)} for a reply")
                return
            waiting_since = None
    still_open = facts.status in OPEN_WAITING_ON_US
    if waiting_since is not None and still_open and now - waiting_since > limit:
        found.flag("ignored", f"customer waiting {_hours(now - waiting_since)} unanswered")


def _promise_broken(
    messages: Sequence[TranscriptMessage],
    facts: ConversationFacts,
    now: datetime,
    found: FailureFindings,
) -> None:
    if facts.promises_broken > 0:
        found.flag("promise_broken", f"{facts.promises_broken} promise(s) recorded as broken")
        return
    if facts.promises_tracked:
        return
    agent_times = [m.at for m in messages if m.author == "agent"]
    for message in messages:
        if message.author != "agent":
            continue
        for commitment in extract_commitments(message.text, message.at):
            kept = any(message.at < at <= commitment.due_at for at in agent_times)
            if not kept and commitment.due_at < now:
                found.flag("promise_broken", f"agent: {commitment.sentence}")
                return


def _lacking_knowledge(
    facts: ConversationFacts,
    agent_steps: Sequence[tuple[TranscriptMessage, MessageSteps]],
    found: FailureFindings,
) -> None:
    if facts.team_changes > 0:
        found.flag("lacking_knowledge", f"moved between teams {facts.team_changes} time(s)")
    elif facts.assignment_count > 1:
        found.flag("lacking_knowledge", f"assigned {facts.assignment_count} times (transfers)")
    elif facts.reopened_count > 0:
        found.flag("lacking_knowledge", f"reopened {facts.reopened_count} time(s) after an answer")
    for message, steps in agent_steps:
        if steps.uncertain:
            match = ls.UNCERTAIN.search(message.text)
            position = match.start() if match else 0
            found.flag("lacking_knowledge", f"agent: {_snippet(message.text, position)}")


def _no_follow_up(
    messages: Sequence[TranscriptMessage],
    facts: ConversationFacts,
    now: datetime,
    found: FailureFindings,
) -> None:
    limit = timedelta(seconds=facts.follow_up_after_seconds)
    since = facts.waiting_on_us_since
    overdue = since is not None and now - since > limit and facts.status in OPEN_WAITING_ON_US
    if (
        since is not None
        and overdue
        and not any(m.author == "agent" and m.at > since for m in messages)
    ):
        found.flag("no_follow_up", f"waiting on us for {_hours(now - since)} with no update")
        return
    agents = [m for m in messages if m.author == "agent"]
    if not agents or facts.is_closed:
        return
    last = agents[-1]
    match = _VAGUE_UPDATE.search(last.text)
    if match is not None and now - last.at > limit:
        found.flag("no_follow_up", f"promised an update, none since: {_snippet(last.text, 0)}")


def detect_failures(
    messages: Sequence[TranscriptMessage],
    facts: ConversationFacts,
    agent_steps: Sequence[tuple[TranscriptMessage, MessageSteps]],
    *,
    now: datetime,
) -> FailureFindings:
    """All five failure modes of one conversation (`agent_steps`: each agent message scored)."""
    found = FailureFindings()
    _not_listening(messages, found)
    _ignored(messages, facts, now, found)
    _promise_broken(messages, facts, now, found)
    _lacking_knowledge(facts, agent_steps, found)
    _no_follow_up(messages, facts, now, found)
    return found
