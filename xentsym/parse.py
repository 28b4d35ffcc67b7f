r"""LaTeX -> SymPy for the lecture's notation, through latex2sympy2 plus a notation layer.

How a string is read
--------------------
1. **Limits** first: at most ``MAX_LENGTH`` characters, printable text only (anything
   else outside ``\text{...}`` is refused with its column), brackets nested at most
   ``MAX_DEPTH`` deep, numerals of at most ``MAX_NUMERAL_DIGITS`` digits.
2. A small **tokenizer** (every token keeps its offset) and a **tree builder** that pairs
   ``{ }``, ``( )``, ``[ ]``, ``\left( \right)``, ``\begin{..} \end{..}``.
3. The **notation layer** walks the tree. It recognises the lecture's constructs from the
   tables below (``y^{(i)}``, ``p(x_i)``, ``H(p, q)``, ``D_{KL}(p||q)``, sums, cases ...)
   and builds their SymPy objects itself. Each flat term that is left — products,
   fractions, powers, ``\log`` without brackets, unary minus — is handed to latex2sympy2
   with every identifier, number and bracketed group replaced by an opaque
   ``\variable{vN}`` placeholder. latex2sympy2 therefore never sees a letter (no
   lower-casing, no ``I`` as the imaginary unit, no ``\log`` in base 10) and never sees
   nested brackets (its ANTLR grammar is very slow on those).
4. A **post-pass** replaces the placeholders, rebuilds the tree with checked arithmetic
   (no power, product or factorial may create a number of more than ``MAX_DIGITS``
   digits; an integer exponent above ``MAX_EXPONENT`` is refused before it is computed)
   and checks that every placeholder survived: a part of the source that latex2sympy2
   dropped is an error, never a silently different formula.

The text is never given to ``eval``, ``exec``, ``sympify`` or ``parse_expr``: names become
``Symbol``/``IndexedBase``/``Function`` objects built directly from the tables or from the
source's letters.

Reading choices of the lecture (each one a documented rule, not a guess)
-------------------------------------------------------------------------
* ``\log`` is the natural log; ``\log_{b}`` keeps its base.
* TeX's argument rule: an argument without braces is one token (``\frac12 3`` is
  ``\frac{1}{2} 3``, ``\sqrt 12`` is ``\sqrt{1} 2``, ``x^12`` is ``x^{1} 2``); digits
  separated by spaces are one number, as TeX prints them (``1 0`` is 10), and two numbers
  separated only by spacing (``1\,000``, ``1~0``) and double superscripts or subscripts
  (``a^b^c``, TeX's own error) are refused (:mod:`xentsym.read.arguments`).
* A slash's right operand is one factor: ``a / b c`` (``1/N \sum ...``, ``1/2 x``) is refused
  as ambiguous rather than read as ``a/(b c)``.
* ``\log^{2} x`` is ``(\log x)^2``. ``\log`` (and ``\exp``) without brackets takes the
  factors written side by side after it, up to ``\cdot``, ``\times``, ``*``, ``/``, a
  binary ``+``/``-`` or the next ``\log``:
  ``\log a^{b} c^{d}`` is ``log(a^b c^d)`` but ``\log \beta \cdot \beta`` is
  ``log(beta) beta``; ``\log (a)^{b} c`` is read as ``\log\left((a)^{b} c\right)``, as the
  lecture's likelihood derivation means it (a warning says so).
* ``\sum``/``\prod`` take the rest of their term as body. ``\sum_{i} a_i + b_i`` where
  ``b_i`` uses the summation index is read as ``\sum_{i} (a_i + b_i)``, with a warning that
  brackets are missing.
* ``\sum_i``, ``\sum_{i}``, ``\sum_{x \in \mathcal{X}}``, ``\prod_i`` without bounds run over a
  whole range, from 1 to a size named after the index (``N_i``), or ``n`` for outcomes
  (``\sum_x``, or the entries of p and q); inside ``\sum_x``, ``p(x)`` is the entry of x
  (:mod:`xentsym.read.ranges`).
* ``y^{(i)}``, ``\hat{y}^{(i)}`` are sample ``i`` (an index, not a power).
* ``\frac{d}{d p} f`` and ``\frac{\partial}{\partial z_{1}} f`` (also ``\frac{d^{2}}{d x^{2}}``,
  ``\frac{\partial^{2}}{\partial y \partial x}``) are an unevaluated ``Derivative`` with
  respect to the names in the denominator, resolved as everywhere else (``z_{1}`` is entry 1
  of the family ``z``). Like ``\log`` without brackets, the operator takes the whole product
  that follows (``\frac{d}{d x} 2 x`` is the derivative of ``2 x``), which is how the printer
  writes it: a derivative that is itself a factor is printed in brackets. With one name on
  top, ``\frac{\partial L}{\partial w}``, ``\frac{dJ}{d\theta}``, ``\frac{d^2 y}{dx^2}`` is the
  derivative of that name, one factor (:mod:`xentsym.read.leibniz`); any other numerator
  (``\frac{d a b}{dx}``) is refused, never read as a fraction. ``\partial`` is refused
  anywhere else.
* KL divergence, entropy and cross-entropy are read from one table of spellings
  (:mod:`xentsym.read.quantities`): ``D_{KL}(p \| q)``, ``D_{\mathrm{KL}}(p \,\|\, q)``,
  ``\mathrm{KL}(p \| q)``, ``\operatorname{KL}``, ``KL(p || q)``, ``D_{KL}(P \parallel Q)``,
  ``H(p)``, ``\mathbb{H}(p)``, ``H(p, q)``, ``\mathrm{CE}(p, q)``; a word spelling of two
  other names (``\mathrm{KL}(a \| b)``) stays a function the document may define.
* ``\arg\max_\theta``, ``\argmin_\theta``, ``\operatorname*{argmax}_\theta``,
  ``\operatorname{arg\,max}_\theta``, ``\mathop{\mathrm{argmax}}_\theta``,
  ``\underset{\theta}{\arg\max}`` are optimisers over the names below them
  (:mod:`xentsym.read.optimisers`).
* ``\binom{m}{x}`` is ``binomial(m, x)``; ``\sigma(z)`` is the logistic sigmoid
  (``Sigmoid``), so ``H(Y, \sigma(z))`` is the binary cross-entropy of a label and a sigmoid.
* Names without a table entry become real ``Symbol``/``IndexedBase`` objects; :func:`bind`
  maps them onto the declarations of a derivation's scope (``m`` declared as a positive
  integer, a family ``t`` declared with other assumptions) before comparing.

Public API: :func:`parse`, :func:`parse_with_warnings`, :func:`parse_relation`,
:func:`parse_objective`, :func:`parse_chain`, :func:`bind`; :class:`Objective`, :class:`Chain`,
:class:`ParseWarning`; errors are :class:`xentsym.errors.ParseError`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Sequence

import sympy as sp

from . import notation as nt
from .errors import ParseError
from .read.applications import holds_only_names, is_word_name
from .read.arguments import split_arguments
from .read import optimisers
from .read.leibniz import is_single_name, numerator_name
from .read.quantities import (ONLY_OF_DISTRIBUTIONS, SPELLINGS, bare_word,
                              blackboard_name)
from .read.ranges import range_size, subscript_index
from .functions import (BinaryCrossEntropy, CrossEntropy, Entropy, InformationContent,
                        KLDivergence, Sigmoid)

__all__ = ["parse", "parse_with_warnings", "parse_relation", "parse_objective",
           "parse_chain", "bind", "Objective", "Chain", "ParseWarning", "ParseError",
           "MAX_LENGTH", "MAX_DEPTH", "MAX_EXPONENT", "MAX_DIGITS"]

# --------------------------------------------------------------------------------------
# Limits (checked before anything is computed)
# --------------------------------------------------------------------------------------
MAX_LENGTH = 5000  # characters in one formula
MAX_DEPTH = 50  # nesting of brackets and environments
MAX_NUMERAL_DIGITS = 50  # digits of one numeral in the source
MAX_EXPONENT = 1000  # largest |integer exponent| accepted
MAX_DIGITS = 2000  # largest number (in decimal digits) any step may create
MAX_FACTORIAL = 500  # largest integer whose factorial is computed
MAX_TERM_ATOMS = 200  # atoms in one flat product handed to latex2sympy2
MAX_DERIVATIVE_ORDER = 10  # highest total order of a derivative

# --------------------------------------------------------------------------------------
# Notation tables
# --------------------------------------------------------------------------------------
# A bare letter (or Greek name) -> the lecture's symbol.
SCALARS: dict[str, sp.Expr] = {
    "N": nt.N, "K": nt.K, "n": nt.n, "i": nt.i, "k": nt.k,
    "x": nt.x, "Y": nt.Y, "p": nt.p_success, "q": nt.q_failure,
    "beta": nt.beta, "theta": nt.theta,
    "e": sp.E, "pi": sp.pi,
}
# A letter used as an index (subscript, summation variable) -> its symbol.
INDEX_SYMBOLS: dict[str, sp.Symbol] = {"i": nt.i, "k": nt.k, "n": nt.n, "N": nt.N, "K": nt.K}
INDEX_LETTERS = frozenset("ijklmnt") | {"N", "K"}
# Families with one index (sample i / outcome i): y_i, \hat{y}_i, p_i, q_i.
SAMPLE_FAMILIES: dict[str, sp.IndexedBase] = {"y": nt.y, "yhat": nt.yhat, "p": nt.p, "q": nt.q}
# Families with two indices (sample i, class k): y_{(i,k)}, \hat{y}_{(i,k)}.
ROW_FAMILIES: dict[str, sp.IndexedBase] = {"y": nt.y_onehot, "yhat": nt.yhat_rows}
# Entries with their own scalar symbol: p_0 = p(x_0).
SPECIAL_ENTRIES: dict[tuple, sp.Expr] = {("p", 0): nt.p_event}
# What p(x) / q(x) with an unindexed x means: the scalar of the Bernoulli PMF.
UNINDEXED_OUTCOME: dict[str, sp.Expr] = {"p": nt.p_success, "q": nt.q_failure}
# Arguments of H(.), D_KL(.||.) that name a distribution.
DISTRIBUTIONS: dict[str, sp.IndexedBase] = {"p": nt.p, "q": nt.q, "X": nt.p,
                                            "P": sp.IndexedBase("P", real=True),
                                            "Q": sp.IndexedBase("Q", real=True)}
# Names applied to brackets as functions when not in the table of special forms.
GENERIC_FUNCTIONS = frozenset({"f", "g", "h", "F", "G", "P", "Q", "J", "L", "R", "ell",
                               r"\mathcal{L}", r"\mathcal{J}"})
GREEK = frozenset("""alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota
    kappa lambda mu nu xi rho varrho sigma tau upsilon phi varphi chi psi omega Gamma Delta
    Theta Lambda Xi Sigma Upsilon Phi Psi Omega ell""".split())
CONSTANT_MACROS: dict[str, sp.Expr] = {r"\pi": sp.pi, r"\infty": sp.oo}
FRACTION_MACROS = frozenset({r"\frac", r"\dfrac", r"\tfrac"})
BINOMIAL_MACROS = frozenset({r"\binom", r"\dbinom", r"\tbinom"})
ACCENTS = {r"\hat": "hat", r"\widehat": "hat", r"\bar": "bar", r"\overline": "bar",
           r"\tilde": "tilde", r"\widetilde": "tilde"}
NAME_MACROS = frozenset({r"\mathcal", r"\mathrm", r"\mathit", r"\text", r"\textrm",
                         r"\textit", r"\mbox"})
RAW_ARG_MACROS = NAME_MACROS | {r"\operatorname", r"\begin", r"\end", r"\mathbf",
                                r"\mathsf", r"\textbf", r"\boldsymbol", r"\mathbb"}
SPACING = frozenset({r"\,", r"\;", r"\:", r"\!", "\\ ", r"\quad", r"\qquad",
                     r"\displaystyle", r"\textstyle", r"\limits", r"\nolimits"})
SIZING = frozenset({r"\big", r"\Big", r"\bigg", r"\Bigg", r"\bigl", r"\bigr", r"\Bigl",
                    r"\Bigr", r"\biggl", r"\biggr", r"\Biggl", r"\Biggr"})
RELATIONS = {"=": "=", "<": "<", ">": ">", r"\le": "<=", r"\leq": "<=", r"\leqslant": "<=",
             r"\ge": ">=", r"\geq": ">=", r"\geqslant": ">=", r"\ne": "!=", r"\neq": "!="}
RELATION_CLASSES = {"=": sp.Eq, "<": sp.Lt, ">": sp.Gt, "<=": sp.Le, ">=": sp.Ge,
                    "!=": sp.Ne}
CHAIN_ENVIRONMENTS = frozenset({"aligned", "align", "align*", "split", "gathered",
                                "equation", "equation*"})
CASE_WORDS = frozenset({"if", "for", "when", "where"})
OTHERWISE_WORDS = frozenset({"otherwise", "else", "elsewhere"})
# Notation that is refused, with the reason given to the user.
REJECTED: dict[str, str] = {
    r"\approx": r"approximate equality (\approx) cannot be checked",
    r"\simeq": r"approximate equality (\simeq) cannot be checked",
    r"\sim": r"'distributed as' (\sim) is not supported",
    r"\propto": r"proportionality (\propto) is not supported",
    r"\equiv": r"\equiv is not supported; use =",
    r"\cong": r"\cong is not supported",
    r"\nabla": r"gradients (\nabla) are not supported",
    r"\partial": r"\partial is only read in a derivative \frac{\partial}{\partial x} f",
    r"\int": "integrals are not supported", r"\iint": "integrals are not supported",
    r"\oint": "integrals are not supported", r"\lim": "limits are not supported",
    r"\in": r"set membership (\in) is not supported",
    r"\notin": r"set membership (\notin) is not supported",
    r"\subset": "sets are not supported", r"\subseteq": "sets are not supported",
    r"\cup": "sets are not supported", r"\cap": "sets are not supported",
    r"\setminus": "sets are not supported", r"\emptyset": "sets are not supported",
    r"\{": r"set braces \{ \} are not supported",
    r"\}": r"set braces \{ \} are not supported",
    r"\top": r"transposes (^\top) are not supported",
    r"\intercal": r"transposes (^\intercal) are not supported",
    r"\dots": "an ellipsis (\\dots) cannot be read as a formula",
    r"\ldots": "an ellipsis (\\ldots) cannot be read as a formula",
    r"\cdots": "an ellipsis (\\cdots) cannot be read as a formula",
    r"\vdots": "an ellipsis cannot be read as a formula",
    r"\ddots": "an ellipsis cannot be read as a formula",
    r"\forall": "quantifiers are not supported", r"\exists": "quantifiers are not supported",
    r"\to": "arrows are not supported", r"\rightarrow": "arrows are not supported",
    r"\Rightarrow": "arrows are not supported", r"\implies": "implications are not supported",
    r"\iff": "equivalences are not supported", r"\mapsto": "arrows are not supported",
    r"\mathbb": r"number sets and \mathbb{E} are not supported",
    r"\langle": "angle brackets are not supported", r"\rangle": "angle brackets are not supported",
    r"\mathbf": "bold symbols (vectors) are not supported",
    r"\boldsymbol": "bold symbols (vectors) are not supported",
    r"\textbf": "bold text is not supported", r"\mathsf": r"\mathsf is not supported",
    r"\%": "percent signs are not supported", r"\$": "dollar signs are not supported",
    r"\#": "'#' is not supported", r"\&": "'&' is not supported", r"\_": "'\\_' is not supported",
    r"\max": r"\max/\min values are not supported; only \arg\max_{...} / \arg\min_{...}",
    r"\min": r"\max/\min values are not supported; only \arg\max_{...} / \arg\min_{...}",
}


@dataclass(frozen=True)
class _Names:
    """The objects the reader builds for the lecture's letters and families."""

    scalars: dict
    sample_families: dict
    row_families: dict
    special_entries: dict
    unindexed_outcome: dict
    distributions: dict
    model_probability: sp.IndexedBase
    family: Callable  # name -> the family of a letter without a table entry (a_i)


