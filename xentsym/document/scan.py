"""Scanning a document once: its displays (with its macros expanded), hints and warnings."""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ..read import macros as read_macros
from .blanking import _blank
from .comments import _hints
from .delimiters import _Scanner
from .latex import _scan_latex
from .markdown import _scan_markdown
from .model import Display, Document, DocumentProblem, DocumentWarning, Hint
from .prose import prose_definitions


@dataclass
class _ScanResult:
    displays: list[Display]
    warnings: list[DocumentWarning]
    comments: list[tuple[int, int]]  # (start, end) of the body of each comment that may hold hints
    problems: list["DocumentProblem"]  # the scanner's failures (also among `warnings`)
    hints: list[Hint] = field(default_factory=list)
    _order: dict[int, int] | None = field(default=None, repr=False)  # display start -> index

    def previous(self, display: Display) -> Display | None:
        """The display before `display` in reading order (None for the first one)."""
        if self._order is None:
            self._order = {d.start: k for k, d in enumerate(self.displays)}
        k = self._order.get(display.start)
        if not k or self.displays[k] != display:
            return None
        return self.displays[k - 1]



_INLINE_MATH = re.compile(r"(?<![\\$])\$(?!\$)((?:[^$\\]|\\.)+?)\$|\\\((.+?)\\\)", re.S)


def _define_between(book, prose: str, start: int, end: int, latex: bool) -> None:
    """Definitions between displays: anywhere in LaTeX; in Markdown only in inline math
    (``$\\newcommand{\\R}{\\mathbb{R}}$``, as MathJax reads it), not in prose or code."""
    if latex:
        book.define_in(prose, start, end)
        return
    for m in _INLINE_MATH.finditer(prose, start, end):
        group = 1 if m.group(1) is not None else 2
        if read_macros.may_define(m.group(group)):
            book.define_in(prose, m.start(group), m.end(group))



def _scan_document(doc: Document) -> _ScanResult:
    scanner = _scan_latex(doc) if doc.kind == "latex" else _scan_markdown(doc)
    hint_list = _hints(doc, scanner.comments)
    book = None
    if read_macros.may_define(scanner.search):
        hint_list, book = _expand_macros(doc, scanner)
    hint_list += _prose_hints(doc, scanner, book)
    return _ScanResult(scanner.displays, scanner.warnings, scanner.comments, scanner.problems,
                       hint_list)


def _prose_hints(doc: Document, sc: "_Scanner", book) -> list[Hint]:
    """Definitions in the prose's inline math (document.prose), macros expanded."""
    prose = sc.search if doc.kind == "latex" else _blank(sc.search, sc.code)
    edges = [0] + [x for d in sc.displays for x in (d.start, d.end)] + [len(prose)]
    found = prose_definitions(doc, prose, list(zip(edges[::2], edges[1::2])))
    if book is None or not book.history:
        return found
    out = []
    for h in found:
        at = doc._line_starts[h.line - 1] + h.column - 1
        done = book.expand(h.text, at, table=book.table_at(at))
        if done.problem is None:
            out.append(replace(h, text=done.text))
    return out


def _expand_macros(doc: Document, sc: "_Scanner") -> list[Hint]:
    """Expand the document's macros in its displays (and hints), in reading order: LaTeX
    definitions stand outside displays (one inside a display ends with it, as TeX's group
    does); Markdown ones inside math blocks, and hold to the end of the file (as MathJax's
    do). Failures are located problems."""
    book = read_macros.Macros(redefine=doc.kind != "latex")
    latex = doc.kind == "latex"
    prose = sc.search if latex else _blank(sc.search, sc.code)
    last = 0
    for k, display in enumerate(sc.displays):
        _define_between(book, prose, last, display.start, latex)
        last = display.end
        done = book.expand(display.latex, display.start, local=latex)
        if done.problem is not None:
            sc.displays[k] = replace(display, macro_problem=done.problem)
        elif done.origin is not None:
            sc.displays[k] = replace(display, latex=done.text, origin=done.origin)
    _define_between(book, prose, last, len(prose), latex)
    hint_list = _hints(doc, sc.comments, book)
    for offset, message in book.warnings:
        sc.warn(offset, message, failure=False)
    for offset, message in book.problems:
        sc.warn(offset, message)
    return hint_list, book
