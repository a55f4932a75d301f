"""Fast phrase lists: an alternation split into alternatives, each run only when a word it cannot
match without (its trigger) begins some word of the text. Pure.

Python's regex engine tries every alternative at every position, so a list of 30 phrases costs
~100 µs on a tweet. Here the text's word prefixes are collected once (`word_prefixes`), one set
intersection finds the alternatives worth running, and only those run. Alternatives match at word
starts (a `\\b` is added in front of those that begin with a short word or a group). Texts must be
lower-cased by the caller and patterns written in lower case.
"""

import re
import re._constants as sre_constants  # type: ignore[import-not-found]
import re._parser as sre_parse  # type: ignore[import-not-found]
from dataclasses import dataclass
from typing import Any

MIN_TRIGGER = 2
KEY_LETTERS = 4  # a word is looked up by its first four letters
_WORDS = re.compile(r"[a-zß-ÿ]+")  # lower-cased Latin letters: every trigger is written in them
# Words in nearly every support message: a poor trigger when a rarer one is required too.
COMMON = frozenset(
    (
        *("you", "your", "the", "what", "not", "see", "righ", "can", "know", "with", "have"),
        *("here", "just", "like", "that", "time", "one", "how", "any", "othe", "help", "does"),
        *("did", "has", "why", "coul", "woul", "will", "plea", "more", "some", "few", "tell"),
        *("shar", "need", "want", "stil", "into", "sure", "able", "soun", "look", "made"),
        *("last", "firs", "read", "agai", "once", "said", "this", "are", "our", "for", "and"),
        *("was", "were", "its", "it", "is", "to", "we", "us", "me", "my", "oh", "man", "i"),
    )
)


def word_prefixes(text: str) -> frozenset[str]:
    """The first four letters of every word of `text` (whole words when shorter)."""
    return frozenset([word[:KEY_LETTERS] for word in _WORDS.findall(text)])


def _rarity(options: list[str]) -> tuple[int, int]:
    """Prefer triggers that are rare words, then longer ones."""
    return (
        min(1 if option in COMMON else len(option) for option in options),
        min(len(option) for option in options),
    )


def _better(current: list[str] | None, candidate: list[str] | None) -> list[str] | None:
    if not candidate or min(len(option) for option in candidate) < MIN_TRIGGER:
        return current
    if current is None or _rarity(candidate) > _rarity(current):
        return candidate
    return current


def _ends_with_space(op: Any, av: Any) -> bool:
    """Whether whatever `op` matches ends with a space or punctuation (or is a boundary)."""
    if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
        return bool(len(av[2])) and _ends_with_space(*av[2][-1])
    if op is sre_constants.SUBPATTERN:
        return bool(len(av[-1])) and _ends_with_space(*av[-1][-1])
    if op is sre_constants.BRANCH:
        return all(len(branch) and _ends_with_space(*branch[-1]) for branch in av[1])
    return _is_space(op, av)


def _is_space(op: Any, av: Any) -> bool:
    if op is sre_constants.LITERAL:
        return not chr(av).isalpha()
    if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
        return all(_is_space(*node) for node in av[2])
    if op is sre_constants.IN:
        return any(item == (sre_constants.CATEGORY, sre_constants.CATEGORY_SPACE) for item in av)
    return op is sre_constants.AT


@dataclass(slots=True)
class _Scan:
    """Walks one parsed sequence collecting word-initial literal runs."""

    at_word_start: bool
    best: list[str] | None = None
    run: str = ""
    run_initial: bool = False

    def flush(self, *, word_ends: bool) -> None:
        """End the current run; it is a trigger if it starts a word and is either long enough
        for a four-letter key or known to be a whole word."""
        whole_or_long = word_ends or len(self.run) >= KEY_LETTERS
        if self.run and self.run_initial and whole_or_long:
            self.best = _better(self.best, [self.run[:KEY_LETTERS]])
        self.run = ""

    def literal(self, char: str) -> None:
        if char.isalpha():
            if not self.run:
                self.run_initial = self.at_word_start
            self.run += char
            self.at_word_start = False
        else:
            self.flush(word_ends=True)
            self.at_word_start = True

    def node(self, op: Any, av: Any, word_ends_after: bool) -> None:
        self.continue_into_branch(op, av)
        self.flush(word_ends=_is_space(op, av))
        requirement = _node_requirement(op, av, self.at_word_start, word_ends_after)
        self.best = _better(self.best, requirement)
        optional = op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT) and av[0] == 0
        ends_with_space = _ends_with_space(op, av)
        self.at_word_start = ends_with_space and (self.at_word_start or not optional)

    def continue_into_branch(self, op: Any, av: Any) -> None:
        """A word split by the regex parser ("p" + (ouvez|ourriez)): its spellings are triggers."""
        if op is not sre_constants.BRANCH or not self.run or not self.run_initial:
            return
        words = [self.run + _leading_run(branch) for branch in av[1]]
        if all(len(word) >= KEY_LETTERS for word in words):
            self.best = _better(self.best, [word[:KEY_LETTERS] for word in words])


