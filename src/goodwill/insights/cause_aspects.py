"""Aspect cues: a thing the customer names (the crew, the seat, the price) and what they say of it.

"The seats were worn and cramped" blames the product, "the crew were indifferent" the service,
though neither uses a complaint phrase of cause_lexicon.CUES. A negative word up to four words
after the aspect ("the legroom was appalling") or just before it ("rude cabin crew") makes a
complaint; a positive one ("the crew were excellent") makes praise, which counts against that
cause when a text mixes both. Pure: compiled once at import.
"""

import re
from dataclasses import dataclass

_I = re.IGNORECASE

SERVICE_ASPECT = (
    r"(?:cabin |ground |check-?in |gate |airport |flight |customer |front desk |hotel )?"
    r"(?:staff|crew|attendants?|stewards?|stewardess(?:es)?|purser|fas|agents?|employees?|"
    r"personnel|reps?|representatives?|call cent(?:re|er)|customer (?:service|services|relations|"
    r"care|support)|support team|service team|staff member|manager)|"
    r"(?<!food )(?<!meal )(?<!wifi )(?<!train )(?<!bus )(?<!drinks )(?<!trolley )service"
)
PRODUCT_ASPECTS: dict[str, str] = {
    "quality": r"seats?|seating|leg ?room|seat pitch|cabin|aircraft|planes?|interior|toilets?|"
    r"lavator(?:y|ies)|lounges?|food|meals?|breakfast|lunch|dinner|snacks?|sandwich(?:es)?|"
    r"catering|drinks?|wine|menu|entertainment|ife|screens?|tvs?|wi-?fi|blankets?|pillows?|"
    r"amenit(?:y|ies)|products?|items?|quality|material|fabric|stitching|sizing|fit|"
    r"colou?r|battery|device|app",
    "delivery_operations": r"deliver(?:y|ies)|parcels?|packages?|shipping|courier|"
    r"(?:baggage|luggage) (?:handling|belt|reclaim)|boarding process",
    "price_value": r"prices?|pricing|fares?|value|costs?",
}
NEGATIVE = (
    r"poor(?:ly)?|bad|terrible|awful|appalling|horrible|horrendous|dreadful|disgusting|shocking|"
    r"abysmal|atrocious|pathetic|miserable|mediocre|sub-? ?standard|worst|worse|disappointing|"
    r"unacceptable|rubbish|dire|lousy|useless|hopeless|inadequate|unpleasant|lacking|"
    r"lacklust(?:re|er)|basic|cheap|small|tiny|narrow|cramped|tight|uncomfortable|hard|rigid|"
    r"worn(?: out)?|dirty|filthy|stained|old|dated|outdated|tired|ancient|broken|cold|inedible|"
    r"tasteless|bland|stale|soggy|limited|stingy|meagre|meager|minimal|ridiculous|rude|"
    r"unfriendly|unhelpful|indifferent|disinterested|uninterested|surly|grumpy|lazy|arrogant|"
    r"incompetent|inexperienced|confused|clueless|slow|absent|invisible|nowhere to be seen|"
    r"chaotic|disorgani[sz]ed|non-?existent|overpriced|expensive|steep|a joke|a disgrace|"
    r"slowest|upsetting|appalled|horrified|shabby|flimsy|"
    r"disgraceful|sloppy|careless|unprofessional|not (?:very |really |that |particularly |"
    r"at all |so )?(?:good|great|nice|comfortable|clean|friendly|helpful|attentive|polite|"
    r"professional|enough|edible|tasty|warm|pleasant|worth)"
)
POSITIVE = (
    r"excellent|great|good|friendly|helpful|attentive|polite|professional|lovely|nice|pleasant|"
    r"courteous|kind|wonderful|fantastic|superb|outstanding|efficient|comfortable|clean|tasty|"
    r"delicious|spacious|decent|warm|caring|charming|brilliant|amazing|perfect|welcoming|"
    r"fine|ok|okay|smiling|cheerful|apologetic|accommodating"
)
SLOW_WORDS = re.compile(r"slow|absent|invisible|nowhere", _I)  # slowest too
KNOWLEDGE_WORDS = re.compile(
    r"incompetent|inexperienced|confused|clueless|useless|hopeless|"
    r"chaotic|disorgani",
    _I,
)
DEFECT_WORDS = re.compile(r"broken", _I)
PRICE_WORDS = re.compile(r"overpriced|expensive|steep|not (?:\w+ )*worth", _I)
_NEGATED = re.compile(r"\b(?:not|never|n't|no|hardly)\W+(?:\w+\W+)?$", _I)
_BREAKS = re.compile(r"\b(?:and|but|while|whereas)\b", _I)
_WORDS = re.compile(r"\w+")
MAX_WORDS_AFTER = 4  # "the legroom was truly appalling": the aspect, then its verdict
MAX_WORDS_BEFORE = 1  # "rude cabin crew"; and up to two of FUNCTION_WORDS: "appalled by the seat"
FUNCTION_WORDS = frozenset({"by", "with", "of", "the", "my", "our", "their", "its"})
ASPECT_RE = re.compile(
    r"(?<!\w)(?=\w)(?:(?P<service>"
    + SERVICE_ASPECT
    + r")"
    + "".join(f"|(?P<{detail}>{regex})" for detail, regex in PRODUCT_ASPECTS.items())
    + r")\b",
    _I,
)
VERDICT_RE = re.compile(
    rf"(?<!\w)(?=\w)(?:(?P<negative>{NEGATIVE})|(?P<positive>{POSITIVE}))\b", _I
)


