"""The symbolic check: a certificate that two expressions agree on the symbols' domains.

A proof here is a normal form: both sides are unfolded, their logarithms expanded only
where the domains prove the arguments positive, sums made linear and their indices
renamed canonically; the difference must then expand to exactly zero. Labels with finitely
many values are split into cases. No ``force=True``, no ``simplify`` verdict on trust.
"""
from __future__ import annotations

import itertools

import sympy as sp

from .. import conditions as cond
from ..functions import unfold_all
from .exponential import prove_by_exponentials
from .inequalities import nonnegative, prove_at_most  # noqa: F401 (public names)
from .natural import divisors
from .summands import prove_by_summands
from .normal import (  # noqa: F401 (normal_form is public)
    _finite_scalars, _fixed_sizes, _zero, normal_form)
from .result import SymbolicResult, on_natural_domain
from ..notation import Scope

MAX_CASES = 64  # case splits over finite-valued scalars beyond this are not attempted


def prove_equal(lhs: sp.Expr, rhs: sp.Expr, scope: Scope, given=()) -> SymbolicResult:
    """Prove lhs = rhs on the domains (or where lhs is defined, see on_natural_domain),
    or find that their difference is a nonzero constant."""
    return on_natural_domain(_prove_equal, lhs, rhs, scope, given)


def _prove_equal(lhs: sp.Expr, rhs: sp.Expr, scope: Scope, given=()) -> SymbolicResult:
    """prove_equal on the declared domains alone."""
    fixed = _fixed_sizes(given)
    sides = (unfold_all(sp.sympify(lhs)), unfold_all(sp.sympify(rhs)))
    with cond.recording() as used:
        diff = normal_form(lhs - rhs, scope, fixed)
        verdict = _zero(diff)
        if verdict == "zero":
            return SymbolicResult("proved", "the normal form of lhs - rhs is 0", tuple(used),
                                  assumptions=divisors(sides, scope))
        if not diff.has(sp.Sum, sp.Product) and sp.cancel(sp.together(diff)) == 0:
            # Exact rational-function arithmetic (in exp, log, ... as generators): it
            # divides by the denominators of the difference, so they are assumed nonzero.
            return SymbolicResult("proved", "lhs - rhs cancels to 0 as a rational function",
                                  tuple(used), assumptions=divisors(
                                      (*sides, sp.together(diff)), scope))
        # Sums over the same range first: the exponential strategies are slow on them.
        shown = (prove_by_summands(diff, sides, scope, fixed)
                 or prove_by_exponentials(diff, sides, scope, fixed))
        if shown is not None:
            return SymbolicResult("proved", shown[0], tuple(used), assumptions=shown[1])
        finite = _finite_scalars((lhs, rhs), scope)
        cases = list(itertools.product(*[scope.require(s).domain.values for s in finite]))
        if finite and len(cases) <= MAX_CASES:
            outcomes = []
            for values in cases:
                point = dict(zip(finite, values))
                outcomes.append(_zero(normal_form((lhs - rhs).subs(point), scope, fixed)))
            names = ", ".join(f"{s} in {set(scope.require(s).domain.values)}" for s in finite)
            if all(o == "zero" for o in outcomes):
                return SymbolicResult("proved", f"case by case over {names}", tuple(used))
            if "nonzero" in outcomes:
                bad = dict(zip(finite, cases[outcomes.index("nonzero")]))
                return SymbolicResult("disproved", "", tuple(used),
                                      f"the sides differ at {bad}")
    if verdict == "nonzero":
        return SymbolicResult("disproved", "", tuple(used),
                              "lhs - rhs is a nonzero constant")
    return SymbolicResult("unknown", "", tuple(used),
                          "the normal forms differ and no case split settles it")


def _depends(term: sp.Expr, wrt: set) -> bool:
    bases = {ix.base for ix in term.atoms(sp.Indexed)}
    return bool((bases | term.free_symbols) & wrt)


def prove_ranking(before: sp.Expr, after: sp.Expr, order: int, wrt, scope: Scope,
                  given=()) -> SymbolicResult:
    """Prove after = c*before + d with d free of the parameters and sign(c) = order; failing
    that, the same with the log of a positive side (log is increasing: arg max of a product
    of probabilities is the arg max of the sum of their logs)."""
    found = _affine_ranking(before, after, order, wrt, scope, given)
    if found.status != "unknown":
        return found
    for a, b, side in ((sp.log(before), after, before), (before, sp.log(after), after)):
        if cond.sign_of(side, scope) != 1:
            continue
        again = _affine_ranking(a, b, order, wrt, scope, given)
        if again.status == "proved":
            return SymbolicResult("proved", f"{again.certificate}, through the log of "
                                  f"{sp.sstr(side)} > 0 (log is increasing)",
                                  again.conditions + (cond.SideCondition(side, "> 0", True),))
    return found


def _affine_ranking(before, after, order: int, wrt, scope: Scope, given=()) -> SymbolicResult:
    """after = c*before + d with d free of the parameters and sign(c) = order."""
    wrt = set(wrt)
    fixed = _fixed_sizes(given)
    with cond.recording() as used:
        f = normal_form(before, scope, fixed)
        g = normal_form(after, scope, fixed)
        dep_f = sp.Add(*[t for t in sp.Add.make_args(f) if _depends(t, wrt)])
        dep_g = sp.Add(*[t for t in sp.Add.make_args(g) if _depends(t, wrt)])
        if dep_f == 0 or dep_g == 0:
            return SymbolicResult("unknown", "", tuple(used),
                                  "an objective does not depend on the parameters")
        c = sp.cancel(dep_g / dep_f)
        if _depends(c, wrt) or normal_form(dep_g - c * dep_f, scope, fixed) != 0:
            return SymbolicResult("unknown", "", tuple(used),
                                  "the objectives are not a scaled and shifted copy")
        sign = cond.sign_of(c, scope)
        want = "> 0" if order > 0 else "< 0"
        used.append(cond.SideCondition(c, want, sign == order))
        if sign == order:
            return SymbolicResult(
                "proved", f"after = ({sp.sstr(c)}) * before + (terms free of the parameters)",
                tuple(used))
        if sign == -order:
            return SymbolicResult("disproved", "", tuple(used),
                                  f"the scale factor {sp.sstr(c)} has the wrong sign")
        return SymbolicResult("unknown", "", tuple(used),
                              f"the sign of the scale factor {sp.sstr(c)} is not proved")

