"""Compiled patterns for solutions, offers of further help, uncertainty and repetition. Pure.

All are matched against lower-cased text."""

import re

from goodwill.quality.gated import gated
from goodwill.quality.lexicon import _any

# An instruction the customer can follow (sentence-initial imperative).
INSTRUCTION = re.compile(
    r"^(?:please\s+|simply\s+|just\s+|first,?\s+|then\s+|also,?\s+|you\s+can\s+also\s+)?"
    + _any(
        r"try",
        r"go\s+to",
        r"head\s+(?:to|over)",
        r"tap",
        r"click",
        r"select",
        r"open\s+(?!a\b|an\b|link\b|ticket)",
        r"restart",
        r"reboot",
        r"update",
        r"reinstall",
        r"install",
        r"uninstall",
        r"sign\s+(?:in|out|up)",
        r"log\s+(?:in|out|into)",
        r"clear",
        r"check\s+(?:out|your\s+(?!dms?\b)|the|that|if|whether|this|for)",
        r"visit",
        r"navigate",
        r"turn\s+(?:off|on)",
        r"toggle",
        r"make\s+sure",
        r"ensure",
        r"delete",
        r"remove",
        r"reset",
        r"follow\s+(?:the|these)\s+(?:steps|instructions|guide|prompts)",
        r"cancel",
        r"allow\s+(?:\d+|up\s+to|a\s+few|some|us\s+(?:\d+|up|a\s+few|some))",
        r"see\s+(?:this|the|our)\s+(?:article|guide|page|link|faq)",
        r"read\s+(?:this|the|our|more)",
        r"review\s+(?:this|the|our)",
        r"hold",
        r"press",
        r"enable",
        r"disable",
        r"switch",
        r"download",
        r"swipe",
        r"choose",
        r"unplug",
        r"plug",
        r"fill",
        r"use\s+(?:the|this|a|your)",
        r"take\s+a\s+look\s+(?:at|here)",
        r"have\s+a\s+look\s+(?:at|here)",
        r"look\s+(?:for|at|under)",
        r"bring",
        r"return\s+(?:it|the)",
        r"stop\s+using",
    )
    + r"\b",
)
ACTION_DONE = re.compile(
    r"(?=[iw])\b(?:i|we)(?:'ve|\s+have)?\s+(?:just\s+|now\s+|already\s+|gone\s+ahead\s+and\s+)?"
    + _any(
        r"refunded",
        r"credited",
        r"sent",
        r"issued",
        r"processed",
        r"escalated",
        r"fixed",
        r"resolved",
        r"reset",
        r"updated",
        r"cancell?ed",
        r"canceled",
        r"added",
        r"removed",
        r"shipped",
        r"replaced",
        r"arranged",
        r"booked",
        r"changed",
        r"applied",
        r"reported",
        r"passed\s+(?:this|it|your|that|the)",
        r"forwarded",
        r"logged",
        r"raised",
        r"submitted",
        r"reinstated",
        r"restored",
        r"unlocked",
        r"reactivated",
        r"shared\s+(?:this|your|it|that)",
        r"flagged",
        r"let\s+(?:the|our)\s+\w+\s+(?:team\s+)?know",
        r"made\s+(?:a\s+note|sure|the)",
        r"opened\s+a",
        r"created\s+a",
        r"checked",
        r"confirmed",
        r"noted",
        r"contacted",
        r"located",
        r"found",
    )
    + r"\b",
)
ACTION_PROMISED = re.compile(
    r"(?=[iw])\b(?:i|we)(?:'ll|\s+will|\s+are\s+going\s+to|(?:'m|\s+am|'re|\s+are)\s+(?:now\s+)?"
    r"(?:going\s+to|happy\s+to|able\s+to))\s+(?:be\s+)?(?:(?:happy|glad)\s+to\s+)?"
    + _any(
        r"send",
        r"refund",
        r"credit",
        r"process",
        r"call",
        r"ring",
        r"email",
        r"escalate",
        r"fix",
        r"arrange",
        r"ship",
        r"replace",
        r"update",
        r"investigate",
        r"pass",
        r"get\s+(?:this|it|that)\s+(?:sent|sorted|fixed|done|processed|added)",
        r"share\s+(?:this|your|it)",
        r"make\s+sure",
        r"take\s+care",
        r"cancel",
        r"reset",
        r"issue",
        r"book",
        r"look\s+into",
        r"chase",
        r"check",
        r"add",
        r"remove",
        r"resolve",
        r"sort",
        r"drop\s+you",
    )
    + r"\b",
)
INFORMATION = gated(
    r"\byou\s+(?:can|could|may|might|should|need\s+to|'ll\s+need\s+to|will\s+need\s+to|"
    r"must|have\s+to|'ll\s+want\s+to)\s+(?!(?:still\s+|also\s+|always\s+)?(?:have\b|reach|dm|"
    r"send\s+us|contact|message|email\s+us|call\s+us|submit|create\s+a|open\s+a|"
    r"get\s+in\s+touch|follow\s+up|connect|chat|give\s+us))\w+",
    r"\b(?:we|i)(?:'d|\s+would)?\s+(?:recommend|suggest|advise)\s+(?!(?:you\s+)?(?:reach|"
    r"contact|call|getting\s+in|get\s+in|send|dm|chat|message|submit|open|creat))",
    r"\bcan\s+be\s+(?:found|done|changed|viewed|managed|checked|seen|accessed|updated|"
    r"cancell?ed|requested|added|removed)",
    r"\b(?:within|up\s+to|in)\s+\d+\s*(?:-\s*\d+\s*)?(?:business\s+|working\s+)?(?:hours?|"
    r"days?|minutes?|weeks?)\b",
    r"\b(?:work|working|workin)\s+(?:hard\s+|tirelessly\s+)?(?:to|on)\s+(?:get|have|restore|fix|"
    r"resolve|reunite|remove|improve|a\s+fix|it|this)",
    r"\b(?:we|it|this|that|there)\s*(?:'s|\s+is|\s+are)?\s*(?:wouldn'?t|won'?t|don'?t|"
    r"doesn'?t|can'?t|cannot|isn'?t|is\s+not|aren'?t|are\s+not|do\s+not|does\s+not|no)\s+"
    r"(?:be\s+)?(?:possible|offer|provide|available|allow|support|accept|cover|apply|"
    r"have\s+(?:any|an?)\s+(?:announcement|plans|news|information|date))",
    r"\bnot\s+possible\b",
    r"\brecommend(?:ed)?\s+(?!(?:you\s+)?(?:reach|contact|call|getting\s+in|get\s+in|send|dm|chat|"
    r"message|submit|open|creat))\w+",
    r"\b(?:i|we)(?:'m|\s+am|'re|\s+are)\s+(?:now\s+|currently\s+|actively\s+)?(?:looking\s+into|"
    r"investigating|checking|chasing|liaising|working\s+on|reviewing|escalating|processing)",
    r"\bas\s+we\s+(?:liaise|investigate|check|look\s+into|chase|review)",
    r"\b(?:i|we)\s+can\s+(?:get|add|send|refund|arrange|issue|book|replace|credit|change|cancel|"
    r"process|log)\b",
    r"\b(?:there(?:'s|\s+is)|we\s+have)\s+(?:a|an)\s+(?:workaround|fix|solution|update|patch)",
    r"\bnot\s+aware\s+of\s+(?:any|an|a)\b",
    r"\b(?:everything|all)(?:'s|\s+is)\s+(?:looking\s+)?(?:good|fine|working|back)",
    r"\bwill\s+(?:contact|call|email|ring)\s+you\b",
    r"\b(?:click|tap|select|press|choose)\s+(?:the|on|a|your)\b",
    r"\b(?:please|pls|kindly)\s+(?:try|fill|follow\s+the|check\s+(?:out|the|if)|visit|go\s+to|"
    r"review|see|read|update|restart|reinstall|reset|clear|make\s+sure|ensure|select|tap|click|"
    r"download|install|turn|use|upvote|keep\s+(?:an\s+eye|checking)|wait|be\s+patient)\b",
    r"\b(?:sera|será|estará|wird|sarà|zal)\s+(?:\w+\s+)?(?:disponible|verfügbar|disponibile|"
    r"beschikbaar)",
    r"\bnothing\s+(?:more|else)\s+(?:we|i)\s+can\s+do",
    r"\bthe\s+(?:best|quickest|fastest|easiest)\s+(?:way|option|place)",
    r"\bthe\s+(?:fix|solution|workaround|answer|reason|cause)\s+(?:is|was|for)",
    r"\bhere(?:'s|\s+is|\s+are)\s+(?:how|the|a|what|where|some|more|your)",
    r"\b(?:is|are|will\s+be|should\s+be|has\s+been|have\s+been)\s+(?:now\s+)?(?:available|"
    r"fixed|resolved|back\s+(?:up|online|in)|live|released|due|scheduled|expected|included|"
    r"free|covered|eligible|refunded|on\s+(?:its|their)\s+way|restored|working\s+again|"
    r"shipped|dispatched|delivered|processed|cancell?ed)",
    r"\b(?:should|will)\s+(?:arrive|be\s+delivered|reach\s+you|be\s+refunded|appear|show\s+up|"
    r"be\s+back|be\s+fixed|be\s+resolved|update|reflect)",
    r"\b(?:this|that|it)\s+(?:article|guide|page|post|faq)\b",
    r"\b(?:known|reported)\s+(?:issue|problem|bug|outage)",
    r"\b(?:working|aware)\s+(?:on|of)\s+(?:a\s+)?(?:fix|this|the|it)",
    r"\b(?:step|steps|instructions|details)\s+(?:here|below|at|in\s+this)",
    r"\bunfortunately,?\s+(?:we|it|this|the|that|there)\s+(?:don'?t|doesn'?t|isn'?t|can'?t|"
    r"aren'?t|won'?t|is\s+not|are\s+not|do\s+not|does\s+not|cannot)",
    *(
        rf"\b{word}\b"
        for word in (
            "puede",
            "puedes",
            "pouvez",
            "peux",
            r"können\s+sie",
            r"konnen\s+sie",
            r"kannst\s+du",
            "pode",
            "potete",
            "puoi",
            r"kunt\s+u",
        )
    ),
)
HELP_LINK_CUE = re.compile(
    r"\b(?:article|guide|steps|help|helpful|info|information|learn|here|check|visit|find|faq|"
    r"details|more|tips|instructions|troubleshoot\w*|update|status|try|review|see|read|resource|"
    r"options?|form)\b",
)
STRONG_HELP_CUE = re.compile(r"\b(?:workaround|article|guide|steps|instructions|tips|faq)\b")
# A link that only moves the conversation elsewhere (a ticket, a DM, a contact form) is no answer.
DEFLECTION_CUE = re.compile(
    r"\b(?:dm|direct\s+message|private\s+message|pm|message\s+us|ticket|request|contact|"
    r"reach|connect|follow\s+up|feedback|note|chat|call|e-?mail|tell\s+us|share|submit|"
    r"one-on-one|get\s+in\s+touch|private)\b",
)