LECTURE_NAMES = _Names(SCALARS, SAMPLE_FAMILIES, ROW_FAMILIES, SPECIAL_ENTRIES,
                       UNINDEXED_OUTCOME, DISTRIBUTIONS, nt.p_theta,
                       lambda name: sp.IndexedBase(name, real=True))


def _plain_symbol(e):
    return sp.Symbol(e.name, real=True) if isinstance(e, sp.Symbol) and not e.is_integer else e


def _plain_family(f) -> sp.IndexedBase:
    # A Label, so the family p is never the scalar p that the same document may also use.
    name = str(f.label) if isinstance(f, sp.IndexedBase) else f
    return sp.IndexedBase(nt.Label(name, real=True), real=True)


# ``plain=True``: names without meanings. Letters are plain reals and families plain real
# entries, so nothing is simplified under a domain the document never gave (sqrt(q^2) is not
# q); check-doc's symbol table gives them their meaning afterwards.
PLAIN_NAMES = _Names(
    {k: _plain_symbol(v) for k, v in SCALARS.items()},
    {k: _plain_family(v) for k, v in SAMPLE_FAMILIES.items()},
    {k: _plain_family(v) for k, v in ROW_FAMILIES.items()},
    {k: _plain_symbol(v) for k, v in SPECIAL_ENTRIES.items()},
    {k: _plain_symbol(v) for k, v in UNINDEXED_OUTCOME.items()},
    {k: _plain_family(v) for k, v in DISTRIBUTIONS.items()},
    _plain_family(nt.p_theta), _plain_family)


_CONFIG = None  # latex2sympy2's ConversionConfig, made on first use


# --------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ParseWarning:
    """Something read by a documented rule that the author should look at."""

    message: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Objective:
    r"""``\arg\max_{\theta} expr`` / ``\arg\min_{\theta} expr``: an optimiser, not a value."""

    sense: str  # "max" or "min"
    wrt_latex: str  # the subscript as written, e.g. r"\theta"
    wrt: tuple  # the symbols optimised over
    expr: sp.Expr


@dataclass(frozen=True)
class Chain:
    """``a = b = c``: the operands (Expr or Objective) and the relations between them."""

    items: tuple
    relations: tuple  # "=", "<", ">", "<=", ">=", "!="
    positions: tuple  # (line, column) where each operand begins
    warnings: tuple = field(default=())


# --------------------------------------------------------------------------------------
# Tokens and tree
# --------------------------------------------------------------------------------------
class _Fail(Exception):
    """An error at an offset of the source; turned into a located ParseError."""

    def __init__(self, message: str, offset: int):
        super().__init__(message)
        self.message = message
        self.offset = offset


@dataclass
class Tok:
    kind: str  # letter | number | macro | char
    text: str
    start: int
    end: int
    arg: str | None = None  # the raw braced argument of \text{..}, \begin{..}, ...


@dataclass
class Group:
    kind: str  # brace | paren | bracket
    children: list
    start: int
    end: int


@dataclass
class Env:
    name: str
    children: list
    start: int
    end: int


_CHARS = set("+-*/=<>()[]{}^_!|,;&.'")
_DIGIT_RUN = re.compile(r"[0-9]+(?:[ \t\r\n]+[0-9]+)*(?:\.[0-9]+)?")


def _numeral(src: str, pos: int) -> tuple[int, str]:
    """A numeral as TeX prints it: digits separated by spaces are one number (``1 0`` is 10);
    where a macro takes it as an undelimited argument, :func:`split_arguments` cuts it."""
    m = _DIGIT_RUN.match(src, pos)
    return m.end(), re.sub(r"[ \t\r\n]", "", m.group())


def _tokenize(src: str) -> list[Tok]:
    toks: list[Tok] = []
    pos, n = 0, len(src)
    while pos < n:
        c = src[pos]
        if c in " \t\r\n~":
            pos += 1
            continue
        if c == "\\":
            if pos + 1 >= n:
                raise _Fail("a lone backslash ends the formula", pos)
            d = src[pos + 1]
            if d.isascii() and d.isalpha():
                end = pos + 1
                while end < n and src[end].isascii() and src[end].isalpha():
                    end += 1
                name = src[pos:end]
                tok = Tok("macro", name, pos, end)
                if name in RAW_ARG_MACROS:
                    end = _raw_argument(src, end, tok)
                toks.append(tok)
                pos = end
                continue
            if d.isascii() and (d.isprintable() or d == " "):
                toks.append(Tok("macro", "\\" + d, pos, pos + 2))
                pos += 2
                continue
            raise _Fail(f"unexpected character {d!r} after a backslash", pos + 1)
        if c.isascii() and c.isdigit():
            end, text = _numeral(src, pos)
            if len(text) > MAX_NUMERAL_DIGITS:
                raise _Fail(f"numeral longer than {MAX_NUMERAL_DIGITS} digits", pos)
            toks.append(Tok("number", text, pos, end))
            pos = end
            continue
        if c.isascii() and c.isalpha():
            toks.append(Tok("letter", c, pos, pos + 1))
            pos += 1
            continue
        if c in _CHARS:
            toks.append(Tok("char", c, pos, pos + 1))
            pos += 1
            continue
        if c == "$":
            raise _Fail("math delimiters ($) must be removed before parsing", pos)
        if c == "%":
            raise _Fail("LaTeX comments (%) are not supported", pos)
        if ord(c) < 32 or ord(c) == 127:
            raise _Fail(f"control character {c!r} in the formula", pos)
        raise _Fail(f"unexpected character {c!r} (only ASCII LaTeX is read outside \\text)",
                    pos)
    return toks


def _raw_argument(src: str, pos: int, tok: Tok) -> int:
    """Read the braced argument of \\text{..} and friends verbatim; return the end offset."""
    n = len(src)
    if pos < n and src[pos] == "*" and tok.text == r"\operatorname":
        tok.text += "*"
        pos += 1
    while pos < n and src[pos] in " \t\r\n":
        pos += 1
    if pos >= n or src[pos] != "{":
        raise _Fail(f"{tok.text} needs a braced argument", tok.start)
    close = src.find("}", pos + 1)
    if close < 0:
        raise _Fail(f"unclosed argument of {tok.text}", pos)
    content = src[pos + 1:close]
    if "{" in content:
        raise _Fail(f"nested braces inside {tok.text}{{...}} are not supported", pos)
    for j, ch in enumerate(content):
        if ord(ch) < 32 and ch not in "\t\r\n" or ord(ch) == 127:
            raise _Fail(f"control character {ch!r} in the formula", pos + 1 + j)
    tok.arg = content
    tok.end = close + 1
    return close + 1


