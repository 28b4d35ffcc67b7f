"""Finding displays by their delimiters ($$, \\[, equation ...): the scanner both formats share."""
from __future__ import annotations

import re

from .model import Display, Document, DocumentProblem, DocumentWarning, limit

# Environments that make a display of their own, in LaTeX files and (as MathJax does) in Markdown.
DISPLAY_ENVIRONMENTS = frozenset(
    name + star for star in ("", "*") for name in
    ("equation", "align", "alignat", "gather", "multline", "flalign", "eqnarray",
     "displaymath", "dmath"))


class _Finder:
    """The first accepted match of `pattern` at or after a start, below a limit; remembers its
    last answer so that many openers sharing one closer (or none) cost one search in all."""

    def __init__(self, text: str, pattern: re.Pattern, accept=None):
        self.text, self.pattern, self.accept = text, pattern, accept
        self.last: tuple[int, int, re.Match | None] | None = None

    def find(self, start: int, limit: int) -> re.Match | None:
        if self.last is not None:
            s0, l0, r0 = self.last
            if l0 == limit and s0 <= start and (r0 is None or start <= r0.start()):
                return r0
        pos, found = start, None
        while pos <= limit:
            m = self.pattern.search(self.text, pos, limit)
            if m is None:
                break
            if self.accept is None or self.accept(m):
                found = m
                break
            pos = max(m.end(), m.start() + 1)
        self.last = (start, limit, found)
        return found


_BLANK_LINE = re.compile(r"\n(?=[ \t]*\n)")
_DOLLARS_OR_ESCAPE = re.compile(r"\\.|\$\$", re.S)
_BRACKET_CLOSE = re.compile(r"(?<!\\)(\\++)\]")
_ENV_BEGIN = re.compile(r"\\begin\s*\{\s*([a-zA-Z]+\*?)\s*\}")
_ALIGNAT_ARG = re.compile(r"\s*\{[^{}\n]*\}")
_QUOTE_PREFIX = re.compile(r"(?:[ \t]*>)+")


class _Scanner:
    """Finds displays in `search` (the text, with LaTeX comments blanked) left to right."""

    def __init__(self, doc: Document, search: str):
        self.doc, self.text, self.search = doc, doc.text, search
        self.displays: list[Display] = []
        self.warnings: list[DocumentWarning] = []
        self.problems: list[DocumentProblem] = []
        self.comments: list[tuple[int, int]] = []
        self.code: list[tuple[int, int]] = []  # Markdown code and comments: no inline math
        self.stopped = False
        self.blanks = _Finder(doc.text, _BLANK_LINE)
        self.dollar_closer = _Finder(search, _DOLLARS_OR_ESCAPE, lambda m: m.group()[0] == "$")
        self.bracket_closer = _Finder(search, _BRACKET_CLOSE, lambda m: len(m.group(1)) % 2 == 1)
        self.env_closers: dict[str, _Finder] = {}

    def warn(self, offset: int, message: str, failure: bool = True) -> None:
        """A warning; a `failure` (a display not read, or read in part) is also a problem."""
        if self.stopped:
            return
        line, col = self.doc.position(offset)
        if len(self.warnings) >= limit("MAX_WARNINGS"):
            self.stopped = failure = True
            message = f"too many problems; the rest of the file (from line {line}) is not read"
        self.warnings.append(DocumentWarning(line, message, col))
        if failure:
            self.problems.append(DocumentProblem(line, col, message))

    def paragraph_end(self, offset: int) -> int:
        """The offset of the next blank line (or the end of the text)."""
        m = self.blanks.find(offset, len(self.text))
        return m.start() if m is not None else len(self.text)

    def add(self, kind: str, start: int, end: int) -> None:
        most = limit("MAX_DISPLAYS")
        if len(self.displays) >= most:
            self.warn(start, f"more than {most} displays; the rest are not read")
            self.stopped = True
            return
        latex = self.search[start:end]
        if "\n" in latex and self.doc.kind == "markdown":
            latex = _unquote(self.text, start, latex)
        line, col = self.doc.position(start)
        self.displays.append(Display(latex, line, col, kind, start, self.doc))

    def unclosed(self, opener: int, what: str, limit: int) -> None:
        if limit < len(self.text):
            line = self.doc.position(limit + 1)[0]
            self.warn(opener, f"unclosed {what}: no closing delimiter before the blank line "
                              f"at line {line}")
        else:
            self.warn(opener, f"unclosed {what}: no closing delimiter before the end of the file")

    def dollars(self, p: int) -> int:
        limit = self.paragraph_end(p)
        closer = self.dollar_closer.find(p + 2, limit)
        if closer is None:
            self.unclosed(p, "$$", limit)
            return p + 2
        self.add("$$", p + 2, closer.start())
        return closer.end()

    def backslash(self, p: int, floor: int) -> int:
        run = 1
        while p - run >= floor and self.search[p - run] == "\\":
            run += 1
        if run % 2 == 0:  # this backslash is escaped: an ordinary character
            return p + 1
        after = self.search[p + 1]
        if after == "$":
            return p + 2
        limit = self.paragraph_end(p)
        if after == "[":
            closer = self.bracket_closer.find(p + 2, limit)
            if closer is None:
                self.unclosed(p, "\\[", limit)
                return p + 2
            self.add("\\[", p + 2, closer.end() - 2)
            return closer.end()
        m = _ENV_BEGIN.match(self.search, p)
        if m is None or m.group(1) not in DISPLAY_ENVIRONMENTS:
            return p + 6
        name, inner = m.group(1), m.end()
        if name.startswith("alignat"):
            arg = _ALIGNAT_ARG.match(self.search, inner)
            inner = arg.end() if arg else inner
        finder = self.env_closers.get(name)
        if finder is None:
            pattern = re.compile(r"\\end\s*\{\s*" + re.escape(name) + r"\s*\}")
            finder = self.env_closers[name] = _Finder(self.search, pattern)
        closer = finder.find(inner, limit)
        if closer is None:
            self.unclosed(p, f"\\begin{{{name}}}", limit)
            return m.end()
        self.add(name.rstrip("*"), inner, closer.start())
        return closer.end()


def _unquote(text: str, start: int, latex: str) -> str:
    """Blank the `>` markers of a display that sits in a Markdown block quote."""
    line_start = text.rfind("\n", 0, start) + 1
    m = _QUOTE_PREFIX.match(text, line_start, start)
    if m is None:
        return latex
    depth = m.group(0).count(">")
    pattern = re.compile(r"(?<=\n)(?:[ \t]*>){1,%d}" % depth)
    return pattern.sub(lambda q: " " * len(q.group(0)), latex)
