"""Compiled patterns behind the step rules: what a greeting, empathy or an offer of help looks like.

Each pattern names a behaviour (greeting, asking for details, offering help), not a politeness
word to count; steps.py combines them with position and context. Pure: compiled once at import.
"""

import re

from goodwill.quality.gated import gated

_I = re.IGNORECASE


def _any(*alternatives: str) -> str:
    return "(?:" + "|".join(alternatives) + ")"


# Leading @handles, "^AB" signatures and quoting noise of social channels.
LEADING_NOISE = re.compile(r"^(?:\s*(?:@\w+|\.@\w+)[\s,:;.]*)*\s*¡?")
# A sentence ends at . ! ? (kept in the sentence) before a space or a capital, or at a line end.
SENTENCE_END = re.compile(r"[.!?¿¡](?:\s+|(?=[A-Z@]))|\n")
WORD = re.compile(r"[a-zà-ÿ']+", _I)
URL = re.compile(r"https?://\S+|\bwww\.\S+|\b[\w-]+\.(?:com|org|net|co\.uk|io|help)/\S*", _I)

GREETING = re.compile(
    r"^(?:"
    + _any(
        r"hi+",
        r"hello+",
        r"hey+",
        r"hiya",
        r"howdy",
        r"dear",
        r"good\s+(?:morning|afternoon|evening|day)",
        r"morning",
        r"greetings",
        r"welcome",
        r"yo",
        # es
        r"hola",
        r"buen(?:os|as)?\s+(?:d[ií]as|tardes|noches)",
        r"estimad[oa]s?",
        r"saludos",
        # fr
        r"bonjour",
        r"bonsoir",
        r"salut",
        r"coucou",
        r"ch[eè]re?s?",
        # de
        r"hallo",
        r"guten\s+(?:tag|morgen|abend)",
        r"liebe[rs]?",
        r"sehr\s+geehrte[rs]?",
        r"moin",
        r"servus",
        r"gr[üu](?:ß|ss)\s+(?:gott|dich|euch)",
        # pt
        r"ol[aá]",
        r"oi",
        r"bom\s+dia",
        r"boa\s+(?:tarde|noite)",
        r"prezad[oa]s?",
        r"car[oa]s?",
        # it
        r"ciao",
        r"buongiorno",
        r"buonasera",
        r"salve",
        r"gentile",
        # nl
        r"hoi",
        r"goede(?:morgen|middag|navond)",
        r"beste",
    )
    + r")(?![a-zà-ÿ])",
    _I,
)
# A warm opening that acknowledges the contact itself ("Thanks for reaching out").
WARM_OPENING = re.compile(
    r"^(?:"
    + _any(
        r"(?:thanks|thank\s+you|many\s+thanks)\s+(?:so\s+much\s+)?for\s+"
        r"(?:reaching\s+out|getting\s+in\s+touch|contacting|writing|the\s+(?:tweet|message|note|"
        r"shout|mention|heads\s*up|question)|your\s+(?:message|tweet|email|patience|question)|"
        r"letting\s+us\s+know|asking|flagging|bringing)",
        r"gracias\s+por",
        r"merci\s+(?:de|pour)",
        r"danke\s+f[üu]r",
        r"vielen\s+dank",
        r"obrigad[oa]\s+(?:por|pelo|pela)",
        r"grazie\s+(?:per|di)",
        r"bedankt\s+voor",
        r"happy\s+(?:halloween|hallow|holidays|new\s+year|thanksgiving|easter|christmas|"
        r"friday|monday|birthday|\w+day)",
        r"merry\s+christmas",
    )
    + ")",
    _I,
)
NAME_AFTER_GREETING = re.compile(r"^[\s,!]*([A-ZÀ-Ý][a-zà-ÿ'\u2019-]+)")
NOT_A_NAME = frozenset(
    {
        "there",
        "team",
        "all",
        "again",
        "everyone",
        "everybody",
        "friend",
        "friends",
        "customer",
        "sir",
        "madam",
        "folks",
        "guys",
        "and",
        "thanks",
        "thank",
        "we",
        "i",
        "sorry",
        "so",
        "yes",
        "no",
        "the",
    }
)

