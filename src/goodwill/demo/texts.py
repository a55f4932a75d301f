"""What customers write besides a scenario: subjects, chasers, thanks, survey comments."""

# Templates are `str.format` strings over the slots the generator fills
# (wording.conversation_slots): first_name, full_name, product, item, order, ref, courier, day,
# soon, amount, problem, question, batch.

# Product-specific faults and questions: {problem} and {question} in the templates below.
PROBLEMS = {
    "ember-kettle": (
        "it switches itself off before the water boils",
        "the display shows error E3 and it won't heat",
        "the lid won't stay shut any more",
        "the app can't find the kettle since the last update",
    ),
    "cascade-grinder": (
        "the grind setting is stuck on coarse",
        "it makes a loud rattling noise when it starts",
        "the hopper lid has cracked along the hinge",
        "it stops halfway through grinding",
    ),
    "lumen-lamp": (
        "the light flickers at low brightness",
        "the touch dimmer has stopped responding",
        "the USB port on the base doesn't charge my phone",
        "it turns itself on in the middle of the night",
    ),
    "nimbus-purifier": (
        "the filter light stays red even with a new filter",
        "it won't connect to the app",
        "it's much louder on night mode than it used to be",
        "the air quality reading is stuck on 'poor'",
    ),
    "orbit-vacuum": (
        "it won't go back to the dock on its own",
        "the side brush has stopped spinning",
        "it keeps saying 'wheel stuck' on a clear floor",
        "the battery only lasts about ten minutes",
    ),
    "care-plan": (
        "the claim form keeps rejecting my serial number",
        "my claim has been 'in review' for two weeks",
        "the portal says my plan has expired but it hasn't",
        "I can't add my second appliance to the plan",
    ),
}

QUESTIONS = {
    "ember-kettle": (
        "how do I descale it",
        "how do I set it to keep water at 80 degrees",
        "how do I connect it to the app",
    ),
    "cascade-grinder": (
        "how do I calibrate the grind size",
        "how do I clean the burrs",
        "what setting should I use for a cafetiere",
    ),
    "lumen-lamp": (
        "how do I set the sunrise alarm",
        "how do I change the colour temperature",
        "can I mount it on the wall",
    ),
    "nimbus-purifier": (
        "how often should I change the filter",
        "how do I set a schedule",
        "what does the amber light mean",
    ),
    "orbit-vacuum": (
        "how do I set no-go zones",
        "how do I schedule a daily clean",
        "how do I empty the dustbin properly",
    ),
    "care-plan": (
        "what does the plan actually cover",
        "how do I make a claim",
        "can I transfer the plan to a new appliance",
    ),
}

SUBJECTS = {
    "delivery": (
        "Where is my order {order}?",
        "{product} not delivered",
        "Delivery problem",
        "Order {order} - still waiting",
        "Parcel marked delivered but not here",
        "Change delivery address for {order}",
    ),
    "refund": (
        "Refund for order {order}",
        "Returning my {item}",
        "Still waiting for my refund",
        "Refund request",
        "Return label for {product}",
    ),
    "defect": (
        "{product} fault",
        "Problem with my {item}",
        "{product} not working properly",
        "Faulty {item}",
        "My {item} is broken",
    ),
    "how_to": (
        "Question about the {product}",
        "How do I use my {item}?",
        "Help with {item}",
        "Quick question",
        "{product} setup",
    ),
    "billing": (
        "Charged twice for {order}",
        "Invoice request",
        "Question about my bill",
        "Unexpected charge",
        "VAT invoice for order {order}",
    ),
}
DEFECT_SUBJECTS = (
    "{product} leaking!",
    "Kettle leaking from the base",
    "Leaking kettle, batch {batch}?",
    "Water everywhere from my new kettle",
)

CHASERS = (
    "I was told someone would get back to me by {promised}. Nobody has. What's going on?",
    "Still waiting to hear from you - I was promised an update by {promised}. This is really "
    "frustrating.",
    "Hello? You said you'd be in touch by {promised} and I've heard nothing.",
    "Second time asking. I was promised an update by {promised}.",
)

CUSTOMER_THANKS = (
    "That's sorted it, thank you!",
    "Great, thanks for your help.",
    "Perfect, that's all I needed.",
    "Brilliant, thank you so much.",
    "OK thanks.",
    "That works, cheers.",
)

SIGN_OFFS = (
    "\n\nThanks,\n{first_name}",
    "\n\nRegards,\n{full_name}",
    "\n\n{first_name}",
    "\n\nKind regards,\n{full_name}",
    "",
)

SURVEY_COMMENTS_HIGH = (
    "{agent} was brilliant, sorted it straight away.",
    "Quick and friendly, thank you.",
    "Really helpful, {agent} explained everything.",
    "Great service as always.",
    "Problem solved, no fuss.",
)
SURVEY_COMMENTS_MIDDLE = (
    "Got there in the end.",
    "Fine, but it took a while.",
    "OK, though I had to explain it twice.",
)
SURVEY_COMMENTS_LOW = {
    "slow": "Took far too long to get a reply.",
    "didnt_listen": "Felt like nobody actually read my message.",
    "not_resolved": "Still not fixed and nobody did what they said they would.",
    "rude": "The reply was quite curt.",
    "defect": "The product is faulty and that's the real problem.",
    "quality": "Not happy with the quality of the product.",
    "delivery": "The delivery was a shambles.",
    "price": "Too expensive for what it is.",
    "policy": "Your returns policy is unreasonable.",
}
