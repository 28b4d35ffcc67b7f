r"""LaTeX -> SymPy for the lecture's notation, through latex2sympy2 plus a notation layer.

How a string is read
--------------------
1. **Limits** first: at most ``MAX_LENGTH`` characters, printable text only (anything
   else outside ``\text{...}`` is refused with its column), brackets nested at most
   ``MAX_DEPTH`` deep, numerals of at most ``MAX_NUMERAL_DIGITS`` digits.
2. A small **tokenizer** (every token keeps its offset) and a **tree builder** that pairs
   ``{ }``, ``( )``, ``[ ]``, ``\left( \right)``, ``\begin{..} \end{..}``.
3. The **notation layer** walks the tree. It recognises the lecture's constructs from the
   tables of :mod:`.read.tables` and :mod:`.read.lecture_preset` (``y^{(i)}``, ``p(x_i)``,
   ``H(p, q)``, ``D_{KL}(p||q)``, sums, cases ...) and builds their SymPy objects itself.
   Each flat term that is left — products, fractions, powers, ``\log`` without brackets,
   unary minus — is handed to latex2sympy2 with every identifier, number and bracketed
   group replaced by an opaque ``\variable{vN}`` placeholder. latex2sympy2 therefore never
   sees a letter (no lower-casing, no ``I`` as the imaginary unit, no ``\log`` in base 10)
   and never sees nested brackets (its ANTLR grammar is very slow on those).
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

Where each step lives (data flows one way: tokens -> tree -> readers -> SymPy)
------------------------------------------------------------------------------
:mod:`.read.tokens` (tokenizer, tree, source limits), :mod:`.read.nodes` (predicates on the
tree), :mod:`.read.tables` and :mod:`.read.lecture_preset` (what names mean), the readers of
each construct family assembled in :mod:`.read.reader` (:mod:`.read.terms`,
:mod:`.read.calculus`, :mod:`.read.operators`, :mod:`.read.identifiers`, :mod:`.read.applied`),
:mod:`.read.bridge` (latex2sympy2 and the checked post-pass), :mod:`.read.chains` (relations,
chains, objectives) and :mod:`.read.results`. This module is the public entry point.
"""
from __future__ import annotations

import sympy as sp

from . import notation as nt  # noqa: F401 (the doctests of parse use it)
from .bound import derivative_indices
from .errors import ParseError
from .read.arguments import split_arguments
from .read.bridge import MAX_DIGITS, MAX_EXPONENT
from .read.kronecker import kronecker
from .read.chains import chain_nodes, objective_prefix, read_chain, read_item
from .read.nodes import Ctx, is_char, is_macro, relation_of, start_of
from .read.reader import Reader
from .read.results import Chain, Objective, ParseWarning
from .read.tables import SPACING
from .read.tokens import MAX_DEPTH, MAX_LENGTH, Fail, Group, build_tree, tokenize
from .read.vectors import finish

__all__ = ["parse", "parse_with_warnings", "parse_relation", "parse_objective",
           "parse_chain", "bind", "Objective", "Chain", "ParseWarning", "ParseError",
           "MAX_LENGTH", "MAX_DEPTH", "MAX_EXPONENT", "MAX_DIGITS"]


def _locate(src: str, offset: int, line: int | None, column: int | None):
    offset = max(0, min(offset, len(src)))
    newlines = src.count("\n", 0, offset)
    if newlines == 0:
        return (line if line is not None else 1), (column if column is not None else 1) + offset
    last = src.rfind("\n", 0, offset)
    return (line if line is not None else 1) + newlines, offset - last


def _run(latex, file, line, column, body, plain=False, functions=frozenset()):
    """Tokenize and build the tree under the limits, run body, convert every failure."""
    try:
        if not isinstance(latex, str):
            raise Fail(f"expected a LaTeX string, got {type(latex).__name__}", 0)
        if len(latex) > MAX_LENGTH:
            raise Fail(f"formula longer than {MAX_LENGTH} characters", MAX_LENGTH)
        reader = Reader(latex, plain, functions)
        tree = build_tree(tokenize(latex))
        side_by_side = split_arguments(
            tree, lambda node: isinstance(node, Group) and node.kind == "bracket",
            lambda node: is_macro(node, *SPACING))
        if side_by_side is not None:
            raise Fail(*side_by_side)
        result = body(reader, tree)
        warnings = [ParseWarning(msg, *_locate(latex, off, line, column))
                    for msg, off in reader.warnings]
        return result, warnings, reader
    except Fail as exc:
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


def _single(reader: Reader, tree: list) -> sp.Expr:
    nodes = [n for n in tree if not is_macro(n, *SPACING)]
    nodes = reader._strip_punctuation(nodes) if nodes and is_char(nodes[-1], ".", ",") else nodes
    if not nodes:
        raise Fail("the formula is empty", 0)
    for node in nodes:
        if relation_of(node):
            raise Fail(f"found the relation '{node.text}': parse reads one expression; use "
                       "parse_relation or parse_chain", node.start)
    if objective_prefix(nodes) is not None:
        raise Fail(r"\arg\max / \arg\min is an optimiser: use parse_objective",
                   nodes[0].start)
    return finish(reader.expression(nodes, Ctx(), 0))


def parse(latex: str, *, file: str | None = None, line: int | None = None,
          column: int | None = None, warnings: list | None = None,
          plain: bool = False, functions=frozenset()) -> sp.Expr:
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
    expr, found, _ = _run(latex, file, line, column, _single, plain, functions)
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
    if not any(str(getattr(d.obj, "label", d.obj)) == "delta" for d in scope):
        expr = kronecker(expr)  # \delta_{km}: a Kronecker delta unless delta is declared
    named: dict[str, list] = {}
    for decl in scope:
        if isinstance(decl.obj, sp.Symbol):
            named.setdefault(decl.obj.name, []).append(decl.obj)
    # Hide the families first, so that a label that shares a name is never replaced.
    hidden = {base: sp.IndexedBase(sp.Dummy(str(base.label)))
              for base in expr.atoms(sp.IndexedBase)}
    masked = expr.xreplace(hidden) if hidden else expr
    swap = {}
    # d/dw_j of an expression without w_j: j is the derivation's declared index all the same
    for sym in masked.free_symbols | derivative_indices(masked):
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
        return read_chain(reader, tree)
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
                    plain: bool = False, functions=frozenset()) -> Objective:
    r"""Read ``\arg\max_{\theta} expr`` or ``\arg\min_{\theta} expr``."""
    def body(reader, tree):
        nodes = chain_nodes(tree)
        if objective_prefix(nodes) is None:
            raise Fail(r"expected \arg\max_{...} or \arg\min_{...}", start_of(nodes, 0))
        for node in nodes:
            if relation_of(node):
                raise Fail(f"unexpected relation '{node.text}'", node.start)
        return read_item(reader, reader._strip_punctuation(nodes), 0)
    obj, found, _ = _run(latex, file, line, column, body, plain, functions)
    if warnings is not None:
        warnings.extend(found)
    return obj
