"""What agents write around a scenario: greetings, promises, closings, notes, macros."""

# Each habit has its own words, so a scorer reading the text can see it: a greeting by first
# name, a clarifying question (scenarios.py), a promise with a deadline, thanks with an offer of
# more help.

GREETINGS_BY_NAME = (
    "Hi {first_name},\n\n",
    "Hello {first_name},\n\n",
    "Dear {first_name},\n\n",
    "Hi {first_name}, thanks for getting in touch.\n\n",
)
GREETINGS_GENERIC = ("Hello,\n\n", "Hi there,\n\n", "Dear customer,\n\n", "")

ACKNOWLEDGEMENTS = {
    "delivery": (
        "Sorry your order hasn't arrived yet. ",
        "Thanks for letting us know about the delivery. ",
        "I understand how annoying a missing parcel is. ",
    ),
    "refund": (
        "Thanks for your message about the refund. ",
        "Sorry for the wait on this. ",
        "I've looked into your return. ",
    ),
    "defect": (
        "I'm sorry to hear your {item} is playing up. ",
        "Thanks for the details about the fault. ",
        "That definitely isn't how it should behave. ",
    ),
    "how_to": ("Good question! ", "Happy to help with that. ", "Thanks for your message. "),
    "billing": (
        "Thanks for flagging this. ",
        "Sorry about the confusion with the charge. ",
        "I've had a look at your account. ",
    ),
}

PROMISES = {  # {due} is "by 3pm tomorrow", "by the end of today", "within 48 hours", ...
    "callback": " I'll call you back {due} to confirm everything is sorted.",
    "update": " I'll email you an update {due}.",
    "courier": " I'm chasing {courier} now and will come back to you {due}.",
    "refund": " You'll have the refund confirmation from me {due}.",
}
PROMISE_DESCRIPTIONS = {
    "callback": "Call the customer back by {due}",
    "update": "Email the customer an update by {due}",
    "courier": "Chase {courier} and update the customer by {due}",
    "refund": "Send the refund confirmation by {due}",
}
FOLLOW_UPS = (
    "As promised, here's the update: everything is now sorted on our side.",
    "Following up as promised: I've double-checked and everything is in place.",
    "As I said I would, I've checked again and it's all done now.",
)
APOLOGIES = (
    "I'm really sorry I didn't get back to you when I said I would. ",
    "Apologies - you should have heard from me by {promised}, and you didn't. ",
    "You're right, and I'm sorry for missing the time I gave you. ",
)
CLOSINGS_THANKS = (
    "\n\nThank you for your patience, {first_name}. Is there anything else I can help with?",
    "\n\nThanks for bearing with us. If there's anything else, just reply here.",
    "\n\nThank you for letting us know - happy to help with anything else.",
)
CLOSINGS_PLAIN = ("", "\n\nRegards,", "\n\nThis ticket is now resolved.")

NOTES = {
    "delivery": (
        "Checked the {courier} portal: parcel scanned at the depot on {day}, no movement since.",
        "Warehouse confirms order {order} left on time.",
    ),
    "refund": (
        "Refund of {amount} approved by finance.",
        "Return received at the warehouse, item in good condition.",
    ),
    "defect": (
        "Second fault report from this customer - treat with care.",
        "Logged with engineering as ENG-482.",
    ),
    "how_to": (
        "Customer is on an old app version; suggested updating.",
        "Added this question to the FAQ backlog.",
    ),
    "billing": (
        "Duplicate charge confirmed in the payment provider.",
        "Invoice regenerated with the company name.",
    ),
}
TRANSFER_NOTE = "Passing this to {agent}, who looks after {team}."
SIGNATURE = "\n\n{agent}\n{signature}"

# (title, team name or None, body): macros agents insert; placeholders are filled on insert.
SAVED_REPLIES = (
    (
        "Greeting",
        None,
        "Hi {{ customer.first_name }},\n\nThanks for getting in touch - I'm {{ agent.first_name }} "
        "and I'll be looking after your request ({{ conversation.reference }}).",
    ),
    (
        "Delivery delay apology",
        "Orders & Delivery",
        "Hi {{ customer.first_name }},\n\nI'm sorry your parcel is late. I've chased the courier and "
        "will update you as soon as I hear back.\n\n{{ agent.first_name }}",
    ),
    (
        "Refund processed",
        "Billing",
        "Hi {{ customer.first_name }},\n\nYour refund has been processed and should reach your "
        "account within 3-5 working days. Your reference is {{ conversation.reference }}.",
    ),
    (
        "Ember kettle leak (batch K-2209)",
        "Technical",
        "Hi {{ customer.first_name }},\n\nThis is a known fault with batch K-2209. Please stop "
        "using the kettle; I've sent a replacement with a prepaid label for the faulty one.",
    ),
    (
        "Descaling instructions",
        "Technical",
        "Fill the kettle to MAX with equal parts water and white vinegar, boil, leave for an hour, "
        "then rinse twice. Hold the descale button for three seconds to reset the reminder.",
    ),
    (
        "Callback promise",
        None,
        "Hi {{ customer.first_name }}, I'll call you back by 3pm tomorrow about "
        "{{ conversation.subject }}. {{ agent.first_name }}",
    ),
    (
        "Care Plan claim steps",
        "Billing",
        "To make a claim, sign in at hearthware.example/care, choose the appliance and describe "
        "the fault. We reply within two working days.",
    ),
    (
        "Closing: anything else?",
        None,
        "Thanks for your patience, {{ customer.first_name }}. Is there anything else I can help "
        "with? Just reply to this message ({{ conversation.reference }}).",
    ),
)
