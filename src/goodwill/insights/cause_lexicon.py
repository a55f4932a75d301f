"""Phrase cues that point a complaint at the service, the product or a policy. Pure.

Each cue names a cause and a detail and carries a weight. A cue marked `negatable` is dropped
when a negator ("not", "never", "wasn't", "no") stands just before it in the same clause, so
"the staff were not rude" says nothing about attitude, while cues that already contain their
negation ("didn't listen", "nobody called back") are never dropped for it.
"""

import re
from dataclasses import dataclass

from goodwill.insights.cause_aspects import find_aspects

_I = re.IGNORECASE
ASPECT_WEIGHT = 1.0  # "the seats were worn": a complaint about a named aspect
PRAISE_WEIGHT = -0.5  # "the crew were excellent": counts against that cause in a mixed text

SERVICE = "service"
PRODUCT = "product"
POLICY = "policy"
NONE = "none"
CAUSES = (SERVICE, PRODUCT, POLICY)

SERVICE_DETAILS = (
    "attitude",
    "not_listened",
    "slow_or_ignored",
    "broken_promise",
    "lacking_knowledge",
    "no_follow_up",
)
PRODUCT_DETAILS = ("defect", "quality", "delivery_operations", "price_value")
POLICY_DETAILS = ("policy",)
DETAILS = {SERVICE: SERVICE_DETAILS, PRODUCT: PRODUCT_DETAILS, POLICY: POLICY_DETAILS}

# Survey reason keys (goodwill/surveys/defaults.py) and what each one blames.
REASON_CAUSES: dict[str, tuple[str, str]] = {
    "slow": (SERVICE, "slow_or_ignored"),
    "didnt_listen": (SERVICE, "not_listened"),
    "not_resolved": (SERVICE, "lacking_knowledge"),
    "rude": (SERVICE, "attitude"),
    "defect": (PRODUCT, "defect"),
    "quality": (PRODUCT, "quality"),
    "delivery": (PRODUCT, "delivery_operations"),
    "price": (PRODUCT, "price_value"),
    "policy": (POLICY, "policy"),
}

NEGATOR = re.compile(
    r"\b(?:not|no|never|nothing|hardly|without|neither|nor|none|cannot|\w+n't|\w+nt)\s+"
    r"(?:\w+\s+){0,2}$",
    _I,
)
CLAUSE_BREAK = re.compile(r"[.!?;:\n]+|,\s*(?:but|however|although|though)\b|\bbut\b", _I)
STAFF = (
    r"(?:staff|crew|agents?|attendants?|stewards?|stewardess(?:es)?|employees?|reps?|"
    r"representatives?|people|person|guy|lady|team|support|service|manager|receptionist|"
    r"cashier|personnel|hostess(?:es)?|pilots?|purser|desk)"
)


@dataclass(frozen=True, slots=True)
class Cue:
    """A phrase that blames `cause` for `detail`."""

    cause: str
    detail: str
    pattern: re.Pattern[str]
    negatable: bool
    weight: float = 1.0


@dataclass(frozen=True, slots=True)
class CueHit:
    """One cue found in a text: what it blames and the words it matched."""

    cause: str
    detail: str
    phrase: str
    weight: float
    position: int


def _cue(
    cause: str, detail: str, regex: str, *, negatable: bool = True, weight: float = 1.0
) -> Cue:
    # (?<!\w)(?=\w) rather than \b: the same word starts, without trying every phrase at word ends
    pattern = re.compile(r"(?<!\w)(?=\w)(?:" + regex + r")(?!\w)", _I)
    return Cue(cause, detail, pattern, negatable, weight)


