"""Hints: the `xentsym:` comments of a document, split into pieces, macros expanded."""
from __future__ import annotations

import re

from .model import Document, Hint

_HINT_HEAD = re.compile(r"\s*xentsym\s*:", re.I)


def _hints(doc: Document, comments: list[tuple[int, int]], book=None) -> list[Hint]:
    """The hints of the comments; with a macro `book`, their macros expanded (a macro that
    cannot be expanded there is a problem of the book)."""
    out = []
    text = doc.text
    for body_start, body_end in comments:
        head = _HINT_HEAD.match(text, body_start, body_end)
        if head is None:
            continue
        for a, b in _split_hint(text, head.end(), body_end):
            line, col = doc.position(a)
            piece = text[a:b]
            if book is not None and book.history and "\\" in piece:
                done = book.expand(piece, a, table=book.table_at(a))
                if done.problem is not None:  # reported once, as a problem
                    book.problems.append(done.problem)
                    continue
                piece = done.text
            out.append(Hint(line, col, piece))
    return out


def _split_hint(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Pieces of text[start:end] split on newlines and on `;` outside brackets."""
    pieces, depth, piece, i = [], 0, start, start
    while i < end:
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c in "{([":
            depth += 1
        elif c in "})]":
            depth = max(depth - 1, 0)
        elif c == "\n" or (c == ";" and depth == 0):
            pieces.append((piece, i))
            piece, depth = i + 1, 0
        i += 1
    pieces.append((piece, end))
    out = []
    for a, b in pieces:
        b = min(b, end)
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            out.append((a, b))
    return out
