"""The document model: Document, Display, Side, Step, Chain, Hint, warnings, problems, limits."""
from __future__ import annotations

import bisect
import re
import sys
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from ..read import macros as read_macros

if TYPE_CHECKING:
    from .analysis import _Analysis
    from .scan import _ScanResult

MAX_BYTES = 2 * 1024 * 1024  # larger files are refused before they are read
MAX_DISPLAYS = 10_000  # displays past this many are ignored (with one warning)
MAX_SPLIT_CHARS = 100_000  # a longer display is reported, not split into chains
MAX_WARNINGS = 200  # per document; the rest are counted in one last warning

_KIND_ALIASES = {"markdown": "markdown", "md": "markdown", "latex": "latex", "tex": "latex"}


def limit(name: str) -> int:
    """The limit `name` (MAX_DISPLAYS ...) as :mod:`xentsym.document` holds it now: read at
    each use, so that lowering ``xentsym.document.MAX_SPLIT_CHARS`` (as tests do) takes effect."""
    return getattr(sys.modules[__package__], name)


@dataclass(frozen=True)
class DocumentWarning:
    """Something odd in a document that does not stop the rest from being read."""

    line: int
    message: str
    column: int | None = None

    def one_line(self, file: str | None = None) -> str:
        where = [str(x) for x in (file, self.line, self.column) if x is not None]
        return ":".join(where) + ": warning: " + " ".join(self.message.split())


@dataclass(frozen=True)
class DocumentProblem:
    """A display that cannot be read as TeX prints it: a located failure (`unparsed`)."""

    line: int
    column: int | None
    message: str
    display: "Display | None" = field(default=None, repr=False, compare=False)

    def one_line(self, file: str | None = None) -> str:
        where = [str(x) for x in (file, self.line, self.column) if x is not None]
        return ":".join(where) + ": error: " + " ".join(self.message.split())


@dataclass(frozen=True)
class Document:
    """A document's text; `kind` is "markdown" or "latex"."""

    path: str
    kind: str
    text: str

    def __post_init__(self):
        kind = _KIND_ALIASES.get(str(self.kind).lower())
        if kind is None:
            raise ValueError(f"unknown document kind {self.kind!r} (markdown or latex)")
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "path", str(self.path))

    @cached_property
    def _line_starts(self) -> list[int]:
        return [0] + [m.end() for m in re.finditer("\n", self.text)]

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset into `text` (clamped to the text)."""
        offset = min(max(int(offset), 0), len(self.text))
        starts = self._line_starts
        row = bisect.bisect_right(starts, offset) - 1
        return row + 1, offset - starts[row] + 1

    @cached_property
    def _scan(self) -> "_ScanResult":
        from .scan import _scan_document
        return _scan_document(self)



@dataclass(frozen=True)
class Display:
    """One display formula: `latex` is its inner text, starting at (`line`, `column`), with
    the document's macros expanded (`origin` then maps its offsets back to the file)."""

    latex: str
    line: int
    column: int
    kind: str  # "$$", "\\[", "math-fence", or an environment name without its star
    start: int  # offset of latex[0] in document.text
    document: Document = field(repr=False, compare=False)
    origin: read_macros.SourceMap | None = field(default=None, repr=False, compare=False)
    # a macro that cannot be expanded here: (offset in document.text, message)
    macro_problem: tuple[int, str] | None = field(default=None, repr=False, compare=False)

    @property
    def end(self) -> int:
        """The offset in document.text after the display's text."""
        return self.origin.source_end if self.origin else self.start + len(self.latex)

    def position(self, offset: int = 0) -> tuple[int, int]:
        """1-based (line, column) in the file of an offset into `latex` (text a macro
        produced is at the macro's call)."""
        offset = min(max(int(offset), 0), len(self.latex))
        if self.origin is not None:
            return self.document.position(self.origin.source(offset))
        return self.document.position(self.start + offset)

    @cached_property
    def _analysis(self) -> "_Analysis":
        from .analysis import _analyse
        return _analyse(self.latex, self.kind)


    @property
    def problems(self) -> tuple[DocumentProblem, ...]:
        """Too long to split, unbalanced braces, \\left without \\right and the like,
        located in the file: failures, not warnings."""
        out = []
        if self.macro_problem is not None:
            line, col = self.document.position(self.macro_problem[0])
            out.append(DocumentProblem(line, col, self.macro_problem[1], self))
        for offset, message in self._analysis.warnings:
            line, col = self.position(offset)
            out.append(DocumentProblem(line, col, message, self))
        return tuple(out)

    @property
    def warnings(self) -> tuple[DocumentWarning, ...]:
        """The :attr:`problems`, as warnings (what :func:`warnings` has always listed)."""
        return tuple(DocumentWarning(p.line, p.message, p.column) for p in self.problems)


@dataclass(frozen=True)
class Side:
    """One side of a relation: `text` is latex[start:start+len(text)] of its display."""

    text: str
    start: int  # offset into display.latex
    line: int
    column: int
    optimiser: tuple[str, str] | None  # ("max" | "min", the subscript) for \arg\max_{...} sides
    display: Display = field(repr=False, compare=False)

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    def position(self, offset: int = 0) -> tuple[int, int]:
        """1-based (line, column) in the file of an offset into `text`."""
        return self.display.position(self.start + min(max(int(offset), 0), len(self.text)))


@dataclass(frozen=True)
class Step:
    """Relation `index` (from 1) of chain `chain`: lhs <relation> rhs."""

    chain: int
    index: int
    relation: str
    lhs: Side
    rhs: Side
    latex: str  # the relation as written, e.g. "\\le" or "\\overset{(a)}{=}"
    note: str | None  # an \overset label or an `&& \text{...}` column, if any
    # `\text{if } x = 1`, `\text{for } x = 0`, `, x = 0` after the step: the relation the
    # step is stated under (its text, located); None when the step holds unconditionally
    condition: Side | None = None

    @property
    def line(self) -> int:
        return self.rhs.line

    @property
    def column(self) -> int:
        return self.rhs.column


@dataclass(frozen=True)
class Chain:
    """The sides and relations of one chain `a R1 b R2 c ...`; numbered from 1 per file."""

    number: int
    sides: tuple[Side, ...]
    relations: tuple[str, ...]
    relation_latex: tuple[str, ...]
    notes: tuple[str | None, ...]
    display: Display = field(repr=False, compare=False)
    conditions: tuple[Side | None, ...] = ()  # per relation; () when none has one
    # the first problem of the display (unbalanced braces ...): its sides may not be what
    # TeX prints, so the chain must not be checked; the problem is in document.problems too
    problem: DocumentProblem | None = None
    # whether the chain goes on from the display before (it starts with `=`, `&=`, `\le`
    # ...): its first side is that display's last side, and its first step is no first step
    continued: bool = False

    @property
    def line(self) -> int:
        return self.sides[0].line

    @property
    def steps(self) -> tuple[Step, ...]:
        conditions = self.conditions or (None,) * len(self.relations)
        return tuple(Step(self.number, j + 1, rel, self.sides[j], self.sides[j + 1],
                          self.relation_latex[j], self.notes[j], conditions[j])
                     for j, rel in enumerate(self.relations))


@dataclass(frozen=True)
class Hint:
    """A `xentsym:` comment; it applies from its line on."""

    line: int
    column: int
    text: str
    prose: bool = False  # read from a sentence: skipped, never an error, when unreadable