_OPENERS = {"{": "brace", "(": "paren", "[": "bracket"}
_CLOSERS = {"}": "brace", ")": "paren", "]": "bracket"}


def _build_tree(toks: list[Tok]) -> list:
    """Pair brackets and environments; enforce the nesting limit."""
    root: list = []
    stack: list[tuple] = []  # (kind, opener_token, children, left?, env_name)
    cur = root
    k = 0
    while k < len(toks):
        t = toks[k]
        if t.kind == "macro" and t.text in SIZING:
            k += 1
            continue
        opener = closer = None
        left = False
        if t.kind == "char" and t.text in _OPENERS:
            opener = _OPENERS[t.text]
        elif t.kind == "char" and t.text in _CLOSERS:
            closer = _CLOSERS[t.text]
        elif t.kind == "macro" and t.text in (r"\left", r"\right"):
            if k + 1 >= len(toks):
                raise _Fail(f"{t.text} without a delimiter", t.start)
            d = toks[k + 1]
            if t.text == r"\left" and d.kind == "char" and d.text in "([":
                opener, left = _OPENERS[d.text], True
            elif t.text == r"\right" and d.kind == "char" and d.text in ")]":
                closer, left = _CLOSERS[d.text], True
            else:
                raise _Fail(f"{t.text}{d.text} is not supported (only ( ) and [ ])", t.start)
            k += 1  # the delimiter
        elif t.kind == "macro" and t.text == r"\begin":
            stack.append(("env", t, cur, False, t.arg))
            if len(stack) > MAX_DEPTH:
                raise _Fail(f"brackets nested more than {MAX_DEPTH} deep", t.start)
            cur = []
            k += 1
            continue
        elif t.kind == "macro" and t.text == r"\end":
            if not stack or stack[-1][0] != "env":
                raise _Fail(f"\\end{{{t.arg}}} without a matching \\begin", t.start)
            _, opener_tok, parent, _, name = stack.pop()
            if name != t.arg:
                raise _Fail(f"\\begin{{{name}}} is closed by \\end{{{t.arg}}}", t.start)
            parent.append(Env(name, cur, opener_tok.start, t.end))
            cur = parent
            k += 1
            continue
        if opener:
            stack.append((opener, t, cur, left, None))
            if len(stack) > MAX_DEPTH:
                raise _Fail(f"brackets nested more than {MAX_DEPTH} deep", t.start)
            cur = []
        elif closer:
            if not stack:
                raise _Fail(f"unbalanced '{toks[k].text}': nothing to close", t.start)
            kind, opener_tok, parent, was_left, name = stack[-1]
            if kind == "env":
                raise _Fail(f"unbalanced '{toks[k].text}' inside \\begin{{{name}}}", t.start)
            if kind != closer or was_left != left:
                raise _Fail(f"'{toks[k].text}' does not match the open bracket "
                            f"'{opener_tok.text}'", t.start)
            stack.pop()
            parent.append(Group(kind, cur, opener_tok.start, toks[k].end))
            cur = parent
        else:
            cur.append(t)
        k += 1
    if stack:
        kind, opener_tok, _, _, name = stack[-1]
        what = f"\\begin{{{name}}}" if kind == "env" else f"'{opener_tok.text}'"
        raise _Fail(f"unbalanced {what}: never closed", opener_tok.start)
    return root


# ----- small predicates on nodes ------------------------------------------------------
def _is_char(node, *chars) -> bool:
    return isinstance(node, Tok) and node.kind == "char" and node.text in chars


def _is_macro(node, *names) -> bool:
    return isinstance(node, Tok) and node.kind == "macro" and (not names or node.text in names)


def _is_letter(node, *letters) -> bool:
    return isinstance(node, Tok) and node.kind == "letter" and (not letters or node.text in letters)


def _is_paren(node) -> bool:
    return isinstance(node, Group) and node.kind == "paren"


def _relation_of(node) -> str | None:
    if isinstance(node, Tok) and node.kind in ("char", "macro"):
        return RELATIONS.get(node.text)
    return None


def _start(nodes: Sequence, default: int) -> int:
    return nodes[0].start if nodes else default


def _split_top(nodes: list, is_sep: Callable) -> tuple[list[list], list]:
    """Split a node list at top-level separators; return (parts, separators)."""
    parts, seps, cur = [], [], []
    k = 0
    while k < len(nodes):
        width = is_sep(nodes, k)
        if width:
            parts.append(cur)
            seps.append(nodes[k])
            cur = []
            k += width
        else:
            cur.append(nodes[k])
            k += 1
    parts.append(cur)
    return parts, seps


def _arg_nodes(nodes: list, k: int, what: str, at: int) -> list:
    """The argument at nodes[k]: a brace group's children, or the single token."""
    if k >= len(nodes):
        raise _Fail(f"{what} is missing its argument", at)
    node = nodes[k]
    if isinstance(node, Group) and node.kind == "brace":
        return node.children
    if isinstance(node, Tok) and (node.kind in ("letter", "number") or node.kind == "macro"):
        return [node]
    if isinstance(node, Group):
        return [node]
    raise _Fail(f"{what} has an unreadable argument", node.start)


def _starts_name(node) -> bool:
    """A letter, a Greek letter, an accent or \\mathrm{..}-like name: where a name begins."""
    if not isinstance(node, Tok):
        return False
    if node.kind == "letter":
        return True
    return node.kind == "macro" and (node.text[1:] in GREEK or node.text in ACCENTS
                                     or node.text in NAME_MACROS)


def _derivative_sign(node) -> str | None:
    """'d' for d or \\mathrm{d}, 'partial' for \\partial, else None."""
    if _is_letter(node, "d") or (_is_macro(node, r"\mathrm", r"\text", r"\mathit")
                                 and node.arg.strip() == "d"):
        return "d"
    if _is_macro(node, r"\partial"):
        return "partial"
    return None


def _brace_children(node) -> list:
    """The children of a brace group (or the node alone), without spacing macros."""
    nodes = node.children if isinstance(node, Group) and node.kind == "brace" else [node]
    return [t for t in nodes if not _is_macro(t, *SPACING)]


def _is_derivative(nodes: list, k: int) -> bool:
    """Whether the \\frac at nodes[k] is a derivative operator \\frac{d}{d x}.

    \\partial over \\partial always is (it means nothing else). d over d is when the
    denominator is d followed by a name or a macro (\\pi is refused later); the numerator
    is then d, d^{n} or d and one name (Leibniz's dy/dx), anything else is refused later:
    \\frac{d_1}{d_2} and \\frac{d}{d (x + 1)} stay fractions.
    """
    if k + 2 >= len(nodes):
        return False
    num, den = _brace_children(nodes[k + 1]), _brace_children(nodes[k + 2])
    if not num or not den:
        return False
    sign = _derivative_sign(num[0])
    if sign is None or _derivative_sign(den[0]) != sign:
        return False
    if sign == "partial":
        return True
    # d over d x is a derivative whatever the numerator holds after d: one that is not a
    # name (d (x^2), d \log x) is refused as ambiguous, never read as a fraction
    return len(den) >= 2 and (_starts_name(den[1]) or _is_macro(den[1]))


def _is_operator(nodes: list, k: int) -> bool:
    """A derivative whose numerator is d, d^{n} (not dy): it still needs its operand."""
    if not _is_derivative(nodes, k):
        return False
    num = _brace_children(nodes[k + 1])
    return len(num) == 1 or (len(num) == 3 and _is_char(num[1], "^"))


def _mentions(nodes: list, letter: str) -> bool:
    for node in nodes:
        if isinstance(node, Tok) and node.kind == "letter" and node.text == letter:
            return True
        if isinstance(node, (Group, Env)) and _mentions(node.children, letter):
            return True
    return False


def _subscript_head(nodes: list, k: int):
    """The first node of the subscript of the \\sum/\\prod at ``nodes[k]`` (the bound
    variable, in \\sum_{i=1}^N or \\sum^N_{i=1}), or None when it has no subscript."""
    j = k + 1
    while j < len(nodes) and _is_macro(nodes[j], r"\limits", r"\nolimits"):
        j += 1
    for _ in range(2):
        if j + 1 < len(nodes) and _is_char(nodes[j], "_"):
            sub = _arg_nodes(nodes, j + 1, r"\sum", nodes[k].start)
            return sub[0] if sub else None
        if j + 1 < len(nodes) and _is_char(nodes[j], "^"):
            j += 2
    return None


def _binds(nodes: list, letter: str) -> bool:
    """Whether some \\sum/\\prod in the nodes has ``letter`` as its variable."""
    for k, node in enumerate(nodes):
        if _is_macro(node, r"\sum", r"\prod"):
            head = _subscript_head(nodes, k)
            if head is not None and _is_letter(head, letter):
                return True
        if isinstance(node, (Group, Env)) and _binds(node.children, letter):
            return True
    return False


# --------------------------------------------------------------------------------------
# The reader
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Ctx:
    bound: tuple = ()  # summation letters in scope, innermost last

    def binding(self, letter: str) -> "_Ctx":
        return _Ctx(self.bound + (letter,))


def _index_symbol(letter: str) -> sp.Symbol:
    return INDEX_SYMBOLS.get(letter) or sp.Symbol(letter, integer=True)


def _digits(v: int) -> int:
    return max(1, int(abs(v).bit_length() * 0.30103) + 1)


