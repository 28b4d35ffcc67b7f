"""Bound variables: give every sum its own index, and substitute only where a symbol is free.

A summation index is a bound variable: ``Sum(Sum(i, (i, 1, K)), (i, 1, N))`` is N K (K + 1)/2,
the inner ``i`` shadowing the outer one. Code that treats indices as plain symbols (swapping
nested sums, binding an index to an array axis by name, ``xreplace``) goes wrong on such a
nest. ``rename_apart`` removes the ambiguity once, before any of that code runs, and
``replace_free`` substitutes values without touching (or capturing) a bound index.

>>> import sympy as sp
>>> i = sp.Symbol("i", integer=True, positive=True)
>>> K, N = sp.symbols("K N", integer=True, positive=True)
>>> nest = sp.Sum(sp.Sum(i, (i, 1, K)), (i, 1, N))  # SymPy flattens it to one Sum
>>> nest
Sum(i, (i, 1, K), (i, 1, N))
>>> rename_apart(nest)
Sum(i_1, (i_1, 1, K), (i, 1, N))
"""
from __future__ import annotations

import re

import sympy as sp
from sympy.concrete.expr_with_limits import ExprWithLimits

from .memo import remembered

_SUFFIX = re.compile(r"^(.*\D)_(\d+)$")


def _names(expr: sp.Basic) -> set:
    """Names of every symbol in ``expr``, free or bound (indexed families by their label)."""
    return {s.name for s in expr.atoms(sp.Symbol)}


def _fresh(old: sp.Symbol, taken: set) -> sp.Symbol:
    """A symbol like ``old`` (same assumptions, same kind) named ``old_1``, ``old_2`` ..."""
    match = _SUFFIX.match(old.name)
    stem = match.group(1) if match else old.name
    k = 1
    while f"{stem}_{k}" in taken:
        k += 1
    cls = sp.Dummy if isinstance(old, sp.Dummy) else sp.Symbol
    return cls(f"{stem}_{k}", **old.assumptions0)


def _binds(expr: sp.Basic) -> bool:
    """Objects whose limits bind variables: Sum, Product, Integral."""
    return isinstance(expr, ExprWithLimits)


def rename_apart(expr: sp.Basic, avoid=frozenset()) -> sp.Basic:
    """``expr`` with every Sum/Product/Integral binding an index of its own.

    A bound index keeps its name unless that name is also free in ``expr``, listed in
    ``avoid`` (symbols or names), or bound by an enclosing sum; then it becomes ``i_1``,
    ``i_2`` ... with the same assumptions. Inner limits that mention an outer index follow
    the outer index's new name.

    >>> import sympy as sp
    >>> i, k = sp.symbols("i k", integer=True, positive=True)
    >>> n = sp.Symbol("n", integer=True, positive=True)
    >>> rename_apart(sp.Sum(i * k, (i, 1, k), (k, 1, n)))
    Sum(i*k, (i, 1, k), (k, 1, n))
    >>> rename_apart(sp.Sum(i, (i, 1, i), (i, 1, n)))
    Sum(i_1, (i_1, 1, i), (i, 1, n))
    >>> rename_apart(k + sp.Sum(k, (k, 1, n)))
    k + Sum(k_1, (k_1, 1, n))
    >>> rename_apart(sp.Sum(k, (k, 1, n)), avoid={k})
    Sum(k_1, (k_1, 1, n))
    """
    if not expr.has(ExprWithLimits):
        return expr
    avoid_names = frozenset(a if isinstance(a, str) else a.name for a in avoid)
    return _rename_apart(expr, avoid_names)


