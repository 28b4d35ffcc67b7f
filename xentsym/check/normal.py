"""Normal forms: both sides unfolded, logs split where the domains allow, sums made linear
and their indices renamed canonically, so that equal expressions usually coincide; and the
verdict on a difference (zero, a nonzero constant, or open)."""
from __future__ import annotations

import itertools

import sympy as sp
from sympy.core.function import AppliedUndef

from .. import conditions as cond
from .. import rules as R
from ..bound import rename_apart
from ..functions import unfold_all
from .calculus import collapse_delta_sums, evaluate_derivatives
from ..notation import Scope

_LOGS = R.chain(R.LOG_OF_PRODUCT, R.LOG_PRODUCT, R.LOG_POWER)


MAX_SWAP_LEVELS = 4  # nested sums up to this deep are put in a canonical order


def _nest(expr: sp.Expr) -> tuple[list, sp.Expr]:
    """The limits of a nest of sums (or of products), outermost first, and the innermost body."""
    levels = []
    kind = type(expr)
    while isinstance(expr, kind):
        levels += list(reversed(expr.limits))  # Sum(f, inner, outer): the first is innermost
        expr = expr.function
    return levels, expr


def _swappable(levels: list) -> bool:
    """Independent, finite-looking limits: the nested sums may be taken in any order."""
    bound = {var for var, _, _ in levels}
    return 1 < len(levels) <= MAX_SWAP_LEVELS and all(
        not ((lo.free_symbols | hi.free_symbols) & bound) and not lo.has(sp.oo, -sp.oo, sp.zoo)
        and not hi.has(sp.oo, -sp.oo, sp.zoo) for _, lo, hi in levels)


def _canonical_indices(expr: sp.Expr, depth: int = 0) -> sp.Expr:
    """Rename bound indices by nesting depth, so Sum over i equals the same Sum over n.

    A nest of finite sums (or products) whose limits do not depend on each other is a sum
    over a product of ranges, so its order is immaterial: every order is tried and the
    smallest result (in SymPy's sort order) is kept, so sum_i sum_k and sum_k sum_i meet.
    """
    if isinstance(expr, (sp.Sum, sp.Product)):
        levels, body = _nest(expr)
        orders = itertools.permutations(levels) if _swappable(levels) else [levels]
        best = None
        for order in orders:
            fresh = [sp.Symbol(f"_j{depth + r}", integer=True) for r in range(len(order))]
            rename = {var: f for (var, _, _), f in zip(order, fresh)}
            out = _canonical_indices(body.xreplace(rename), depth + len(order))
            # Inner limits may use outer indices (sum_{j=1}^{n} inside sum over n): rename too.
            for f, (_, lo, hi) in reversed(list(zip(fresh, order))):
                out = expr.func(out, (f, lo.xreplace(rename), hi.xreplace(rename)))
            if best is None or sp.default_sort_key(out) < sp.default_sort_key(best):
                best = out
        return best
    if not expr.args or expr.is_Atom:
        return expr
    return expr.func(*[_canonical_indices(a, depth) for a in expr.args])


def _simplex_facts(expr: sp.Expr, scope: Scope, fixed: dict) -> dict:
    """Last entries of distributions and one-hot rows of a fixed length, as 1 - the others."""
    subs = {}
    for ix in expr.atoms(sp.Indexed):
        decl = scope.lookup(ix)
        if decl is None or decl.domain.axis_rule is None or not decl.over:
            continue
        length = sp.sympify(fixed.get(decl.over[-1], decl.over[-1]))
        if not getattr(length, "is_Integer", False) or ix.indices[-1] != length:
            continue
        head = ix.indices[:-1]
        others = sp.Add(*[ix.base[(*head, j)] for j in range(1, int(length))])
        subs[ix] = 1 - others
        cond.fact(others + ix, "= 1")
    return subs


MAX_FAULHABER_DEGREE = 8  # polynomial summands summed in closed form up to this degree


def _polynomial_summand(e: sp.Sum, inner: set) -> bool:
    """A summand that is a low-degree polynomial in the indices, with nothing indexed."""
    body = e.function
    if body.has(sp.Indexed, sp.Sum, sp.Product) or body.atoms(AppliedUndef):
        return False
    try:
        return all(body.is_polynomial(v) and sp.degree(body, v) <= MAX_FAULHABER_DEGREE
                   for v in inner if body.has(v))
    except sp.PolynomialError:
        return False


def _domain_sums(expr: sp.Expr, scope: Scope) -> sp.Expr:
    """Sums the domains decide: a distribution (or one-hot row) summed over its axis is 1,
    and a summand free of the index is counted: sum_{i=1}^n c = n c."""
    def simplex(e):
        (var, lo, hi), = e.limits if len(e.limits) == 1 else ((None, None, None),)
        body = e.function
        if var is None or not isinstance(body, sp.Indexed) or lo != 1:
            return False
        decl = scope.lookup(body)
        return (decl is not None and decl.domain.axis_rule is not None and decl.over
                and body.indices[-1] == var and hi == decl.over[-1]
                and all(not ix.has(var) for ix in body.indices[:-1]))

    def go(e):
        if simplex(e):
            cond.fact(e, "= 1")
            return sp.S.One
        inner = {lim[0] for lim in e.limits}
        # Count an index-free summand, or sum a polynomial in the index in closed form
        # (Faulhaber), only over ranges known not to be reversed: SymPy's Karr convention
        # gives a negative count there, the numeric check an empty sum.
        closed = not (e.function.free_symbols & inner) or _polynomial_summand(e, inner)
        if closed and all((hi - lo + 1).is_nonnegative for _, lo, hi in e.limits):
            return e.doit(deep=False)
        return e
    return expr.replace(lambda e: isinstance(e, sp.Sum), go)