class _Reader:
    def __init__(self, src: str, plain: bool = False):
        self.src = src
        self.names = PLAIN_NAMES if plain else LECTURE_NAMES
        self.warnings: list[tuple[str, int]] = []
        self.counter = 0

    # ----- sequences and terms --------------------------------------------------------
    def expression(self, nodes: list, ctx: _Ctx, at: int) -> sp.Expr:
        """A whole expression: terms joined by binary + and -."""
        if not nodes:
            raise _Fail("an expression is missing here", at)
        for node in nodes:
            rel = _relation_of(node)
            if rel:
                raise _Fail(f"unexpected relation '{node.text}' inside an expression "
                            "(use parse_relation or parse_chain for relations)", node.start)
        terms = self._split_terms(nodes, at)
        values = []
        t = 0
        while t < len(terms):
            sign, lo, body_lo, hi = terms[t]
            var = self._leading_sum_var(nodes[body_lo:hi])
            while var and t + 1 < len(terms):
                _, nlo, nbody, nhi = terms[t + 1]
                nxt = nodes[nbody:nhi]
                if not _mentions(nxt, var) or _binds(nxt, var):
                    break
                self.warnings.append((
                    f"brackets seem to be missing: this term uses the summation index "
                    f"{var}, so it is read as part of the sum over {var}", nodes[nlo].start))
                hi = nhi
                t += 1
            value = self.term(nodes[body_lo:hi], ctx)
            values.append(-value if sign < 0 else value)
            t += 1
        return sp.Add(*values)

    @staticmethod
    def _leading_sum_var(nodes: list) -> str | None:
        for k, node in enumerate(nodes):
            if _is_macro(node, r"\prod"):
                return None
            if _is_macro(node, r"\sum"):
                head = _subscript_head(nodes, k)
                return head.text if head is not None and _is_letter(head) else None
        return None

    def _split_terms(self, nodes: list, at: int) -> list[tuple]:
        """(sign, start, body_start, end) for each term; + and - split only when binary."""
        terms = []
        k, n = 0, len(nodes)
        start, body, sign, expect = 0, None, 1, True
        unit_start = 0
        while k < n:
            node = nodes[k]
            if _is_char(node, "+", "-"):
                if body is None and expect:  # leading sign of a term
                    if node.text == "-":
                        sign = -sign
                    k += 1
                    continue
                if not expect:  # binary: a new term starts
                    terms.append((sign, start, body, k))
                    start, body, sign, expect = k, None, (-1 if node.text == "-" else 1), True
                    k += 1
                    continue
                if body is None:
                    body = k
                k += 1  # unary inside the term (after \cdot, /, ...)
                continue
            if body is None:
                body = k
            unit_start = nodes[k].start
            width, expect = self._unit(nodes, k, expect)
            k += width
        if body is None:
            raise _Fail("an expression is missing after this sign", nodes[-1].start if nodes
                        else at)
        if expect and not _is_macro(nodes[-1], *SPACING):
            raise _Fail("the expression ends with an operator, or a function or sum without "
                        "its argument", unit_start)
        terms.append((sign, start, body, n))
        return terms

    @staticmethod
    def _unit(nodes: list, k: int, expect: bool) -> tuple[int, bool]:
        """How many nodes form the next unit, and whether an operand is expected after."""
        node = nodes[k]
        n = len(nodes)
        if _is_char(node, "*", "/") or _is_macro(node, r"\cdot", r"\times"):
            return 1, True
        if _is_char(node, "^", "_"):
            return (2 if k + 1 < n else 1), False
        if _is_macro(node, *SPACING):
            return 1, expect
        if _is_macro(node, r"\sum", r"\prod", r"\log", r"\ln", r"\arg"):
            j = k + 1
            while j < n and (_is_macro(nodes[j], r"\limits", r"\nolimits", r"\max", r"\min")):
                j += 1
            while j + 1 < n and _is_char(nodes[j], "^", "_"):
                j += 2
            return j - k, True
        if _is_macro(node, r"\exp"):
            return 1, True
        if _is_macro(node, *FRACTION_MACROS):
            # a derivative operator still needs its operand
            return min(3, n - k), _is_operator(nodes, k)
        if _is_macro(node, *BINOMIAL_MACROS):
            return min(3, n - k), False
        if _is_macro(node, r"\sqrt"):
            j = k + 1
            if j < n and isinstance(nodes[j], Group) and nodes[j].kind == "bracket":
                j += 1
            return min(j + 1, n) - k, False
        if _is_macro(node, *ACCENTS):
            return min(2, n - k), False
        return 1, False

    def term(self, nodes: list, ctx: _Ctx) -> sp.Expr:
        """A flat product: notation constructs become placeholders, latex2sympy2 the rest."""
        parts: list[tuple[str, int]] = []
        holders: dict[str, tuple[sp.Expr, int]] = {}

        def hold(value, offset):
            name = f"v{self.counter}"
            self.counter += 1
            holders[name] = (value, offset)
            parts.append((rf"\variable{{{name}}}", offset))

        self._check_division(nodes)
        k, n = 0, len(nodes)
        while k < n:
            node = nodes[k]
            if isinstance(node, Group):
                if not node.children:
                    raise _Fail("empty brackets", node.start)
                hold(self.expression(node.children, ctx, node.start + 1), node.start)
                k += 1
                continue
            if isinstance(node, Env):
                hold(self.environment(node, ctx), node.start)
                k += 1
                continue
            if node.kind == "number":
                hold(self.number(node), node.start)
                k += 1
                continue
            if node.kind == "letter" or self._starts_identifier(node):
                value, k = self.identifier(nodes, k, ctx)
                hold(value, node.start)
                continue
            if node.kind == "char":
                c = node.text
                if c in "+-":
                    parts.append((c, node.start))
                elif c == "*":
                    parts.append((r"\cdot", node.start))
                elif c == "/":
                    parts.append(("/", node.start))
                elif c == "!":
                    parts.append(("!", node.start))
                elif c == "^":
                    exp_nodes = _arg_nodes(nodes, k + 1, "'^'", node.start)
                    self._reject_transpose(exp_nodes, node.start)
                    parts.append(("^{", node.start))
                    hold(self.exponent(exp_nodes, ctx, node.start), node.start + 1)
                    parts.append(("}", node.start))
                    k += 2
                    continue
                elif c == "_":
                    raise _Fail("a subscript without anything to attach it to", node.start)
                elif c == "|":
                    raise _Fail("'|' is only read inside p(. | .), P(. | .) and "
                                "D_{KL}(p || q); absolute values are not supported",
                                node.start)
                elif c in ",;":
                    raise _Fail(f"unexpected '{c}' (lists and tuples are not formulas)",
                                node.start)
                elif c == "&":
                    raise _Fail("'&' is only allowed in an aligned chain or in cases",
                                node.start)
                elif c == "'":
                    raise _Fail("primes (') are not supported", node.start)
                else:
                    raise _Fail(f"unexpected '{c}'", node.start)
                k += 1
                continue
            # macros
            m = node.text
            if m in SPACING:
                k += 1
            elif m in (r"\cdot", r"\times"):
                parts.append((r"\cdot", node.start))
                k += 1
            elif m in CONSTANT_MACROS:
                hold(CONSTANT_MACROS[m], node.start)
                k += 1
            elif m in FRACTION_MACROS and _is_derivative(nodes, k):
                hold(self.derivative(nodes, k, ctx), node.start)
                # an operator's operand runs to the end of the term; dL/dw is one factor
                k = n if _is_operator(nodes, k) else k + 3
            elif m in BINOMIAL_MACROS:
                top = _arg_nodes(nodes, k + 1, m, node.start)
                bottom = _arg_nodes(nodes, k + 2, m, node.start)
                hold(self.binomial(self.expression(top, ctx, _start(top, node.start)),
                                   self.expression(bottom, ctx, _start(bottom, node.start)),
                                   node.start), node.start)
                k += 3
            elif m in FRACTION_MACROS:
                num = _arg_nodes(nodes, k + 1, m, node.start)
                den = _arg_nodes(nodes, k + 2, m, node.start)
                parts.append((r"\frac{", node.start))
                hold(self.expression(num, ctx, node.start), _start(num, node.start))
                parts.append(("}{", node.start))
                hold(self.expression(den, ctx, node.start), _start(den, node.start))
                parts.append(("}", node.start))
                k += 3
            elif m == r"\sqrt":
                j = k + 1
                index = None
                if j < n and isinstance(nodes[j], Group) and nodes[j].kind == "bracket":
                    index = self.expression(nodes[j].children, ctx, nodes[j].start)
                    j += 1
                arg = _arg_nodes(nodes, j, r"\sqrt", node.start)
                if index is None:
                    parts.append((r"\sqrt{", node.start))
                else:
                    parts.append((r"\sqrt[", node.start))
                    hold(index, node.start)
                    parts.append(("]{", node.start))
                hold(self.expression(arg, ctx, node.start), _start(arg, node.start))
                parts.append(("}", node.start))
                k = j + 1
            elif m in (r"\log", r"\ln"):
                k = self._log(nodes, k, ctx, parts, hold)
            elif m == r"\exp":
                if k + 1 < n and _is_paren(nodes[k + 1]):
                    g = nodes[k + 1]
                    hold(sp.exp(self.expression(g.children, ctx, g.start)), node.start)
                    k += 2
                else:
                    end = self._operand_end(nodes, k + 1, node)
                    hold(sp.exp(self.term(nodes[k + 1:end], ctx)), node.start)
                    k = end
            elif m in (r"\sum", r"\prod"):
                hold(self.big_operator(nodes, k, ctx), node.start)
                k = n  # the body runs to the end of the term
            elif m in (r"\arg", r"\argmax", r"\argmin") or (
                    m == r"\operatorname*" or m == r"\operatorname"):
                raise _Fail(r"\arg\max / \arg\min is an optimiser, not a value: read it "
                            "with parse_objective or parse_chain", node.start)
            elif m == r"\\":
                raise _Fail(r"a line break '\\' is only allowed in an aligned chain or in "
                            "cases", node.start)
            elif m in (r"\|", r"\mid", r"\parallel", r"\Vert"):
                raise _Fail(f"'{m}' is only read inside p(. {m} .) or D_{{KL}}(p {m} q)",
                            node.start)
            elif m in RELATIONS:
                raise _Fail(f"unexpected relation '{m}' inside an expression", node.start)
            elif m in REJECTED:
                raise _Fail(REJECTED[m], node.start)
            else:
                raise _Fail(f"unknown or unsupported macro {m}", node.start)
        return self._latex2sympy(parts, holders, _start(nodes, 0))

    def _check_division(self, nodes: list) -> None:
        r"""Refuse ``a / b c``: TeX prints ``a/bc``, which readers take for ``a/(bc)`` or for
        ``(a/b) c`` (``1/N \sum ...``, ``1/2 x``). A slash's right operand is one factor (with
        its sub/superscripts and the bracket of an application); what follows must be an
        operator."""
        n = len(nodes)
        for k, node in enumerate(nodes):
            if not _is_char(node, "/"):
                continue
            j = k + 1
            while j < n and _is_macro(nodes[j], *SPACING):
                j += 1
            if j >= n or _is_char(nodes[j], "*", "/", "^", "_", "+", "-", "!") or \
                    _is_macro(nodes[j], r"\cdot", r"\times"):
                continue  # no operand after the slash: reported where it is read
            named = isinstance(nodes[j], Tok) and _starts_name(nodes[j])
            j += self._unit(nodes, j, True)[0]
            while j + 1 < n and _is_char(nodes[j], "^", "_"):
                j += 2
            if named and j < n and isinstance(nodes[j], Group) and nodes[j].kind == "paren":
                j += 1  # p(x_i): an application, one factor
            while j < n and _is_macro(nodes[j], *SPACING):
                j += 1
            if j < n and not (_is_char(nodes[j], "*", "/", "^", "_", "!")
                              or _is_macro(nodes[j], r"\cdot", r"\times")):
                raise _Fail(r"ambiguous division: 'a / b c' reads as a/(b c) or as (a/b) c; "
                            r"write \frac{a}{b c} or \frac{a}{b} c", nodes[j].start)

    @staticmethod
    def _starts_identifier(node) -> bool:
        if node.kind != "macro":
            return False
        name = node.text
        return (name[1:] in GREEK or name in ACCENTS or name in NAME_MACROS
                or (name == r"\operatorname" and is_word_name(node)
                    and optimisers.word_sense(node.arg) is None)
                or (name == r"\mathbb" and blackboard_name(node.arg) is not None))

    # ----- pieces ---------------------------------------------------------------------
    @staticmethod
    def number(tok: Tok) -> sp.Rational:
        text = tok.text
        if "." in text:
            whole, frac = text.split(".")
            return sp.Rational(int(whole + frac), 10 ** len(frac))
        return sp.Integer(int(text))

    def exponent(self, nodes: list, ctx: _Ctx, at: int) -> sp.Expr:
        if len(nodes) == 1 and isinstance(nodes[0], Tok) and (
                nodes[0].kind == "letter" or self._starts_identifier(nodes[0])):
            value, end = self.identifier(nodes, 0, ctx)
            return value
        return self.expression(nodes, ctx, at)

    @staticmethod
    def _reject_transpose(nodes: list, at: int):
        if len(nodes) == 1:
            t = nodes[0]
            if _is_letter(t, "T") or _is_macro(t, r"\top", r"\intercal") or (
                    _is_macro(t, r"\mathrm", r"\mathsf", r"\text") and t.arg.strip() == "T"):
                raise _Fail("transposes (^T, ^\\top) are not supported", at)

    def derivative(self, nodes: list, k: int, ctx: _Ctx) -> sp.Derivative:
        r"""\frac{d}{d x} rest, \frac{\partial^{2}}{\partial y \partial x} rest -> Derivative."""
        node = nodes[k]
        num, den = _brace_children(nodes[k + 1]), _brace_children(nodes[k + 2])
        sign = _derivative_sign(num[0])
        written = "d" if sign == "d" else r"\partial"
        order = None
        order_nodes, at = numerator_name(num, lambda t: _is_char(t, "^"))
        if order_nodes:
            order = self._derivative_order(_brace_children(order_nodes[0]), num[1].start)
        name = self._leibniz_name(num[at:], ctx)
        if name is False:
            raise _Fail(rf"write a derivative as \frac{{{written}}}{{{written} x}} f or "
                        rf"\frac{{{written} f}}{{{written} x}} (the numerator holds only "
                        f"{written}, {written}^{{n}} or one name)", num[0].start)
        variables: list[tuple] = []
        j = 0
        while j < len(den):
            if _derivative_sign(den[j]) != sign:
                raise _Fail(f"each variable of the derivative needs {written} before it",
                            den[j].start)
            at = den[j].start
            j += 1
            if j >= len(den) or not (_starts_name(den[j]) or _is_macro(den[j])):
                raise _Fail(f"a variable is missing after {written} in the derivative", at)
            at = den[j].start
            if _starts_name(den[j]):
                var, j = self.identifier(den, j, ctx)
            else:
                var, j = None, j + 1
            if not isinstance(var, (sp.Symbol, sp.Indexed)):
                what = den[j - 1].text if var is None else sp.sstr(var)
                raise _Fail(f"a derivative is taken with respect to a variable, not {what}",
                            at)
            count = 1
            if j < len(den) and _is_char(den[j], "^"):
                count = self._derivative_order(_arg_nodes(den, j + 1, "'^'", den[j].start),
                                               den[j].start)
                j += 2
            variables.append((var, count))
        total = sum(c for _, c in variables)
        if total > MAX_DERIVATIVE_ORDER:
            raise _Fail(f"derivatives of order above {MAX_DERIVATIVE_ORDER} are not read",
                        node.start)
        if (order or 1) != total:
            raise _Fail(f"the order of the derivative ({order or 1}) does not match its "
                        f"variables ({total})", node.start)
        if name is not None:  # Leibniz: \frac{\partial L}{\partial w}
            return sp.Derivative(name, *reversed(variables))
        body = nodes[k + 3:]
        while body and _is_macro(body[0], *SPACING):
            body = body[1:]
        if not body:
            raise _Fail("the derivative has nothing to differentiate after it", node.start)
        if _is_char(body[0], "+", "-"):
            raise _Fail("put a signed operand of a derivative in brackets: "
                        r"\frac{d}{d x} \left(- x\right)", body[0].start)
        # the printer writes the variables of d^2/(dy dx) f in reverse order
        return sp.Derivative(self.term(body, ctx), *reversed(variables))

    def _leibniz_name(self, nodes: list, ctx: _Ctx):
        """The one name of a numerator \\partial L (None when there is none, False when the
        numerator holds something else): :mod:`xentsym.read.leibniz`."""
        if not nodes:
            return None
        if not _starts_name(nodes[0]):
            return False
        value, end = self.identifier(nodes, 0, ctx)
        return value if end == len(nodes) and is_single_name(value) else False

    @staticmethod
    def _derivative_order(nodes: list, at: int) -> int:
        if len(nodes) == 1 and isinstance(nodes[0], Tok) and nodes[0].kind == "number" \
                and nodes[0].text.isdigit() and len(nodes[0].text) <= 3:
            value = int(nodes[0].text)
            if value >= 1:
                return value
        raise _Fail("the order of a derivative must be a whole number such as 2", at)

    @staticmethod
    def binomial(top: sp.Expr, bottom: sp.Expr, at: int) -> sp.Expr:
        r"""\binom{m}{x}, with no number above MAX_FACTORIAL (SymPy would compute it)."""
        for v in (top, bottom):
            if v.is_Number and abs(v) > MAX_FACTORIAL:
                raise _Fail(f"binomial coefficients of numbers above {MAX_FACTORIAL} are not "
                            "computed", at)
        out = sp.binomial(top, bottom)
        _check_number(out, at)
        return out

    def _log(self, nodes, k, ctx, parts, hold) -> int:
        node = nodes[k]
        n = len(nodes)
        j = k + 1
        base = None
        if j < n and _is_char(nodes[j], "_"):
            base_nodes = _arg_nodes(nodes, j + 1, r"\log_", node.start)
            base = self.expression(base_nodes, ctx, node.start)
            j += 2
        power = None  # \log^{2} x is (\log x)^2
        if j < n and _is_char(nodes[j], "^"):
            power = self.expression(_arg_nodes(nodes, j + 1, r"\log^", node.start), ctx,
                                    node.start)
            j += 2

        def log_of(inner):
            value = sp.log(inner) if base is None else sp.log(inner, base)
            return value if power is None else _checked_pow(value, power, node.start)
        while j < n and _is_macro(nodes[j], *SPACING):
            j += 1
        if j < n and _is_paren(nodes[j]):
            g = nodes[j]
            if not (j + 1 < n and _is_char(nodes[j + 1], "^")):
                hold(log_of(self.expression(g.children, ctx, g.start + 1)), node.start)
                return j + 1
            self.warnings.append((
                r"read \log (a)^{b} as \log\left((a)^{b}\right), the logarithm of the power",
                node.start))
        end = self._operand_end(nodes, j, node)
        hold(log_of(self.term(nodes[j:end], ctx)), node.start)
        return end

    def _operand_end(self, nodes: list, j: int, op: Tok) -> int:
        r"""Where the operand of \log or \exp without brackets ends: it takes the factors
        written side by side after it, up to \cdot, \times, *, / or the next \log, \ln or
        \exp (``\log a b \cdot c`` is ``\log(a b) \cdot c``)."""
        end, n = j, len(nodes)
        while end < n:
            node = nodes[end]
            if _is_char(node, "*", "/") or _is_macro(node, r"\cdot", r"\times"):
                break
            if end > j and _is_macro(node, r"\log", r"\ln", r"\exp"):
                break
            end += self._unit(nodes, end, False)[0]
        if all(_is_macro(t, *SPACING) for t in nodes[j:end]):
            raise _Fail(f"{op.text} without its argument", op.start)
        return min(end, n)

    def big_operator(self, nodes: list, k: int, ctx: _Ctx) -> sp.Expr:
        node = nodes[k]
        cls = sp.Sum if node.text == r"\sum" else sp.Product
        j = k + 1
        sub = sup = None
        while j < len(nodes):
            if _is_macro(nodes[j], r"\limits", r"\nolimits", *SPACING):
                j += 1
            elif _is_char(nodes[j], "_") and sub is None:
                sub = _arg_nodes(nodes, j + 1, node.text, node.start)
                j += 2
            elif _is_char(nodes[j], "^") and sup is None:
                sup = _arg_nodes(nodes, j + 1, node.text, node.start)
                j += 2
            else:
                break
        whole = subscript_index(sub, _is_letter, lambda t: _is_macro(t, r"\in"),
                                lambda t: _starts_name(t) and not _is_macro(t, *ACCENTS)) \
            if sub is not None and sup is None else None
        if whole is not None:  # \sum_i, \sum_{x \in \mathcal{X}}: over the whole range
            letter = whole[0]
            body = nodes[j:]
            if not body:
                raise _Fail(f"{node.text} has no summand", node.start)
            value = self.expression(body, ctx.binding(letter), body[0].start)
            var = _index_symbol(letter)
            size = range_size(letter, var, value, ("p", "q"), self.names.scalars["n"])
            return cls(value, (var, 1, size))
        if sub is None or sup is None:
            raise _Fail(f"{node.text} needs both bounds, as in {node.text}_{{i=1}}^{{N}}, or "
                        f"an index alone, as in {node.text}_{{i}}", node.start)
        parts, seps = _split_top(sub, lambda ns, q: 1 if _is_char(ns[q], "=") else 0)
        if len(seps) != 1 or len(parts[0]) != 1 or not _is_letter(parts[0][0]):
            raise _Fail(f"the lower bound of {node.text} must read i=1 (a letter, '=', a "
                        "value)", _start(sub, node.start))
        letter = parts[0][0].text
        lo = self.expression(parts[1], ctx, parts[0][0].end)
        hi = self.expression(sup, ctx, _start(sup, node.start))
        body = nodes[j:]
        if not body:
            raise _Fail(f"{node.text} has no summand", node.start)
        value = self.expression(body, ctx.binding(letter), body[0].start)
        var = _index_symbol(letter)
        return cls(value, (var, lo, hi))

    def environment(self, env: Env, ctx: _Ctx) -> sp.Expr:
        if env.name != "cases":
            raise _Fail(f"environment {env.name} is not supported here", env.start)
        rows, _ = _split_top(env.children, lambda ns, q: 1 if _is_macro(ns[q], r"\\") else 0)
        pieces = []
        for row in rows:
            if not row:
                continue
            cols, _ = _split_top(row, lambda ns, q: 1 if _is_char(ns[q], "&") else 0)
            if len(cols) != 2:
                raise _Fail("each row of cases needs one '&' between value and condition",
                            row[0].start)
            value_nodes = self._strip_punctuation(cols[0])
            value = self.expression(value_nodes, ctx, row[0].start)
            pieces.append((value, self.condition(cols[1], ctx, row[0].start)))
        if not pieces:
            raise _Fail("empty cases", env.start)
        return sp.Piecewise(*pieces)

    @staticmethod
    def _strip_punctuation(nodes: list) -> list:
        nodes = list(nodes)
        while nodes and (_is_char(nodes[-1], ",", ".", ";") or _is_macro(nodes[-1], *SPACING)):
            nodes.pop()
        return nodes

    def condition(self, nodes: list, ctx: _Ctx, at: int):
        nodes = self._strip_punctuation(nodes)
        while nodes and (_is_macro(nodes[0], *SPACING) or _is_char(nodes[0], ",")):
            nodes = nodes[1:]
        if nodes and _is_macro(nodes[0], r"\text", r"\mbox", r"\textrm", r"\mathrm"):
            words = nodes[0].arg.replace(",", " ").split()
            if words and words[0] in OTHERWISE_WORDS and len(nodes) == 1:
                return sp.true
            if words and words[0] in CASE_WORDS and len(words) == 1:
                nodes = nodes[1:]
            else:
                raise _Fail(f"condition text {nodes[0].arg!r} is not understood (use "
                            r"\text{if } or \text{otherwise})", nodes[0].start)
        if not nodes:
            raise _Fail("a condition of cases is missing", at)
        sides, ops = _split_top(nodes, lambda ns, q: 1 if _relation_of(ns[q]) else 0)
        if len(ops) != 1:
            raise _Fail("a condition must be one relation such as x = 1", nodes[0].start)
        lhs = self.expression(sides[0], ctx, nodes[0].start)
        rhs = self.expression(sides[1], ctx, ops[0].end)
        return RELATION_CLASSES[_relation_of(ops[0])](lhs, rhs)

    # ----- identifiers ----------------------------------------------------------------
    def _base(self, nodes: list, k: int) -> tuple[str, int]:
        """The name at nodes[k] (a letter, Greek letter, accented letter, \\mathcal{L})."""
        node = nodes[k]
        if node.kind == "letter":
            return node.text, k + 1
        name = node.text
        if name[1:] in GREEK:
            return name[1:], k + 1
        if name in ACCENTS:
            inner = _arg_nodes(nodes, k + 1, name, node.start)
            if len(inner) != 1 or not (
                    _is_letter(inner[0]) or (_is_macro(inner[0]) and inner[0].text[1:] in GREEK)):
                raise _Fail(f"{name}{{...}} must hold one letter", node.start)
            letter = inner[0].text.lstrip("\\")
            return letter + ACCENTS[name], k + 2
        if name == r"\mathbb" and blackboard_name(node.arg) is not None:
            return blackboard_name(node.arg), k + 1
        if name in NAME_MACROS or name == r"\operatorname":
            text = node.arg.strip()
            if name == r"\mathcal":
                if not re.fullmatch(r"[A-Za-z]", text):
                    raise _Fail(r"\mathcal{...} must hold one letter", node.start)
                return rf"\mathcal{{{text}}}", k + 1
            if not re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", text):
                raise _Fail(f"{name}{{{text}}} is not a formula (text is only read as a "
                            r"name or in \text{if } of cases)", node.start)
            return text, k + 1
        raise _Fail(f"unexpected {name}", node.start)

    def identifier(self, nodes: list, k: int, ctx: _Ctx) -> tuple[sp.Expr, int]:
        head = nodes[k]
        start = head.start
        word = bare_word(nodes, k, _is_letter, _is_paren)
        if word is not None:  # KL(p || q) of two distributions; else K L (...) as before
            end = k + len(word)
            value = self.apply_quantity(word, None, nodes[end], ctx)
            if value is not None:
                return value, end + 1
        value, end = self._identifier(nodes, k, ctx)
        if _is_macro(head, r"\mathbb") and not (end > k + 1 and _is_paren(nodes[end - 1])):
            raise _Fail(rf"\mathbb{{{head.arg.strip()}}} is only read applied, as in "
                        rf"\mathbb{{{head.arg.strip()}}}(p)", start)
        return value, end

    def _identifier(self, nodes: list, k: int, ctx: _Ctx) -> tuple[sp.Expr, int]:
        head = nodes[k]
        start = head.start
        name, k = self._base(nodes, k)
        sub = None
        sup_index = None
        n = len(nodes)
        while k < n:
            if _is_char(nodes[k], "_") and sub is None:
                sub = _arg_nodes(nodes, k + 1, "'_'", nodes[k].start)
                k += 2
            elif (_is_char(nodes[k], "^") and sup_index is None and k + 1 < n
                  and self._sup_index_items(nodes[k + 1], ctx) is not None):
                sup_index = self._sup_index_items(nodes[k + 1], ctx)
                k += 2
            elif _is_char(nodes[k], "'"):
                raise _Fail("primes (') are not supported", nodes[k].start)
            else:
                break
        indices = label = None
        if sub is not None:
            items = self._index_items(sub, ctx)
            if items is None:
                label = self._label(sub, start)
            else:
                indices = tuple(self._index_value(item, ctx) for item in items)
        if sup_index is not None:
            if indices is not None:
                raise _Fail("both a subscript index and a ^{(i)} index", start)
            indices = tuple(self._index_value(item, ctx) for item in sup_index)
        # application to brackets
        if k < n and indices is None and isinstance(nodes[k], Group) and \
                nodes[k].kind in ("paren", "bracket"):
            group = nodes[k]
            handler = APPLICATIONS.get((name, label)) if group.kind == "paren" else None
            value = None
            if handler is not None:
                value = handler(self, name, group, ctx)
            if value is None and label is None and name in GENERIC_FUNCTIONS and \
                    group.kind == "paren":
                value = self.generic_function(name, group, ctx)
            if value is None and label is None and self._applied(head, name, group):
                value = self.generic_function(name, group, ctx)
            if value is not None:
                return value, k + 1
        return self._resolve(name, label, indices, ctx, start), k

    def _applied(self, head, name: str, group: Group) -> bool:
        """Whether ``name(...)`` is an application by :mod:`xentsym.read.applications`."""
        if is_word_name(head):
            return True
        if isinstance(SCALARS.get(name), sp.NumberSymbol) or SCALARS.get(name) is sp.E:
            return False
        single = (len(name) == 1 or name in GREEK or head.text in ACCENTS
                  or name.startswith(r"\mathcal{"))
        return single and holds_only_names(
            group.children, _starts_name,
            lambda node: self._sup_index_items(node, _Ctx()) is not None,
            lambda node: _is_macro(node, *SPACING))

    def _resolve(self, name, label, indices, ctx, start) -> sp.Expr:
        if indices is not None:
            special = self.names.special_entries.get((name, *indices))
            if special is not None:
                return special
            if len(indices) == 1 and name in self.names.sample_families:
                return self.names.sample_families[name][indices[0]]
            if len(indices) == 2 and name in self.names.row_families:
                return self.names.row_families[name][indices]
            if name in self.names.sample_families or name in self.names.row_families:
                raise _Fail(f"{name} takes one index (sample i) or two (sample i, class k)",
                            start)
            return self.names.family(name)[indices]
        if label is not None:
            return sp.Symbol(f"{name}_{label}", real=True)
        if name in ctx.bound:
            return _index_symbol(name)
        if name in self.names.scalars:
            return self.names.scalars[name]
        return sp.Symbol(name, real=True)

    @staticmethod
    def _unwrap_parens(nodes: list) -> list:
        if len(nodes) == 1 and _is_paren(nodes[0]):
            return nodes[0].children
        return nodes

    def _index_items(self, nodes: list, ctx: _Ctx) -> list | None:
        """Split an index list (i / 1 / i,k / (i,k) / n-1); None if it is a label."""
        nodes = self._unwrap_parens(nodes)
        items, _ = _split_top(nodes, lambda ns, q: 1 if _is_char(ns[q], ",") else 0)
        for item in items:
            if not item:
                return None
            if len(item) == 1:
                t = item[0]
                if t.kind == "number" and "." not in t.text:
                    continue
                if _is_letter(t) and (t.text in INDEX_LETTERS or t.text in ctx.bound):
                    continue
                return None
            # operand ((+|-) operand)*, with at least one index letter: n-1, i+1
            has_letter = False
            for q, t in enumerate(item):
                if q % 2 == 1:
                    if not _is_char(t, "+", "-"):
                        return None
                elif _is_letter(t) and (t.text in INDEX_LETTERS or t.text in ctx.bound):
                    has_letter = True
                elif not (isinstance(t, Tok) and t.kind == "number" and "." not in t.text):
                    return None
            if not has_letter or len(item) % 2 == 0:
                return None
        return items

    def _sup_index_items(self, node, ctx: _Ctx) -> list | None:
        """The items of ^{(i)}: a braced single paren group of index items, else None."""
        if not (isinstance(node, Group) and node.kind == "brace" and len(node.children) == 1
                and _is_paren(node.children[0]) and node.children[0].children):
            return None
        return self._index_items(node.children[0].children, ctx)

    def _index_value(self, item: list, ctx: _Ctx) -> sp.Expr:
        if len(item) == 1:
            t = item[0]
            if t.kind == "number":
                return sp.Integer(int(t.text))
            return _index_symbol(t.text)
        # operand ((+|-) operand)*, as checked by _index_items: n - 1, i + 1
        value, sign = sp.Integer(0), 1
        for t in item:
            if _is_char(t, "+", "-"):
                sign = -1 if t.text == "-" else 1
                continue
            v = sp.Integer(int(t.text)) if t.kind == "number" else _index_symbol(t.text)
            value += sign * v
        return value

    def _label(self, nodes: list, at: int) -> str:
        out = []
        for t in nodes:
            if _is_letter(t) or (isinstance(t, Tok) and t.kind == "number"):
                out.append(t.text)
            elif _is_macro(t) and t.text[1:] in GREEK:
                out.append(t.text[1:])
            elif _is_macro(t, r"\mathrm", r"\text", r"\mathit", r"\textrm") and re.fullmatch(
                    r"[A-Za-z0-9]+", t.arg.strip()):
                out.append(t.arg.strip())
            else:
                raise _Fail("unsupported subscript (use an index such as i, k, 1, (i,k) or "
                            "a name such as KL or \\theta)", getattr(t, "start", at))
        if not out:
            raise _Fail("empty subscript", at)
        return "".join(out)

    # ----- applications ---------------------------------------------------------------
    def _outcome(self, nodes: list, ctx: _Ctx):
        """x, x_i, x_{1}, x^{(i)} -> None (unindexed) or the index tuple; else False."""
        if not nodes or not _is_letter(nodes[0], "x"):
            return False
        if len(nodes) == 1:  # p(x) inside \sum_x is the entry of x
            return (_index_symbol("x"),) if "x" in ctx.bound else None
        if len(nodes) == 3 and _is_char(nodes[1], "_"):
            sub = _arg_nodes(nodes, 2, "'_'", nodes[1].start)
            items = self._index_items(sub, ctx)
        elif len(nodes) == 3 and _is_char(nodes[1], "^"):
            items = self._sup_index_items(nodes[2], ctx)
        else:
            return False
        if items is None or len(items) != 1:
            return False
        return (self._index_value(items[0], ctx),)

    def _outcome_probability(self, name: str, nodes: list, ctx: _Ctx):
        """p(x_i) -> p[i]; p(x_0) -> p_0; p(x) -> the scalar p; anything else -> None."""
        idx = self._outcome(nodes, ctx)
        if idx is False:
            return None
        if idx is None:
            return self.names.unindexed_outcome[name]
        special = self.names.special_entries.get((name, *idx))
        return special if special is not None else self.names.sample_families[name][idx[0]]

    def apply_outcome(self, name: str, group: Group, ctx: _Ctx):
        value = self._outcome_probability(name, group.children, ctx)
        if value is not None:
            return value
        if any(_is_char(t, "|", "=", ";") or _is_macro(t, r"\mid") for t in group.children):
            return self.generic_function(name, group, ctx)
        return None  # p(1 - p): a product

    def apply_bound_outcome(self, name: str, group: Group, ctx: _Ctx):
        """P(x) inside a sum over x: the entry P_x of the distribution P; else None."""
        nodes = [t for t in group.children if not _is_macro(t, *SPACING)]
        if len(nodes) == 1 and _is_letter(nodes[0], "x") and "x" in ctx.bound:
            return self.names.distributions[name][_index_symbol("x")]
        return None

    def apply_model_probability(self, name: str, group: Group, ctx: _Ctx):
        parts, _ = _split_top(group.children,
                              lambda ns, q: 1 if _is_char(ns[q], "|") or _is_macro(ns[q], r"\mid")
                              else 0)
        ok = len(parts) == 2 and len(parts[0]) == 3 and _is_letter(parts[0][0], "Y") and \
            _is_char(parts[0][1], "=") and isinstance(parts[0][2], Tok) and \
            parts[0][2].text in ("0", "1")
        idx = self._outcome(parts[1], ctx) if ok else False
        if not ok or not idx:
            raise _Fail(r"read p_{\theta}(Y = 1 | x_i) (the model probability of sample i)",
                        group.start)
        value = self.names.model_probability[idx[0]]
        return value if parts[0][2].text == "1" else 1 - value

    def _distribution(self, nodes: list, ctx: _Ctx):
        nodes = [t for t in nodes if not _is_macro(t, *SPACING)]
        if len(nodes) == 1 and _is_letter(nodes[0]) and nodes[0].text in self.names.distributions:
            return self.names.distributions[nodes[0].text]
        if (len(nodes) == 2 and _is_letter(nodes[0], "p", "q") and _is_paren(nodes[1])
                and self._outcome(nodes[1].children, ctx) is None):
            return self.names.distributions[nodes[0].text]
        return None

    def apply_entropy(self, name: str, group: Group, ctx: _Ctx):
        args, _ = _split_top(group.children, lambda ns, q: 1 if _is_char(ns[q], ",") else 0)
        dists = [self._distribution(a, ctx) for a in args]
        if len(args) == 1 and dists[0] is not None:
            return Entropy(dists[0])
        if len(args) == 2 and None not in dists:
            return CrossEntropy(*dists)
        if len(args) == 2 and dists == [None, None]:
            a, b = (self.expression(a, ctx, group.start) for a in args)
            return BinaryCrossEntropy(a, b)
        raise _Fail("H(...) takes a distribution (H(p), H(p(x)), H(X)), two distributions "
                    "(H(p, q)) or a label and a probability (H(y_i, \\hat{y}_i))", group.start)

    def apply_kl(self, name: str, group: Group, ctx: _Ctx, strict: bool = True):
        def bars(ns, q):
            if _is_char(ns[q], "|") and q + 1 < len(ns) and _is_char(ns[q + 1], "|"):
                return 2
            return 1 if _is_macro(ns[q], r"\|", r"\parallel", r"\Vert") else 0
        args, _ = _split_top(group.children, bars)
        dists = [self._distribution(a, ctx) for a in args]
        if len(args) == 2 and None not in dists:
            return KLDivergence(*dists)
        if not strict:
            return None
        raise _Fail("D_{KL}(...) takes two distributions: D_{KL}(p || q)", group.start)

    def apply_cross_entropy(self, name: str, group: Group, ctx: _Ctx, strict: bool = True):
        r"""\mathrm{CE}(p, q): the cross-entropy of two distributions."""
        args, _ = _split_top(group.children, lambda ns, q: 1 if _is_char(ns[q], ",") else 0)
        dists = [self._distribution(a, ctx) for a in args]
        if len(args) == 2 and None not in dists:
            return CrossEntropy(*dists)
        if not strict:
            return None
        raise _Fail(f"{name}(...) takes two distributions: {name}(p, q)", group.start)

    def apply_quantity(self, name: str, label, group, ctx: _Ctx):
        r"""A spelling of :data:`xentsym.read.quantities.SPELLINGS` applied to ``group``;
        None when it is no such spelling, or one that is also an ordinary function name
        (``\mathrm{KL}(a \| b)``) applied to other arguments than distributions."""
        kind = SPELLINGS.get((name, label))
        if kind is None or not _is_paren(group):
            return None
        handler = _QUANTITY_READERS[kind]
        if (name, label) in ONLY_OF_DISTRIBUTIONS:
            return handler(self, name, group, ctx, strict=False)
        return handler(self, name, group, ctx)

    def apply_information(self, name: str, group: Group, ctx: _Ctx):
        """I(x_0) -> I of p(x_0); I(prob), e.g. I(p(x_0)) as printed, -> I of that prob."""
        value = self._outcome_probability("p", group.children, ctx)
        if value is None:
            value = self.expression(group.children, ctx, group.start + 1)
        return InformationContent(value)

    def apply_sigmoid(self, name: str, group: Group, ctx: _Ctx):
        r"""\sigma(z) -> Sigmoid(z), the logistic function."""
        args, _ = _split_top(group.children, lambda ns, q: 1 if _is_char(ns[q], ",") else 0)
        if len(args) != 1:
            raise _Fail(r"\sigma(...) (the sigmoid) takes one argument", group.start)
        return Sigmoid(self.expression(group.children, ctx, group.start + 1))

    def generic_function(self, name: str, group: Group, ctx: _Ctx):
        def sep(ns, q):
            if _is_char(ns[q], "|") and q + 1 < len(ns) and _is_char(ns[q + 1], "|"):
                return 2  # p || q
            return 1 if (_is_char(ns[q], ",", ";", "|")
                         or _is_macro(ns[q], r"\mid", r"\|", r"\parallel", r"\Vert")) else 0
        args, _ = _split_top(group.children, sep)
        values = []
        for arg in args:
            if not arg:
                raise _Fail(f"an argument of {name}(...) is missing", group.start)
            sides, ops = _split_top(arg, lambda ns, q: 1 if _is_char(ns[q], "=") else 0)
            if len(ops) > 1:
                raise _Fail("an argument holds more than one '='", ops[1].start)
            if ops:  # the event Y = v: the function is taken at the value v
                if not sides[0]:
                    raise _Fail("an event needs a variable before '='", ops[0].start)
                arg = sides[1]
            values.append(self.expression(arg, ctx, _start(arg, group.start)))
        return sp.Function(name, real=True)(*values)

    # ----- latex2sympy2 and the post-pass ---------------------------------------------
    def _latex2sympy(self, parts, holders, at) -> sp.Expr:
        if not parts:
            raise _Fail("an expression is missing here", at)
        if len(parts) == 1 and len(holders) == 1:
            return next(iter(holders.values()))[0]
        if len(holders) > MAX_TERM_ATOMS or len(parts) > 3 * MAX_TERM_ATOMS:
            raise _Fail(f"more than {MAX_TERM_ATOMS} factors in one product", at)
        if (len(parts) == 2 and len(holders) == 1 and parts[0][0] in "+-"):
            value = next(iter(holders.values()))[0]
            return -value if parts[0][0] == "-" else value
        text, spans = "", []
        for piece, offset in parts:
            spans.append((len(text), offset))
            text += piece + " "
        try:
            out = _call_latex2sympy(text)
        except RecursionError:
            raise _Fail("the formula is too long or too deeply nested to read", at) from None
        except Exception as exc:  # latex2sympy2 raises bare Exceptions
            raise _Fail(f"cannot read this: {_first_line(exc)}", _map_column(exc, spans, at)) \
                from None
        if not isinstance(out, sp.Expr):
            raise _Fail("this does not read as an expression", at)
        found = {s.name for s in out.atoms(sp.Symbol)}
        for name, (_, offset) in holders.items():
            if name not in found:
                raise _Fail("this part of the formula would be lost by the LaTeX reader",
                            offset)
        return self._rebuild(out, holders, at)

    def _rebuild(self, e, holders, at) -> sp.Expr:
        if isinstance(e, sp.Symbol):
            if e.name not in holders:
                raise _Fail(f"the LaTeX reader produced an unexpected symbol {e.name}", at)
            return holders[e.name][0]
        if isinstance(e, (sp.Rational, sp.NumberSymbol)) or e is sp.E or e in (sp.oo, -sp.oo):
            return e
        if not isinstance(e, _REBUILT):
            raise _Fail(f"unsupported construct ({type(e).__name__}) in the formula", at)
        args = [self._rebuild(a, holders, at) for a in e.args]
        if isinstance(e, sp.Pow):
            exponent = e.args[1]
            if isinstance(exponent, sp.Symbol) and exponent.name in holders:
                at = holders[exponent.name][1]
            return _checked_pow(args[0], args[1], at)
        if isinstance(e, sp.factorial):
            (a,) = args
            if a.is_Integer and a > MAX_FACTORIAL:
                raise _Fail(f"factorial of a number above {MAX_FACTORIAL} is not computed", at)
            return sp.factorial(a)
        if isinstance(e, sp.log):
            if len(args) == 2 and args[1] != sp.E:
                return sp.log(args[0], args[1])
            return sp.log(args[0])
        out = e.func(*args)
        if isinstance(out, (sp.Add, sp.Mul)):
            for a in out.args:
                _check_number(a, at)
        _check_number(out, at)
        return out


