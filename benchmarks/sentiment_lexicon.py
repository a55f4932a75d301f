"""A small VADER-like lexicon baseline written for this project: word valences, negation flips
the next three words, "!" amplifies, and a compound score in -1..1 with VADER's +-0.05 cut-offs."""

import math
import re

VALENCE = {
    **dict.fromkeys(
        [
            "good",
            "great",
            "excellent",
            "amazing",
            "awesome",
            "love",
            "loved",
            "lovely",
            "perfect",
            "happy",
            "thanks",
            "thank",
            "brilliant",
            "fantastic",
            "wonderful",
            "nice",
            "best",
            "helpful",
            "friendly",
            "fast",
            "quick",
            "beautiful",
            "glad",
            "pleased",
            "comfortable",
            "recommend",
            "enjoy",
            "enjoyed",
            "fun",
            "cool",
            "super",
            "impressed",
            "appreciate",
            "appreciated",
            "favourite",
            "favorite",
            "fixed",
            "sorted",
            "solved",
            "works",
            "kind",
            "easy",
        ],
        2.0,
    ),
    **dict.fromkeys(
        [
            "bad",
            "terrible",
            "awful",
            "worst",
            "hate",
            "hated",
            "poor",
            "horrible",
            "useless",
            "broken",
            "rude",
            "slow",
            "late",
            "disappointed",
            "disappointing",
            "problem",
            "issue",
            "wrong",
            "never",
            "refund",
            "delay",
            "delayed",
            "delays",
            "cancel",
            "cancelled",
            "waiting",
            "annoying",
            "angry",
            "sucks",
            "crap",
            "rubbish",
            "pathetic",
            "ridiculous",
            "joke",
            "fail",
            "failed",
            "unacceptable",
            "shame",
            "scam",
            "lost",
            "missing",
            "damaged",
            "unhelpful",
            "frustrated",
            "frustrating",
            "stupid",
            "ugly",
            "cheap",
            "small",
            "tight",
            "returned",
            "return",
            "down",
            "crashed",
            "crash",
        ],
        -2.0,
    ),
}
NEGATORS = frozenset(
    [
        "not",
        "no",
        "never",
        "don't",
        "doesn't",
        "didn't",
        "isn't",
        "wasn't",
        "can't",
        "won't",
        "cannot",
    ]
)
WORD = re.compile(r"[a-z']+|!")


def lexicon_score(text: str) -> float:
    """Compound score in -1..1 (VADER's normalisation x / sqrt(x^2 + 15))."""
    total, negate, bangs = 0.0, 0, 0
    for word in WORD.findall(text.lower().replace("\u2019", "'")):
        if word == "!":
            bangs += 1
            continue
        valence = VALENCE.get(word, 0.0)
        total += -0.74 * valence if negate else valence
        negate = 3 if word in NEGATORS else max(0, negate - 1)
    if total:
        total += math.copysign(min(bangs, 4) * 0.292, total)
    return total / math.sqrt(total * total + 15)


def lexicon_label(text: str) -> str:
    score = lexicon_score(text)
    return "positive" if score >= 0.05 else "negative" if score <= -0.05 else "neutral"
