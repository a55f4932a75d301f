"""Why a customer is unhappy: the service, the product or a policy, with the evidence. Pure.

Precedence (docs/insights.md "Root cause"):
1. the survey reasons the customer ticked (the majority cause; a tie is settled by the comment,
   then by the first reason);
2. the survey comment (phrase cues, negation-aware, see cause_lexicon.py);
3. service complaints in the customer's last messages ("still no reply", "you promised");
4. service facts: a broken promise, a failure flag, reopens, a slow first reply, a transfer;
5. product or policy complaints in the customer's last messages (the subject of the ticket);
6. the conversation's topic, the weakest evidence (delivery, defect, refund, billing ...);
otherwise "none" with the evidence "no evidence". A conversation that is not unhappy is "none".
"""

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from goodwill.insights.cause_lexicon import (
    CAUSES,
    NONE,
    POLICY,
    PRODUCT,
    REASON_CAUSES,
    SERVICE,
    CueHit,
    find_cues,
)

LOW_CSAT = 2  # 1..5
LOW_NPS = 6  # 0..10 (detractors)
LOW_CES = 3  # 1..7
LOW_PREDICTED_CSAT = 2.5
NEGATIVE_END_SENTIMENT = -0.2
LAST_CUSTOMER_TEXTS = 3
MAX_EVIDENCE = 160
# Step 6: a topic name that says what the conversation was about (the demo's topics included).
TOPIC_CAUSES: tuple[tuple[re.Pattern[str], str, str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), cause, detail)
    for pattern, cause, detail in (
        (
            r"deliver|shipping|shipment|parcel|order status|tracking|delay",
            PRODUCT,
            "delivery_operations",
        ),
        (r"defect|broken|fault|repair|not working", PRODUCT, "defect"),
        (r"refund|return|cancel|warranty|polic", POLICY, "policy"),
        (r"billing|invoice|price|pricing|charge|payment", PRODUCT, "price_value"),
    )
)


@dataclass(frozen=True, slots=True)
class ConversationEvidence:
    csat: int | None
    nps: int | None
    ces: int | None
    reasons: tuple[str, ...]
    comment: str
    customer_texts: tuple[str, ...]
    slow_first_reply: bool
    reopens: int
    promises_broken: int
    transferred: bool
    failure_not_listening: bool
    failure_ignored: bool
    failure_lacking_knowledge: bool
    failure_no_follow_up: bool
    sentiment_end: float | None
    predicted_csat: float | None
    topic: str | None


@dataclass(frozen=True, slots=True)
class Attribution:
    cause: str
    detail: str
    evidence: str


NO_CAUSE = Attribution(NONE, "", "")


def is_unhappy(evidence: ConversationEvidence) -> bool:
    """A low survey score, or, when unrated, a low predicted CSAT or a negative ending."""
    if evidence.csat is not None and evidence.csat <= LOW_CSAT:
        return True
    if evidence.nps is not None and evidence.nps <= LOW_NPS:
        return True
    if evidence.ces is not None and evidence.ces <= LOW_CES:
        return True
    if evidence.csat is not None or evidence.nps is not None or evidence.ces is not None:
        return False
    if evidence.predicted_csat is not None and evidence.predicted_csat <= LOW_PREDICTED_CSAT:
        return True
    return evidence.sentiment_end is not None and evidence.sentiment_end <= NEGATIVE_END_SENTIMENT


def attribute_conversation(evidence: ConversationEvidence) -> Attribution:
    """The cause of an unhappy conversation, following the documented precedence."""
    if not is_unhappy(evidence):
        return NO_CAUSE
    comment_hits = find_cues(evidence.comment)
    by_reason = _from_reasons(evidence, comment_hits)
    if by_reason is not None:
        return by_reason
    if _complains(comment_hits):
        return _from_hits(comment_hits, "comment")
    return _from_conversation(evidence)


def _from_conversation(evidence: ConversationEvidence) -> Attribution:
    """Steps 3 to 6: what the customer wrote about the service, the facts, the rest, the topic."""
    customer_hits = [
        hit for text in evidence.customer_texts[-LAST_CUSTOMER_TEXTS:] for hit in find_cues(text)
    ]
    service_said = [hit for hit in customer_hits if hit.cause == SERVICE]
    if _complains(service_said):
        return _from_hits(service_said, "customer wrote")
    by_facts = _from_service_facts(evidence)
    if by_facts is not None:
        return by_facts
    if _complains(customer_hits):
        return _from_hits(customer_hits, "customer wrote")
    return _from_topic(evidence.topic)