_REBUILT = (sp.Add, sp.Mul, sp.Pow, sp.log, sp.exp, sp.factorial)


def _check_number(v, at):
    if isinstance(v, sp.Rational) and max(abs(v.p), v.q).bit_length() > MAX_DIGITS * 3.33:
        raise _Fail(f"a number with more than {MAX_DIGITS} digits", at)


def _checked_pow(b: sp.Expr, e: sp.Expr, at: int) -> sp.Expr:
    if e.is_Rational and abs(e) > MAX_EXPONENT:
        raise _Fail(f"exponent larger than {MAX_EXPONENT} (not computed)", at)
    if b.is_Rational and e.is_Rational:
        size = max(_digits(b.p), _digits(b.q))
        if size > 1 and abs(e) * size > MAX_DIGITS:
            raise _Fail(f"the power would have more than {MAX_DIGITS} digits (not computed)", at)
    return sp.Pow(b, e)


def _call_latex2sympy(text: str):
    global _CONFIG
    from latex2sympy2_extended import latex2sympy
    from latex2sympy2_extended.latex2sympy2 import ConversionConfig
    if _CONFIG is None:
        _CONFIG = ConversionConfig(interpret_as_mixed_fractions=False,
                                   interpret_simple_eq_as_assignment=False,
                                   interpret_contains_as_eq=False, lowercase_symbols=False)
    return latex2sympy(text, normalization_config=None, conversion_config=_CONFIG)


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _map_column(exc: Exception, spans: list, default: int) -> int:
    lines = str(exc).splitlines()
    if lines and "^" in lines[-1]:
        col = lines[-1].index("^")
        best = default
        for begin, offset in spans:
            if begin <= col:
                best = offset
        return best
    return default


