"""Score one conversation: the five steps, the failure modes and a 0-100 total. Pure.

Step rules over the whole conversation (each agent message is read by steps.py):
1. acknowledgement: the first agent reply was on time and greets the customer (strength 1.0 by
   name, 0.7 without). No reply yet: n/a until the reply is overdue, then missed.
2. rapport: some agent reply shows specific empathy or warmth matched to the customer's mood;
   strength drops for each scripted or stuffed apology.
3. needs: a question or restatement at or before the first solution, and the customer never had
   to repeat themselves.
4. solution: a concrete solution or next step, and no reopening, transfer or team change.
5. gratitude: n/a until the conversation is resolved or closed; then the last agent reply must
   thank the customer and offer further help.
All but acknowledgement are n/a while no agent has replied. The total is the rubric-weighted
share of done among applicable steps (x100), 0 if a critical step is missed, minus the rubric's
penalty for each failure mode present, clamped to 0..100.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from goodwill.quality.checklist import ChecklistItem, ChecklistState, draft_checklist
from goodwill.quality.failures import detect_failures
from goodwill.quality.rubric import DEFAULT_RUBRIC, FAILURE_MODES, STEPS, Rubric
from goodwill.quality.steps import MessageSteps, StepResult, detect_message_steps
from goodwill.quality.transcript import ConversationFacts, TranscriptMessage

__all__ = [
    "DEFAULT_RUBRIC",
    "SCORER_VERSION",
    "ChecklistItem",
    "ChecklistState",
    "ConversationFacts",
    "ConversationQuality",
    "Rubric",
    "TranscriptMessage",
    "compute_total",
    "draft_checklist",
    "score_agent_messages",
    "score_conversation",
]

SCORER_VERSION = "1"
GENERIC_GREETING_STRENGTH = 0.7
UNRESOLVED_SOLUTION_STRENGTH = 0.7
APOLOGY_PENALTY = 0.3

AgentSteps = list[tuple[TranscriptMessage, MessageSteps]]


@dataclass(frozen=True, slots=True)
class ConversationQuality:
    """Steps (done/missed/na), strengths (0..1, done and missed steps), failure modes,
    evidence (step or failure mode -> sentence or fact) and the 0-100 total."""

    steps: dict[str, StepResult]
    strengths: dict[str, float]
    failure_modes: dict[str, bool]
    evidence: dict[str, str] = field(default_factory=dict)
    total: int = 0


@dataclass(slots=True)
class _Verdicts:
    steps: dict[str, StepResult] = field(default_factory=dict)
    strengths: dict[str, float] = field(default_factory=dict)
    evidence: dict[str, str] = field(default_factory=dict)

    def set(
        self, step: str, result: StepResult, evidence: str, strength: float | None = None
    ) -> None:
        """Record a verdict; strength defaults to 1 for done, 0 for missed, none for n/a."""
        self.steps[step] = result
        if result != StepResult.NA:
            default = 1.0 if result == StepResult.DONE else 0.0
            self.strengths[step] = round(default if strength is None else strength, 2)
        if evidence:
            self.evidence[step] = evidence


def score_agent_messages(
    messages: Sequence[TranscriptMessage], customer_first_name: str | None
) -> AgentSteps:
    """Each agent message scored with the customer's words since the previous agent reply."""
    scored: AgentSteps = []
    customer_words: list[str] = []
    for message in messages:
        if message.author == "customer":
            customer_words.append(message.text)
        elif message.author == "agent":
            steps = detect_message_steps(
                message.text,
                customer_first_name=customer_first_name,
                customer_text=" ".join(customer_words),
            )
            scored.append((message, steps))
            customer_words = []
    return scored


def _acknowledgement(
    verdicts: _Verdicts, scored: AgentSteps, facts: ConversationFacts, now: datetime
) -> None:
    if not scored:
        overdue = facts.sla_breached or (now - facts.created_at).total_seconds() > (
            facts.reply_target_seconds
        )
        result = StepResult.MISSED if overdue else StepResult.NA
        verdicts.set("acknowledgement", result, "no agent reply yet")
        return
    first = scored[0][1]
    if facts.first_response_late():
        verdicts.set("acknowledgement", StepResult.MISSED, "first reply came after the SLA target")
    elif not first.acknowledgement:
        verdicts.set("acknowledgement", StepResult.MISSED, "first reply does not greet")
    else:
        strength = 1.0 if first.greeted_by_name else GENERIC_GREETING_STRENGTH
        verdicts.set(
            "acknowledgement", StepResult.DONE, first.evidence["acknowledgement"], strength
        )