def _node_requirement(op: Any, av: Any, at_start: bool, ends: bool) -> list[str] | None:
    if op is sre_constants.SUBPATTERN:
        return required_words(av[-1], at_start, ends)
    if op is sre_constants.BRANCH:
        options = [required_words(branch, at_start, ends) for branch in av[1]]
        if any(option is None for option in options):
            return None
        return [text for option in options if option for text in option]
    if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT) and av[0] >= 1:
        return required_words(av[2], at_start, ends and av[1] == 1)
    return None


def required_words(
    sequence: Any, at_word_start: bool = True, word_ends_after: bool = False
) -> list[str] | None:
    """Four-letter word beginnings (or shorter whole words) one of which begins a word of every
    match; None if no such list was found (the alternative then always runs)."""
    scan = _Scan(at_word_start)
    nodes = list(sequence)
    for index, (op, av) in enumerate(nodes):
        if op is sre_constants.LITERAL:
            scan.literal(chr(av))
        else:
            following = nodes[index + 1] if index + 1 < len(nodes) else None
            ends = word_ends_after if following is None else _is_space(*following)
            scan.node(op, av, ends)
    scan.flush(word_ends=word_ends_after)
    return scan.best


def _first_chars(sequence: Any) -> set[str] | None:
    """The characters a match of `sequence` can start with (None: unknown or any)."""
    if not len(sequence):
        return None
    op, av = sequence[0]
    if op is sre_constants.LITERAL:
        return {chr(av)}
    if op is sre_constants.SUBPATTERN:
        return _first_chars(av[-1])
    if op is sre_constants.BRANCH:
        found: set[str] = set()
        for branch in av[1]:
            chars = _first_chars(branch)
            if chars is None:
                return None
            found |= chars
        return found
    return None


def _leading_run(sequence: Any) -> str:
    run = ""
    for op, av in sequence:
        if op is not sre_constants.LITERAL or not chr(av).isalpha():
            break
        run += chr(av)
    return run


def _at_word_start(source: str, parsed: Any) -> str:
    """`source` made to match at word starts only, cheaply for Python's engine: a long literal
    start keeps its fast literal scan (a match inside a word is implausible), other starts get
    a look-ahead on their first letters before the `\\b`."""
    chars = _first_chars(parsed)
    if not chars or not all(char.isalpha() for char in chars):
        return source
    if len(_leading_run(parsed)) >= KEY_LETTERS:
        return source
    letters = "".join(sorted(re.escape(char) for char in chars))
    return rf"(?=[{letters}])\b{source}"


class GatedPattern:
    """`search`/`count` over lower-cased text, like one compiled alternation but faster."""

    __slots__ = ("always", "by_trigger", "patterns", "triggers")

    def __init__(self, alternatives: tuple[str, ...], flags: int = 0) -> None:
        patterns: list[re.Pattern[str]] = []
        by_trigger: dict[str, list[int]] = {}
        always: list[int] = []
        for index, source in enumerate(alternatives):
            parsed = sre_parse.parse(source, flags)
            patterns.append(re.compile(_at_word_start(source, parsed), flags))
            words = required_words(parsed)
            if not words:
                always.append(index)
            for word in words or ():
                by_trigger.setdefault(word, []).append(index)
        self.patterns = tuple(patterns)
        self.by_trigger = {word: tuple(indexes) for word, indexes in by_trigger.items()}
        self.triggers = frozenset(by_trigger)
        self.always = tuple(always)

    def _candidates(self, prefixes: frozenset[str]) -> tuple[int, ...] | set[int]:
        hits = self.triggers.intersection(prefixes)
        if not hits:
            return self.always
        chosen = set(self.always)
        for word in hits:
            chosen.update(self.by_trigger[word])
        return chosen

    def search(self, text: str, prefixes: frozenset[str] | None = None) -> re.Match[str] | None:
        """The earliest match of any alternative (`prefixes`: word_prefixes of a text that
        contains `text`, to share the work between the sentences of one message)."""
        found: re.Match[str] | None = None
        for index in self._candidates(word_prefixes(text) if prefixes is None else prefixes):
            match = self.patterns[index].search(text)
            if match is not None and (found is None or match.start() < found.start()):
                found = match
        return found

    def positions(self, text: str, prefixes: frozenset[str] | None = None) -> list[int]:
        """Where in `text` any alternative matches (starts, sorted)."""
        chosen = self._candidates(word_prefixes(text) if prefixes is None else prefixes)
        return sorted(m.start() for index in chosen for m in self.patterns[index].finditer(text))

    def count(self, text: str, prefixes: frozenset[str] | None = None) -> int:
        """How many places the alternatives match (overlaps between alternatives counted)."""
        chosen = self._candidates(word_prefixes(text) if prefixes is None else prefixes)
        return sum(len(self.patterns[index].findall(text)) for index in chosen)


def gated(*alternatives: str, flags: int = 0) -> GatedPattern:
    return GatedPattern(alternatives, flags)
