"""A Jupyter notebook's Markdown cells as one Markdown text, each line where the .ipynb has it.

Jupyter writes a cell's source as a JSON list with one string per line, so every source line
has a line of its own in the file. Each line of a Markdown cell is placed on that file line
(the lines between cells stay blank), so what check-doc reports as ``file:line`` is the line
an editor or a CI annotation shows in the .ipynb. A source written another way (one long
string) keeps its order and lands at or after its string's line. Code cells and outputs are
not read.
"""
from __future__ import annotations

import bisect
import json
import json.scanner

from ..errors import ParseError


class _Placed(str):
    """A JSON string value that remembers the offset of its first character in the file."""

    offset: int = 0


def _string(text: str, end: int, strict: bool = True):
    value, stop = json.decoder.scanstring(text, end, strict)
    placed = _Placed(value)
    placed.offset = end
    return placed, stop


def _decoder() -> json.JSONDecoder:
    decoder = json.JSONDecoder()
    decoder.parse_string = _string  # the pure-Python scanner calls it for every value
    decoder.scan_once = json.scanner.py_make_scanner(decoder)
    return decoder


def _cells(notebook) -> list:
    if not isinstance(notebook, dict):
        return []
    cells = notebook.get("cells")
    if cells is None:  # nbformat 3 keeps them in worksheets
        cells = [c for ws in notebook.get("worksheets") or [] if isinstance(ws, dict)
                 for c in ws.get("cells") or []]
    return [c for c in cells if isinstance(c, dict)] if isinstance(cells, list) else []


def markdown_of_notebook(text: str, path: str) -> str:
    """The Markdown cells of the notebook ``text``, placed on their file lines."""
    try:
        notebook = _decoder().decode(text)
    except json.JSONDecodeError as exc:
        raise ParseError(f"not a Jupyter notebook: {exc.msg}", file=path, line=exc.lineno,
                         column=exc.colno) from None
    except RecursionError:
        raise ParseError("not a Jupyter notebook: nested too deeply", file=path) from None
    cells = _cells(notebook)
    if not cells and not (isinstance(notebook, dict) and "cells" in notebook):
        raise ParseError("not a Jupyter notebook: it has no cells", file=path)
    starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    lines: list[str] = []
    for cell in cells:
        if cell.get("cell_type") != "markdown":
            continue
        source = cell.get("source", "")
        pieces = [source] if isinstance(source, str) else \
            [s for s in source if isinstance(s, str)] if isinstance(source, list) else []
        at = len(lines) + 1 if lines else 0  # a blank line ends the cell before
        for piece in pieces:
            offset = getattr(piece, "offset", None)
            if offset is not None:
                at = max(at, bisect.bisect_right(starts, offset) - 1)
            for part in piece.removesuffix("\n").split("\n"):
                lines += [""] * (at - len(lines) + 1)
                lines[at] = part
                at += 1
    return "\n".join(lines) + "\n"


__all__ = ["markdown_of_notebook"]