_QUANTITY_READERS: dict[str, Callable] = {
    "kl": _Reader.apply_kl,
    "entropy": _Reader.apply_entropy,
    "cross-entropy": _Reader.apply_cross_entropy,
}
APPLICATIONS: dict[tuple, Callable] = {
    ("p", None): _Reader.apply_outcome,
    ("q", None): _Reader.apply_outcome,
    ("p", "theta"): _Reader.apply_model_probability,
    ("P", None): _Reader.apply_bound_outcome,
    ("Q", None): _Reader.apply_bound_outcome,
    ("I", None): _Reader.apply_information,
    ("sigma", None): _Reader.apply_sigmoid,
    # H, D_{KL}, \mathrm{KL}, \mathrm{CE} ...: the table of xentsym.read.quantities
    **{key: (lambda self, name, group, ctx, key=key:
             self.apply_quantity(key[0], key[1], group, ctx)) for key in SPELLINGS},
}


# --------------------------------------------------------------------------------------
# Chains, relations, objectives
# --------------------------------------------------------------------------------------
def _objective_prefix(nodes: list) -> tuple[str, list, int] | None:
    """(sense, wrt nodes, index after the prefix) if nodes start with arg max/min, in any
    spelling of :mod:`xentsym.read.optimisers`."""
    k = 0
    while k < len(nodes) and _is_macro(nodes[k], *SPACING):
        k += 1
    if k >= len(nodes):
        return None
    node = nodes[k]
    spacing = lambda t: _is_macro(t, *SPACING)  # noqa: E731
    braced = lambda t: t.children if isinstance(t, Group) and t.kind == "brace" else None  # noqa: E731,E501
    found = optimisers.wrapped(nodes, k, _is_macro, spacing, braced)
    if found is not None and found[1] is not None:  # \underset{\theta}{\arg\max}
        sense, wrt, k = found
        if not [t for t in wrt if not spacing(t)]:
            raise _Fail(f"arg {sense} needs the optimised variable below it", node.start)
        return sense, wrt, k
    if found is not None:  # \mathop{\mathrm{argmax}}
        sense, _, k = found
    else:
        found = optimisers.core(nodes, k, _is_macro, spacing)
        if found is None:
            return None
        sense, k = found
        if sense is None:
            raise _Fail(r"\arg must be followed by \max or \min", node.start)
    while k < len(nodes) and _is_macro(nodes[k], r"\limits", r"\nolimits", *SPACING):
        k += 1
    if k + 1 >= len(nodes) or not _is_char(nodes[k], "_"):
        raise _Fail(f"arg {sense} needs the optimised variable as a subscript, e.g. "
                    rf"\arg\{sense}_{{\theta}}", node.start)
    wrt = _arg_nodes(nodes, k + 1, "arg " + sense, node.start)
    return sense, wrt, k + 2


