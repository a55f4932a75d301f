"""The five steps of good service, detected in ONE agent message. Pure: no I/O, no clock.

Each step rests on a behaviour at a place in the message, never on how often a polite word
appears: a greeting must open the reply, empathy must be specific (not "sorry for any
inconvenience") and matched to the customer's mood, thanks only count with an offer of more
help, and a reply stuffed with apologies or thanks earns neither rapport nor gratitude.
"""

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from enum import StrEnum

from goodwill.quality import lexicon as lx
from goodwill.quality import lexicon_solution as ls
from goodwill.quality.gated import GatedPattern, word_prefixes
from goodwill.quality.rubric import STEPS

__all__ = [
    "STEPS",
    "MessageSteps",
    "StepResult",
    "customer_is_upset",
    "detect_message_steps",
    "split_sentences",
]

EVIDENCE_CHARS = 160
LINK = "[link]"
OPENING_CHARS = 80  # how far into the first sentence an opening thanks may sit
STUFFING_THRESHOLD = 3  # this many apologies (or thanks) in one reply is stuffing, not care


class StepResult(StrEnum):
    DONE = "done"
    MISSED = "missed"
    NA = "na"


@dataclass(frozen=True, slots=True)
class MessageSteps:
    """What one agent message does; `evidence` maps a step to the sentence it rests on.

    `greeted_by_name`, `thanks` and `offers_help` are the parts behind acknowledgement and
    gratitude (the live checklist shows them); `apology_stuffing`/`thanks_stuffing` explain a
    rapport or gratitude refused for politeness spam; `uncertain` feeds lacking_knowledge."""

    acknowledgement: bool = False
    rapport: bool = False
    needs: bool = False
    solution: bool = False
    gratitude: bool = False
    greeted_by_name: bool = False
    thanks: bool = False
    offers_help: bool = False
    canned_apology: bool = False
    apology_stuffing: bool = False
    thanks_stuffing: bool = False
    uncertain: bool = False
    evidence: dict[str, str] = field(default_factory=dict)

    def done(self, step: str) -> bool:
        return bool(getattr(self, step))


def split_sentences(text: str) -> list[str]:
    """Sentences (and lines) of a message, stripped; empty pieces dropped."""
    return [text[start:end] for start, end in _sentence_spans(text)]


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    for separator in lx.SENTENCE_END.finditer(text):
        _add_span(spans, text, start, separator.start() + (separator.group() != "\n"))
        start = separator.end()
    _add_span(spans, text, start, len(text))
    return spans