CUES: tuple[Cue, ...] = (
    # --- service: attitude
    _cue(
        SERVICE,
        "attitude",
        r"rude(?:ly|ness)?|impolite|disrespectful|arrogant|condescending|"
        r"patroni[sz]ing|unfriendly|unprofessional|unhelpful|obnoxious|hostile|sarcastic|"
        r"dismissive|surly|grumpy|abrupt|snapped at|yelled|shouted|hung up on|"
        r"(?:poor|bad|terrible|awful|horrible|appalling|shocking|lousy|worst) "
        r"(?:customer )?(?:service|attitude|manners)|attitude problem|couldn'?t care less|"
        r"indifferent|treated (?:me|us) like|(?:said|told (?:me|us)|saying) (?:that )?it was "
        r"(?:my|our) (?:own )?fault|blamed (?:me|us)|refused to help|(?:no|nobody|no one) "
        r"(?:offered|wanted|bothered) to help|no (?:further )?help (?:was )?(?:offered|given|"
        r"available)",
        weight=1.5,
    ),
    _cue(SERVICE, "attitude", r"did ?n[o']t care|don'?t care", negatable=False),
    _cue(
        SERVICE,
        "attitude",
        r"(?:were|was|is|are|seemed) (?:very |so |quite |really )?"
        r"not (?:very )?(?:helpful|friendly|polite|interested)|"
        r"no (?:empathy|apology|courtesy|respect)|never apologi[sz]ed|lack of (?:empathy|care)|"
        r"(?:staff|crew|attendants?|agents?) (?:were |was )?(?:lazy|miserable|cold|useless)",
        negatable=False,
        weight=1.5,
    ),
    # --- service: not listened
    _cue(
        SERVICE,
        "not_listened",
        r"did ?n[o']t listen|does ?n[o']t listen|wo?uld ?n[o']t listen|"
        r"not listening|never listened|refused to listen|"
        r"(?:nobody|no one) (?:listen\w*|was listening)|"
        r"as i (?:already )?(?:said|told|explained|"
        r"mentioned)|(?:repeat|explain)(?:ed|ing)? (?:myself|it|the same) (?:again|\w+ times)|"
        r"for the (?:third|fourth|fifth|\w+th) time|keep (?:asking|telling)|didn'?t read|"
        r"did not read|not (?:read|understood) my|canned (?:response|reply|answer)|"
        r"copy[- ]paste|(?:generic|automated|scripted) (?:response|reply|answer)s?|"
        r"ignored what i|misunderst(?:ood|and)",
        negatable=False,
        weight=1.5,
    ),
    # --- service: slow or ignored
    _cue(
        SERVICE,
        "slow_or_ignored",
        r"no (?:reply|response|answer|one (?:answered|replied|"
        r"responded|came))|never (?:got |received )?(?:a |any )?(?:reply|response|answer)|"
        r"never (?:replied|responded|answered)|(?:still )?waiting for (?:a |an )?(?:reply|response|"
        r"answer|update)|ignored|ignoring|(?:kept|left) (?:me |us )?(?:waiting|on hold)|"
        r"(?:a whole|an|over an|\d+) (?:hours?|minutes?) (?:waiting|in (?:the |a )?queue|"
        r"queu\w+|on hold)|slowest|"
        r"on hold for|(?:wait|waited|waiting) (?:for )?(?:over |more than |almost |nearly |about )?"
        r"(?:\d+|an?|two|three|"
        r"four|five|several|many) (?:hours?|days?|weeks?|minutes?|mins?)|"
        r"(?:hours?|days?|weeks?) to (?:reply|respond|answer|get back)|"
        r"(?:took|takes|taking) (?:forever|ages|so long|too long)|slow (?:to )?(?:reply|response|"
        r"service|respon\w+)|(?:queue|line) for (?:\d+|an?|two|three) (?:hours?|minutes?)|"
        r"no one (?:was )?(?:around|available|there)|nobody (?:answered|replied|responded|"
        r"helped|came|was (?:around|available))|can'?t get (?:through|hold of)|couldn'?t "
        r"(?:get through|reach|contact)|unreachable|unanswered",
        negatable=False,
        weight=1.25,
    ),
    # --- service: broken promise
    _cue(
        SERVICE,
        "broken_promise",
        r"(?:was|were|been) promised|you promised|they promised|"
        r"(?:he|she) promised|promised (?:me|us|to|a|that)|broken promise|broke (?:their|his|her|"
        r"your) (?:promise|word)|assured (?:me|us)|told (?:me|us) (?:it|they|he|she|you) would|"
        r"said (?:it|they|he|she|you) would|supposed to (?:call|get back|refund|be|send|fix|"
        r"contact|arrive)",
        negatable=False,
        weight=1.5,
    ),
    # --- service: lacking knowledge
    _cue(
        SERVICE,
        "lacking_knowledge",
        r"did ?n[o']t know|does ?n[o']t know|(?:had|has|have|with) no idea|clueless|"
        r"inexperienced|lack(?:ed|s)? (?:of )?(?:training|experience|knowledge|supervision)|"
        r"(?:any|no) (?:supervision|experience|training)|"
        r"incompetent|incompetence|(?:un|badly |poorly |not )trained|untrained|"
        r"(?:wrong|incorrect|conflicting|contradictory|inconsistent) (?:information|info|answers?|"
        r"advice)|(?:passed|transferred|bounced) (?:around|from|between|me)|"
        r"(?:no|nobody|no one) (?:could|can|was able to) (?:help|answer|explain|fix|solve)|"
        r"could ?n[o']t (?:help|answer|explain|solve)|unable to (?:help|answer|resolve|solve)|"
        r"(?:still )?(?:not|never) (?:resolved|solved|fixed)|problem (?:still )?(?:not|isn'?t) "
        r"(?:resolved|solved)|didn'?t (?:solve|resolve|fix) (?:my|the|anything)|useless "
        r"(?:support|service|answer|help)",
        negatable=False,
        weight=1.25,
    ),
    # --- service: no follow-up
    _cue(
        SERVICE,
        "no_follow_up",
        r"never (?:called|got|heard|emailed|wrote)(?: me)? back|"
        r"(?:nobody|no one|never) (?:ever )?(?:called|rang|got|emailed|wrote)(?: me)? back|"
        r"no (?:call ?back|follow[- ]?up|update|callback)|never (?:followed|follow) up|"
        r"(?:didn'?t|did not|failed to|never) (?:call|get|ring|write)(?: me| us)? back|"
        r"(?:didn'?t|did not|failed to|never) follow(?:ed)? up|heard nothing|"
        r"(?:still )?haven'?t heard|(?:still )?no word|without (?:any )?(?:update|news)|"
        r"not (?:been )?(?:contacted|updated|kept informed)|no explanation (?:was )?(?:given|"
        r"offered|provided)|without (?:any )?(?:explanation|warning|notice)",
        negatable=False,
        weight=1.5,
    ),
    # --- product: defect
    _cue(
        PRODUCT,
        "defect",
        r"broken|broke|breaks|leak(?:s|ed|ing|y)?|stopped working|"
        r"stops working|faulty|defect(?:ive|s)?|malfunction\w*|doesn'?t work|does not work|"
        r"did ?n[o']t work|not working|won'?t (?:turn on|start|charge|work)|dead on arrival|"
        r"cracked|torn|ripped|(?:came|fell) apart|fell off|came off|falling apart|"
        r"hole[s]? in|unravel\w*|shrunk|shrank|rust(?:ed|y)?|burnt out|overheat\w*|crash(?:es|ed|"
        r"ing)?|glitch\w*|bug(?:gy|s)?|(?:didn'?t|did not|doesn'?t) (?:fit|zip|stay)|"
        r"inoperative|out of order|(?:seat|screen|tv|entertainment|wifi|wi-fi|toilet|lavatory|"
        r"recline|light|socket|power|usb)\w* (?:was |were |is |)(?:broken|not working|"
        r"didn'?t work|inoperable|faulty|out of order|dead)",
        weight=1.25,
    ),
    # --- product: quality
    _cue(
        PRODUCT,
        "quality",
        r"(?:poor|bad|low|cheap|terrible|awful|horrible|inferior|shoddy|"
        r"disappointing) quality|poorly (?:made|designed|sewn|constructed)|cheaply made|"
        r"flimsy|(?:feels|looks|felt|looked) cheap|see[- ]through|itchy|scratchy|"
        r"(?:runs|ran|fits?) (?:very |really |way )?(?:small|large|big|short|long)|"
        r"(?:too|very|really|so) (?:small|big|tight|short|long|boxy|wide|thin|sheer|baggy|"
        r"large|snug)|unflattering|"
        r"uncomfortable|cramped|no legroom|(?:little|limited|tight|poor) legroom|narrow seats?|"
        r"(?:hard|tiny|old|worn|dirty|filthy|stained) (?:seats?|cabin|plane|aircraft|product)|"
        r"dirty|filthy|smelly|stank|stinks|unhygienic|tasteless|inedible|bland|stale|soggy|"
        r"(?:food|meal|breakfast|dinner|lunch|snack|catering|coffee|drinks?) (?:was |were |is )?"
        r"(?:cold|awful|terrible|poor|bad|disgusting|horrible|inedible|mediocre|dreadful)|"
        r"(?:awful|terrible|poor|bad|disgusting|horrible|inedible|mediocre|dreadful|cold) "
        r"(?:food|meal|meals|catering|breakfast|dinner|lunch|coffee)|"
        r"(?:old|outdated|dated|ancient|tired) (?:aircraft|planes?|entertainment|screens?|"
        r"interior|seats?|system|product|cabin)|(?:limited|poor|small|no) (?:choice|selection) "
        r"of (?:films|movies|entertainment|food|meals|drinks)|no (?:entertainment|wifi|wi-fi|"
        r"screens?|power|food|meal|blankets?|pillows?)|(?:not|nothing) (?:as|like) "
        r"(?:described|pictured|advertised|the picture)|fabric is|material is|misleading "
        r"(?:photo|picture|description)|disappoint(?:ed|ing) with the (?:product|item|quality|"
        r"dress|fit|food|seat|material)|returned (?:it|them|the)|sent (?:it|them) back|"
        r"going back|will be returning|return(?:ed|ing)? (?:this|these|it)",
        weight=1.0,
    ),
    # --- product: quality of fit, make and look (products that are worn or handled)
    _cue(
        PRODUCT,
        "quality",
        r"(?:a bit|a little|extremely|way|much) (?:too )?(?:long|tight|wide|big|small|short|snug|"
        r"boxy|baggy|loose|low|high)|too much (?:fabric|material)|like a sack|"
        r"(?:was|is|are|were|it'?s|runs?) (?:just |absolutely |so |really )?(?:huge|massive)|"
        r"not (?:very )?flattering|(?:wasn'?t|isn'?t|was not|is not) (?:very )?flattering|"
        r"(?:doesn'?t|didn'?t|does not|did not) (?:match|look like) the (?:picture|photo|pic|"
        r"description)|nothing like the (?:photo|picture|pic|description)|not (?:as|like|the "
        r"one) (?:depicted|pictured|shown|in the (?:photos?|pictures?))|(?:fit|cut|sizing) "
        r"(?:is|was) (?:really |very |just )?(?:weird|off|strange|odd|awkward|wrong)|"
        r"(?:buttons?|zip(?:per)?s?|straps?|seams?|hems?|handles?|soles?|heels?) "
        r"(?:came|come|fell|falling|coming) (?:off|apart|undone)|odou?r|smell(?:s|ed)? "
        r"(?:bad|awful|terrible|funny|strange)|(?:would|will|could)(?: not|n'?t) (?:button|zip|"
        r"stay up|stay in place)|had to (?:return|send) (?:it|them)|made a return|"
        r"(?:i'?m|i am|will be|am) returning|returning (?:it|this|them|these)|"
        r"dried[- ]up|(?:quality|fabric|material) (?:was|is) (?:very |so |really )?"
        r"(?:upsetting|thin|cheap|poor|disappointing|scratchy)",
        negatable=False,
    ),
    # --- product: delivery and operations
    _cue(
        PRODUCT,
        "delivery_operations",
        r"late deliver\w*|deliver(?:y|ed) (?:was )?late|"
        r"(?:never|hasn'?t|not yet|still not) (?:arrived|delivered|received)|lost (?:parcel|"
        r"package|luggage|bag(?:gage)?|suitcase|order)|(?:parcel|package|bag|luggage|baggage|"
        r"suitcase|order) (?:was |got |has been )?(?:lost|damaged|delayed|missing|stolen)|"
        r"damaged (?:in transit|on arrival|box|parcel|package|bag|luggage)|arrived damaged|"
        r"wrong (?:item|size|colou?r|order|product|parcel)|missing (?:item|part|parts|pieces?)|"
        r"out of stock|back ?order\w*|cancel(?:l)?ed (?:flight|order|my)|"
        r"flight (?:was )?cancel(?:l)?ed|missed (?:my |our |the )?connection|"
        r"(?:hours?|day) late|late (?:departure|arrival|flight)|departed late|arrived late|"
        r"overbook\w*|downgraded|(?:tracking|courier|shipping|shipment|dispatch)"
        r"(?: \w+)? (?:failed|wrong|late|slow|lost|never)|slow (?:shipping|delivery)|"
        r"took (?:\w+ ){0,2}(?:weeks|days) to (?:arrive|ship|deliver)",
        weight=1.25,
    ),
    # a bare "delayed" is weaker: how the people handled the delay is often the complaint
    _cue(PRODUCT, "delivery_operations", r"delay(?:ed|s)?", weight=0.75),
    # --- product: price and value
    _cue(
        PRODUCT,
        "price_value",
        r"overpriced|over[- ]priced|rip[- ]?off|ripped off|"
        r"(?:too|very|so|really) (?:expensive|pricey|costly)|not worth|isn'?t worth|wasn'?t worth|"
        r"poor value|bad value|(?:no|little) value for money|waste of (?:money|cash)|"
        r"(?:price|fare|cost)s? (?:is |was |are |were )?(?:too high|ridiculous|outrageous|"
        r"extortionate|steep)|paid (?:too much|extra for)|expect(?:ed)? (?:more|better) for the "
        r"(?:price|money|cost)|for (?:the|this) price|money back|hidden (?:costs?|charges?)|"
        r"charged (?:extra|twice|me twice|for)|(?:have|had|need|needed) to pay (?:for|extra)|"
        r"pay (?:extra|more|almost double|double) (?:for|to)|no (?:free|complimentary) (?:food|"
        r"drinks?|meals?|snacks?|beverages?)|(?:see|struggle to see) (?:the|any) value|no value",
        negatable=False,
    ),
    # --- policy
    _cue(
        POLICY,
        "policy",
        r"(?:refund|return|exchange|cancell?ation|baggage|luggage|privacy|"
        r"warranty|guarantee|booking|change|seating|pet|covid|company|their|your|the)"
        r" polic(?:y|ies)|polic(?:y|ies)|terms and conditions|t ?& ?cs?|small print|"
        r"fine print|(?:change|booking|cancell?ation|admin(?:istration)?|service|baggage|luggage|"
        r"restocking|late|seat selection|checked bag) (?:fee|charge)s?|surcharges?|"
        r"not allowed|(?:weren'?t|wasn'?t|aren'?t|isn'?t) (?:allowed|permitted)|"
        r"(?:won'?t|wouldn'?t|refused to|would not|will not) (?:refund|let me|allow|accept "
        r"(?:my )?return|exchange|honou?r)|no refunds?|non[- ]refundable|"
        r"(?:out of|outside(?: the)?|expired|void(?:ed)?) (?:the )?"
        r"(?:warranty|guarantee|return window)|(?:only|just) (?:a )?(?:voucher|credit|store "
        r"credit)|voucher instead|(?:weight|size|hand luggage|carry-on|cabin bag) "
        r"(?:limit|allowance|restriction)s?",
        negatable=False,
        weight=1.25,
    ),
    # bare "fees", "rules": weak alone, they are often mentioned in passing
    _cue(POLICY, "policy", r"fees?\b|rules?\b|regulations?|restrictions?", weight=0.5),
)


