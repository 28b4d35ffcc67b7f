"""Sums proved term by term: sums over the same range are merged, and the merged summand is
proved zero with its index free (a summand that vanishes for every index value sums to 0)."""
from __future__ import annotations

import sympy as sp

from .. import conditions as cond
from ..notation import Scope
from .exponential import _cancels, prove_by_exponentials
from .natural import divisors
from .normal import normal_form

MAX_DEPTH = 3  # nested sums opened one level at a time, at most this deep


def merge_by_range(expr: sp.Expr) -> tuple[dict, sp.Expr]:
    """{limits: summand} for the terms c * Sum(f, limits) of ``expr`` (c free of the
    indices), the summands of equal limits added; and the terms that are not such sums.

    >>> i, n = sp.symbols("i n", integer=True, positive=True)
    >>> a, b = sp.IndexedBase("a"), sp.IndexedBase("b")
    >>> merge_by_range(sp.Sum(a[i], (i, 1, n)) - 2 * sp.Sum(b[i], (i, 1, n)) + 1)
    ({((i, 1, n),): a[i] - 2*b[i]}, 1)
    """
    groups: dict = {}
    rest = []
    for term in sp.Add.make_args(expr):
        coeff, s = term.as_independent(sp.Sum, as_Add=False)
        bound = {lim[0] for lim in getattr(s, "limits", ())}
        if isinstance(s, sp.Sum) and not coeff.free_symbols & bound:
            groups[s.limits] = groups.get(s.limits, sp.S.Zero) + coeff * s.function
        else:
            rest.append(term)
    return groups, sp.Add(*rest)


def _opened(limits: tuple, summand: sp.Expr) -> sp.Expr:
    """The summand with its indices made free symbols of their own (fresh names, so the
    normal form's renaming of inner sums cannot capture them)."""
    fresh = {}
    for var, lo, _ in limits:
        positive = True if (lo.is_positive or lo == 1) else None
        fresh[var] = sp.Dummy(str(var), integer=True, positive=positive)
    return summand.xreplace(fresh)


def vanishes(expr: sp.Expr, scope: Scope, fixed: dict, depth: int = 0) -> tuple | None:
    """The assumptions (divisors taken nonzero) under which ``expr`` is shown to be 0:
    by its normal form, exact rational arithmetic, the exponential strategies, or sum by
    sum through its summands; None when none of these shows it."""
    e = normal_form(expr, scope, fixed)
    if e == 0:
        return divisors((expr,), scope)
    if not e.has(sp.Sum, sp.Product) and _cancels(e):
        return divisors((expr, sp.together(e)), scope)
    shown = prove_by_exponentials(e, (expr,), scope, fixed)
    if shown is not None:
        return shown[1]
    return _by_ranges(e, scope, fixed, depth)


def _by_ranges(e: sp.Expr, scope: Scope, fixed: dict, depth: int) -> tuple | None:
    """``vanishes`` for the sums of ``e`` merged by range, each summand opened."""
    if depth >= MAX_DEPTH or not e.has(sp.Sum):
        return None
    groups, rest = merge_by_range(e)
    if not groups:
        return None
    found = [] if rest == 0 else vanishes(rest, scope, fixed, depth + 1)
    if found is None:
        return None
    found = list(found)
    for limits, summand in groups.items():
        part = vanishes(_opened(limits, summand), scope, fixed, depth + 1)
        if part is None:
            return None
        found += [a for a in part if a not in found]
    return tuple(found)


def prove_by_summands(diff: sp.Expr, sides, scope: Scope, fixed: dict):
    """(certificate, assumptions) when the sums of the normal form ``diff`` of lhs - rhs,
    merged by range, have summands that are 0; else None. Call inside ``cond.recording``."""
    with cond.using_scope(scope):
        found = _by_ranges(diff, scope, fixed, 0)
    if found is None:
        return None
    shown = tuple(divisors(sides, scope))
    return ("sums over the same range merged; the summand is 0 for every value of the index",
            shown + tuple(a for a in found if a not in shown))