def _binary_powers(expr: sp.Expr, scope: Scope) -> sp.Expr:
    """``y_i**k = y_i`` for an entry of a family whose only values are 0 and 1 (labels,
    one-hot rows) and a positive whole k."""
    def binary_power(e):
        if not (isinstance(e, sp.Pow) and isinstance(e.base, sp.Indexed)
                and e.exp.is_integer and e.exp.is_positive):
            return False
        decl = scope.lookup(e.base)
        return decl is not None and set(decl.domain.values or ()) == {0, 1}
    return expr.replace(binary_power, lambda e: e.base)


def _linearise(e: sp.Expr) -> sp.Expr:
    """Split logs the domains allow, multiply out, and make sums linear, to a fixed point."""
    for _ in range(8):
        before = e
        e = _LOGS(e)
        e = sp.expand(e, deep=True, log=False, power_base=False, power_exp=False)
        e = R.pull_constant(R.split_sum(e))
        if e == before:
            break
    return e


def normal_form(expr: sp.Expr, scope: Scope, fixed: dict | None = None) -> sp.Expr:
    """A canonical form in which equal expressions (on the domains) usually coincide."""
    fixed = fixed or {}
    with cond.using_scope(scope):
        e = unfold_all(expr)
        # Every later move (swapping sums, writing out finite ones) assumes distinct indices.
        e = rename_apart(evaluate_derivatives(e, scope))
        if e.has(sp.KroneckerDelta):  # sum_m delta_{m,j} w_m = w_j, for j declared in range
            # Doing the sum rebuilds the family without its assumptions (q[k] no longer
            # positive, and unequal to the declared q[k]): map it back to the declared one.
            e = scope.canonical(collapse_delta_sums(e, scope.range_facts(e.free_symbols)))
        e = _linearise(R.expand_finite_sums(e))
        e = _linearise(_binary_powers(e, scope))
        # The last entry of a fixed-length distribution becomes 1 - the others only now:
        # as p[2] it is provably positive, so logs of it were split above.
        facts = _simplex_facts(e, scope, fixed)
        if facts:
            e = _linearise(e.xreplace(facts))
        e = _domain_sums(e, scope)
        return sp.expand(_canonical_indices(e), log=False, power_base=False, power_exp=False)


def _finite_scalars(exprs, scope: Scope) -> list:
    found = set()
    for e in exprs:
        for s in e.free_symbols:
            decl = scope.lookup(s)
            if isinstance(s, sp.Symbol) and decl is not None and decl.domain.values:
                found.add(s)
    return sorted(found, key=sp.default_sort_key)


def _fixed_sizes(given) -> dict:
    return {a: b for a, b in given if isinstance(b, sp.Integer)}


MAX_LOG_DIGITS = 2000  # logs of rationals up to this many digits are split into factors
FACTOR_LIMIT = 10 ** 5  # trial division bound when splitting them


def _split_log_rationals(expr: sp.Expr) -> sp.Expr:
    """log(r) of a positive rational as sum e_f log(f) over its factors: log 6 = log 2 + log 3.

    Valid for any factorisation of r (the factors need not be prime); trial division up to
    FACTOR_LIMIT keeps it fast and makes it the same for equal numbers on both sides.
    """
    def split(lg):
        r = lg.args[0]
        if not (r.is_Rational and r > 0) or len(str(max(r.p, r.q))) > MAX_LOG_DIGITS:
            return lg
        parts = {}
        for number, sign in ((r.p, 1), (r.q, -1)):
            for f, k in sp.factorint(number, limit=FACTOR_LIMIT).items():
                parts[f] = parts.get(f, 0) + sign * k
        return sp.Add(*[k * sp.log(sp.Integer(f)) for f, k in parts.items() if k])
    return expr.replace(lambda e: isinstance(e, sp.log) and len(e.args) == 1, split)


def _zero(diff: sp.Expr) -> str:
    """'zero', 'nonzero' (a constant shown to differ from 0), or 'open'.

    A constant is called nonzero only when 30 digits of it are certain: evalf's strict mode
    refuses an exact zero that SymPy leaves unsimplified, such as log(6) - log(2) - log(3),
    which a plain evalf returns as a tiny "0.e-165" that compares unequal to 0. NaN and
    complex infinity are undefined, not nonzero.
    """
    if diff == 0:
        return "zero"
    if diff.is_Rational:
        return "nonzero"
    if not diff.free_symbols and not diff.atoms(sp.Sum, sp.Product):
        if diff.has(sp.log) and sp.expand(_split_log_rationals(diff)) == 0:
            return "zero"
        try:
            value = diff.evalf(30, strict=True)
        except Exception:  # PrecisionExhausted, or anything evalf cannot do: no verdict
            return "open"
        if value.is_Number and value.is_finite and value != 0:
            return "nonzero"
    return "open"