def _rapport(verdicts: _Verdicts, scored: AgentSteps) -> None:
    scripted = sum(1 for _, steps in scored if steps.canned_apology or steps.apology_stuffing)
    done = next((steps for _, steps in scored if steps.rapport), None)
    if done is not None:
        strength = max(0.2, 1.0 - APOLOGY_PENALTY * scripted)
        verdicts.set("rapport", StepResult.DONE, done.evidence["rapport"], strength)
    elif any(steps.apology_stuffing for _, steps in scored):
        verdicts.set("rapport", StepResult.MISSED, "apologies stuffed into a reply, no empathy")
    elif scripted:
        verdicts.set("rapport", StepResult.MISSED, "only a scripted apology")
    else:
        verdicts.set("rapport", StepResult.MISSED, "no personal or empathetic touch")


def _needs(verdicts: _Verdicts, scored: AgentSteps, customer_repeated: bool) -> None:
    first_solution = next((i for i, (_, s) in enumerate(scored) if s.solution), len(scored) - 1)
    asked = next((s for _, s in scored[: first_solution + 1] if s.needs), None)
    if customer_repeated:
        verdicts.set("needs", StepResult.MISSED, "the customer had to repeat themselves")
    elif asked is None:
        verdicts.set("needs", StepResult.MISSED, "solved without asking or restating the need")
    else:
        verdicts.set("needs", StepResult.DONE, asked.evidence["needs"])


def _solution(verdicts: _Verdicts, scored: AgentSteps, facts: ConversationFacts) -> None:
    offered = next((s for _, s in scored if s.solution), None)
    if offered is None:
        verdicts.set("solution", StepResult.MISSED, "no solution or next step offered")
    elif facts.reopened_count > 0:
        verdicts.set("solution", StepResult.MISSED, f"reopened {facts.reopened_count} time(s)")
    elif facts.team_changes > 0 or facts.assignment_count > 1:
        verdicts.set("solution", StepResult.MISSED, "bounced between agents or teams")
    else:
        strength = 1.0 if facts.is_closed else UNRESOLVED_SOLUTION_STRENGTH
        verdicts.set("solution", StepResult.DONE, offered.evidence["solution"], strength)


def _gratitude(verdicts: _Verdicts, scored: AgentSteps, facts: ConversationFacts) -> None:
    if not facts.is_closed:
        verdicts.set("gratitude", StepResult.NA, "")
        return
    last = scored[-1][1]
    if last.gratitude:
        verdicts.set("gratitude", StepResult.DONE, last.evidence["gratitude"])
    elif last.thanks:
        verdicts.set("gratitude", StepResult.MISSED, "thanks without an offer of more help", 0.5)
    elif last.offers_help:
        verdicts.set("gratitude", StepResult.MISSED, "offer of more help without thanks", 0.5)
    else:
        verdicts.set("gratitude", StepResult.MISSED, "no thanks or offer of help at the close")


def compute_total(
    steps: dict[str, StepResult], failure_modes: dict[str, bool], rubric: Rubric
) -> int:
    """Weighted done share of applicable steps x100; 0 if a critical step is missed; minus
    the penalty of each failure mode present; clamped to 0..100. Nothing applicable -> 0."""
    if any(steps.get(step) == StepResult.MISSED for step in rubric.critical):
        return 0
    applicable = [s for s in STEPS if steps.get(s, StepResult.NA) != StepResult.NA]
    weight = sum(rubric.weight(s) for s in applicable)
    if weight <= 0:
        return 0
    done = sum(rubric.weight(s) for s in applicable if steps[s] == StepResult.DONE)
    penalties = sum(rubric.penalty(mode) for mode, on in failure_modes.items() if on)
    return max(0, min(100, round(100 * done / weight) - penalties))


def score_conversation(
    messages: list[TranscriptMessage],
    facts: ConversationFacts,
    *,
    now: datetime,
    rubric: Rubric | None = None,
) -> ConversationQuality:
    """The quality of one conversation as of `now` (messages in time order, notes excluded)."""
    ordered = sorted(messages, key=lambda m: m.at)
    scored = score_agent_messages(ordered, facts.customer_first_name)
    failures = detect_failures(ordered, facts, scored, now=now)
    verdicts = _Verdicts()
    _acknowledgement(verdicts, scored, facts, now)
    if scored:
        _rapport(verdicts, scored)
        _needs(verdicts, scored, failures.flags["not_listening"])
        _solution(verdicts, scored, facts)
        _gratitude(verdicts, scored, facts)
    else:
        for step in STEPS[1:]:
            verdicts.set(step, StepResult.NA, "")
    flags = {mode: failures.flags[mode] for mode in FAILURE_MODES}
    return ConversationQuality(
        steps=verdicts.steps,
        strengths=verdicts.strengths,
        failure_modes=flags,
        evidence={**verdicts.evidence, **failures.evidence},
        total=compute_total(verdicts.steps, flags, rubric or DEFAULT_RUBRIC),
    )
