r"""The slips a refuted step may hold: small edits of its sides, in the order they are tried.

Each :class:`Slip` is a kind of mistake with the edits that would undo it. The diagnosis
(:mod:`xentsym.diagnose`) tries the edits of :data:`SLIPS` in table order, and inside one
slip from the outermost part of the formula inward, so the first edit that makes the step
hold is the smallest by that order:

1. ``relation``: the inequality reversed, or arg max for arg min;
2. ``sign``: the sign of the whole side, then of one term;
3. ``factor``: one factor too many (``1/N``, a coefficient, ``x_{i,j}``);
4. ``swap``: two arguments swapped (``H(p, q)``), two names exchanged (``p`` and ``q``),
   one name for another (``H(q)`` for ``H(p)``), a probability for its complement
   (``\hat{y}`` for ``1 - \hat{y}``), a quotient upside down;
5. ``index``: one index written for another (``i`` for ``k``);
6. ``log``: a logarithm rule misapplied (``\log(a + b)`` or ``\log \sum`` split like a
   product, ``\log a / \log b`` for ``\log(a/b)``, ``(\log a)^b`` for ``b \log a``,
   ``\prod \log`` for ``\sum \log``, ``\log(2K)`` like ``\log K^2``);
7. ``base``: a logarithm in the wrong base (a factor ``\ln 2`` too many or missing);
8. ``constant``: a number or a power off by one;
9. ``relation`` again: an equation where only an inequality holds (it says less than the
   edits above, so it comes after them);
10. ``factor`` again: one factor missing (``x_{i,j}``, ``e^{z_k}``, 2), the largest family;
11. ``term``: one term missing (a name of the step, ``\hat{y}_k``, with either sign).

An edit never touches what the step does not show: it works on the sides as read.

>>> a, b = sp.symbols("a b", positive=True)
>>> [sp.sstr(e.rhs) for e in sign_edits(a, a - b, "=")]
['-a + b', '-a - b', 'a + b']
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Callable, Iterator

import sympy as sp
from sympy.core.function import AppliedUndef

from .edits import Edit, edits_of, expression, factors, is_name, positions, positions_of
from .lostparts import missing_factor_edits, missing_term_edits
from .read.results import Objective

REVERSED = {"<=": ">=", ">=": "<=", "<": ">", ">": "<"}


@dataclass(frozen=True)
class Slip:
    """A kind of mistake and the edits that undo it."""

    kind: str
    edits: Callable[..., Iterator[Edit]]  # (lhs, rhs, relation[, context])


def relation_edits(lhs, rhs, relation) -> Iterator[Edit]:
    """The inequality reversed; arg max written for arg min (or back)."""
    if relation in REVERSED:
        yield Edit("relation", lhs, rhs, REVERSED[relation], relation, REVERSED[relation],
                   says="the inequality looks reversed")
    if isinstance(lhs, Objective) and isinstance(rhs, Objective):
        other = "min" if rhs.sense == "max" else "max"
        yield Edit("relation", lhs, Objective(other, rhs.wrt_latex, rhs.wrt, rhs.expr),
                   relation, f"arg {rhs.sense}", f"arg {other}",
                   says="arg max and arg min look swapped")


def weaker_edits(lhs, rhs, relation) -> Iterator[Edit]:
    """An equation where only an inequality holds (log E[t] = E[log t])."""
    if relation == "=" and not isinstance(lhs, Objective):
        for weaker in ("<=", ">="):
            yield Edit("relation", lhs, rhs, weaker, "=", weaker,
                       says="only an inequality holds here")


def sign_edits(lhs, rhs, relation) -> Iterator[Edit]:
    """The sign of the whole right side (of an equation), then of one term (outermost
    first)."""
    def whole(e):
        # Not for an inequality: a side made negative makes many a false bound trivially
        # true (e^a >= -e^b), and what was meant is rarely that.
        if e != 0 and relation not in REVERSED:
            yield e, -e, -e
    yield from edits_of("sign", lhs, rhs, relation, "the sign of the right side looks "
                         "flipped", whole)

    def terms(e):
        for node, rebuild in positions_of(e, sp.Add):
            for t in node.args:
                yield t, -t, rebuild(node - 2 * t)
    yield from edits_of("sign", lhs, rhs, relation, "the sign of the term {before} looks "
                         "flipped", terms)


def factor_edits(lhs, rhs, relation) -> Iterator[Edit]:
    """One factor dropped from a product of the right side."""
    def dropped(e):
        for node, rebuild in positions_of(e, sp.Mul):
            for f in factors(node):
                yield f, sp.S.One, rebuild(node / f)
    yield from edits_of("factor", lhs, rhs, relation, "the factor {before} looks "
                         "superfluous", dropped)


def swap_edits(lhs, rhs, relation) -> Iterator[Edit]:
    """Two arguments swapped; two names exchanged; one name for another; a quotient
    upside down."""
    def arguments(e):
        for node, rebuild in positions(e):
            if isinstance(node, sp.Function) and len(node.args) == 2 and \
                    node.args[0] != node.args[1]:
                flipped = node.func(*reversed(node.args))
                yield node, flipped, rebuild(flipped)
    yield from edits_of("swap", lhs, rhs, relation, "the arguments of {before} look "
                         "swapped", arguments)
    step = [x for x in (expression(lhs), expression(rhs)) if x is not None]
    names = sorted({b for x in step for b in x.atoms(sp.IndexedBase)}, key=sp.default_sort_key)

    def exchanged(e):
        for p, q in combinations(names, 2):
            if e.has(p) and e.has(q):
                yield p, q, e.xreplace({p: q, q: p})
    yield from edits_of("swap", lhs, rhs, relation, "{before} and {after} look swapped",
                         exchanged)

    def replaced(e):
        for node, rebuild in positions(e):
            if node in names:
                for q in names:
                    if q != node:
                        yield node, q, rebuild(q)
    yield from edits_of("swap", lhs, rhs, relation, "{before} looks written for {after}",
                         replaced)

    def complement(e):
        for node, rebuild in positions(e):
            if is_name(node) or type(node).__name__ == "Sigmoid" or (
                    isinstance(node, AppliedUndef) and len(node.args) == 1):
                yield node, 1 - node, rebuild(1 - node)
    yield from edits_of("swap", lhs, rhs, relation, "{before} looks written for its "
                         "complement {after}", complement)

    def inverted(e):
        for node, rebuild in positions(e):
            if isinstance(node, sp.Mul):
                num, den = node.as_numer_denom()
                if den != 1 and num != 1:
                    yield node, den / num, rebuild(den / num)
            if isinstance(node, sp.Pow) and node.exp == -1 and not node.base.is_number:
                yield node, node.base, rebuild(node.base)
    yield from edits_of("swap", lhs, rhs, relation, "the quotient {before} looks upside "
                         "down", inverted)


def index_edits(lhs, rhs, relation) -> Iterator[Edit]:
    """One free index of the right side written for another index of the step."""
    def indices(x):
        return {s for s in x.free_symbols if isinstance(s, sp.Symbol) and s.is_integer
                and len(s.name) == 1}
    left = expression(lhs)
    others = sorted(indices(left) if left is not None else set(), key=str)

    def changes(e):
        for i in sorted(indices(e), key=str):
            for k in others:
                if k != i:
                    yield i, k, e.xreplace({i: k})
    yield from edits_of("index", lhs, rhs, relation, "the index {before} looks written "
                         "for {after}", changes)


def log_edits(lhs, rhs, relation) -> Iterator[Edit]:
    r"""A logarithm rule misapplied: on the right, ``\log a / \log b`` for ``\log a - \log
    b`` and ``(\log a)^b`` for ``b \log a``; on the left, ``\log(a + b)`` split as if it were
    ``\log(a b)``."""
    def right(e):
        for node, rebuild in positions(e):
            if isinstance(node, sp.Mul):
                logs = [f for f in node.args if isinstance(f, sp.log)]
                inverse = [f for f in node.args if isinstance(f, sp.Pow) and f.exp == -1
                           and isinstance(f.base, sp.log)]
                if len(logs) == 1 and len(inverse) == 1:
                    fixed = node / (logs[0] * inverse[0]) * (logs[0] - inverse[0].base)
                    yield node, fixed, rebuild(fixed)
            if isinstance(node, sp.Pow) and isinstance(node.base, sp.log) and \
                    node.exp != -1:
                fixed = node.exp * node.base
                yield node, fixed, rebuild(fixed)
            if isinstance(node, sp.Product) and isinstance(node.function, sp.log):
                fixed = sp.Sum(node.function, *node.limits)
                yield node, fixed, rebuild(fixed)
    yield from edits_of("log", lhs, rhs, relation, "a logarithm rule looks misapplied",
                         right)

    def left(e):
        for node, rebuild in positions_of(e, sp.log):
            arg = node.args[0]
            if isinstance(arg, sp.Add):
                fixed = sp.log(sp.Mul(*arg.args))
            elif isinstance(arg, sp.Sum):
                fixed = sp.log(sp.Product(arg.function, *arg.limits))
            elif isinstance(arg, sp.Mul) and arg.args[0].is_Integer and arg.args[0] > 1:
                fixed = sp.log(sp.Mul(*arg.args[1:]) ** arg.args[0])  # log(2K) read as log K^2
            else:
                continue
            yield node, fixed, rebuild(fixed)
    yield from edits_of("log", lhs, rhs, relation, "a logarithm rule looks misapplied: the "
                         "right side expands {after}, not {before}", left, "left")


def base_edits(lhs, rhs, relation) -> Iterator[Edit]:
    """A logarithm in the wrong base: the right side in nats where bits were meant (or
    back), or one logarithm so."""
    def changes(e):
        if not e.has(sp.log):
            return
        for factor in (1 / sp.log(2), sp.log(2)):
            yield sp.S.One, factor, e * factor
        for node, rebuild in positions_of(e, sp.log):
            for factor in (1 / sp.log(2), sp.log(2)) if node.args[0] != 2 else ():
                yield node, node * factor, rebuild(node * factor)
    yield from edits_of("base", lhs, rhs, relation, "a logarithm looks taken in the wrong "
                         "base: {before} should be {after}", changes)


def constant_edits(lhs, rhs, relation) -> Iterator[Edit]:
    """A whole number or a power off by one."""
    def changes(e):
        for node, rebuild in positions(e):
            if isinstance(node, sp.log):
                continue  # log 2 -> log 1 is no slip anyone makes
            if isinstance(node, sp.Integer) and abs(node) > 1:
                for new in (node - 1, node + 1):
                    yield node, new, rebuild(new)
            if isinstance(node, sp.Pow) and node.exp.is_Integer and not node.base.is_number:
                for exp in (node.exp - 1, node.exp + 1):
                    if exp != 0:
                        new = node.base ** exp
                        yield node, new, rebuild(new)
    yield from edits_of("constant", lhs, rhs, relation, "{before} looks off by one: "
                         "{after}", changes)


SLIPS = (
    Slip("relation", relation_edits),
    Slip("sign", sign_edits),
    Slip("factor", factor_edits),
    Slip("swap", swap_edits),
    Slip("index", index_edits),
    Slip("log", log_edits),
    Slip("base", base_edits),
    Slip("constant", constant_edits),
    Slip("relation", weaker_edits),  # says less than any edit above: tried after them
    Slip("factor", missing_factor_edits),  # the largest family of edits: tried late
    Slip("term", missing_term_edits),
)


def candidates(lhs, rhs, relation, context=()) -> Iterator[Edit]:
    """Every edit of every slip, in table order; ``context``: the sides with the document's
    definitions written out, where a lost factor may be found (x_{i,j} inside J(w))."""
    for slip in SLIPS:
        if slip.edits in (missing_factor_edits, missing_term_edits):
            yield from slip.edits(lhs, rhs, relation, context)
        else:
            yield from slip.edits(lhs, rhs, relation)


__all__ = ["Edit", "SLIPS", "Slip", "candidates"]
