r"""Axes of one step: unbounded sums (``\sum_j``) take the size the step gives the same axis.

A sum without bounds runs over a whole axis of the families it indexes. ``\sum_j w_j x_j``
and ``\sum_{k=1}^{d} w_k x_k`` run over the same axis of ``w``; ``\sum_i a_i`` and
``\sum_j a_j`` too. Axes are joined through the families a sum indexes with its variable
(union-find over ``(family, axis)``); an unbounded range then takes the one symbolic size
the step gives its class, or, failing that, one shared range size.

This is a reading of the text, named in the verdict's assumptions: the caller keeps the list
of what was joined.

>>> from xentsym.read.ranges import RangeSize
>>> j, k, d = sp.symbols("j k d", integer=True, positive=True)
>>> w, x = sp.IndexedBase("w"), sp.IndexedBase("x")
>>> left = sp.Sum(w[j] * x[j], (j, 1, RangeSize("N_j")))
>>> right = sp.Sum(w[k] * x[k], (k, 1, d))
>>> joined, done = unify_ranges([left, right])
>>> joined[0]
Sum(w[j]*x[j], (j, 1, d))
>>> done
[(N_j, d)]
"""
from __future__ import annotations

import sympy as sp

from .check.calculus import collapse_delta_sums, evaluate_derivatives
from .read.ranges import RangeSize


class _Classes:
    """Union-find over hashable keys."""

    def __init__(self):
        self.parent: dict = {}

    def find(self, key):
        self.parent.setdefault(key, key)
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def join(self, a, b) -> None:
        self.parent[self.find(a)] = self.find(b)


def _limits(exprs):
    """Every (variable, lower, upper, summand) of the sums and products in ``exprs``."""
    for e in exprs:
        for big in e.atoms(sp.Sum, sp.Product):
            for lim in big.limits:
                if len(lim) == 3:
                    yield lim[0], lim[1], lim[2], big.function


def unify_ranges(exprs: list) -> tuple[list, list]:
    """``exprs`` with the range sizes of their unbounded sums joined to the axes they run
    over, and the list of ``(range size, size it became)``."""
    if not any(e.has(RangeSize) for e in exprs):
        return exprs, []
    classes = _Classes()
    for var, lo, hi, body in _limits(exprs):
        axes = [("axis", str(ix.base.label), a) for ix in body.atoms(sp.Indexed)
                for a, idx in enumerate(ix.indices) if idx == var]
        if isinstance(hi, RangeSize):
            for axis in axes:
                classes.join(("range", hi), axis)
            classes.find(("range", hi))
        elif isinstance(hi, sp.Symbol) and lo.is_Integer and axes:
            # Only a symbolic size names the whole axis; 1..2 is a part of it.
            for axis in axes:
                classes.join(("size", hi), axis)
    members: dict = {}
    for key in list(classes.parent):
        members.setdefault(classes.find(key), []).append(key)
    swap, done = {}, []
    for keys in members.values():
        ranges = sorted((k[1] for k in keys if k[0] == "range"), key=lambda r: r.name)
        if not ranges:
            continue
        known = sorted({k[1] for k in keys if k[0] == "size"}, key=lambda s: s.name)
        if len(known) == 1:
            target = known[0]
        elif not known and len(ranges) > 1:
            target = ranges[0]
        else:
            continue
        for r in ranges:
            if r != target:
                swap[r] = target
                done.append((r, target))
    if not swap:
        return exprs, []
    return [e.xreplace(swap) for e in exprs], done


def collapse_deltas(exprs: list) -> list:
    r"""Sums of Kronecker deltas done: ``\sum_{j=1}^{K} \delta_{ij} z_j`` is ``z_i`` when
    ``i`` indexes an axis the step sums from 1 to ``K`` (it is one of those entries)."""
    if not any(e.has(sp.KroneckerDelta) for e in exprs):
        return exprs
    facts = []
    for var, lo, hi, body in _limits(exprs):
        if lo != 1 or not isinstance(hi, sp.Symbol):
            continue
        for d in (d for e in exprs for d in e.atoms(sp.KroneckerDelta)):
            for idx in d.args:
                if idx != var and isinstance(idx, sp.Symbol) and idx.is_integer and \
                        var in d.args:
                    facts.append(sp.Q.ge(idx, 1) & sp.Q.le(idx, hi))
    return [collapse_delta_sums(e, facts) for e in exprs]


def distinct_indices(expr, apart, scope):
    r"""``expr`` for indices that differ (``\partial \hat{y}_k / \partial z_i`` with
    ``(i 
eq k)``): derivatives evaluated, then their Kronecker deltas of those indices are 0.

    >>> i, k = sp.symbols("i k", integer=True, positive=True)
    >>> distinct_indices(sp.KroneckerDelta(i, k) + 1, [sp.Ne(i, k)], None)
    1
    """
    if scope is not None and expr.has(sp.Derivative):
        expr = evaluate_derivatives(expr, scope)
    zero = {sp.KroneckerDelta(*c.args): 0 for c in apart}
    zero.update({sp.KroneckerDelta(*reversed(c.args)): 0 for c in apart})
    return expr.xreplace(zero)


__all__ = ["collapse_deltas", "distinct_indices", "unify_ranges"]