def clauses(text: str) -> list[tuple[int, str]]:
    """The clauses of `text` with their start offsets: a negation never crosses a clause."""
    pieces: list[tuple[int, str]] = []
    start = 0
    for match in CLAUSE_BREAK.finditer(text):
        pieces.append((start, text[start : match.start()]))
        start = match.end()
    pieces.append((start, text[start:]))
    return [(offset, piece) for offset, piece in pieces if piece.strip()]


def _negated(clause: str, start: int) -> bool:
    return NEGATOR.search(clause[:start]) is not None


def _overlaps(start: int, phrase: str, span: tuple[int, int]) -> bool:
    return start < span[1] and span[0] < start + len(phrase)


def find_cues(text: str) -> list[CueHit]:
    """Every cue in `text` not cancelled by a negation, in reading order; praise weighs < 0."""
    hits: list[CueHit] = []
    for offset, clause in clauses(text):
        taken: list[tuple[int, int]] = []
        for cue in CUES:
            for match in cue.pattern.finditer(clause):
                span = (match.start(), match.end())
                if any(span[0] < end and start < span[1] for start, end in taken):
                    continue
                if cue.negatable and _negated(clause, match.start()):
                    continue
                taken.append(span)
                hits.append(
                    CueHit(cue.cause, cue.detail, match.group(0), cue.weight, offset + span[0])
                )
        for aspect in find_aspects(clause, offset):
            if any(_overlaps(aspect.position - offset, aspect.phrase, span) for span in taken):
                continue
            weight = ASPECT_WEIGHT if aspect.complaint else PRAISE_WEIGHT
            hits.append(CueHit(aspect.cause, aspect.detail, aspect.phrase, weight, aspect.position))
    return sorted(hits, key=lambda hit: hit.position)
