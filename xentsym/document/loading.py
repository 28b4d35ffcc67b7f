"""Loading a document: read_document, document_from_bytes and document_from_text."""
from __future__ import annotations

import codecs
import re
from pathlib import Path

from ..errors import ParseError
from .model import MAX_BYTES, Document
from .notebook import markdown_of_notebook

MARKDOWN_SUFFIXES = {".md", ".markdown", ".mdown", ".mkd", ".mkdn", ".qmd", ".rmd"}
LATEX_SUFFIXES = {".tex", ".latex", ".ltx", ".sty"}
NOTEBOOK_SUFFIXES = {".ipynb"}
NOTEBOOK_FACTOR = 8  # a notebook may be this much larger: its outputs (images) are not read


def read_document(path, *, max_bytes: int = MAX_BYTES) -> Document:
    """Read a Markdown, LaTeX or notebook file; ParseError for unreadable, binary or too
    large files (a notebook's limit is larger, the size of its Markdown the same)."""
    name = str(path)
    p = Path(path)
    notebook = p.suffix.lower() in NOTEBOOK_SUFFIXES
    if notebook:
        max_bytes *= NOTEBOOK_FACTOR
    try:
        size = p.stat().st_size
        if size > max_bytes:
            raise ParseError(f"file is too large ({size} bytes; the limit is {max_bytes})",
                             file=name)
        with p.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise ParseError(f"cannot read the file: {exc.strerror or exc}", file=name) from None
    except ValueError as exc:  # e.g. a NUL character in the path
        raise ParseError(f"cannot read the file: {exc}", file=name) from None
    doc = document_from_bytes(data, name, max_bytes=max_bytes)
    if notebook and len(doc.text.encode("utf-8")) > max_bytes // NOTEBOOK_FACTOR:
        raise ParseError("the notebook's Markdown cells are too large (the limit is "
                         f"{max_bytes // NOTEBOOK_FACTOR} bytes)", file=name)
    return doc


def document_from_bytes(data: bytes, path: str = "<bytes>", kind: str | None = None, *,
                        max_bytes: int = MAX_BYTES) -> Document:
    """Decode UTF-8 bytes (a BOM is dropped); NUL bytes or invalid UTF-8 are a ParseError."""
    if len(data) > max_bytes:
        raise ParseError(f"file is too large (over {max_bytes} bytes)", file=str(path))
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        text = data.decode("utf-8")
        bad = None
    except UnicodeDecodeError as exc:
        text, bad = None, exc.start
    nul = data.find(b"\0", 0, len(data) if bad is None else bad)
    if nul >= 0:
        line, col = _byte_position(data, nul)
        raise ParseError("binary file: NUL byte", file=str(path), line=line, column=col)
    if bad is not None:
        line, col = _byte_position(data, bad)
        raise ParseError(f"not UTF-8 text: invalid byte 0x{data[bad]:02x}", file=str(path),
                         line=line, column=col)
    return document_from_text(text, path, kind)


def document_from_text(text: str, path: str = "<string>", kind: str | None = None) -> Document:
    """A Document from text (line endings normalised); kind from the suffix, else sniffed.
    A notebook (.ipynb) becomes the Markdown of its Markdown cells, on their file lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if kind is None:
        suffix = Path(str(path)).suffix.lower()
        if suffix in NOTEBOOK_SUFFIXES:
            text, kind = markdown_of_notebook(text, str(path)), "markdown"
        elif suffix in MARKDOWN_SUFFIXES:
            kind = "markdown"
        elif suffix in LATEX_SUFFIXES:
            kind = "latex"
        else:
            kind = _sniff(text)
    return Document(str(path), kind, text)


def _sniff(text: str) -> str:
    head = text[:20_000]
    if re.search(r"\\documentclass|\\begin\s*\{document\}|^[ \t]*\\(?:section|chapter|"
                 r"usepackage|subsection)\b", head, re.M):
        return "latex"
    return "markdown"


def _byte_position(data: bytes, index: int) -> tuple[int, int]:
    line_start = data.rfind(b"\n", 0, index) + 1
    line = data.count(b"\n", 0, index) + 1
    return line, len(data[line_start:index].decode("utf-8", "replace")) + 1
