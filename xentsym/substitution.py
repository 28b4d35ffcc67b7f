"""Writing values in: substitutions of sizes and definitions, and finite sums written out."""
from __future__ import annotations

import sympy as sp

from .bound import rename_apart, replace_free
from .functions import Quantity


EXPAND_SIZE = 20_000  # nodes the written-out form of one finite sum may have


def _size(expr: sp.Expr, cap: int) -> int:
    """Nodes of the expression tree, counted up to ``cap`` (cap + 1 means "more")."""
    count = 0
    for _ in sp.preorder_traversal(expr):
        count += 1
        if count > cap:
            break
    return count


def expand_finite_sums(expr: sp.Expr, limit: int = EXPAND_SIZE) -> sp.Expr:
    """Write out sums and products whose limits are numbers, one index at a time, as long as
    the written-out form has at most ``limit`` nodes; larger ones stay as they are.

    >>> from xentsym.notation import p, i
    >>> expand_finite_sums(sp.Sum(p[i], (i, 1, 2)))
    p[1] + p[2]
    >>> expand_finite_sums(sp.Sum(p[i], (i, 1, 9999)), limit=100)
    Sum(p[i], (i, 1, 9999))
    """
    expr = rename_apart(expr)  # writing out substitutes indices: they must be distinct

    def go(e):
        if not e.args or e.is_Atom:
            return e
        if not isinstance(e, (sp.Sum, sp.Product)):
            args = [go(a) for a in e.args]
            return e if all(a is b for a, b in zip(args, e.args)) else e.func(*args)
        out = go(e.function)
        for var, lo, hi in e.limits:  # the first limit is the innermost
            count = int(hi) - int(lo) + 1 if lo.is_Integer and hi.is_Integer else None
            if count is not None and max(count, 1) * _size(out, limit) <= limit:
                terms = [out.xreplace({var: sp.Integer(v)}) for v in range(int(lo), int(hi) + 1)]
                out = sp.Add(*terms) if isinstance(e, sp.Sum) else sp.Mul(*terms)
            else:
                out = e.func(out, (var, lo, hi))
        return out
    return go(expr)


SUBSTITUTE_SIZE = 2_000  # nodes a sum written out by a substitution may have (main process)


def substitute(expr: sp.Expr, given) -> sp.Expr:
    """Replace free symbols by values (sizes, one-hot entries), then write out small finite sums.

    A bound index is never replaced (see ``bound.replace_free``), and nothing is evaluated
    beyond writing out sums of at most ``SUBSTITUTE_SIZE`` nodes: n = 9999 leaves a sum
    over 1..9999 as it is, for the bounded checks to deal with.

    >>> from xentsym.notation import p, i, n
    >>> substitute(sp.Sum(p[i], (i, 1, n)), ((n, 2),))
    p[1] + p[2]
    >>> substitute(sp.Sum(p[i], (i, 1, n)), ((n, 9999),))
    Sum(p[i], (i, 1, 9999))
    """
    for old, new in given:
        # Written out first too, so x_1 = 5 reaches the i = 1 term of a sum over 1..2.
        opened = expand_finite_sums(_opened(expr, old), SUBSTITUTE_SIZE)
        expr = expand_finite_sums(replace_free(opened, ((old, new),)), SUBSTITUTE_SIZE)
    return expr


def _opened(expr: sp.Expr, old: sp.Basic) -> sp.Expr:
    """Unfold the named quantities whose definition mentions ``old``: H(p) hides the n of
    its sum, and n = 3 must reach it."""
    def hides(e):
        return isinstance(e, Quantity) and not e.has(old) and e.unfold().has(old)
    return expr.replace(hides, lambda e: e.unfold()) if expr.has(Quantity) else expr


def define(expr: sp.Expr, given) -> sp.Expr:
    """Write a defined name where its definition stands (given: pairs (name, definition)).

    >>> from xentsym.notation import p_success, q_failure
    >>> define(1 - p_success, ((q_failure, 1 - p_success),))
    q
    """
    for name, body in given:
        expr = expr.xreplace({body: name}) if isinstance(body, sp.IndexedBase) \
            else expr.subs(body, name)
    return expr


__all__ = ["EXPAND_SIZE", "SUBSTITUTE_SIZE", "define", "expand_finite_sums", "substitute"]
