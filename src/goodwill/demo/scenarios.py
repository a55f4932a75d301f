"""What a conversation is about, as words that belong together: opener, question, answer, fix."""

from typing import NamedTuple

# Each topic has a few scenarios; a conversation draws one, so the agent's clarifying question,
# the customer's answer, the solution and any reopening all fit the customer's first message.
# {day} is a recent past weekday (when something should have happened), {soon} one coming up.


class Scenario(NamedTuple):
    openers: tuple[str, ...]  # the customer's first message
    question: str  # what an agent who asks about needs asks
    answer: str  # the customer's reply to it
    solutions: tuple[str, ...]
    reopener: str  # the customer writes again after it was resolved
    second_fix: str  # and the agent's reply to that
    products: tuple[str, ...] = ()  # only for these product slugs (empty: any)


_LATE = Scenario(
    (
        "Hi, my order {order} for the {product} was supposed to arrive on {day} and there's no sign "
        "of it. The tracking hasn't updated since it left the warehouse. Can you find out where it "
        "is?",
        "I ordered a {product} ({order}) over a week ago and still haven't received it. I paid for "
        "next-day delivery. Not impressed.",
    ),
    "Before I chase it, could you confirm the delivery postcode and whether a neighbour or safe "
    "place might have it?",
    "It's the same address as on the order, and no, none of the neighbours have it.",
    (
        "I've spoken to {courier}: your parcel was held at their depot and is back out for "
        "delivery. It should be with you by {soon}.",
        "I've sent a replacement {item} by next-day delivery. You'll get a new tracking link by "
        "email this evening.",
    ),
    "Sorry, it still hasn't turned up, and the tracking hasn't moved.",
    "I'm sorry. I've cancelled that parcel and sent another with a different courier, tracked "
    "and signed for, due {soon}.",
)
_MARKED_DELIVERED = Scenario(
    (
        "Hello. Tracking says my {item} was delivered on {day} but nothing came and my neighbours "
        "haven't got it either. Order number {order}.",
    ),
    "Could you check for a {courier} card or photo, and would you prefer a replacement or a "
    "refund if it can't be found?",
    "No card and no photo. A replacement please.",
    (
        "{courier} have opened an investigation, and I've sent a replacement {item} so you're not "
        "left waiting. It should arrive by {soon}.",
    ),
    "The replacement hasn't come either. This is getting ridiculous.",
    "You're right to be annoyed. I've refunded the order in full, and the replacement is yours "
    "to keep when it arrives.",
)
_NEW_ADDRESS = Scenario(
    (
        "Hi there, I've moved house - can you change the delivery address on order {order}? It "
        "hasn't been dispatched yet as far as I can tell.",
    ),
    "Could you send me the full new address, including the postcode?",
    "It's 14 Mill Lane, Hebden Bridge, HX7 8AB. Thanks.",
    (
        "I've updated the address on order {order}; it hasn't left the warehouse yet, so it will "
        "go to the new address.",
    ),
    "It's just been delivered to my old address anyway!",
    "I'm sorry - the courier ignored the update. I've arranged for them to collect it from the "
    "old address and bring it to you by {soon}.",
)
_MISSED = Scenario(
    (
        "The {courier} driver left a card saying they'd try again on {day} but nobody came. Order "
        "{order}. When will it actually arrive?",
    ),
    "Could you tell me if you'll be in this week, and would you like a redelivery or to collect "
    "it from a {courier} depot?",
    "I'm in every day this week. Redelivery please.",
    (
        "I've booked a redelivery with {courier} for {soon}; you'll get a text with a one-hour "
        "slot that morning.",
    ),
    "Nobody came again.",
    "Apologies - I've cancelled the redelivery and sent a replacement by next-day delivery "
    "instead.",
)
_REFUND_LATE = Scenario(
    (
        "Hi, I sent the {product} back two weeks ago (order {order}) and still haven't had my "
        "refund of {amount}. {courier} shows it was delivered to you.",
        "Hello, I was told my refund for {order} would take 5 days. It's been 12. Could you check "
        "what's going on please?",
    ),
    "Could you tell me when you sent it back, and which courier you used?",
    "It went back on {day} with {courier}, I have the receipt.",
    (
        "I can see your return arrived; the refund of {amount} went through today. It normally "
        "shows within 3-5 working days.",
    ),
    "The refund still isn't showing on my account.",
    "I've checked with our payments team: the refund left us on the day I said. Your bank should "
    "show it by {soon}; reply here if it doesn't and I'll chase them.",
)
_RETURN = Scenario(
    (
        "I'd like to return my {item}, it's just not what I expected. How do I get a return "
        "label? Order {order}.",
    ),
    "So I get this right: would you prefer a refund to your card, or an exchange for a "
    "different model?",
    "I'd rather have the refund, thanks.",
    (
        "I've emailed you a prepaid {courier} returns label. As soon as the {item} reaches us, the "
        "refund goes through automatically.",
    ),
    "The link to the returns label doesn't work.",
    "Sorry about that. I've attached the label to this message instead, so you can print it "
    "straight away.",
)
_FED_UP = Scenario(
    ("Please can I have a refund for the {product}. {problem_sentence} I've had enough of it.",),
    "I'm sorry about that. Would you prefer a refund, or shall I send a replacement instead?",
    "A refund please, I don't want another one.",
    (
        "I've processed a refund of {amount} to your original payment method, and emailed you a "
        "prepaid label for the {item}.",
    ),
    "I've only been refunded part of the amount, not the full {amount}.",
    "You're right, the postage wasn't included. I've refunded the difference now.",
)
_FAULT = Scenario(
    (
        "Hi, my {product} has a problem: {problem}. It's only a couple of months old. Order "
        "{order}.",
        "My {item} is faulty - {problem}. I'd like a replacement please. Order number {order}.",
    ),
    "Could you tell me the serial number on the sticker underneath, and whether it happens "
    "every time?",
    "The serial number is HW{order_digits}. It happens every single time.",
    (
        "I've arranged a free replacement {product}. It'll be dispatched today and the courier "
        "will collect the faulty one at the same time.",
        "I've booked a repair under warranty: {courier} will collect it on {soon}.",
    ),
    "The replacement has exactly the same fault.",
    "I'm sorry. I've escalated this to our engineers and sent a replacement from a different "
    "batch, tested before dispatch.",
)
_RESET = Scenario(
    (
        "Really disappointed. The {product} I bought in the spring is playing up: {problem}.",
        "Hello, {problem}. I've tried turning it off and on again and it's no better. What can you "
        "do?",
    ),
    "To make sure I fix the right thing: when did it start, and have you tried a full reset?",
    "It started last week. I haven't tried a reset - how do I do that?",
    (
        "Please hold the power button for ten seconds to reset it. If the fault comes back, reply "
        "here and I'll send a replacement straight away.",
    ),
    "The reset worked for a day but now it's back to how it was.",
    "Thanks for trying. I've sent a replacement {item}; the courier will take the old one away "
    "when it arrives.",
)
_HOW_TO = Scenario(
    (
        "Hi, quick question about my {product}: {question}? The manual isn't very clear.",
        "Hello! Just got the {item} and love it. One thing though - {question}?",
        "Could someone tell me {question}? I couldn't find it in the FAQ.",
    ),
    "Which app version are you on, and what does the light on the front show?",
    "It's the latest version, I updated it yesterday. The light is solid white.",
    (
        "Here's how: open the app, tap the {item}, then Settings. The full steps are in our help "
        "centre under '{question}'.",
        "It's in the menu under Settings > Advanced. I've attached the page from the manual that "
        "explains it.",
    ),
    "I tried those steps but it doesn't do what you said.",
    "Sorry, those steps were for the older model. On yours, hold the two side buttons for three "
    "seconds first - then it works as I described.",
)
_CHARGED_TWICE = Scenario(
    (
        "Hi, I've been charged twice for order {order} - {amount} both times on my card statement. "
        "Please refund the duplicate.",
    ),
    "Could you confirm the last four digits of the card that was charged?",
    "The last four digits are 4417. Both charges were on {day}.",
    (
        "You're right, you were charged twice. I've refunded the duplicate {amount}; it will show "
        "on your statement within 3-5 working days.",
    ),
    "I've been charged a third time now.",
    "I'm sorry. The payment was retried by mistake; I've stopped it and refunded that charge "
    "as well.",
)
_INVOICE = Scenario(
    ("Could you send me a VAT invoice for order {order}? I need it for my expenses.",),
    "Is the invoice for you personally, or should it show your company's name?",
    "The company name please - it's on the order.",
    ("I've attached the VAT invoice for order {order} to this message.",),
    "The invoice you sent has the wrong company name on it.",
    "Apologies - I've corrected the company name and attached the new invoice.",
)
_RENEWAL = Scenario(
    (
        "My card was charged {amount} this morning and I don't recognise it. Is this my care plan "
        "renewing? Nobody told me.",
        "Hello, I'd like to cancel my Care Plan renewal and get back the {amount} I paid "
        "yesterday.",
    ),
    "Would you like me to cancel the plan altogether, or only stop it renewing?",
    "Cancel it altogether please, and refund the charge.",
    (
        "That charge is the Care Plan renewal. I've cancelled it and refunded {amount} as you "
        "asked.",
    ),
    "I've just had a renewal reminder, so it doesn't look cancelled.",
    "Sorry for the confusion - that reminder went out before the cancellation. The plan is "
    "cancelled and you won't be charged again.",
    ("care-plan",),
)

