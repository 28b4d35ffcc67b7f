"""Blanking text to spaces while keeping its newlines, so that offsets still match."""
from __future__ import annotations

import re


def _spaces(piece: str) -> str:
    return re.sub(r"[^\n]", " ", piece) if "\n" in piece else " " * len(piece)


def _blank(text: str, ranges: list[tuple[int, int]]) -> str:
    """`text` with the given ranges turned into spaces (newlines kept, so offsets still match)."""
    if not ranges:
        return text
    out, last = [], 0
    for a, b in sorted(ranges):
        a = max(a, last)
        if a >= b:
            continue
        out.append(text[last:a])
        piece = text[a:b]
        out.append(_spaces(piece))
        last = b
    out.append(text[last:])
    return "".join(out)
