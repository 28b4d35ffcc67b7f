"""A display that starts with a relation (``= ...``, ``&= ...``) goes on from the one before it.

Notes often break one derivation into several displays with prose between them; the second
then starts with ``=`` (or ``&=``, ``\\le`` ...) and its left side is the last right side of
the display before it. That holds across prose, but not across a heading (``\\section``,
``\\paragraph``, a Markdown ``#`` line): a new section starts afresh. It also holds only when
the display before holds one chain (or none: a bare expression is the left side itself); after
``a = b \\qquad c = d`` which side goes on is a guess, so the empty left side stays empty and
the step is reported as unread rather than checked against a side it may not mean.
A display that starts with a logical arrow (``\\implies b = c``) states its claims under
the last step of the display before: the arrow is no step, and each step carries that
claim as its condition.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .model import Display, DocumentProblem, Side
from .sides import LOGIC_ARROWS, _finish_side

_TEX_HEADING = re.compile(
    r"(?<!\\)\\(?:part|chapter|section|subsection|subsubsection|paragraph|subparagraph)"
    r"(?![a-zA-Z])")
_TEX_COMMENT = re.compile(r"(?<!\\)%[^\n]*")
_MD_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)|^ {0,3}(?:=+|-{2,})[ \t]*$", re.M)




@dataclass(frozen=True)
class Lead:
    """What a display that starts with a relation goes on from."""

    side: Side  # the last side of the display before (located there)
    claim: Side | None  # its last step `b = c` whole (with_notes text), when it has one
    problem: DocumentProblem | None  # the first problem of the display before
    logical: bool  # the display starts with an arrow: its claims hold under `claim`


def lead(display: Display) -> Lead | None:
    """The :class:`Lead` of a display whose first chain starts with a relation (nothing
    before it), or None."""
    analysis = display._analysis
    if not analysis.chains:
        return None
    start, end, _ = analysis.chains[0][0][0]
    if start < end or analysis.masked[:start].strip():
        return None
    logical = analysis.chains[0][1][0][0] in LOGIC_ARROWS
    doc = display.document
    before = doc._scan.previous(display)
    if before is None or _heading_between(doc.kind, doc.text[before.end:display.start]):
        return None
    prior = before._analysis
    if len(prior.chains) > 1:
        return None
    claim = None
    if prior.chains:
        sides = prior.chains[0][0]
        start, end, optimiser = sides[-1]
        claim = _side(before, prior.with_notes, sides[-2][0], end, None)
    else:
        start, end, optimiser = _finish_side(prior.masked, 0, len(prior.masked))
    if start >= end or not prior.masked[start:end].strip() or (logical and claim is None):
        return None
    return Lead(_side(before, prior.masked, start, end, optimiser), claim,
                before.problems[0] if before.problems else None, logical)


def _side(display: Display, text: str, start: int, end: int, optimiser) -> Side:
    line, column = display.position(start)
    return Side(text[start:end], start, line, column, optimiser, display)


def _heading_between(kind: str, prose: str) -> bool:
    if kind == "latex":
        return _TEX_HEADING.search(_TEX_COMMENT.sub("", prose)) is not None
    return _MD_HEADING.search(prose) is not None