SCENARIOS: dict[str, tuple[Scenario, ...]] = {
    "delivery": (_LATE, _MARKED_DELIVERED, _NEW_ADDRESS, _MISSED),
    "refund": (_REFUND_LATE, _RETURN, _FED_UP),
    "defect": (_FAULT, _RESET),
    "how_to": (_HOW_TO,),
    "billing": (_CHARGED_TWICE, _INVOICE, _RENEWAL),
}

DEFECT_SURGE = Scenario(
    (
        "Hi, my {product} started leaking from the base this morning - there was water all over the "
        "worktop. The batch number underneath says {batch}. Is it safe to use?",
        "Hello, water is leaking from the base when it's filled. I've seen on Facebook that others "
        "have the same problem with batch {batch}. What are you doing about it? Order {order}.",
        "My brand new kettle is leaking. This is dangerous with the electrics right there. I want a "
        "replacement or my money back. Order {order}.",
    ),
    "Could you check the batch number printed under the base? If it starts with {batch}, please "
    "unplug the kettle and stop using it.",
    "The batch number under the base is {batch}. The leak starts as soon as I fill it.",
    (
        "This is a known fault with batch {batch}, and I'm sorry - it's not good enough. I've sent a "
        "replacement from a new batch by next-day delivery, with a prepaid label for the faulty "
        "one.",
    ),
    "The replacement kettle is leaking too!",
    "I'm so sorry. I've refunded you in full and asked our quality team to check every unit "
    "before it ships; you don't need to send anything back.",
)


def scenarios_for(topic: str, product: str) -> tuple[Scenario, ...]:
    return tuple(
        scenario
        for scenario in SCENARIOS[topic]
        if not scenario.products or product in scenario.products
    )
