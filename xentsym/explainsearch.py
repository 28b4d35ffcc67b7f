"""The search behind ``explain``: named rules applied breadth-first from one side to the other.

Every node is an expression, every edge one rule of the table applied to it (a rule that
changes nothing is no edge). The search is bounded by a count of rule applications, never by
the clock, so the chains it finds are the same on any machine. The goal test compares the
expressions structurally, up to the names of summation indices; the chains it yields are only
candidates: :mod:`xentsym.explain` checks every step before reporting one.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from itertools import count
from typing import Iterator

import sympy as sp

from . import conditions as cond
from . import rules as R
from . import sumrules as S
from .functions import Quantity
from .relations import AT_MOST, EQUAL, SAME_OPTIMUM, SWITCH_SENSE, Relation
from .rules import Rule

BUDGET = 400  # rule applications per explained step
MAX_DEPTH = 8  # rules per chain

# Rules without parameters, in the order the search tries them (the first chain found at a
# depth uses the earliest rules): definitions written out, logs, products, sums, derivatives.
PLAIN = (R.UNFOLD, R.LOG_OF_PRODUCT, R.LOG_QUOTIENT, R.LOG_PRODUCT, R.LOG_POWER,
         R.DISTRIBUTE, R.SPLIT_SUM, R.PULL_CONSTANT, R.MERGE_SUMS, R.PUSH_CONSTANT,
         S.DIFFERENTIATE_UNDER_SUM, S.ENTRY_DERIVATIVE, S.KRONECKER_SUM)
# The relations an edge may have in a chain that explains a step of each relation.
ALLOWED = {EQUAL.key: {EQUAL.key},
           AT_MOST.key: {EQUAL.key, AT_MOST.key},
           SAME_OPTIMUM.key: {EQUAL.key, SAME_OPTIMUM.key, SWITCH_SENSE.key},
           SWITCH_SENSE.key: {EQUAL.key, SAME_OPTIMUM.key, SWITCH_SENSE.key}}


@dataclass(frozen=True)
class Edge:
    """One rule applied: ``before`` became ``after``, relying on ``conditions``."""

    rule: Rule
    before: sp.Expr
    after: sp.Expr
    conditions: tuple = ()
    certificate: sp.Expr | None = None


def canonical(expr: sp.Expr) -> sp.Expr:
    """``expr`` with its summation (and product) indices renamed in order of appearance, so
    two expressions that differ only in those names compare equal.

    >>> from xentsym.notation import p, i, k, n
    >>> canonical(sp.Sum(p[i], (i, 1, n))) == canonical(sp.Sum(p[k], (k, 1, n)))
    True
    """
    names = count()

    def go(e):
        if isinstance(e, (sp.Sum, sp.Product)):
            limits, body = [], e.function
            for var, *ends in e.limits:
                fresh = sp.Symbol(f"_b{next(names)}", integer=True)
                body = body.xreplace({var: fresh})
                limits.append((fresh, *[go(x) for x in ends]))
            return e.func(go(body), *limits)
        if not e.args or isinstance(e, sp.Indexed):
            return e
        return e.func(*[go(a) for a in e.args])
    return go(expr)


def _touches(expr: sp.Expr, wrt) -> bool:
    """Does ``expr`` depend on a parameter (a symbol, or any entry of a family)?"""
    labels = {str(w.label) for w in wrt if isinstance(w, sp.IndexedBase)}
    return any(expr.has(w) for w in wrt) or any(
        str(b.label) in labels for b in expr.atoms(sp.IndexedBase))


def candidate_rules(node: sp.Expr, goal: sp.Expr, allowed: set, wrt) -> list[Rule]:
    """The rules the search tries on ``node``: the plain ones, folds of the named quantities
    the goal uses, and (in an optimisation step) the moves that keep the optimisers."""
    out = list(PLAIN)
    out += [R.fold_definition(q) for q in sorted(goal.atoms(Quantity), key=sp.default_sort_key)]
    if AT_MOST.key in allowed:
        out.append(R.LOG_BOUND)
    if SAME_OPTIMUM.key in allowed:
        if isinstance(node, sp.Mul):
            coeff, _ = node.as_coeff_Mul()
            factors = [abs(coeff)] if coeff not in (1, -1) else []
            factors += [f for f in node.args if not f.is_number and not _touches(f, wrt)]
            out += [R.drop_positive_factor(f) for f in factors]
        if isinstance(node, sp.Add):
            out += [R.drop_constant_term(t) for t in node.args if not _touches(t, wrt)]
        out.append(R.NEGATE)
    return out


def _apply(rule: Rule, expr: sp.Expr, scope) -> Edge | None:
    """The edge ``rule`` makes from ``expr``, or None where it does not apply."""
    with cond.using_scope(scope), cond.recording() as used:
        try:
            after = rule(expr)
            certificate = rule.certify(expr) if rule.certify else None
        except (ValueError, TypeError, ArithmeticError, RecursionError, AttributeError):
            return None  # a rule SymPy cannot carry out on this expression: no edge
    if after == expr or after.has(sp.nan, sp.zoo):
        return None
    return Edge(rule, expr, after, tuple(c for c in used if c.proved), certificate)


@dataclass
class Counter:
    """Rule applications spent so far (shared by the search and its caller)."""

    used: int = 0


def chains(lhs: sp.Expr, rhs: sp.Expr, relation: Relation, wrt, scope,
           budget: int = BUDGET, spent: Counter | None = None) -> Iterator[tuple[Edge, ...]]:
    """Chains of edges from ``lhs`` to an expression that is ``rhs`` up to index names, whose
    relations compose to ``relation``; shortest first, until ``budget`` applications."""
    spent = spent if spent is not None else Counter()
    allowed = ALLOWED.get(relation.key, {EQUAL.key})
    goal = canonical(rhs)
    want_flip = relation == SWITCH_SENSE

    def reached(expr, flips) -> bool:
        return canonical(expr) == goal and (relation != SAME_OPTIMUM or not flips) and \
            (not want_flip or flips)

    start = (canonical(lhs), False)
    seen = {start}
    queue = deque([(lhs, False, ())])
    while queue:
        expr, flips, path = queue.popleft()
        if len(path) >= MAX_DEPTH:
            continue
        for rule in candidate_rules(expr, rhs, allowed, wrt):
            if rule.relation.key not in allowed:
                continue
            if spent.used >= budget:
                return
            spent.used += 1
            edge = _apply(rule, expr, scope)
            if edge is None:
                continue
            now = flips != (rule.relation == SWITCH_SENSE)
            state = (canonical(edge.after), now)
            if state in seen:
                continue
            seen.add(state)
            if reached(edge.after, now):
                yield path + (edge,)
                continue
            queue.append((edge.after, now, path + (edge,)))
