"""The symbolic check: a certificate that two expressions agree on the symbols' domains.

A proof here is a normal form: both sides are unfolded, their logarithms expanded only
where the domains prove the arguments positive, sums made linear and their indices
renamed canonically; the difference must then expand to exactly zero. Labels with finitely
many values are split into cases. No ``force=True``, no ``simplify`` verdict on trust.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass

import sympy as sp

from .. import conditions as cond
from .. import rules as R
from ..domains import SIZE
from ..functions import unfold_all
from ..notation import Scope

MAX_CASES = 64  # case splits over finite-valued scalars beyond this are not attempted


@dataclass(frozen=True)
class SymbolicResult:
    """proved / disproved / unknown / timeout, how, and the side conditions relied on."""

    status: str
    certificate: str = ""
    conditions: tuple = ()
    message: str = ""


_LOGS = R.chain(R.LOG_OF_PRODUCT, R.LOG_PRODUCT, R.LOG_POWER)


def _canonical_indices(expr: sp.Expr, depth: int = 0) -> sp.Expr:
    """Rename bound indices by nesting depth, so Sum over i equals the same Sum over n."""
    if isinstance(expr, (sp.Sum, sp.Product)) and len(expr.limits) == 1:
        (var, lo, hi), = expr.limits
        fresh = sp.Symbol(f"_j{depth}", integer=True)
        body = _canonical_indices(expr.function.xreplace({var: fresh}), depth + 1)
        return expr.func(body, (fresh, lo, hi))
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


def normal_form(expr: sp.Expr, scope: Scope, fixed: dict | None = None) -> sp.Expr:
    """A canonical form in which equal expressions (on the domains) usually coincide."""
    fixed = fixed or {}
    with cond.using_scope(scope):
        e = R.expand_finite_sums(unfold_all(expr))
        facts = _simplex_facts(e, scope, fixed)
        if facts:
            e = e.xreplace(facts)
        for _ in range(8):
            before = e
            e = _LOGS(e)
            e = sp.expand(e, deep=True, log=False, power_base=False, power_exp=False)
            e = R.pull_constant(R.split_sum(e))
            if e == before:
                break
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


def _zero(diff: sp.Expr) -> str:
    """'zero', 'nonzero' (a constant that is not 0), or 'open'."""
    if diff == 0:
        return "zero"
    if not diff.free_symbols and not diff.atoms(sp.Sum, sp.Product):
        value = diff.evalf(30)
        if value.is_Number and value != 0:
            return "nonzero"
    return "open"


def prove_equal(lhs: sp.Expr, rhs: sp.Expr, scope: Scope, given=()) -> SymbolicResult:
    """Prove lhs = rhs on the domains, or find that their difference is a nonzero constant."""
    fixed = _fixed_sizes(given)
    with cond.recording() as used:
        verdict = _zero(normal_form(lhs - rhs, scope, fixed))
        if verdict == "zero":
            return SymbolicResult("proved", "the normal form of lhs - rhs is 0", tuple(used))
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
    """Prove after = c*before + d with d free of the parameters and sign(c) = order."""
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