def _from_topic(topic: str | None) -> Attribution:
    for pattern, cause, detail in TOPIC_CAUSES:
        if topic and pattern.search(topic):
            return Attribution(cause, detail, _clip(f"topic: {topic} (nothing else found)"))
    return Attribution(NONE, "", "unhappy; no evidence of a cause")


def attribute_text(text: str) -> Attribution:
    """The cause a review or a comment alone points at ("none" when it names none)."""
    return _from_hits(find_cues(text), "text")


def _from_reasons(
    evidence: ConversationEvidence, comment_hits: Sequence[CueHit]
) -> Attribution | None:
    """The majority cause of the ticked reasons; "not resolved" alone takes its detail from the
    comment, else from the service facts."""
    known = [(key, REASON_CAUSES[key]) for key in evidence.reasons if key in REASON_CAUSES]
    if not known:
        return None
    counts: dict[str, int] = defaultdict(int)
    for _, (cause, _detail) in known:
        counts[cause] += 1
    top = max(counts.values())
    leaders = [cause for cause in CAUSES if counts.get(cause) == top]
    cause = leaders[0]
    if len(leaders) > 1:
        scores = _scores(hit for hit in comment_hits if hit.cause in leaders)
        first_reason = next(cause for _, (cause, _d) in known if cause in leaders)
        cause = max(leaders, key=lambda c: (scores.get(c, 0.0), c == first_reason))
    keys = [key for key, (reason_cause, _) in known if reason_cause == cause]
    detail = REASON_CAUSES[keys[0]][1]
    comment_details = [hit for hit in comment_hits if hit.cause == cause and hit.weight > 0]
    by_facts = _from_service_facts(evidence)
    if keys == ["not_resolved"] and comment_details:
        detail = _top_detail(comment_details)
    elif keys == ["not_resolved"] and by_facts is not None:
        detail = by_facts.detail
    return Attribution(cause, detail, _clip("reasons: " + ", ".join(keys)))


def _from_hits(hits: Sequence[CueHit], source: str) -> Attribution:
    """The cause with the highest score among those with a complaint (praise weighs < 0)."""
    complained = [cause for cause in CAUSES if any(h.cause == cause and h.weight > 0 for h in hits)]
    if not complained:
        return NO_CAUSE
    scores = _scores(hits)
    cause = max(complained, key=lambda c: (scores.get(c, 0.0), -CAUSES.index(c)))
    chosen = [hit for hit in hits if hit.cause == cause and hit.weight > 0]
    phrases = list(dict.fromkeys(f'"{hit.phrase.strip().lower()}"' for hit in chosen))
    return Attribution(cause, _top_detail(chosen), _clip(f"{source}: " + ", ".join(phrases[:3])))


def _complains(hits: Sequence[CueHit]) -> bool:
    return any(hit.weight > 0 for hit in hits)


def _scores(hits: Iterable[CueHit]) -> dict[str, float]:
    scores: dict[str, float] = defaultdict(float)
    for hit in hits:
        scores[hit.cause] += hit.weight
    return scores


def _top_detail(hits: Sequence[CueHit]) -> str:
    weights: dict[str, float] = {}
    for hit in hits:
        if hit.weight > 0:
            weights[hit.detail] = weights.get(hit.detail, 0.0) + hit.weight
    return max(weights, key=lambda detail: weights[detail])


def _from_service_facts(evidence: ConversationEvidence) -> Attribution | None:
    facts: list[tuple[str, str]] = []
    if evidence.promises_broken:
        facts.append(("broken_promise", f"{evidence.promises_broken} broken promise(s)"))
    if evidence.failure_not_listening:
        facts.append(("not_listened", "customer had to repeat themselves"))
    if evidence.failure_ignored:
        facts.append(("slow_or_ignored", "customer left waiting"))
    if evidence.failure_no_follow_up:
        facts.append(("no_follow_up", "no follow-up"))
    if evidence.failure_lacking_knowledge:
        facts.append(("lacking_knowledge", "agent lacked the answer"))
    if evidence.reopens:
        facts.append(("lacking_knowledge", f"reopened {evidence.reopens} time(s)"))
    if evidence.slow_first_reply:
        facts.append(("slow_or_ignored", "first reply after 4 business hours"))
    if evidence.transferred:
        facts.append(("lacking_knowledge", "transferred"))
    if not facts:
        return None
    return Attribution(SERVICE, facts[0][0], _clip("facts: " + "; ".join(f for _, f in facts)))


def _clip(text: str) -> str:
    return text if len(text) <= MAX_EVIDENCE else text[: MAX_EVIDENCE - 1] + "…"


__all__ = [
    "NONE",
    "POLICY",
    "PRODUCT",
    "SERVICE",
    "Attribution",
    "ConversationEvidence",
    "attribute_conversation",
    "attribute_text",
    "is_unhappy",
]
