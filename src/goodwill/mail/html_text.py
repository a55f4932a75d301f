"""Plain text from an HTML mail body, for mail that has no text/plain part. Pure.

Scripts, styles and the head are dropped; block elements end lines; <br> breaks them;
<blockquote> content is prefixed with "> " so quoted history can be recognised later."""

import re
from html import unescape
from html.parser import HTMLParser

_DROPPED = frozenset({"script", "style", "head", "title", "template", "noscript", "xml"})
_VOID_DROPPED = frozenset({"meta", "link", "img", "input", "base"})
_BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "center", "dd", "div", "dl", "dt",
        "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
        "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table",
        "tbody", "tfoot", "thead", "tr", "ul", "body", "html",
    }
)  # fmt: skip
_PARAGRAPHS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol"})
_SPACES = re.compile(r"[ \t\r\n\f\v\u00a0\u200b]+")
_TAGS = re.compile(r"<[^>]*>")
_BLANK_RUNS = re.compile(r"\n{3,}")
_MAX_HTML = 2_000_000


class _TextMaker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.dropped_depth = 0
        self.quote_depth = 0
        self.pre_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:  # noqa: ARG002
        if tag in _DROPPED:
            self.dropped_depth += 1
        elif tag == "br":
            self.end_line(force=True)
        elif tag in {"td", "th"} and self.current:
            self.current.append(" ")
        elif tag in _BLOCKS:
            self.block_edge(tag)
            if tag == "blockquote":
                self.quote_depth += 1
            elif tag == "pre":
                self.pre_depth += 1
            elif tag == "li":
                self.current.append("- ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:  # noqa: ARG002
        if tag == "br":
            self.end_line(force=True)
        elif tag in _BLOCKS:
            self.block_edge(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROPPED:
            self.dropped_depth = max(0, self.dropped_depth - 1)
        elif tag in _BLOCKS:
            self.block_edge(tag)
            if tag == "blockquote":
                self.quote_depth = max(0, self.quote_depth - 1)
            elif tag == "pre":
                self.pre_depth = max(0, self.pre_depth - 1)

    def handle_data(self, data: str) -> None:
        if self.dropped_depth:
            return
        if self.pre_depth:
            first, *rest = data.split("\n")
            self.current.append(first)
            for line in rest:
                self.end_line(force=True)
                self.current.append(line)
            return
        text = _SPACES.sub(" ", data)
        if text.strip() or (self.current and not self.current[-1].endswith(" ")):
            self.current.append(text)

    def block_edge(self, tag: str) -> None:
        self.end_line(force=False)
        if tag in _PARAGRAPHS and self.lines and self.lines[-1].strip("> "):
            self.lines.append("> " * self.quote_depth if self.quote_depth else "")

    def end_line(self, *, force: bool) -> None:
        line = "".join(self.current)
        if not self.pre_depth:
            line = line.strip()
        self.current = []
        if line or force:
            prefix = "> " * self.quote_depth
            self.lines.append(prefix + line if line else prefix.rstrip())

    def text(self) -> str:
        self.end_line(force=False)
        joined = "\n".join(line.rstrip() for line in self.lines)
        return _BLANK_RUNS.sub("\n\n", joined).strip("\n")


def html_to_text(html: str) -> str:
    """Readable plain text for an HTML body (never raises)."""
    source = html[:_MAX_HTML]
    maker = _TextMaker()
    try:
        maker.feed(source)
        maker.close()
    except Exception:  # html.parser may assert on some malformed markup
        return _crude_text(source)
    return maker.text()


def _crude_text(html: str) -> str:
    return _SPACES.sub(" ", unescape(_TAGS.sub(" ", html))).strip()
