"""The live checklist beside the reply box: which steps are done, covered by the draft, missing.

Advice only, never a gate. A step is `done` when an earlier agent reply in this conversation
already did it, `covered_by_draft` when the draft being written does it, `missing` otherwise, and
`na` when it cannot apply (the conversation has no customer message to answer). Pure.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from goodwill.quality.rubric import STEPS
from goodwill.quality.steps import MessageSteps, customer_is_upset, detect_message_steps
from goodwill.quality.transcript import ConversationFacts, TranscriptMessage

ChecklistState = Literal["done", "covered_by_draft", "missing", "na"]


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    step: str
    state: ChecklistState
    suggestion: str | None = None


_FIXED_SUGGESTIONS = {
    "needs": 'Ask what they need, or restate it: "Just to check, you\'d like ...?"',
    "solution": "Offer a concrete solution or the next step, and when it will happen.",
}


def _suggestion(step: str, name: str | None, upset: bool, draft: MessageSteps) -> str:
    if step in _FIXED_SUGGESTIONS:
        return _FIXED_SUGGESTIONS[step]
    if step == "acknowledgement":
        return f'Greet {name} by name, e.g. "Hi {name},"' if name else "Open with a greeting."
    if step == "rapport":
        if not upset:
            return "Add a personal touch that fits their mood."
        return (
            f"{name or 'The customer'} sounds upset: say you understand, in your own words "
            '(not "sorry for any inconvenience").'
        )
    return _gratitude_suggestion(name, draft)


def _gratitude_suggestion(name: str | None, draft: MessageSteps) -> str:
    who = name or "the customer"
    if draft.thanks and not draft.offers_help:
        return 'Offer more help: "Is there anything else I can help with?"'
    if draft.offers_help and not draft.thanks:
        return f"Thank {who} for their patience or for getting in touch."
    comma_name = f", {name}" if name else ""
    return (
        f'When you close, thank {who} and offer more help: "Thanks for your patience'
        f'{comma_name}. Is there anything else I can help with?"'
    )


def draft_checklist(
    messages: Sequence[TranscriptMessage], facts: ConversationFacts, draft: str
) -> list[ChecklistItem]:
    """One item per step, in order, for the reply being written."""
    customer_since_agent: list[str] = []
    earlier: list[MessageSteps] = []
    for message in sorted(messages, key=lambda m: m.at):
        if message.author == "agent":
            earlier.append(
                detect_message_steps(message.text, customer_first_name=facts.customer_first_name)
            )
            customer_since_agent = []
        elif message.author == "customer":
            customer_since_agent.append(message.text)
    mood_text = " ".join(customer_since_agent)
    written = detect_message_steps(
        draft, customer_first_name=facts.customer_first_name, customer_text=mood_text
    )
    upset = customer_is_upset(mood_text)
    items: list[ChecklistItem] = []
    if not any(m.author == "customer" for m in messages):
        return [ChecklistItem(step, "na") for step in STEPS]
    for step in STEPS:
        if any(steps.done(step) for steps in earlier):
            items.append(ChecklistItem(step, "done"))
        elif written.done(step):
            items.append(ChecklistItem(step, "covered_by_draft"))
        else:
            name = facts.customer_first_name
            items.append(ChecklistItem(step, "missing", _suggestion(step, name, upset, written)))
    return items
