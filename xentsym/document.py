"""check-doc's text layer: display formulas of Markdown/LaTeX files, relation chains, hints.

What a checker consumes: :func:`document_chains` (each :class:`Chain` has steps; a
:class:`Step` may carry a ``condition`` Side, ``\\text{if } x = 1`` after it; a Chain whose
display could not be read as TeX prints it carries that ``problem``), :func:`problems`
(located failures: report each as an `unparsed` step), :func:`warnings` with
``with_problems=False`` (the rest) and :func:`hints`. Equations side by side in one display
(``a = b \\qquad c = d``, ``\\text{and}``, the column pairs of an align) are separate chains.
The rules for rows, dead code, macros and relation spellings live in :mod:`xentsym.read`;
the document's own macros are expanded before its displays and hints are read.
"""
from __future__ import annotations

import bisect
import codecs
import re
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from .errors import ParseError
from .read import conditionals
from .read import macros as read_macros
from .read import relations as read_relations
from .read import separators

__all__ = [
    "MAX_BYTES", "Document", "Display", "Side", "Chain", "Step", "Hint", "DocumentWarning",
    "DocumentProblem", "read_document", "document_from_bytes", "document_from_text",
    "displays", "warnings", "problems", "chains", "document_chains", "hints",
]

MAX_BYTES = 2 * 1024 * 1024  # larger files are refused before they are read
MAX_DISPLAYS = 10_000  # displays past this many are ignored (with one warning)
MAX_SPLIT_CHARS = 100_000  # a longer display is reported, not split into chains
MAX_WARNINGS = 200  # per document; the rest are counted in one last warning
_MAX_DISPLAY_WARNINGS = 10

MARKDOWN_SUFFIXES = {".md", ".markdown", ".mdown", ".mkd", ".mkdn", ".qmd", ".rmd"}
LATEX_SUFFIXES = {".tex", ".latex", ".ltx", ".sty"}
_KIND_ALIASES = {"markdown": "markdown", "md": "markdown", "latex": "latex", "tex": "latex"}

# Environments that make a display of their own, in LaTeX files and (as MathJax does) in Markdown.
DISPLAY_ENVIRONMENTS = frozenset(
    name + star for star in ("", "*") for name in
    ("equation", "align", "alignat", "gather", "multline", "flalign", "eqnarray",
     "displaymath", "dmath"))
# Environments whose rows and `&` columns belong to the display itself; every other
# environment inside a display (cases, matrix, array ...) is one opaque piece of a side.
_TRANSPARENT = frozenset(
    name + star for star in ("", "*") for name in
    ("aligned", "alignedat", "split", "gathered", "align", "alignat", "gather", "multline",
     "flalign", "eqnarray", "equation", "dmath", "subequations"))
_VERBATIM = ("verbatim", "verbatim*", "Verbatim", "Verbatim*", "lstlisting", "minted",
             "comment", "alltt")

# Relation control words, normalised.
_RELATION_WORDS = {
    r"\le": "<=", r"\leq": "<=", r"\leqslant": "<=", r"\leqq": "<=",
    r"\ge": ">=", r"\geq": ">=", r"\geqslant": ">=", r"\geqq": ">=",
    r"\lt": "<", r"\gt": ">", r"\ne": "!=", r"\neq": "!=",
    r"\approx": "approx", r"\thickapprox": "approx", r"\approxeq": "approx",
    r"\simeq": "simeq", r"\sim": "sim", r"\cong": "cong", r"\equiv": "equiv",
    r"\propto": "propto", r"\varpropto": "propto",
    r"\iff": "iff", r"\Leftrightarrow": "iff", r"\Longleftrightarrow": "iff",
    r"\implies": "implies", r"\Rightarrow": "implies", r"\Longrightarrow": "implies",
    r"\impliedby": "impliedby", r"\Leftarrow": "impliedby", r"\Longleftarrow": "impliedby",
    r"\coloneqq": ":=", r"\coloneq": ":=", r"\triangleq": ":=", r"\defeq": ":=",
    r"\doteq": ":=", r"\eqqcolon": "=:", r"\ll": "<<", r"\gg": ">>",
}
_RELATION_WORDS.update(dict.fromkeys(read_relations.DEFINITION_WORDS, read_relations.DEFINITION))
_RELATION_TEXTS = {"=": "=", "<": "<", ">": ">", "<=": "<=", ">=": ">=", ":=": ":=",
                   "==": "=", **_RELATION_WORDS}
