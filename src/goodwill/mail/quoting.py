"""The part of a reply worth showing: quoted history and signature set apart. Pure.

The original text is always kept elsewhere; this only decides what an agent sees first.
Quoted history starts at the first of: an attribution ("On ... wrote:", in several languages,
possibly wrapped), an Outlook "-----Original Message-----" or From/Sent/Subject header block,
an underscore separator, or a trailing run of "> " lines. A forwarded message is content, not
history: nothing below a forward marker is hidden. When everything would be hidden, nothing is."""

import re
from dataclasses import dataclass
from itertools import islice

_ATTRIBUTIONS = (
    re.compile(r"^On\b.{3,400}\bwrote\s*:$", re.S),
    re.compile(r"^Am\b.{3,400}\bschrieb\b.{0,300}:$", re.S),
    re.compile(r"^Le\b.{3,400}\ba [ée]crit\s*:$", re.S),
    re.compile(r"^El\b.{3,400}\bescribi[óo]\s*:$", re.S),
    re.compile(r"^Op\b.{3,400}\bschreef\b.{0,300}:$", re.S),
    re.compile(r"^Il\b.{3,400}\bha scritto\s*:$", re.S),
    re.compile(r"^Em\b.{3,400}\bescreveu\s*:$", re.S),
)
_ATTRIBUTION_STARTS = ("On ", "Am ", "Le ", "El ", "Op ", "Il ", "Em ")
_SHORT_ATTRIBUTION = re.compile(r"^.{1,160}\b(wrote|schrieb|a [ée]crit|escribi[óo]|schreef)\s*:$")
_ORIGINAL_MESSAGE = re.compile(
    r"^-{2,}\s*(original message|urspr[üu]ngliche nachricht|message d'origine|mensaje original"
    r"|oorspronkelijk bericht|messaggio originale|mensagem original)\s*-{2,}$",
    re.I,
)
_FORWARD_MARKER = re.compile(
    r"^(-{2,}\s*(forwarded message|weitergeleitete nachricht|message transf[ée]r[ée]"
    r"|mensaje reenviado|doorgestuurd bericht|messaggio inoltrato|mensagem encaminhada)\s*-{2,}"
    r"|begin forwarded message:|anfang der weitergeleiteten nachricht:)$",
    re.I,
)
_UNDERSCORES = re.compile(r"^_{20,}$")
_HEADER_FROM = re.compile(r"^\*?(from|von|de|van|da|fr[åa]n|fra|od)\s*:\*?\s*\S", re.I)
_HEADER_SENT = re.compile(
    r"^\*?(sent|date|gesendet|datum|envoy[ée]|enviado|fecha|verzonden|inviato|data|skickat"
    r"|sendt)\s*:", re.I
)  # fmt: skip
_HEADER_SUBJECT = re.compile(
    r"^\*?(subject|betreff|objet|asunto|onderwerp|oggetto|assunto|[äa]mne|emne)\s*:", re.I
)
_MOBILE_SIGNATURE = re.compile(
    r"^(sent from my \S.{0,40}|sent from (mail|outlook|yahoo mail|gmail)\b.{0,40}"
    r"|get outlook for (ios|android).{0,60}|von meinem \S.{0,30} gesendet"
    r"|gesendet von meinem \S.{0,30}"
    r"|envoy[ée] de mon \S.{0,30}|enviado desde mi \S.{0,30}|verstuurd vanaf mijn \S.{0,30}"
    r"|inviato da(l mio)? \S.{0,30})$",
    re.I,
)
# a cheap first look: only lines like these can start quoted history or a forward
_CANDIDATE = re.compile(
    r"[>_-]|begin forwarded|anfang der|(?:on|am|le|el|op|il|em) "
    r"|\*?(?:from|von|de|van|da|fr[åa]n|fra|od)\s*:",
    re.I,
)
_SIGNATURE_TAIL = 15  # a "-- " line further up than this is content, not a signature
_MOBILE_TAIL = 3


@dataclass(frozen=True, slots=True)
class QuotedSplit:
    visible: str  # what the sender wrote now
    quoted: str  # earlier messages quoted below (or above) it
    signature: str  # the sign-off block, including its "-- " line


