"""Named inequalities (Gibbs, entropy bounds, Jensen for log, log t <= t - 1, log-sum) as a
table of facts F >= 0, each instantiated only where its side conditions are proved.

A step lhs <= rhs is then certified by one fact: rhs - lhs - F normalises to 0 or to
something visibly non-negative, so rhs - lhs >= F >= 0. Instances are built from the
vectors the difference itself sums over (a family indexed along the summed axis) and
from its logarithms; the side conditions come from the declared domains (a distribution
summed over its whole axis, entries proved positive), never from the shape alone.
"""
from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from .. import conditions as cond
from ..notation import Scope

MAX_INSTANCES = 48  # facts tried per step at most


@dataclass(frozen=True)
class Vector:
    """The entries base[head..., k] for k from lo to hi: a family along its last axis."""

    base: sp.IndexedBase
    head: tuple
    lo: sp.Expr
    hi: sp.Expr

    def at(self, k: sp.Symbol) -> sp.Expr:
        return self.base[(*self.head, k)]

    def limits(self, k: sp.Symbol) -> tuple:
        return (k, self.lo, self.hi)

    def sum(self, body) -> sp.Expr:
        """sum_k body(k) over this vector's range, with a fresh index."""
        k = sp.Dummy("k", integer=True)
        return sp.Sum(body(k), self.limits(k))


def _vectors(expr: sp.Expr) -> list[Vector]:
    """Every family summed along its last axis in ``expr``, with the sum's range."""
    found = []
    for s in expr.atoms(sp.Sum):
        if len(s.limits) != 1:
            continue
        (k, lo, hi), = s.limits
        for ix in s.function.atoms(sp.Indexed):
            head = ix.indices[:-1]
            if ix.indices[-1] == k and not any(h.has(k) for h in head):
                v = Vector(ix.base, head, lo, hi)
                if v not in found:
                    found.append(v)
    return sorted(found, key=lambda v: sp.default_sort_key((v.base, v.head, v.lo, v.hi)))


def _distribution(v: Vector, scope: Scope) -> bool:
    """v runs over the whole axis of a declared distribution: entries in (0, 1], sum 1."""
    decl = scope.lookup(v.base)
    return (decl is not None and decl.domain.axis_rule == "simplex" and bool(decl.over)
            and v.lo == 1 and v.hi == decl.over[-1])


def _positive_entries(v: Vector) -> bool:
    """Every entry proved positive and the range not empty."""
    k = sp.Dummy("k", integer=True)
    return (v.hi - v.lo).is_nonnegative is True and cond.positive(v.at(k))


def _gibbs(p: Vector, q: Vector) -> sp.Expr:
    return p.sum(lambda k: p.at(k) * (sp.log(p.at(k)) - sp.log(q.at(k))))


def _entropy(p: Vector) -> sp.Expr:
    return -p.sum(lambda k: p.at(k) * sp.log(p.at(k)))


def _log_sum(a: Vector, b: Vector) -> sp.Expr:
    sa, sb = a.sum(a.at), b.sum(b.at)
    return a.sum(lambda k: a.at(k) * (sp.log(a.at(k)) - sp.log(b.at(k)))) \
        - sa * (sp.log(sa) - sp.log(sb))


def _same_range(a: Vector, b: Vector) -> bool:
    return a != b and (a.lo, a.hi) == (b.lo, b.hi)


# (name, arity, side conditions on the vectors, the non-negative expression)
VECTOR_FACTS = (
    ("Gibbs' inequality: D_KL(p || q) >= 0", 2,
     lambda s, p, q: _same_range(p, q) and _distribution(p, s) and _distribution(q, s),
     _gibbs),
    ("entropy is non-negative: H(p) >= 0", 1, lambda s, p: _distribution(p, s), _entropy),
    ("entropy is at most the log of the number of outcomes: H(p) <= log K", 1,
     lambda s, p: _distribution(p, s), lambda p: sp.log(p.hi) - _entropy(p)),
    ("the log-sum inequality (a_i, b_i > 0)", 2,
     lambda s, a, b: _same_range(a, b) and _positive_entries(a) and _positive_entries(b),
     _log_sum),
)


def _jensen(expr: sp.Expr, scope: Scope) -> list:
    """log sum_k p_k g_k - sum_k p_k log g_k >= 0 (log is concave) for each log of a sum
    whose summand is a distribution's entry p_k times a positive g_k."""
    out = []
    for lg in expr.atoms(sp.log):
        s = lg.args[0]
        if not isinstance(s, sp.Sum) or len(s.limits) != 1:
            continue
        (k, lo, hi), = s.limits
        for f in sp.Mul.make_args(s.function):
            if not (isinstance(f, sp.Indexed) and f.indices[-1] == k):
                continue
            v = Vector(f.base, f.indices[:-1], lo, hi)
            g = s.function / f
            if not any(h.has(k) for h in v.head) and _distribution(v, scope) \
                    and cond.positive(g):
                out.append(("Jensen's inequality for the concave log",
                            lg - sp.Sum(f * sp.log(g), (k, lo, hi))))
                break
    return out


def _log_gaps(expr: sp.Expr, bound: set) -> list:
    """c (t - 1 - log t) >= 0 for each log t outside sums, t > 0, with c the coefficient
    of -log t in ``expr`` when that is a positive number or proved non-negative."""
    out = []
    expanded = sp.expand(expr, log=False, power_base=False, power_exp=False)
    for lg in sorted(expanded.atoms(sp.log), key=sp.default_sort_key):
        t = lg.args[0]
        if t.free_symbols & bound or t.has(sp.Sum, sp.Product):
            continue
        c = -expanded.coeff(lg)
        if c.free_symbols or c.has(lg) or not (c.is_number and c > 0):
            continue
        if cond.positive(t):
            out.append(("log t <= t - 1 for t > 0", c * (t - 1 - lg)))
    return out


def named_facts(diff: sp.Expr, normal: sp.Expr, scope: Scope) -> list:
    """(name, F) for the named facts F >= 0 whose side conditions hold, built from the
    raw difference ``diff`` = rhs - lhs and its normal form ``normal``."""
    from itertools import permutations
    vectors = _vectors(diff)
    vectors += [v for v in _vectors(normal) if v not in vectors]
    found = []
    for name, arity, holds, fact in VECTOR_FACTS:
        for vs in permutations(vectors, arity):
            if len(found) >= MAX_INSTANCES:
                return found
            if holds(scope, *vs):
                found.append((name, fact(*vs)))
    bound = {lim[0] for e in normal.atoms(sp.Sum, sp.Product) for lim in e.limits}
    found += _jensen(diff, scope) + _log_gaps(normal, bound)
    return found[:MAX_INSTANCES]