_BRACKET_WORDS = {
    r"\langle": ("<", True), r"\rangle": ("<", False), r"\lbrace": ("{", True),
    r"\rbrace": ("{", False), r"\lvert": ("|", True), r"\rvert": ("|", False),
    r"\lVert": ("||", True), r"\rVert": ("||", False), r"\lfloor": ("f", True),
    r"\rfloor": ("f", False), r"\lceil": ("c", True), r"\rceil": ("c", False),
    r"\lbrack": ("[", True), r"\rbrack": ("[", False),
}
_BRACKET_CHARS = {"(": ("(", True), ")": ("(", False), "[": ("[", True), "]": ("[", False),
                  r"\{": ("{", True), r"\}": ("{", False)}
_DROP_WITH_ARGUMENT = frozenset({r"\tag", r"\label", r"\intertext", r"\shortintertext"})
_DROP = frozenset({r"\nonumber", r"\notag"})
_ROW_WORDS = frozenset({r"\cr", r"\newline"})
_INDENT = frozenset({r"\quad", r"\qquad", r"\hspace", r"\,", r"\;", r"\:", r"\!", "\\ "})
_OPERATOR_ENDINGS = ("+", "-", r"\cdot", r"\times", r"\pm", r"\mp", r"\div")

_TOKEN = re.compile(r"""
    (?P<begin>\\begin\s*\{\s*(?P<bname>[a-zA-Z]+\*?)\s*\})
  | (?P<end>\\end\s*\{\s*(?P<ename>[a-zA-Z]+\*?)\s*\})
  | (?P<row>\\\\\*?)
  | (?P<word>\\[a-zA-Z]+)
  | (?P<sym>\\.)
  | (?P<space>\s+)
  | (?P<comment>%[^\n]*)
  | (?P<plain>[^\\{}&%\s=<>()\[\]:,;]+)
  | (?P<char>.)
""", re.X | re.S)
_BIG = re.compile(r"\\[bB]igg?[lrm]?")
_CONTINUES = re.compile(
    r"\s*(?:[-+]|\\(?:cdot|times|pm|mp|div|quad|qquad|hspace|hphantom|phantom|kern|mkern|"
    r"hskip|mspace)(?![a-zA-Z])|\\[,;:! ]|~)")
_PAIRED_COLUMNS = frozenset({"align", "aligned", "alignat", "alignedat", "flalign"})
_TEXTY = re.compile(r"\\(?:text|mbox|textrm|textit|textbf|textsf|mathrm|hbox|tag|eqref|because"
                    r"|therefore)(?![a-zA-Z])|\(")
_DELIMITER_BEFORE = re.compile(r"\\(?:right|left|middle|[bB]igg?[lrm]?)\s*$")
_WORDED_RELATION = re.compile(r"\\(?:text|mbox|textrm|textit)\s*\{")  # && \text{so } a = b
_NOTE_LEAD = re.compile(r"^(?:\s|,|\\q?quad(?![a-zA-Z])|\\hspace\s*\{[^{}]*\})+")
_SPACING_TAIL = re.compile(r"(?:\\(?:q?quad|displaystyle|hfill)|~)$")

_ARG_GAP = r"(?:\\[,;:! ]|~|\s)*+"  # spacing allowed inside "arg max"
_OPT_CORE = (
    r"(?:\\arg\s*+\\(?P<a>max|min)(?![a-zA-Z])"
    r"|\\(?P<b>argmax|argmin)(?![a-zA-Z])"
    r"|\\(?:operatorname\*?|mathrm|text|textrm|mathop)\s*+\{\s*+"
    r"(?:\\(?:mathrm|text|operatorname)\s*+\{\s*+)?"
    r"arg" + _ARG_GAP + r"(?P<c>max|min)\s*+(?:\}\s*+)?\}"
    r"|\\(?:mathrm|operatorname)\s*+\{\s*+arg\s*+\}\s*+\\(?P<d>max|min)(?![a-zA-Z]))")
_OPTIMISER = re.compile(r"\s*+" + _OPT_CORE +
                        r"(?:\s*+\\(?:no)?limits(?![a-zA-Z]))?\s*+(?P<sub>_)?")
_OPTIMISER_CORE = re.compile(r"\s*+" + _OPT_CORE + r"\s*+")
_UNDERSET = re.compile(r"\s*\\underset\s*\{")
_HINT_HEAD = re.compile(r"\s*xentsym\s*:", re.I)


