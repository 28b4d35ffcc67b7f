"""check-doc's text layer: display formulas of Markdown/LaTeX files, relation chains, hints.

What a checker consumes: :func:`document_chains` (each :class:`Chain` has steps; a
:class:`Step` may carry a ``condition`` Side, ``\\text{if } x = 1`` after it; a Chain whose
display could not be read as TeX prints it carries that ``problem``), :func:`problems`
(located failures: report each as an `unparsed` step), :func:`warnings` with
``with_problems=False`` (the rest) and :func:`hints`. Equations side by side in one display
(``a = b \\qquad c = d``, ``\\text{and}``, the column pairs of an align) are separate chains.
The rules for rows, dead code, macros and relation spellings live in :mod:`xentsym.read`;
the document's own macros are expanded before its displays and hints are read.

The package, in reading order: :mod:`.model` (the dataclasses and limits), :mod:`.loading`
(files and bytes to a Document), :mod:`.scan` with :mod:`.markdown`, :mod:`.latex`,
:mod:`.delimiters` and :mod:`.comments` (displays and hints of a document),
:mod:`.analysis` with :mod:`.relations` and :mod:`.sides` (one display to chains),
:mod:`.continuation` (a display that starts with ``=`` goes on from the one before: its
chain is :attr:`Chain.continued`), and :mod:`.api` (the public functions). The limits MAX_DISPLAYS, MAX_SPLIT_CHARS and
MAX_WARNINGS are read from this package at each use, so they may be tuned here.
"""
from __future__ import annotations

from .api import chains, displays, document_chains, hints, problems, warnings
from .delimiters import DISPLAY_ENVIRONMENTS as DISPLAY_ENVIRONMENTS
from .loading import LATEX_SUFFIXES as LATEX_SUFFIXES
from .loading import MARKDOWN_SUFFIXES as MARKDOWN_SUFFIXES
from .loading import document_from_bytes, document_from_text, read_document
from .model import (
    MAX_BYTES,
    Chain,
    Display,
    Document,
    DocumentProblem,
    DocumentWarning,
    Hint,
    Side,
    Step,
)
from .model import MAX_DISPLAYS as MAX_DISPLAYS
from .model import MAX_SPLIT_CHARS as MAX_SPLIT_CHARS
from .model import MAX_WARNINGS as MAX_WARNINGS

__all__ = [
    "MAX_BYTES", "Document", "Display", "Side", "Chain", "Step", "Hint", "DocumentWarning",
    "DocumentProblem", "read_document", "document_from_bytes", "document_from_text",
    "displays", "warnings", "problems", "chains", "document_chains", "hints",
]