OFFER_MORE_HELP = gated(
    r"anything\s+else",
    r"let\s+(?:us|me)\s+know\s+(?:if|whether|should|how|when|anytime|any\s+time)",
    r"(?:feel\s+free|don'?t\s+hesitate|do\s+not\s+hesitate|be\s+sure|you'?re\s+welcome)\s+"
    r"to\s+(?:reach|contact|get|ask|message|dm|tweet|let|come|write|reply|drop|give|"
    r"send|pop)",
    r"(?:we(?:'re|\s+are)|i(?:'m|\s+am))\s+(?:always\s+|just\s+)?(?:here|around|available)"
    r"(?:\s+(?:if|for|whenever|to\s+help|24/7|anytime|should))?",
    r"reach\s+(?:out|back)(?:\s+to\s+us)?\s+(?:if|anytime|any\s+time|again|whenever|should|"
    r"at\s+any)",
    r"(?:if|should)\s+you\s+(?:need|have|require|run\s+into|still|want)",
    r"discuss\s+(?:this\s+|it\s+)?further",
    r"(?:here|around)\s+(?:if|to\s+help|whenever|for\s+you|should)",
    r"just\s+(?:reply|let\s+us\s+know|get\s+in\s+touch|give\s+us\s+a\s+shout|ask|drop)",
    r"keep\s+us\s+(?:posted|updated|in\s+the\s+loop)",
    r"let\s+(?:us|me)\s+know\s+how\s+(?:it|that|this|things)\s+(?:goes|went|works)",
    r"(?:happy|glad)\s+to\s+help\s+(?:with|further|again|anytime|any\s+time|if)",
    r"any\s+(?:other|more|further)\s+(?:questions|help|issues|concerns)",
    r"(?:we(?:'re|\s+are)|i(?:'m|\s+am))\s+(?:happy|glad)\s+to\s+help",
    r"(?:we(?:'re|\s+are)|i(?:'m|\s+am))\s+(?:just\s+)?a\s+(?:tweet|dm|message|call)\s+away",
    r"otra\s+cosa",
    r"algo\s+m[aá]s",
    r"estamos\s+(?:aqu[ií]|para)",
    r"autre\s+chose",
    r"(?:d'autres|des)\s+questions",
    r"n'hésitez\s+pas",
    r"n'hesitez\s+pas",
    r"noch\s+(?:fragen|etwas)",
    r"weitere\s+fragen",
    r"melde\s+dich|melden\s+sie\s+sich",
    r"mais\s+alguma",
    r"estamos\s+[àa]\s+disposi",
    r"qualcos'?altro",
    r"siamo\s+a\s+disposizione",
    r"non\s+esit",
    r"nog\s+(?:vragen|iets)",
    r"laat\s+(?:het\s+)?(?:ons\s+)?(?:gerust\s+)?weten",
)
GENUINE_THANKS = gated(
    r"\b(?:thanks|thank\s+you|many\s+thanks|thx|ty)\b(?!\s+to\s+(?:our|the))",
    r"\b(?:we|i)\s+(?:really\s+|truly\s+)?appreciate\s+(?:you|your|it|the|this|that)",
    r"\b(?:gracias|merci|danke|dank(?:e|je|u)|obrigad[oa]|grazie|bedankt)\b",
)
UNCERTAIN = gated(
    r"\b(?:i|we)\s+(?:really\s+)?(?:don'?t|do\s+not|dont)\s+know\b",
    r"\b(?:i'?m|we'?re|i\s+am|we\s+are)\s+not\s+(?:sure|certain|100%)",
    r"\bnot\s+sure\s+(?:why|what|how|if|whether|about)",
    r"\bno\s+idea\b",
    r"\b(?:i'?m|we'?re)\s+(?:unable|not\s+able)\s+to\s+(?:help|answer|say|advise|tell)",
    r"\bnot\s+the\s+right\s+(?:person|team|department)",
    r"\b(?:i|we)\s+(?:can'?t|cannot)\s+(?:help|answer|advise|say)\b",
    r"\bbeyond\s+(?:my|our)\s+(?:knowledge|scope)",
)
REPEATING = gated(
    r"\bas\s+i\s+(?:said|mentioned|stated|explained|wrote|told\s+you)",
    r"\bi(?:'ve|\s+have)?\s+already\s+(?:told|said|explained|sent|given|provided|mentioned|"
    r"answered|done|tried|dm'?d|messaged)",
    r"\blike\s+i\s+(?:said|told\s+you|mentioned)",
    r"\bi\s+told\s+you\b",
    r"\bfor\s+the\s+(?:second|third|fourth|fifth|\d+(?:st|nd|rd|th))\s+time",
    r"\b(?:did|do)\s+you\s+(?:even\s+)?read\s+(?:my|what)",
    r"\b(?:read|see)\s+my\s+(?:previous|last|earlier|first)\s+(?:message|tweet|email|post)",
    r"\b(?:again|once\s+more)\s*[,:]\s*(?:i|my|the)\b",
    r"\bhow\s+many\s+times\b",
    r"\bcomo\s+(?:ya\s+)?(?:dije|te\s+dije|mencion[eé])",
    r"\bcomme\s+(?:je\s+l'ai|d[ée]j[àa])\s+(?:dit|mentionn)",
    r"\bwie\s+(?:ich\s+)?(?:bereits|schon)\s+(?:gesagt|geschrieben|erw[äa]hnt)",
    r"\bcomo\s+(?:j[áa]\s+)?(?:disse|falei)",
    r"\bcome\s+(?:ho\s+)?gi[àa]\s+(?:detto|scritto)",
    r"\bzoals\s+(?:ik\s+)?(?:al\s+)?(?:zei|gezegd)",
)