@remembered(1024)  # the checks ask again for the same side, batch after batch
def _rename_apart(expr: sp.Basic, avoid_names: frozenset) -> sp.Basic:
    free = {s.name for s in expr.free_symbols if isinstance(s, sp.Symbol)}
    used = _names(expr) | avoid_names | free  # fresh names clash with nothing at all

    def go(e, mapping: dict, enclosing: frozenset):
        if isinstance(e, sp.Symbol):
            return mapping.get(e, e)
        if not e.args:
            return e
        if _binds(e):
            return binder(e, mapping, enclosing)
        args = [go(a, mapping, enclosing) for a in e.args]
        return e if all(a is b for a, b in zip(args, e.args)) else e.func(*args)

    def binder(e, mapping, enclosing):
        inner_map, inner_enc = dict(mapping), set(enclosing)
        limits = []
        # The last limit is the outermost: its variable is in scope in the earlier limits.
        for lim in reversed(e.limits):
            var, *ends = lim
            ends = [go(x, inner_map, frozenset(inner_enc)) for x in ends]
            new = var
            if var.name in free or var.name in avoid_names or var.name in inner_enc:
                new = _fresh(var, used)
                used.add(new.name)
            inner_map[var] = new
            inner_enc.add(new.name)
            limits.append((new, *ends))
        body = go(e.function, inner_map, frozenset(inner_enc))
        limits.reverse()
        if body is e.function and all(tuple(a) == tuple(b) for a, b in zip(limits, e.limits)):
            return e
        return e.func(body, *limits)

    return go(expr, {}, frozenset())


def _template(key: sp.Indexed):
    """For a family entry like ``yhat[i]``: the positions whose symbolic index is a pattern."""
    return [ix for ix in key.indices if isinstance(ix, sp.Symbol)]


def _instantiate(key: sp.Indexed, value: sp.Basic, entry: sp.Indexed):
    """``value`` for ``entry`` when ``entry`` matches the template ``key``, else None."""
    if entry.base.label != key.base.label or len(entry.indices) != len(key.indices):
        return None
    match: dict = {}
    for pat, got in zip(key.indices, entry.indices):
        if isinstance(pat, sp.Symbol):
            if match.setdefault(pat, got) != got:
                return None
        elif pat != got:
            return None
    return value.xreplace(match)


def replace_free(expr: sp.Basic, mapping) -> sp.Basic:
    """Substitute ``mapping`` (pairs or a dict: old -> new) only where ``old`` occurs free.

    Keys are symbols, indexed families (``yhat -> p_theta``) or family entries; an entry
    with symbolic indices (``yhat[i] -> p_theta[i]``) stands for every entry of the family.
    A bound index is never replaced, and a binder whose name a value mentions is renamed
    first, so nothing is captured. No sum is evaluated.

    >>> import sympy as sp
    >>> k, K = sp.symbols("k K", integer=True, positive=True)
    >>> replace_free(k + sp.Sum(k**2, (k, 1, K)), {k: 2})
    Sum(k_1**2, (k_1, 1, K)) + 2
    >>> replace_free(sp.Sum(k * K, (k, 1, K)), {K: k})
    Sum(k*k_1, (k_1, 1, k))
    """
    pairs = list(mapping.items()) if isinstance(mapping, dict) else list(mapping)
    avoid: set = set()
    for old, new in pairs:
        new = sp.sympify(new)
        patterns = set(_template(old)) if isinstance(old, sp.Indexed) else set()
        avoid |= {s for s in new.free_symbols if isinstance(s, sp.Symbol)} - patterns
        if isinstance(old, sp.Symbol):
            avoid.add(old)
    expr = rename_apart(sp.sympify(expr), avoid=frozenset(avoid))
    for old, new in pairs:
        new = sp.sympify(new)
        if isinstance(old, sp.Indexed) and _template(old):
            def swap(e, old=old, new=new):
                got = _instantiate(old, new, e)
                return e if got is None else got
            expr = expr.replace(lambda e: isinstance(e, sp.Indexed), swap)
        elif isinstance(old, (sp.Symbol, sp.Indexed, sp.IndexedBase)):
            # Every binder now differs from ``old`` and from the value's symbols: a plain
            # structural replacement touches free occurrences only and captures nothing.
            expr = expr.xreplace({old: new})
        else:
            expr = expr.subs(old, new)
    return expr


def derivative_indices(expr: sp.Basic) -> set:
    """The indices of indexed derivative variables: ``d/dw_j`` binds ``w_j`` for SymPy, so
    ``j`` is missing from ``free_symbols``, yet the step is a statement for every ``j``.

    >>> import sympy as sp
    >>> j = sp.Symbol("j", integer=True)
    >>> w = sp.IndexedBase("w")
    >>> derivative_indices(sp.Derivative(sp.Symbol("L"), w[j]))
    {j}
    """
    return {ix for d in expr.atoms(sp.Derivative) for v in d.variables
            if isinstance(v, sp.Indexed) for ix in v.indices if isinstance(ix, sp.Symbol)}


__all__ = ["derivative_indices", "rename_apart", "replace_free"]