def split_quoted(text: str) -> QuotedSplit:
    """`text` split into what was written now, the quoted history and the signature."""
    if not text.strip():
        return QuotedSplit(visible=text.strip(), quoted="", signature="")
    lines = text.split("\n")
    cut = _history_start(lines)
    head, quoted = lines[:cut], lines[cut:]
    if cut == len(lines) or not any(line.strip() for line in head):
        head, quoted = _leading_quote(lines)
    visible, signature = _split_signature(head)
    result = QuotedSplit(visible=_join(visible), quoted=_join(quoted), signature=_join(signature))
    if not result.visible:
        return QuotedSplit(visible=text.strip(), quoted="", signature="")
    return result


def _history_start(lines: list[str]) -> int:
    """Index of the first line of quoted history (len(lines) when there is none)."""
    last_unquoted = _last_unquoted_line(lines)
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped or (stripped[-1] != ":" and not _CANDIDATE.match(stripped)):
            continue
        if _FORWARD_MARKER.match(stripped):
            break
        if stripped.startswith(">"):
            if index > last_unquoted:
                return index
            continue
        if _is_separator(lines, index, stripped) or _attribution_length(lines, index):
            return index
    return len(lines)


def _last_unquoted_line(lines: list[str]) -> int:
    for index in range(len(lines) - 1, -1, -1):
        stripped = lines[index].strip()
        if stripped and not stripped.startswith(">"):
            return index
    return -1


def _is_separator(lines: list[str], index: int, stripped: str) -> bool:
    first = stripped[0]
    if first == "-":
        return _ORIGINAL_MESSAGE.match(stripped) is not None
    if first == "_":
        return _UNDERSCORES.match(stripped) is not None
    return (
        ":" in stripped
        and _HEADER_FROM.match(stripped) is not None
        and _is_header_block(lines, index)
    )


def _is_header_block(lines: list[str], index: int) -> bool:
    """An Outlook-style quoted header: From, then Sent/Date and Subject within a few lines."""
    following = [line.strip() for line in lines[index + 1 : index + 8]]
    has_sent = any(_HEADER_SENT.match(line) for line in following)
    return has_sent and any(_HEADER_SUBJECT.match(line) for line in following)


def _attribution_length(lines: list[str], index: int) -> int:
    """How many lines (1 to 3) an attribution starting at `index` spans; 0 when there is none."""
    first = lines[index].strip()
    if first.startswith(_ATTRIBUTION_STARTS):
        for length in (1, 2, 3):
            joined = " ".join(line.strip() for line in lines[index : index + length])
            if joined.endswith(":") and any(pattern.match(joined) for pattern in _ATTRIBUTIONS):
                return length
    if first.endswith(":") and _SHORT_ATTRIBUTION.match(first) and _next_is_quoted(lines, index):
        return 1
    return 0


def _next_is_quoted(lines: list[str], index: int) -> bool:
    for line in lines[index + 1 :]:
        if line.strip():
            return line.lstrip().startswith(">")
    return False


def _leading_quote(lines: list[str]) -> tuple[list[str], list[str]]:
    """Bottom-posting: a quote (maybe after an attribution) at the top, the answer below it."""
    index = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    start = index
    if index < len(lines) and not lines[index].lstrip().startswith(">"):
        index += _attribution_length(lines, index)
        if index == start:
            return lines, []
    while index < len(lines) and (not lines[index].strip() or lines[index].lstrip()[:1] == ">"):
        index += 1
    rest = lines[index:]
    if index == start or any(line.lstrip().startswith(">") for line in rest):
        return lines, []
    return rest, lines[:index]


def _split_signature(lines: list[str]) -> tuple[list[str], list[str]]:
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    for index in range(max(0, end - _SIGNATURE_TAIL - 1), end):
        if lines[index].rstrip("\r") in {"-- ", "--"}:
            return lines[:index], lines[index:end]
    tail = list(islice((i for i in range(end - 1, -1, -1) if lines[i].strip()), _MOBILE_TAIL))
    for index in sorted(tail):
        if _MOBILE_SIGNATURE.match(lines[index].strip()):
            return lines[:index], lines[index:end]
    return lines[:end], []


def _join(lines: list[str]) -> str:
    return "\n".join(lines).strip("\n").rstrip()