APOLOGY_WORD = gated(
    r"sorry",
    r"apolog\w*",
    r"regret\w*",
    r"lo\s+siento",
    r"disculp\w*",
    r"désol[ée]e?s?",
    r"desol[ée]e?s?",
    r"entschuldig\w*",
    r"desculp\w*",
    r"scus\w*",
    r"excuses?\b",
)
CANNED_APOLOGY = gated(
    r"(?:apologi[sz]e|sorry)\s+for\s+any\s+(?:inconvenience|trouble|frustration|confusion|"
    r"issues?|problems?)",
    r"(?:apologi[sz]e|sorry)\s+for\s+(?:the|this|that)\s+inconvenience",
    r"inconvenience\s+(?:this|that|it)\s+(?:may\s+have|has|might\s+have)\s+caused",
    r"(?:your|this)\s+(?:call|feedback|business|inquiry|enquiry)\s+is\s+(?:very\s+)?important",
    r"we\s+value\s+your\s+(?:business|feedback|custom)",
)
EMPATHY = gated(
    r"(?:sorry|apologi[sz]e|apologies)\s+(?:to\s+(?:hear|see|learn|read)|(?:that\s+)?(?:you|your)\b|"
    r"about\s+(?:the|your|this|that|all)|for\s+(?:the|your|our|this|all\s+the)\s+(?:\w+\s+)?"
    r"(?:frustration|wait|waiting|delay|delays|delayed|late|hassle|stress|worry|confusion|"
    r"mix|long|slow))",
    r"(?:i|we)\s+(?:completely\s+|totally\s+|fully\s+|really\s+|certainly\s+|can\s+|do\s+)?"
    r"(?:understand|imagine|see)\s+(?:how|why|your|that\s+(?:this|it|you)|it\s+(?:would|must|can|"
    r"could|is)\s+be)",
    r"sorry\s+(?:that\s+)?(?:this|it)\s+(?:wasn'?t|isn'?t|hasn'?t|didn'?t|has|was|is|happened)",
    r"(?:i|we)\s+(?:really\s+|do\s+)?appreciate\s+(?:how|why|you\s+(?!for\b)\w+ing)",
    r"(?:that|this|it)(?:'s|\s+is|\s+must\s+be|\s+sounds|\s+must\s+have\s+been|\s+would\s+be)"
    r"\s+(?:so\s+|really\s+|very\s+|incredibly\s+|super\s+)?(?:frustrating|annoying|"
    r"disappointing|stressful|upsetting|worrying|concerning|troublesome|not\s+ok|not\s+okay|"
    r"not\s+acceptable|unacceptable|not\s+the\s+experience|not\s+what|definitely\s+not)",
    r"(?:is|are|was|were|be|been)\s+(?:so\s+|really\s+|very\s+)?(?:frustrating|annoying|"
    r"troublesome|stressful|upsetting)",
    r"not\s+the\s+(?:type\s+of\s+|kind\s+of\s+)?(?:experience|service|impression)\s+"
    r"(?:we|you)",
    r"not\s+what\s+we\s+want\s+for",
    r"(?:we|i)\s+know\s+how\s+(?:important|frustrating|annoying|much)",
    r"(?:i|we)\s+hear\s+you",
    r"right\s+there\s+with\s+you",
    r"(?:i|we)(?:'d|\s+would)\s+(?:be|feel)\s+(?:frustrated|upset|annoyed|the\s+same)",
    r"(?:we|i)(?:'d|\s+would)\s+hate\s+for",
    r"(?:we|i)\s+want\s+to\s+(?:make\s+(?:this|it|things)\s+right|help\s+make)",
    r"(?:must|can)\s+be\s+(?:so\s+|really\s+)?(?:frustrating|annoying|stressful|worrying)",
    r"you(?:'re|\s+are)\s+right",
    r"\b(?:oh\s+no|uh[\s-]+oh|yikes|oh\s+dear|ouch|oh\s+man|eek)\b",
    r"lo\s+siento\s+(?:mucho\s+)?(?:por|que)",
    r"entendemos\s+(?:tu|su)",
    r"désol[ée]e?s?\s+(?:d'apprendre|de\s+lire|pour|que)",
    r"desol[ée]e?s?\s+(?:d'apprendre|de\s+lire|pour|que)",
    r"nous\s+comprenons",
    r"tut\s+(?:mir|uns)\s+(?:sehr\s+)?leid",
    r"verstehen\s+(?:ihren|deinen|ihre|deine)",
    r"lamentamos",
    r"ci\s+dispiace",
    r"vervelend",
)
WARMTH = gated(
    r"(?:glad|happy|great|good|delighted|thrilled|pleased)\s+to\s+(?:hear|see|know|read)",
    r"(?:so|really|very|super)\s+(?:glad|happy|pleased|excited)",
    r"(?:glad|happy|pleased|great)\s+(?:it'?s|it\s+is|it\s+was|that|you|the\s+team|we)\b",
    r"congrat\w*",
    r"(?:that(?:'s|\s+is)|sounds|looks)\s+(?:pretty\s+|really\s+|so\s+)?(?:awesome|amazing|great|fantastic|wonderful|"
    r"exciting|impressive|cool|fun|delicious|lovely|perfect)",
    r"you\s+made\s+our\s+day",
    r"(?:we|i)\s+(?:love|appreciate)\s+(?:that|hearing|seeing|your\s+(?:kind|support|loyalty))",
    r"love\s+(?:seeing|this|that|it|your)\b",
    r"can'?t\s+wait\s+to",
    r"kind\s+words",
    r"enjoy\s+(?:your|the|it|that|every)",
    r"great\s+(?:picture|photo|pic|shot|question|idea|choice|pick|news|taste)",
    r"thanks\s+for\s+sharing",
    r"no\s+better\s+way",
    r"sounds\s+like\s+(?:a\s+)?(?:good|great|fun|lovely|perfect)",
    r"turn\s+that\s+frown",
    r"^so\s+true",
    r"^same\b",
    r"^agreed",
    r"^aww\b",
    r"^wow\b",
    r"^yay\b",
    r"^haha",
    r"we(?:'re|\s+are)\s+(?:always\s+)?(?:so\s+)?(?:glad|happy)\s+(?:you|to\s+have)",
    flags=re.MULTILINE,
)
UPSET = gated(
    r"frustrat\w*",
    r"annoy\w*",
    r"angry",
    r"furious",
    r"livid",
    r"ridiculous",
    r"terrible",
    r"horrible",
    r"awful",
    r"worst",
    r"disappoint\w*",
    r"unacceptable",
    r"useless",
    r"pathetic",
    r"fed\s+up",
    r"sick\s+of",
    r"still\s+(?:not|no|waiting|haven'?t|hasn'?t|nothing|broken)",
    r"\bhate\b",
    r"\bwtf\b",
    r"\bsmh\b",
    r"scam",
    r"rip\s*-?\s*off",
    r"waste\s+of",
    r"(?:doesn'?t|does\s+not|isn'?t|is\s+not|not)\s+working",
    r"\bno\s+one\b",
    r"\bnobody\b",
    r"\bnever\b",
    r"rude",
    r"joke",
    r"!!",
    r"[😡😠🤬😤😢😭😩😫🙄]",
    r"\bugh+\b",
    r"lost\s+my",
    r"charged\s+(?:me\s+)?twice",
)
# Questions that are not about the customer's need (closing offers, pleasantries, rhetoric).
NON_NEEDS_QUESTION = gated(
    r"anything\s+else",
    r"(?:any|other)\s+(?:other\s+)?(?:questions|way)",
    r"how\s+are\s+you",
    r"how(?:'s|\s+is)\s+(?:it|your\s+day)\s+going",
    r"(?:isn'?t|aren'?t|wasn'?t)\s+(?:it|that|they)",
    r"right\s*\?",
    r"did\s+(?:that|this)\s+help",
    r"(?:does|did|has)\s+(?:that|this|it)\s+(?:help|work|sort|fix|solve|resolve)",
    r"why\s+not",
    r"who\s+doesn'?t",
    r"what\s+(?:more|better)\s+could",
)
DETAIL_REQUEST = gated(
    r"(?:can|could|would|will)\s+you\s+(?:please\s+|kindly\s+|also\s+)?(?:send|share|dm|"
    r"tell|confirm|provide|let\s+(?:us|me)\s+know|give|describe|clarify|check|explain|"
    r"specify|include|attach|reply|follow|shoot|drop|message|email)",
    r"(?:please|kindly|pls)\s+(?:send|share|dm|provide|confirm|tell|describe|include|attach|"
    r"specify|clarify|explain|reply\s+with)\s+(?:us\s+|me\s+)?(?:with\s+)?(?:(?:your|the)\s+"
    r"(?!feedback|thoughts|comments|experience|ideas|suggestions?)|a\s+(?:screenshot|photo|"
    r"picture|copy|video)|more|some|any|what|which|when|where|how|if|whether|details|info)",
    r"(?:please|kindly|pls)\s+let\s+(?:us|me)\s+know\s+(?:what|which|when|where|how|whether|"
    r"your|the|more)",
    r"(?:send|shoot|drop|give)\s+(?:us|me)\s+(?:a\s+)?(?:dm|direct\s+message|message|pm|note|shout)"
    r"\s+(?:with|including|containing|and\s+(?:let|tell|share|include))",
    r"dm\s+(?:us|me)\s+(?:with\s+|your\s+|the\s+|more\s+|some\s+|a\s+few\s+)",
    r"(?:dm|message|note)\s+with\s+(?:more|some|further|additional|the|your)\s+(?:details?|info|"
    r"information)",
    r"(?:provide|share|send|give)\s+(?:us\s+)?(?:as\s+much|all\s+the|any)\s+(?:information|info|"
    r"details)",
    r"(?:send|share|provide|give|tell|dm|need|get|have)\s+(?:us\s+|me\s+)?(?:a\s+(?:bit|"
    r"little)\s+)?(?:more|some|a\s+few|additional|further)\s+(?:details|info|information|"
    r"context)",
    r"tell\s+(?:us|me)\s+(?:a\s+(?:bit|little)\s+)?more",
    r"(?:let\s+(?:us|me)\s+know|tell\s+us|share)\s+(?!how\s+(?:it|that|this|things|you\s+get)\b)"
    r"(?:what|which|when|where|how|"
    r"your\s+\w+\s+(?:number|address|details|name|model|version))",
    r"(?:your|the)\s+(?:order|account|reservation|booking|confirmation|tracking|flight|case|"
    r"reference|phone|serial|model|ticket|member(?:ship)?|loyalty|rewards?|card|claim)\s+"
    r"(?:number|#|no\.?|details|email|code|id)",
    r"\bus\s+(?:your|the)\s+(?:\w+\s+){0,2}(?:ref|reference|number|#|details|email|address|"
    r"name|info|information|locator|id)\b",
    r"with\s+(?:the|your|more|some|any)\s+(?:details|info|information|specifics)",
    r"(?:what|which)\s+(?:device|model|version|country|store|browser|app|os|carrier|plan|"
    r"city|location|airport|flight|address|email|zip|postcode|error|page)\b",
    r"¿\s*(?:puedes|podrías|podrias|puede|podría|podria|nos\s+(?:puedes|podrías|podrias))",
    r"(?:pouvez|pourriez|peux|pourrais)-(?:vous|tu)",
    r"(?:können|konnen)\s+sie",
    r"kannst\s+du",
    r"poderia",
    r"potresti",
    r"potrebbe",
    r"kunt\s+u",
    r"kun\s+je",
)
RESTATE = gated(
    r"so\s+you(?:'re|\s+are|'ve|\s+have|\s+want|\s+need|'d|\s+would)\b",
    r"if\s+i(?:'m|\s+am)?\s+understand(?:ing)?",
    r"it\s+sounds\s+like\s+you",
    r"sounds\s+like\s+(?:you|your|the)",
    r"just\s+to\s+(?:confirm|clarify|be\s+sure|make\s+sure|check|double\s*-?\s*check)",
    r"you\s+(?:mentioned|said|wrote|noted)",
    r"(?<!if\s)(?<!sorry\s)(?<!that\s)you(?:'re|\s+are)\s+(?:looking|trying|wanting|hoping|"
    r"asking|unable|having|seeing|getting|not\s+able)",
    r"you(?:'d|\s+would)\s+like\s+to",
    r"(?:i|we)\s+(?:see|understand|gather)\s+(?:that\s+)?you(?:'re|\s+are|'ve|\s+have|\s+want|"
    r"\s+need|\s+would|'d|\s+were|\s+had)\b",
    r"are\s+you\s+(?:saying|referring|asking)",
    r"you(?:'re|\s+are)\s+referring",
    r"(?:see|check)\s+(?:if|whether)\s+you\s+(?:still\s+)?(?:want|need|would\s+like|have|are)",
)
