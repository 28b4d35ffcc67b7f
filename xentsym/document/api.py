"""What a checker asks of a Document: its displays, chains, hints, warnings and problems."""
from __future__ import annotations

from . import continuation
from .model import (
    Chain,
    Display,
    Document,
    DocumentProblem,
    DocumentWarning,
    Hint,
    Side,
    limit,
)


def displays(doc: Document) -> list[Display]:
    """The display formulas of the document in reading order."""
    return list(doc._scan.displays)


def warnings(doc: Document, *, with_problems: bool = True) -> list[DocumentWarning]:
    """Unclosed delimiters, unbalanced braces and other oddities, ordered by position.

    With ``with_problems=False`` the failures that :func:`problems` lists are left out: a
    checker that reports those as `unparsed` steps asks for the true warnings only."""
    found = list(doc._scan.warnings)
    if not with_problems:
        failed = {(p.line, p.column, p.message) for p in doc._scan.problems}
        found = [w for w in found if (w.line, w.column, w.message) not in failed]
    for display in doc._scan.displays:
        if with_problems:
            found.extend(display.warnings)
    found.sort(key=lambda w: (w.line, w.column or 0))
    most = limit("MAX_WARNINGS")
    if len(found) > most:
        rest = len(found) - most
        found = found[:most]
        found.append(DocumentWarning(found[-1].line, f"{rest} more warnings not shown"))
    return found


def problems(doc: Document) -> list[DocumentProblem]:
    """What the reader cannot be sure of, ordered by position: a display too long to split,
    one whose braces, \\left/\\right or \\begin/\\end do not match, an unclosed display
    delimiter, code fence, verbatim environment or \\iffalse, displays past MAX_DISPLAYS.
    Each is a located failure (a checker reports it as an `unparsed` step), never a warning
    that lets the file pass. Chains of a display with a problem carry it in
    :attr:`Chain.problem`."""
    found = list(doc._scan.problems)
    for display in doc._scan.displays:
        found.extend(display.problems)
    found.sort(key=lambda p: (p.line, p.column or 0))
    return found


def chains(display: Display, first: int = 1) -> list[Chain]:
    """The chains of one display that hold at least one relation, numbered from `first`."""
    out = []
    problem = display.problems[0] if display.problems else None
    lead = continuation.lead(display)
    for raw_sides, raw_rels in display._analysis.chains:
        sides = []
        under = None  # the claim of the display before, for `\implies b = c`
        if lead is not None and lead.logical and (
                len(raw_rels) < 2 or any(r[3] is not None for r in raw_rels[1:])):
            lead = None  # no claim after the arrow, or one with a condition of its own
        if lead is not None and lead.logical:
            raw_sides, raw_rels = raw_sides[1:], raw_rels[1:]
            under = lead.claim
        elif lead is not None:  # `&= ...` goes on from the display before: its last side
            raw_sides = raw_sides[1:]
            sides.append(lead.side)
        for start, end, optimiser in raw_sides:
            line, col = display.position(start)
            sides.append(Side(display._analysis.masked[start:end], start, line, col, optimiser,
                              display))
        conditions = []
        for r in raw_rels:
            if r[3] is None:
                conditions.append(under)
                continue
            start, end = r[3]
            line, col = display.position(start)
            conditions.append(Side(display._analysis.with_notes[start:end], start, line, col,
                                   None, display))
        out.append(Chain(first + len(out), tuple(sides), tuple(r[0] for r in raw_rels),
                         tuple(r[1] for r in raw_rels), tuple(r[2] for r in raw_rels), display,
                         tuple(conditions), problem or (lead.problem if lead else None),
                         lead is not None and not lead.logical))
        lead = None
    return out


def document_chains(doc: Document) -> list[Chain]:
    """Every chain of the document, numbered from 1 in reading order."""
    out: list[Chain] = []
    for display in doc._scan.displays:
        out.extend(chains(display, len(out) + 1))
    return out


def hints(doc: Document) -> list[Hint]:
    """Hints from `<!-- xentsym: ... -->` (Markdown) or `% xentsym: ...` (LaTeX) comments;
    one comment may hold several, split on newlines and on `;` outside brackets."""
    return list(doc._scan.hints)