@dataclass(frozen=True, slots=True)
class AspectHit:
    """An aspect named with a negative (complaint) or positive (praise) word."""

    cause: str
    detail: str
    phrase: str
    complaint: bool
    position: int


def _detail(cause: str, detail: str, word: str) -> str:
    if cause == "service":
        if SLOW_WORDS.search(word):
            return "slow_or_ignored"
        if KNOWLEDGE_WORDS.search(word):
            return "lacking_knowledge"
        return detail
    if DEFECT_WORDS.search(word):
        return "defect"
    if PRICE_WORDS.search(word):
        return "price_value"
    return detail


def find_aspects(clause: str, offset: int) -> list[AspectHit]:
    """Aspect complaints and praise in one clause (no negation crosses a clause): each aspect
    takes the nearest verdict word after it, else just before it; a word serves one aspect."""
    verdicts = list(VERDICT_RE.finditer(clause))
    used: set[int] = set()
    hits: list[AspectHit] = []
    aspects = list(ASPECT_RE.finditer(clause))
    for number, aspect in enumerate(aspects):
        # a verdict belongs to the nearer aspect: never reach across another one
        low = aspects[number - 1].end() if number else 0
        high = aspects[number + 1].start() if number + 1 < len(aspects) else len(clause)
        index = _verdict_for(
            clause, aspect, [v if low <= v.start() < high else None for v in verdicts], used
        )
        if index is None:
            continue
        used.add(index)
        verdict = verdicts[index]
        word = verdict.group(0)
        complaint = verdict.group("negative") is not None
        if _NEGATED.search(clause[: verdict.start()]) and not word.lower().startswith("not"):
            complaint = not complaint
        start, end = min(aspect.start(), verdict.start()), max(aspect.end(), verdict.end())
        cause = "service" if aspect.group("service") is not None else "product"
        detail = "attitude" if cause == "service" else str(aspect.lastgroup)
        hits.append(
            AspectHit(
                cause, _detail(cause, detail, word), clause[start:end], complaint, offset + start
            )
        )
    return hits


def _verdict_for(
    clause: str, aspect: re.Match[str], verdicts: list[re.Match[str] | None], used: set[int]
) -> int | None:
    """The index of the verdict word of `aspect` (None: out of reach or across another aspect)."""
    for index, verdict in enumerate(verdicts):
        if verdict is None or index in used or verdict.start() < aspect.end():
            continue
        between = clause[aspect.end() : verdict.start()]
        if len(_WORDS.findall(between)) <= MAX_WORDS_AFTER and not _BREAKS.search(between):
            return index
        break
    for index in range(len(verdicts) - 1, -1, -1):
        verdict = verdicts[index]
        if verdict is None or index in used or verdict.end() > aspect.start():
            continue
        words = [word.lower() for word in _WORDS.findall(clause[verdict.end() : aspect.start()])]
        small = sum(word in FUNCTION_WORDS for word in words)
        if small <= 2 and len(words) - small <= MAX_WORDS_BEFORE and "and" not in words:
            return index
        break
    return None