def _item(reader: _Reader, nodes: list, at: int):
    prefix = _objective_prefix(nodes)
    if prefix is None:
        return reader.expression(nodes, _Ctx(), at)
    sense, wrt, k = prefix
    names, _ = _split_top(wrt, lambda ns, q: 1 if _is_char(ns[q], ",") else 0)
    symbols = []
    for name_nodes in names:
        if not name_nodes:
            raise _Fail("an optimised variable is missing", at)
        value, end = reader.identifier(name_nodes, 0, _Ctx())
        if end != len(name_nodes):
            raise _Fail("the subscript of arg max/min must list variables", name_nodes[0].start)
        symbols.append(value)
    wrt_latex = reader.src[wrt[0].start:wrt[-1].end] if wrt else ""
    body = nodes[k:]
    if not body:
        raise _Fail(f"arg {sense} has nothing to optimise", at)
    return Objective(sense, wrt_latex, tuple(symbols),
                     reader.expression(body, _Ctx(), body[0].start))


def _chain_nodes(tree: list) -> list:
    """Unwrap an aligned-like environment; drop alignment marks and line breaks."""
    nodes = [n for n in tree if not _is_macro(n, *SPACING)]
    if len(nodes) == 1 and isinstance(nodes[0], Env) and nodes[0].name in CHAIN_ENVIRONMENTS:
        nodes = nodes[0].children
    return [n for n in nodes if not (_is_char(n, "&") or _is_macro(n, r"\\"))]