# --------------------------------------------------------------------------- data

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


# --------------------------------------------------------------------------- reading

def read_document(path, *, max_bytes: int = MAX_BYTES) -> Document:
    """Read a Markdown or LaTeX file; ParseError for unreadable, binary or too large files."""
    name = str(path)
    p = Path(path)
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
    return document_from_bytes(data, name, max_bytes=max_bytes)


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
    """A Document from text (line endings normalised); kind from the suffix, else sniffed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if kind is None:
        suffix = Path(str(path)).suffix.lower()
        if suffix in MARKDOWN_SUFFIXES:
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


# --------------------------------------------------------------------------- public functions

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
    if len(found) > MAX_WARNINGS:
        rest = len(found) - MAX_WARNINGS
        found = found[:MAX_WARNINGS]
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
    for raw_sides, raw_rels in display._analysis.chains:
        sides = []
        for start, end, optimiser in raw_sides:
            line, col = display.position(start)
            sides.append(Side(display._analysis.masked[start:end], start, line, col, optimiser,
                              display))
        conditions = []
        for r in raw_rels:
            if r[3] is None:
                conditions.append(None)
                continue
            start, end = r[3]
            line, col = display.position(start)
            conditions.append(Side(display._analysis.with_notes[start:end], start, line, col,
                                   None, display))
        out.append(Chain(first + len(out), tuple(sides), tuple(r[0] for r in raw_rels),
                         tuple(r[1] for r in raw_rels), tuple(r[2] for r in raw_rels), display,
                         tuple(conditions), problem))
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


# --------------------------------------------------------------------------- scanning

@dataclass
class _ScanResult:
    displays: list[Display]
    warnings: list[DocumentWarning]
    comments: list[tuple[int, int]]  # (start, end) of the body of each comment that may hold hints
    problems: list["DocumentProblem"]  # the scanner's failures (also among `warnings`)
    hints: list[Hint] = field(default_factory=list)


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
_FENCE_CLOSE = re.compile(r"^(?:[ \t]*>)*[ \t]*(`{3,}|~{3,})[ \t]*$", re.M)
_TICKS = re.compile(r"`+")
_COMMENT_END = re.compile("-->")
_QUOTE_PREFIX = re.compile(r"(?:[ \t]*>)+")
_MD_SCAN = re.compile(r"""
    (?P<fence>^(?:[ \t]*>)*[ \t]*(?P<fc>`{3,}|~{3,})(?P<info>[^\n]*))
  | (?P<comment><!--)
  | (?P<ticks>`+)
  | (?P<bs>\\(?=[\[$]|begin\s*\{))
  | (?P<dd>\$\$)
""", re.X | re.M)
_TEX_SCAN = re.compile(r"(?P<bs>\\(?=[\[$]|begin\s*\{))|(?P<dd>\$\$)")
_TEX_LEX = re.compile(
    r"(?P<esc>(?:\\\\)++|\\%)"
    r"|(?P<pct>%[^\n]*)"
    r"|(?P<verb>\\verb\*?(?P<delim>[^a-zA-Z*\s])[^\n]*?(?:(?P=delim)|$))"
    r"|(?P<vbegin>\\begin\s*\{(?P<vname>" + "|".join(re.escape(v) for v in _VERBATIM) +
    r")\}(?:.*?\\end\s*\{(?P=vname)\}|(?P<unclosed>.*)))", re.S | re.M)


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
        if len(self.warnings) >= MAX_WARNINGS:
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
        if len(self.displays) >= MAX_DISPLAYS:
            self.warn(start, f"more than {MAX_DISPLAYS} displays; the rest are not read")
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


def _scan_document(doc: Document) -> _ScanResult:
    scanner = _scan_latex(doc) if doc.kind == "latex" else _scan_markdown(doc)
    hint_list = _hints(doc, scanner.comments)
    if read_macros.may_define(scanner.search):
        hint_list = _expand_macros(doc, scanner)
    return _ScanResult(scanner.displays, scanner.warnings, scanner.comments, scanner.problems,
                       hint_list)


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
    return hint_list


def _scan_markdown(doc: Document) -> _Scanner:
    text = doc.text
    sc = _Scanner(doc, text)
    comment_end = _Finder(text, _COMMENT_END)
    fences = [(m.start(), m.end(), m.group(1)[0], len(m.group(1)))
              for m in _FENCE_CLOSE.finditer(text)]
    fence_starts = [f[0] for f in fences]
    runs: dict[int, list[int]] = {}
    for m in _TICKS.finditer(text):
        runs.setdefault(m.end() - m.start(), []).append(m.start())

    def code_span(p: int, n: int) -> int:
        same = runs.get(n, ())
        j = bisect.bisect_right(same, p)
        if j < len(same) and same[j] < sc.paragraph_end(p):
            return same[j] + n
        return p + n

    pos = 0
    while not sc.stopped:
        m = _MD_SCAN.search(text, pos)
        if m is None:
            break
        p = m.start()
        if m.group("fence") is not None:
            fc, info = m.group("fc"), m.group("info")
            if fc[0] == "`" and "`" in info:
                pos = code_span(m.start("fc"), len(fc))
                sc.code.append((m.start("fc"), pos))
                continue
            body = min(m.end() + 1, len(text))
            j = bisect.bisect_left(fence_starts, body)
            while j < len(fences) and not (fences[j][2] == fc[0] and fences[j][3] >= len(fc)):
                j += 1
            words = info.split()
            lang = words[0].lower().strip("{}.") if words else ""
            if j < len(fences):
                close_start, close_end = fences[j][0], fences[j][1]
            else:
                close_start = close_end = len(text)
                what = "```math block" if lang == "math" else "code fence"
                sc.warn(m.start("fc"), f"unclosed {what}: it runs to the end of the file")
            if lang == "math":
                sc.add("math-fence", body, max(close_start, body))
            else:
                sc.code.append((m.start(), max(close_end, m.end())))
            pos = max(close_end, m.end())
        elif m.group("comment") is not None:
            end = comment_end.find(m.end(), len(text))
            if end is not None:
                sc.comments.append((m.end(), end.start()))
                sc.code.append((p, end.end()))
                pos = end.end()
            else:
                sc.warn(p, "unclosed HTML comment <!--", failure=False)
                pos = m.end()
        elif m.group("ticks") is not None:
            pos = code_span(p, m.end() - p)
            sc.code.append((p, pos))
        elif m.group("bs") is not None:
            pos = sc.backslash(p, pos)
        else:
            pos = sc.dollars(p)
    return sc


def _scan_latex(doc: Document) -> _Scanner:
    text = doc.text
    comments: list[tuple[int, int]] = []
    unclosed: list[tuple[int, str]] = []

    def blank(m: re.Match) -> str:
        kind = m.lastgroup
        if kind == "esc":
            return m.group()
        if kind == "pct":
            if "xentsym" in m.group().lower():
                body = m.start() + len(m.group()) - len(m.group().lstrip("%"))
                comments.append((body, m.end()))
            return " " * (m.end() - m.start())
        if kind == "vbegin" and m.group("unclosed") is not None:
            unclosed.append((m.start(), f"unclosed \\begin{{{m.group('vname')}}}: it runs to "
                                        f"the end of the file"))
        return _spaces(m.group())

    search = _TEX_LEX.sub(blank, text)
    dead, unclosed_if = conditionals.dead_ranges(search)
    if dead:
        search = _blank(search, dead)
        comments = [c for c in comments if not any(a <= c[0] < b for a, b in dead)]
    if unclosed_if is not None:
        opener = re.match(r"\\[a-zA-Z]+", text[unclosed_if:]).group()
        unclosed.append((unclosed_if, f"unclosed {opener} (a false conditional without \\fi): "
                                      "the rest of the file is skipped"))
    sc = _Scanner(doc, search)
    sc.comments = comments
    for offset, message in unclosed:
        sc.warn(offset, message)
    pos = 0
    while not sc.stopped:
        m = _TEX_SCAN.search(search, pos)
        if m is None:
            break
        if m.group("bs") is not None:
            pos = sc.backslash(m.start(), pos)
        else:
            pos = sc.dollars(m.start())
    return sc


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


# --------------------------------------------------------------------------- one display

@dataclass
class _Analysis:
    warnings: list[tuple[int, str]]
    masked: str
    with_notes: str  # masked, with notes and conditions still in place
    # each chain: ([(start, end, optimiser)], [(relation, relation latex, note)])
    chains: list[tuple[list[tuple[int, int, tuple[str, str] | None]],
                       list[tuple[str, str, str | None, tuple[int, int] | None]]]]


def _analyse(latex: str, environment: str = "") -> _Analysis:
    if len(latex) > MAX_SPLIT_CHARS:
        return _Analysis([(0, f"display too long to split into steps ({len(latex)} characters; "
                              f"the limit is {MAX_SPLIT_CHARS})")], latex, latex, [])
    kinds, starts, ends, names = [], [], [], {}
    for m in _TOKEN.finditer(latex):
        kind = m.lastgroup
        if kind == "begin":
            names[len(kinds)] = m.group("bname")
        elif kind == "end":
            names[len(kinds)] = m.group("ename")
        kinds.append(kind)
        starts.append(m.start())
        ends.append(m.end())
    n = len(kinds)
    tokens = _Tokens(latex, kinds, starts, ends, names)
    pairs, neutral, problems = _match_groups(tokens)
    closer = {o: c for o, c, _ in pairs}
    diff = [0] * (n + 1)
    for o, c, key in pairs:
        if key.startswith("env:") and key[4:] in _TRANSPARENT:
            continue
        diff[o] += 1
        diff[c + 1] -= 1
    depth, acc = [0] * n, 0
    for i in range(n):
        acc += diff[i]
        depth[i] = acc
    rows, mask, notes = _rows(tokens, depth, closer, neutral, environment)
    with_notes = _blank(latex, mask)
    masked = _blank(with_notes, notes)
    return _Analysis(problems, masked, with_notes, _build_chains(masked, with_notes, rows))


class _Tokens:
    __slots__ = ("latex", "kinds", "starts", "ends", "names", "n")

    def __init__(self, latex, kinds, starts, ends, names):
        self.latex, self.kinds, self.starts, self.ends = latex, kinds, starts, ends
        self.names, self.n = names, len(kinds)

    def text(self, i: int) -> str:
        return self.latex[self.starts[i]:self.ends[i]]

    def is_char(self, i: int, chars: str) -> bool:
        return 0 <= i < self.n and self.kinds[i] == "char" and self.latex[self.starts[i]] in chars

    def next(self, i: int) -> int:
        """The index of the next token after i that is not a space or comment (n if none)."""
        i += 1
        while i < self.n and self.kinds[i] in ("space", "comment"):
            i += 1
        return i


def _match_groups(t: _Tokens):
    """Matched {...}, \\left...\\right and \\begin...\\end pairs; warnings for the rest."""
    stack: list[tuple[str, int]] = []
    counts: dict[str, int] = {}
    pairs: list[tuple[int, int, str]] = []
    neutral = bytearray(t.n)
    problems: list[tuple[int, str]] = []

    def problem(i: int, message: str) -> None:
        if len(problems) < _MAX_DISPLAY_WARNINGS:
            problems.append((t.starts[i], message))

    def describe(key: str) -> str:
        if key == "{":
            return "unbalanced braces: '{' is never closed"
        if key == "left":
            return "'\\left' without a matching '\\right'"
        return f"'\\begin{{{key[4:]}}}' without a matching '\\end{{{key[4:]}}}'"

    def push(key: str, i: int) -> None:
        stack.append((key, i))
        counts[key] = counts.get(key, 0) + 1

    def close(key: str, i: int, unmatched: str) -> None:
        if not counts.get(key):
            problem(i, unmatched)
            return
        while stack:
            k, o = stack.pop()
            counts[k] -= 1
            if k == key:
                pairs.append((o, i, key))
                return
            problem(o, describe(k))

    for i in range(t.n):
        kind = t.kinds[i]
        if kind == "char":
            c = t.latex[t.starts[i]]
            if c == "{":
                push("{", i)
            elif c == "}":
                close("{", i, "unbalanced braces: '}' without a matching '{'")
        elif kind == "word":
            w = t.text(i)
            if w in (r"\left", r"\right", r"\middle") or _BIG.fullmatch(w):
                j = t.next(i)
                if j < t.n and not t.is_char(j, "{}"):
                    if w in (r"\left", r"\right", r"\middle") or t.is_char(j, "<>"):
                        neutral[j] = 1
                if w == r"\left":
                    push("left", i)
                elif w == r"\right":
                    close("left", i, "'\\right' without a matching '\\left'")
        elif kind == "begin":
            push("env:" + t.names[i], i)
        elif kind == "end":
            name = t.names[i]
            close("env:" + name, i, f"'\\end{{{name}}}' without a matching '\\begin{{{name}}}'")
    for key, o in stack:
        problem(o, describe(key))
    return pairs, neutral, problems


def _rows(t: _Tokens, depth: list[int], closer: dict[int, int], neutral: bytearray,
          env: str = ""):
    """Split the top level into rows; mask row breaks, `&`, tags, labels and comments.
    `env` is the display's environment (align, equation ...), if it is one."""
    mask: list[tuple[int, int]] = []
    rows = []
    row_start, row_toks, amps = 0, [], []
    envs = [env]
    paired = False  # whether this row's `&` are in an align-like environment (rl rl ...)
    i = 0
    while i < t.n:
        kind = t.kinds[i]
        if kind == "comment":
            mask.append((t.starts[i], t.ends[i]))
            i += 1
            continue
        if depth[i] > 0 or kind == "space":
            i += 1
            continue
        word = t.text(i) if kind == "word" else ""
        if kind == "row" or word in _ROW_WORDS:
            end, nxt = t.ends[i], i + 1
            if t.is_char(i + 1, "[") and t.starts[i + 1] == t.ends[i]:
                for j in range(i + 2, min(t.n, i + 40)):
                    if t.is_char(j, "]"):
                        end, nxt = t.ends[j], j + 1
                        break
            mask.append((t.starts[i], end))
            rows.append((row_start, t.starts[i], row_toks, amps, paired))
            row_start, row_toks, amps = end, [], []
            i = nxt
            continue
        if kind in ("begin", "end") and t.names[i] in _TRANSPARENT:
            end, nxt = t.ends[i], i + 1
            if kind == "begin":
                j = t.next(i)
                if t.is_char(j, "["):
                    for k in range(j + 1, min(t.n, j + 20)):
                        if t.is_char(k, "]"):
                            end, nxt = t.ends[k], k + 1
                            break
                elif t.names[i].startswith("align") and t.names[i].rstrip("*").endswith("at") \
                        and t.is_char(j, "{") and j in closer:
                    end, nxt = t.ends[closer[j]], closer[j] + 1
                envs.append(t.names[i])
            elif len(envs) > 1:
                envs.pop()
            mask.append((t.starts[i], end))
            i = nxt
            continue
        if word in _DROP_WITH_ARGUMENT:
            j = t.next(i)
            if j < t.n and t.kinds[j] == "plain" and t.text(j) == "*":
                j = t.next(j)
            if t.is_char(j, "{") and j in closer:
                mask.append((t.starts[i], t.ends[closer[j]]))
                i = closer[j] + 1
            else:
                mask.append((t.starts[i], t.ends[i]))
                i += 1
            continue
        if word in _DROP:
            mask.append((t.starts[i], t.ends[i]))
            i += 1
            continue
        if t.is_char(i, "&"):
            paired = envs[-1].rstrip("*") in _PAIRED_COLUMNS
            amps.append(t.starts[i])
            mask.append((t.starts[i], t.ends[i]))
            i += 1
            continue
        row_toks.append(i)
        i += 1
    rows.append((row_start, len(t.latex), row_toks, amps, paired))
    out, notes = [], []
    for row_start, row_end, toks, amps, paired in rows:
        lead = 0  # indentation at the start of a row is layout: blank it
        while lead < len(toks) and (t.text(toks[lead]) in _INDENT or t.text(toks[lead]) == "~"):
            i = toks[lead]
            end = t.ends[i]
            if t.text(i) == r"\hspace":
                j = t.next(i)
                if t.is_char(j, "{") and j in closer:
                    end = t.ends[closer[j]]
            mask.append((t.starts[i], end))
            lead += 1
        toks = toks[lead:]
        rels = _relations(t, toks, neutral, closer)
        note = None
        if len(amps) >= 2:
            a1, a2 = amps[0], amps[1]
            mid = [r for r in rels if a1 < r[0] < a2]
            rel_only = (len(mid) == 1 and not t.latex[a1 + 1:mid[0][0]].strip()
                        and not t.latex[mid[0][1]:a2].strip())
            tail = t.latex[a2:row_end].replace("&", " ").strip()
            worded = _WORDED_RELATION.match(tail) and any(r[0] > a2 for r in rels)
            if not rel_only and not worded and (not any(r[0] > a2 for r in rels)
                                                or _TEXTY.match(tail)):
                notes.append((a2, row_end))
                rels = [r for r in rels if r[0] < a2]
                note = (a2, row_end)
                row_end = a2
        # a &= b & c &= d: the `&` between column pairs, unless the pair after it has no
        # left side (a &= b & &= c goes on)
        columns = [a for a in (amps[1::2] if paired else [])
                   if t.latex[a + 1:next((r[0] for r in rels if r[0] > a), a + 1)]
                   .replace("&", " ").strip()]
        out.extend(separators.split_row(t, toks, row_start, row_end, rels, note, notes, closer,
                                           columns))
    return out, mask, notes


def _relations(t: _Tokens, toks: list[int], neutral: bytearray, closer: dict[int, int]):
    """Top-level relations (start, end, normalised, note) among the tokens of one row."""
    m = len(toks)
    diff = [0] * (m + 1)
    stacks: dict[str, list[int]] = {}
    for j, i in enumerate(toks):
        if neutral[i]:
            continue
        kind = t.kinds[i]
        if kind == "char" or kind == "sym":
            bracket = _BRACKET_CHARS.get(t.text(i))
        elif kind == "word":
            bracket = _BRACKET_WORDS.get(t.text(i))
        else:
            bracket = None
        if bracket is None:
            continue
        cls, opening = bracket
        if opening:
            stacks.setdefault(cls, []).append(j)
        elif stacks.get(cls):
            diff[stacks[cls].pop()] += 1
            diff[j + 1] -= 1
    rels, acc, j = [], 0, 0
    inside = [0] * m
    for k in range(m):
        acc += diff[k]
        inside[k] = acc
    while j < m:
        i = toks[j]
        if inside[j] or neutral[i]:
            j += 1
            continue
        kind, s, e = t.kinds[i], t.starts[i], t.ends[i]
        norm, note = None, None
        nxt = toks[j + 1] if j + 1 < m else -1
        if kind == "char":
            c = t.latex[s]
            if c == "=":
                norm = "="
                if j > 0 and t.is_char(toks[j - 1], ":") and t.ends[toks[j - 1]] == s:
                    norm, s = ":=", t.starts[toks[j - 1]]
                if nxt >= 0 and t.is_char(nxt, "=") and t.starts[nxt] == e:
                    e, j = t.ends[nxt], j + 1
                elif nxt >= 0 and t.is_char(nxt, ":") and t.starts[nxt] == e and norm == "=":
                    norm, e, j = read_relations.DEFINITION, t.ends[nxt], j + 1  # a =: b
            elif c in "<>":
                norm = c
                if nxt >= 0 and t.is_char(nxt, "=") and t.starts[nxt] == e:
                    norm, e, j = c + "=", t.ends[nxt], j + 1
                elif nxt >= 0 and t.is_char(nxt, c) and t.starts[nxt] == e:
                    norm, e, j = c + c, t.ends[nxt], j + 1
        elif kind == "word":
            w = t.text(i)
            if w in _RELATION_WORDS:
                norm = _RELATION_WORDS[w]
            elif w == r"\not" and nxt >= 0:
                if t.is_char(nxt, "="):
                    norm = "!="
                elif t.kinds[nxt] == "word" and t.text(nxt) in _RELATION_WORDS:
                    norm = "not " + _RELATION_WORDS[t.text(nxt)]
                if norm:
                    e, j = t.ends[nxt], j + 1
            elif w in (r"\overset", r"\stackrel", r"\underset"):
                o1 = t.next(i)
                if t.is_char(o1, "{") and o1 in closer:
                    o2 = t.next(closer[o1])
                    if t.is_char(o2, "{") and o2 in closer:
                        inner = t.latex[t.ends[o2]:t.starts[closer[o2]]].strip()
                        if inner in _RELATION_TEXTS:
                            norm = _RELATION_TEXTS[inner]
                            note = t.latex[t.ends[o1]:t.starts[closer[o1]]].strip() or None
                            e = t.ends[closer[o2]]
                            if norm == "=" and note and read_relations.is_definition_label(note):
                                norm = read_relations.DEFINITION
        if norm is not None:
            rels.append((s, e, norm, note))
        j += 1
    return rels


def _build_chains(masked: str, with_notes: str, rows):
    """Join rows into chains: a row that starts with a relation (or an operator, or
    indentation, or has no relation) continues the chain of the row before it, unless a
    separator (`\\qquad`, `\\text{and}`) made it fresh. Each relation is
    (normalised, latex, note, condition range or None)."""
    done = []
    cur = None  # [sides [[s, e]], rels [(norm, latex, note, condition)]]

    def finish():
        if cur is not None and cur[1]:
            done.append(([_finish_side(masked, s, e) for s, e in cur[0]], cur[1]))

    def set_last(k: int, value, only_if_empty: bool = True) -> None:
        last = cur[1][-1]
        if not only_if_empty or not last[k]:
            cur[1][-1] = last[:k] + (value,) + last[k + 1:]

    for row_start, row_end, rels, note, fresh, condition in rows:
        if note is not None:
            note = _NOTE_LEAD.sub("", with_notes[note[0]:note[1]].strip()) or None
        if condition is not None:
            condition = _finish_side(with_notes, *condition)[:2]
            if condition[0] >= condition[1]:
                condition = None
        first_end = rels[0][0] if rels else row_end
        seg0 = masked[row_start:first_end]
        if not rels and not seg0.strip():
            if cur is not None and cur[1]:
                if note:
                    set_last(2, note)
                if condition:
                    set_last(3, condition)
            continue
        continues = cur is not None and not fresh and (
            not rels or not seg0.strip() or _CONTINUES.match(seg0) is not None
            or _dangling(masked, *cur[0][-1]))
        if continues:
            if seg0.strip():
                cur[0][-1][1] = first_end
        else:
            finish()
            cur = [[[row_start, first_end]], []]
        for k, (s, e, norm, rel_note) in enumerate(rels):
            cur[1].append((norm, masked[s:e], rel_note, None))
            cur[0].append([e, rels[k + 1][0] if k + 1 < len(rels) else row_end])
        if note and cur[1]:
            set_last(2, note)
        if condition and cur[1]:
            for k in range(len(cur[1]) - max(len(rels), 1), len(cur[1])):
                cur[1][k] = cur[1][k][:3] + (condition,)
    finish()
    return done


def _dangling(masked: str, s: int, e: int) -> bool:
    """Whether the side masked[s:e] is empty or ends with a binary operator."""
    tail = masked[max(s, e - 64):e].rstrip() or masked[s:e].rstrip()
    return not tail or tail.endswith(_OPERATOR_ENDINGS)


def _finish_side(masked: str, s: int, e: int):
    """Trim spaces and trailing punctuation; find an \\arg\\max_{...} prefix."""
    e = max(e, s)
    while s < e and masked[s].isspace():
        s += 1
    while e > s:
        c = masked[e - 1]
        backslashes = 0
        while e - 2 - backslashes >= s and masked[e - 2 - backslashes] == "\\":
            backslashes += 1
        if backslashes % 2 == 1:
            if c in ",;:!" or c.isspace():  # \, \; \: \! and control space
                e -= 2
                continue
            break
        if c.isspace() or c == "~":
            e -= 1
        elif c in ",.;":
            if c == "." and _DELIMITER_BEFORE.search(masked, max(s, e - 17), e - 1):
                break  # the `.` of \right.
            e -= 1
        else:
            tail = _SPACING_TAIL.search(masked, max(s, e - 16), e)
            if tail is None:
                break
            e = tail.start()
    return s, e, _optimiser(masked, s, e)


def _optimiser(text: str, s: int, e: int) -> tuple[str, str] | None:
    m = _OPTIMISER.match(text, s, e)
    if m is not None:
        sense = next(g for g in m.group("a", "b", "c", "d") if g)[-3:]
        wrt = _argument(text, m.end(), e) if m.group("sub") else ""
        return sense, wrt
    m = _UNDERSET.match(text, s, e)
    if m is not None:
        below_end = _group_end(text, m.end() - 1, e)
        if below_end is None:
            return None
        k = below_end
        while k < e and text[k].isspace():
            k += 1
        if k < e and text[k] == "{":
            top_end = _group_end(text, k, e)
            if top_end is not None:
                core = _OPTIMISER_CORE.fullmatch(text, k + 1, top_end - 1)
                if core is not None:
                    sense = next(g for g in core.group("a", "b", "c", "d") if g)[-3:]
                    return sense, text[m.end():below_end - 1].strip()
    return None


def _group_end(text: str, brace: int, limit: int) -> int | None:
    """The offset after the `}` that closes the `{` at `brace` (None if it is not closed)."""
    depth, i = 0, brace
    while i < limit:
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return None


def _argument(text: str, i: int, e: int) -> str:
    """A TeX argument at text[i:]: a {group}'s content, a control word, or one character."""
    while i < e and text[i].isspace():
        i += 1
    if i >= e:
        return ""
    if text[i] == "{":
        end = _group_end(text, i, e)
        return text[i + 1:(end - 1 if end else e)].strip()
    if text[i] == "\\":
        m = re.compile(r"\\(?:[a-zA-Z]+|.)").match(text, i, e)
        return m.group(0) if m else "\\"
    return text[i]