def _add_span(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if stripped:
        offset = start + piece.index(stripped[0])
        spans.append((offset, offset + len(stripped)))


def customer_is_upset(customer_text: str) -> bool:
    """True when the customer's words show frustration, anger or distress."""
    return bool(customer_text) and lx.UPSET.search(customer_text.lower()) is not None


@dataclass(frozen=True, slots=True)
class _Text:
    """A message prepared once: the body (links masked), its sentences, and lower-cased copies
    that the phrase lists search (positions agree unless lower-casing changed the length)."""

    body: str
    low: str
    sentences: list[str]
    lows: list[str]
    prefixes: frozenset[str]

    starts: list[int]

    @classmethod
    def of(cls, text: str) -> "_Text":
        body = lx.LEADING_NOISE.sub("", text or "")
        if "/" in body or "www." in body:
            body = lx.URL.sub(LINK, body)
        spans = _sentence_spans(body)
        sentences = [body[start:end] for start, end in spans]
        low = body.lower()
        lows = [sentence.lower() for sentence in sentences]
        return cls(body, low, sentences, lows, word_prefixes(low), [start for start, _ in spans])

    def index_at(self, position: int) -> int:
        """The sentence holding a position of `low`."""
        return max(0, bisect_right(self.starts, position) - 1)

    def sentence_indexes(self, pattern: GatedPattern) -> set[int]:
        """The sentences in which `pattern` matches."""
        return {self.index_at(at) for at in pattern.positions(self.low, self.prefixes)}

    def has(self, pattern: GatedPattern, text: str) -> bool:
        """Whether `pattern` matches `text` (this message or one of its lower-cased sentences)."""
        return pattern.search(text, self.prefixes) is not None

    def hit(self, pattern: GatedPattern) -> str | None:
        """The sentence around the first match of `pattern`, or None."""
        match = pattern.search(self.low, self.prefixes)
        if match is None:
            return None
        source = self.body if len(self.body) == len(self.low) else self.low
        return _sentence_at(source, match.start())


def _clip(sentence: str) -> str:
    sentence = " ".join(sentence.split())
    return sentence if len(sentence) <= EVIDENCE_CHARS else sentence[: EVIDENCE_CHARS - 1] + "…"


def _sentence_at(text: str, position: int) -> str:
    start = max(text.rfind(mark, 0, position) for mark in (".", "!", "?", "\n")) + 1
    ends = [i for i in (text.find(mark, position) for mark in (".", "!", "?", "\n")) if i >= 0]
    end = min(ends) + 1 if ends else len(text)
    return _clip(text[start:end].strip())


def _acknowledgement(message: _Text, first_name: str | None) -> tuple[bool, bool, str]:
    """A greeting opening the reply, or a first sentence that thanks the customer."""
    opening = message.body[:120]
    first = message.sentences[0] if message.sentences else ""
    greeting = lx.GREETING.match(opening) or lx.WARM_OPENING.match(opening)
    if greeting is not None:
        by_name = _names_customer(opening, greeting.end(), first_name)
    elif message.lows and _opening_thanks(message):
        by_name = _names_customer(first, len(first), first_name)
    else:
        return False, False, ""
    return True, by_name, _clip(first)


def _opening_thanks(message: _Text) -> bool:
    """The first sentence thanks the customer (and the reply is not stuffed with thanks)."""
    first = message.lows[0][:OPENING_CHARS]
    stuffed = ls.GENUINE_THANKS.count(message.low, message.prefixes) >= STUFFING_THRESHOLD
    return not stuffed and message.has(ls.GENUINE_THANKS, first)


def _names_customer(opening: str, greeting_end: int, first_name: str | None) -> bool:
    if first_name and first_name.strip():
        name = re.escape(first_name.strip())
        return re.search(rf"(?<![\w]){name}(?![\w])", opening[:80], re.IGNORECASE) is not None
    candidate = lx.NAME_AFTER_GREETING.match(opening[greeting_end:])
    return candidate is not None and candidate.group(1).lower() not in lx.NOT_A_NAME


def _rapport(message: _Text, customer_text: str) -> tuple[bool, str, bool, bool]:
    """(done, evidence, canned apology seen, apology stuffing seen)."""
    canned = message.has(lx.CANNED_APOLOGY, message.low)
    if lx.APOLOGY_WORD.count(message.low, message.prefixes) >= STUFFING_THRESHOLD:
        return False, "", canned, True
    empathy = message.hit(lx.EMPATHY)
    if empathy is not None and not message.has(lx.CANNED_APOLOGY, empathy.lower()):
        return True, empathy, canned, False
    warmth = None if customer_is_upset(customer_text) else message.hit(lx.WARMTH)
    if warmth is not None:
        return True, warmth, canned, False
    return False, "", canned, False


def _needs(message: _Text) -> str | None:
    """The first sentence that asks for details, restates the need or asks a real question."""
    flagged = message.sentence_indexes(lx.DETAIL_REQUEST) | message.sentence_indexes(lx.RESTATE)
    for index, low in enumerate(message.lows):
        if index in flagged:
            if not message.has(lx.NON_NEEDS_QUESTION, low):
                return _clip(message.sentences[index])
        elif "?" in low and LINK not in low and not _closing_offer(message, low):
            return _clip(message.sentences[index])
    return None


def _closing_offer(message: _Text, low: str) -> bool:
    return message.has(lx.NON_NEEDS_QUESTION, low) or message.has(ls.OFFER_MORE_HELP, low)


def _solution(message: _Text) -> str | None:
    """The first sentence with an instruction, an action, information or a help link."""
    flagged = message.sentence_indexes(ls.INFORMATION)
    for pattern in (ls.ACTION_DONE, ls.ACTION_PROMISED):
        flagged.update(message.index_at(m.start()) for m in pattern.finditer(message.low))
    for index, low in enumerate(message.lows):
        if index in flagged or ls.INSTRUCTION.match(low) or _help_link(low):
            return _clip(message.sentences[index])
    return None


def _help_link(low: str) -> bool:
    """A link offered as help: a strong cue (article, steps, workaround), or a weaker one
    (here, more, info) without words that only redirect the customer (DM, ticket, contact)."""
    if LINK not in low:
        return False
    if ls.STRONG_HELP_CUE.search(low):
        return True
    return ls.HELP_LINK_CUE.search(low) is not None and ls.DEFLECTION_CUE.search(low) is None


def _gratitude(message: _Text) -> tuple[bool, bool, bool, str]:
    """(thanks, offers help, thanks stuffing, evidence)."""
    thanks_count = ls.GENUINE_THANKS.count(message.low, message.prefixes)
    stuffing = thanks_count >= STUFFING_THRESHOLD
    thanks = message.hit(ls.GENUINE_THANKS) if thanks_count and not stuffing else None
    offer = message.hit(ls.OFFER_MORE_HELP)
    if thanks and offer:
        evidence = thanks if thanks == offer else f"{thanks} … {offer}"
        return True, True, False, _clip(evidence)
    return thanks is not None, offer is not None, stuffing, ""


def detect_message_steps(
    text: str, *, customer_first_name: str | None = None, customer_text: str = ""
) -> MessageSteps:
    """Score one agent message on the five steps.

    `customer_first_name` makes a greeting "by name" only when that name is used; without it a
    capitalised word after the greeting counts. `customer_text` (what the customer wrote just
    before) sets the mood that rapport must match: an upset customer needs empathy, not cheer."""
    message = _Text.of(text)
    evidence: dict[str, str] = {}
    greeted, by_name, greeting = _acknowledgement(message, customer_first_name)
    if greeted:
        evidence["acknowledgement"] = greeting
    rapport, empathy, canned, apology_stuffing = _rapport(message, customer_text)
    if rapport:
        evidence["rapport"] = empathy
    needs = _needs(message)
    if needs is not None:
        evidence["needs"] = needs
    solution = _solution(message)
    if solution is not None:
        evidence["solution"] = solution
    thanks, offers, thanks_stuffing, closing = _gratitude(message)
    if closing:
        evidence["gratitude"] = closing
    return MessageSteps(
        acknowledgement=greeted,
        rapport=rapport,
        needs=needs is not None,
        solution=solution is not None,
        gratitude=bool(closing),
        greeted_by_name=by_name,
        thanks=thanks,
        offers_help=offers,
        canned_apology=canned,
        apology_stuffing=apology_stuffing,
        thanks_stuffing=thanks_stuffing,
        uncertain=message.has(ls.UNCERTAIN, message.low),
        evidence=evidence,
    )
