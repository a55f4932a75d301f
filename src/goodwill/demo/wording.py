"""Composing demo messages from the templates: openers, replies with habits, promise deadlines."""

import random
from datetime import date, datetime

from goodwill.demo import replies, texts
from goodwill.demo.catalog import DEFECT_BATCH, PRODUCTS, SIGNATURE
from goodwill.demo.draw import choose
from goodwill.demo.scenarios import DEFECT_SURGE, SCENARIOS, Scenario, scenarios_for
from goodwill.demo.worktime import BusinessClock

Slots = dict[str, str]
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_SCENARIOS = {
    (topic, spec.slug): scenarios_for(topic, spec.slug) for topic in SCENARIOS for spec in PRODUCTS
}
SHORT_FORM_CHANNELS = frozenset({"chat", "sms", "social", "phone"})


def conversation_slots(  # noqa: PLR0913 - the facts a conversation's texts mention
    rng: random.Random,
    *,
    first_name: str,
    full_name: str,
    product: tuple[str, str, str],
    order: str,
    amount_cents: int,
    reference: str,
    days: tuple[str, str],
    courier: str,
) -> Slots:
    slug, name, short = product
    problem = choose(rng, texts.PROBLEMS[slug])
    return {
        "first_name": first_name,
        "full_name": full_name,
        "product": name,
        "item": short,
        "order": order,
        "order_digits": order[-6:],
        "ref": reference,
        "courier": courier,
        "day": days[0],
        "soon": days[1],
        "amount": f"£{amount_cents // 100}.{amount_cents % 100:02d}",
        "problem": problem,
        "problem_sentence": problem[0].upper() + problem[1:] + ".",
        "question": choose(rng, texts.QUESTIONS[slug]),
        "batch": DEFECT_BATCH,
        "agent": "",
        "team": "",
        "signature": SIGNATURE,
        "due": "",
        "promised": "",
    }


def subject(rng: random.Random, topic: str, slots: Slots, *, surge: bool) -> str:
    return choose(rng, texts.DEFECT_SUBJECTS if surge else texts.SUBJECTS[topic]).format_map(slots)


def scenario(
    rng: random.Random, topic: str, product: str, slots: Slots, *, surge: bool
) -> Scenario:
    if surge:
        slots["problem"] = "water is leaking from the base when it's filled"
        return DEFECT_SURGE
    return choose(rng, _SCENARIOS[topic, product])


def customer_text(rng: random.Random, body: str, slots: Slots, channel: str) -> str:
    text = body.format_map(slots)
    if channel == "email":
        text += choose(rng, texts.SIGN_OFFS).format_map(slots)
    return text


def greeting(rng: random.Random, *, by_name: bool) -> str:
    return choose(rng, replies.GREETINGS_BY_NAME if by_name else replies.GREETINGS_GENERIC)


def closing(rng: random.Random, *, thanked: bool) -> str:
    return choose(rng, replies.CLOSINGS_THANKS if thanked else replies.CLOSINGS_PLAIN)


def agent_text(body: str, slots: Slots, channel: str) -> str:
    """Fill the slots; chat, SMS, social posts and call notes are one paragraph, unsigned."""
    if channel in SHORT_FORM_CHANNELS:
        return body.format_map(slots).replace("\n\n", " ").strip()
    signature = replies.SIGNATURE.lstrip("\n") if body.endswith(",") else replies.SIGNATURE
    return (body + ("\n" if body.endswith(",") else "") + signature).format_map(slots)


def promise_deadline(kind: str, made_at: int, clock: BusinessClock) -> tuple[int, str]:
    """When a promise of this kind falls due, and how the agent says it."""
    local = clock.local(made_at)
    today = local.date()
    if kind == "callback":
        day = clock.next_open_day(today)
        return clock.at_local(day, 15 * 60), f"by 3pm {_relative_day(today, day)}"
    if kind == "update":
        closes = clock.closing_minute(today)
        if clock.is_open(made_at) and local.hour * 60 + local.minute < closes - 60:
            return clock.at_local(today, closes), "by the end of today"
        day = clock.next_open_day(today)
        closing_time = clock.at_local(day, clock.closing_minute(day))
        return closing_time, f"by the end of {_day_name(today, day)}"
    if kind == "courier":
        return made_at + 48 * 3600, "within 48 hours"
    return clock.add(made_at, 2 * (7 * 3600 + 1800)), "within two working days"


def promise_texts(
    kind: str, due_phrase: str, due_at: int, clock: BusinessClock, slots: Slots
) -> tuple[str, str]:
    """The sentence in the reply and the promise's description (with an absolute deadline)."""
    slots["due"] = due_phrase
    sentence = replies.PROMISES[kind].format_map(slots)
    slots["due"] = absolute_time(clock.local(due_at))
    slots["promised"] = slots["due"]
    return sentence, replies.PROMISE_DESCRIPTIONS[kind].format_map(slots)


def absolute_time(local: datetime) -> str:
    """'3pm on Tue 4 Mar', '5:30pm on Fri 7 Mar'."""
    hour = local.hour % 12 or 12
    minutes = f":{local.minute:02d}" if local.minute else ""
    suffix = "am" if local.hour < 12 else "pm"
    day = f"{_WEEKDAYS[local.weekday()][:3]} {local.day} {_MONTHS[local.month - 1]}"
    return f"{hour}{minutes}{suffix} on {day}"


def weekday_name(day: date) -> str:
    return _WEEKDAYS[day.weekday()]


def weekday_of(timestamp: int) -> str:
    """The weekday of a moment in UK time, near enough for a message (the epoch was a Thursday)."""
    return _WEEKDAYS[((timestamp + 3600) // 86400 + 3) % 7]


def _relative_day(today: date, day: date) -> str:
    if (day - today).days == 1:
        return "tomorrow"
    return f"on {weekday_name(day)}"


def _day_name(today: date, day: date) -> str:
    return "tomorrow" if (day - today).days == 1 else weekday_name(day)