def _read_chain(reader: _Reader, tree: list) -> tuple[list, list, list]:
    nodes = _chain_nodes(tree)
    if not nodes:
        raise _Fail("the formula is empty", 0)
    segments, ops = _split_top(nodes, lambda ns, q: 1 if _relation_of(ns[q]) else 0)
    items, starts = [], []
    for s, segment in enumerate(segments):
        at = ops[s - 1].end if s else 0
        segment = reader._strip_punctuation(segment)
        if not segment:
            where = ops[s - 1] if s else ops[0]
            side = "right" if s else "left"
            raise _Fail(f"the relation '{where.text}' has no {side} side", where.start)
        items.append(_item(reader, segment, at))
        starts.append(segment[0].start)
    return items, [_relation_of(o) for o in ops], starts


# --------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------
def _locate(src: str, offset: int, line: int | None, column: int | None):
    offset = max(0, min(offset, len(src)))
    newlines = src.count("\n", 0, offset)
    if newlines == 0:
        return (line if line is not None else 1), (column if column is not None else 1) + offset
    last = src.rfind("\n", 0, offset)
    return (line if line is not None else 1) + newlines, offset - last


def _run(latex, file, line, column, body, plain=False):
    """Tokenize and build the tree under the limits, run body, convert every failure."""
    try:
        if not isinstance(latex, str):
            raise _Fail(f"expected a LaTeX string, got {type(latex).__name__}", 0)
        if len(latex) > MAX_LENGTH:
            raise _Fail(f"formula longer than {MAX_LENGTH} characters", MAX_LENGTH)
        reader = _Reader(latex, plain)
        tree = _build_tree(_tokenize(latex))
        side_by_side = split_arguments(
            tree, lambda node: isinstance(node, Group) and node.kind == "bracket",
            lambda node: _is_macro(node, *SPACING))
        if side_by_side is not None:
            raise _Fail(*side_by_side)
        result = body(reader, tree)
        warnings = [ParseWarning(msg, *_locate(latex, off, line, column))
                    for msg, off in reader.warnings]
        return result, warnings, reader
    except _Fail as exc:
        ln, col = _locate(latex if isinstance(latex, str) else "", exc.offset, line, column)
        raise ParseError(exc.message, file=file, line=ln, column=col) from None
    except ParseError:
        raise
    except RecursionError:
        ln, col = _locate("", 0, line, column)
        raise ParseError("the formula is too deeply nested to read", file=file, line=ln,
                         column=col) from None
    except Exception as exc:  # never let another exception escape
        ln, col = _locate("", 0, line, column)
        raise ParseError(f"cannot read the formula ({type(exc).__name__}: {exc})", file=file,
                         line=ln, column=col) from None


def _single(reader: _Reader, tree: list) -> sp.Expr:
    nodes = [n for n in tree if not _is_macro(n, *SPACING)]
    nodes = reader._strip_punctuation(nodes) if nodes and _is_char(nodes[-1], ".", ",") else nodes
    if not nodes:
        raise _Fail("the formula is empty", 0)
    for node in nodes:
        if _relation_of(node):
            raise _Fail(f"found the relation '{node.text}': parse reads one expression; use "
                        "parse_relation or parse_chain", node.start)
    if _objective_prefix(nodes) is not None:
        raise _Fail(r"\arg\max / \arg\min is an optimiser: use parse_objective",
                    nodes[0].start)
    return reader.expression(nodes, _Ctx(), 0)


def parse(latex: str, *, file: str | None = None, line: int | None = None,
          column: int | None = None, warnings: list | None = None,
          plain: bool = False) -> sp.Expr:
    r"""Read one expression (no relation) written in the lecture's notation.

    ``line``/``column`` say where the string starts in its file (1-based); errors and
    warnings are located relative to them. Warnings (:class:`ParseWarning`) are appended to
    ``warnings`` when a list is given.

    >>> parse(r"y^{(i)} \log p(x_i)") == nt.y[nt.i] * sp.log(nt.p[nt.i])
    True
    >>> parse(r"H(p, q)")
    CrossEntropy(p, q)

    ``plain=True`` reads names without the lecture's domains (check-doc gives them theirs):

    >>> parse(r"\sqrt{q^{2}}"), parse(r"\sqrt{q^{2}}", plain=True)
    (q, Abs(q))
    """
    expr, found, _ = _run(latex, file, line, column, _single, plain)
    if warnings is not None:
        warnings.extend(found)
    return expr


def bind(expr, scope):
    """``expr`` as read, with its names bound to the declarations of ``scope``.

    The reader builds a name it has no table entry for as a real ``Symbol`` (``m``, ``a``) or
    a real ``IndexedBase`` (``t_{1}``). A derivation that declares such a name itself (a
    positive probability ``a``, an integer ``m``, a family ``t`` with other assumptions)
    holds a different object of the same name. ``bind`` replaces each family by the declared
    family of that label (:meth:`Scope.canonical`) and each undeclared plain symbol by the one
    declared symbol of that name; a name declared twice (or not at all) is left alone.
    ``expr`` may also be an :class:`Objective` (its expression is bound).
    """
    if isinstance(expr, Objective):
        return Objective(expr.sense, expr.wrt_latex, tuple(bind(w, scope) for w in expr.wrt),
                         bind(expr.expr, scope))
    expr = scope.canonical(expr)
    named: dict[str, list] = {}
    for decl in scope:
        if isinstance(decl.obj, sp.Symbol):
            named.setdefault(decl.obj.name, []).append(decl.obj)
    # Hide the families first, so that a label that shares a name is never replaced.
    hidden = {base: sp.IndexedBase(sp.Dummy(str(base.label)))
              for base in expr.atoms(sp.IndexedBase)}
    masked = expr.xreplace(hidden) if hidden else expr
    swap = {}
    for sym in masked.free_symbols:
        if not isinstance(sym, sp.Symbol) or isinstance(sym, sp.Dummy):
            continue
        if scope.lookup(sym) is None and len(named.get(sym.name, ())) == 1:
            swap[sym] = named[sym.name][0]
    if not swap:
        return expr
    out = masked.xreplace(swap)
    return out.xreplace({mask: base for base, mask in hidden.items()}) if hidden else out


def parse_with_warnings(latex: str, *, file: str | None = None, line: int | None = None,
                        column: int | None = None) -> tuple[sp.Expr, list[ParseWarning]]:
    """Like :func:`parse`, returning ``(expr, warnings)``."""
    expr, found, _ = _run(latex, file, line, column, _single)
    return expr, found


def parse_chain(latex: str, *, file: str | None = None, line: int | None = None,
                column: int | None = None, plain: bool = False) -> Chain:
    r"""Read ``a = b = c`` (also inside ``\begin{aligned} .. &= .. \\ .. \end{aligned}``).

    Operands are expressions or :class:`Objective` (``\arg\max_{\theta} ...``).
    """
    def body(reader, tree):
        return _read_chain(reader, tree)
    (items, ops, starts), found, _ = _run(latex, file, line, column, body, plain)
    positions = tuple(_locate(latex, s, line, column) for s in starts)
    return Chain(tuple(items), tuple(ops), positions, tuple(found))


def parse_relation(latex: str, *, file: str | None = None, line: int | None = None,
                   column: int | None = None, warnings: list | None = None,
                   plain: bool = False):
    """Read ``lhs REL rhs`` with exactly one relation; return ``(lhs, rel, rhs)``.

    ``rel`` is one of ``=``, ``<``, ``>``, ``<=``, ``>=``, ``!=``; a side may be an
    :class:`Objective`.
    """
    chain = parse_chain(latex, file=file, line=line, column=column, plain=plain)
    if len(chain.relations) != 1:
        ln, col = _locate(latex, 0, line, column)
        raise ParseError(f"expected exactly one relation, found {len(chain.relations)}",
                         file=file, line=ln, column=col)
    if warnings is not None:
        warnings.extend(chain.warnings)
    return chain.items[0], chain.relations[0], chain.items[1]


def parse_objective(latex: str, *, file: str | None = None, line: int | None = None,
                    column: int | None = None, warnings: list | None = None,
                    plain: bool = False) -> Objective:
    r"""Read ``\arg\max_{\theta} expr`` or ``\arg\min_{\theta} expr``."""
    def body(reader, tree):
        nodes = _chain_nodes(tree)
        if _objective_prefix(nodes) is None:
            raise _Fail(r"expected \arg\max_{...} or \arg\min_{...}", _start(nodes, 0))
        for node in nodes:
            if _relation_of(node):
                raise _Fail(f"unexpected relation '{node.text}'", node.start)
        return _item(reader, reader._strip_punctuation(nodes), 0)
    obj, found, _ = _run(latex, file, line, column, body, plain)
    if warnings is not None:
        warnings.extend(found)
    return obj
