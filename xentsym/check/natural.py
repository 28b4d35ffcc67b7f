"""Natural domains: where the earlier side of a step is defined, for real symbols.

The numeric check only counts samples where the earlier side (lhs) is finite and real; the
symbolic check may then prove a step on that same set. ``log(theta) + log(1 - theta)`` is
defined (over the reals) exactly for theta in (0, 1), and there it equals
``log(theta (1 - theta))``. For a real symbol whose every condition in the left side
(log arguments positive, even-root radicands non-negative) involves it alone, the
conditions are solved into one interval and the symbol is written as a function of a
positive dummy that covers the interval, so the ordinary sign proofs see it.

Likewise a divisor: x/x = 1 only where x != 0, so ``divisors`` names the divisors a proof
cancelled that the domains do not prove nonzero.
"""
from __future__ import annotations


import sympy as sp

from .. import conditions as cond
from ..domains import NATURAL, REAL
from ..functions import unfold_all
from ..memo import remembered
from ..notation import Scope


def _conditions(expr: sp.Expr) -> list:
    """Relations that must hold wherever ``expr`` is real and defined."""
    found = []
    for lg in expr.atoms(sp.log):
        found.append(lg.args[0] > 0)
    for pw in expr.atoms(sp.Pow):
        ex = pw.exp
        if ex.is_Rational and not ex.is_Integer and ex.q % 2 == 0:
            found.append(pw.base >= 0)
    return found


def _cover(interval: sp.Interval, t: sp.Dummy) -> sp.Expr | None:
    """An expression in the positive dummy ``t`` running over the open interval."""
    a, b = interval.start, interval.end
    if a.is_finite and b.is_finite and a < b:
        return a + (b - a) * t / (1 + t)
    if a.is_finite and b is sp.oo:
        return a + t
    if a is -sp.oo and b.is_finite:
        return b - t
    return None


def _shown(region: sp.Interval) -> str:
    """(0, 1), [0, oo) ... as a reader writes an interval."""
    left = "(" if region.left_open or region.start is -sp.oo else "["
    right = ")" if region.right_open or region.end is sp.oo else "]"
    return f"{left}{sp.sstr(region.start)}, {sp.sstr(region.end)}{right}"


def natural_substitution(lhs: sp.Expr, scope: Scope, rhs=None) -> tuple[dict, tuple]:
    """{real symbol: its cover by a positive dummy} and a description of each restriction,
    for the real symbols whose natural domain in ``lhs`` (and ``rhs``: where both sides are
    defined) is a proper interval. Only the conditions on one symbol alone restrict it; a
    proof on the larger set those leave holds on the domain too."""
    sides = [unfold_all(sp.sympify(e)) for e in (lhs, rhs) if e is not None]
    mapping, said = {}, []
    for s in sorted(set().union(*(e.free_symbols for e in sides)), key=sp.default_sort_key):
        decl = scope.lookup(s)
        if not isinstance(s, sp.Symbol) or decl is None or decl.domain not in (REAL, NATURAL):
            continue
        # A declared real lives where the left side is defined; an undeclared name where
        # both sides are (as the numeric check samples them).
        both = decl.domain == NATURAL and len(sides) == 2
        where = "both sides are" if both else "the left side is"
        conds = [c for e in (sides if both else sides[:1]) for c in _conditions(e)]
        mine = [c for c in conds if c.free_symbols == {s}]
        if not mine:
            continue
        region = sp.S.Reals
        try:
            for c in mine:
                region = region.intersect(
                    sp.solve_univariate_inequality(c, s, relational=False))
        except Exception:  # SymPy cannot solve it: no restriction, no proof from it
            continue
        if not isinstance(region, sp.Interval):
            continue
        cover = _cover(region, sp.Dummy(f"{s.name}_t", positive=True))
        if cover is not None:
            mapping[s] = cover
            said.append(f"{s} in {_shown(region)}, where {where} defined")
    families = _positive_families(sides, scope)
    mapping.update(families)
    said += [f"{b.label}_i > 0, where both sides are defined" for b in families]
    return mapping, tuple(said)


def _positive_families(sides, scope: Scope) -> dict:
    """Undeclared families whose entries stand alone under a log somewhere (log P_i, over an
    index): where both sides are defined they are positive. The proof then assumes so, says
    so, and the numeric check samples the whole of where both sides are defined."""
    if len(sides) != 2:
        return {}
    out = {}
    for b in set().union(*(e.atoms(sp.IndexedBase) for e in sides)):
        decl = scope.lookup(b)
        if decl is None or decl.domain != NATURAL:
            continue
        if any(isinstance(c, sp.StrictGreaterThan) and isinstance(c.lhs, sp.Indexed)
               and c.lhs.base == b and c.rhs == 0 for e in sides for c in _conditions(e)):
            out[b] = sp.IndexedBase(sp.Dummy(str(b.label)), positive=True)
    return out


MAX_DIVISORS = 8  # divisors named in a proof's assumptions at most


def divisors(exprs, scope: Scope) -> tuple:
    """"d != 0" for every divisor in ``exprs`` that the domains do not prove nonzero.

    Cancelling (x/x = 1, and what SymPy does on its own when it builds x*x**-1) is valid
    only where the divisor is not 0, so a proof that relied on it says so.
    """
    found: list = []
    for e in exprs:
        for pw in sorted(e.atoms(sp.Pow), key=sp.default_sort_key):
            base = pw.base
            if not pw.exp.is_negative or base.is_Number or base in found:
                continue
            if _shown_nonzero(base, scope):
                continue
            found.append(base)
    return tuple(f"{sp.sstr(b)} != 0" for b in found[:MAX_DIVISORS])


def _shown_nonzero(base: sp.Expr, scope: Scope) -> bool:
    """Whether the domains show ``base`` nonzero (a chain's steps share their divisors)."""
    return _nonzero_under(base, tuple(scope))


@remembered(1024)
def _nonzero_under(base: sp.Expr, declarations: tuple) -> bool:
    return _nonzero_in(base, Scope(declarations))


def _nonzero_in(base: sp.Expr, scope: Scope) -> bool:
    if base.is_nonzero:
        return True
    # e^s + 2 + e^-s: factoring in u = e^s settles it at once, sign_of takes ~40 ms to fail.
    # Tried first, it must not fail where sign_of alone would have answered.
    try:
        if _positive_in_exp(base):
            return True
    except Exception:  # anything SymPy's factor raises: not shown this way
        pass
    return cond.sign_of(base, scope) != 0


def _positive_in_exp(expr: sp.Expr) -> bool:
    """True when ``expr``, with each e^(c x) (x real, c rational) written u_x**c for a
    positive u_x, factors into a visibly positive rational function: e^s + 2 + e^-s is
    (u + 1)**2 / u.

    >>> s = sp.Symbol("s", real=True)
    >>> _positive_in_exp(sp.exp(s) + 2 + sp.exp(-s)), _positive_in_exp(sp.exp(s) - 1)
    (True, False)
    """
    if not expr.has(sp.exp):
        return False
    gens: dict = {}

    def power(e):
        c, x = e.args[0].as_coeff_Mul()
        if not (c.is_Rational and x.is_real):
            return e
        return gens.setdefault(x, sp.Dummy("u", positive=True)) ** c
    try:
        return bool(sp.factor(sp.together(expr.replace(
            lambda e: isinstance(e, sp.exp), power))).is_positive)
    except (sp.PolynomialError, NotImplementedError):
        return False
