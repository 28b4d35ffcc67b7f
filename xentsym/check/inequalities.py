"""Inequalities lhs <= rhs: a certificate that rhs - lhs is non-negative on the domains."""
from __future__ import annotations

import sympy as sp

from .. import conditions as cond
from .intervals import certain_sign
from .named import named_facts
from .normal import _fixed_sizes, _zero, normal_form
from .result import SymbolicResult, on_natural_domain
from ..notation import Scope


def nonnegative(expr: sp.Expr, scope: Scope) -> bool:
    """A structural proof that ``expr`` >= 0: sums and products of parts the domains make
    non-negative, and the named gap t - 1 - log t for t > 0."""
    from ..functions import KLDivergence, LogGap
    if isinstance(expr, LogGap):
        return cond.positive(expr.args[0])
    if isinstance(expr, KLDivergence):
        # Gibbs' inequality (derived in derivations/gibbs_inequality.py) holds for two
        # distributions over the same outcomes, not for arbitrary families.
        decls = [scope.lookup(a) for a in expr.args]
        if all(d is not None and d.domain.axis_rule == "simplex" for d in decls) and \
                decls[0].over == decls[1].over:
            cond.fact(expr, ">= 0")
            return True
        return False
    if isinstance(expr, (sp.Add, sp.Mul)):
        return all(nonnegative(a, scope) for a in expr.args)
    if isinstance(expr, sp.Sum):
        return nonnegative(expr.function, scope)
    if expr.is_Number:
        return bool(expr >= 0)
    return cond.sign_of(expr, scope) > 0 or bool(expr.is_nonnegative)


def prove_at_most(lhs: sp.Expr, rhs: sp.Expr, scope: Scope, given=(),
                  certificate: sp.Expr | None = None) -> SymbolicResult:
    """Prove lhs <= rhs: rhs - lhs equals a certificate that is visibly non-negative (on
    the domains, or where lhs is defined: see on_natural_domain)."""
    return on_natural_domain(_prove_at_most, lhs, rhs, scope, given, certificate)


def _prove_at_most(lhs: sp.Expr, rhs: sp.Expr, scope: Scope, given=(),
                   certificate: sp.Expr | None = None) -> SymbolicResult:
    """prove_at_most on the declared domains alone."""
    fixed = _fixed_sizes(given)
    with cond.recording() as used:
        candidates = [(certificate, False)] if certificate is not None else []
        candidates.append((rhs - lhs, True))
        for cert, is_difference in candidates:
            if not nonnegative(cert, scope):
                continue
            if is_difference or normal_form(rhs - lhs - cert, scope, fixed) == 0:
                how = "rhs - lhs equals a sum of non-negative terms"
                return SymbolicResult("proved", how, tuple(used))
        diff = normal_form(rhs - lhs, scope, fixed)
        if _zero(diff) == "zero" or (diff.is_Number and diff >= 0):
            return SymbolicResult("proved", "rhs - lhs is a non-negative constant", tuple(used))
        if diff.is_Number and diff < 0:
            return SymbolicResult("disproved", "", tuple(used), "rhs - lhs is negative")
        sign = certain_sign(diff)
        if sign:
            how = f"rhs - lhs = {sp.N(diff, 6)}, its sign certain by interval arithmetic"
            return SymbolicResult("proved", how, tuple(used), strict=True) if sign > 0 else \
                SymbolicResult("disproved", "", tuple(used), f"rhs - lhs is negative: {how}")
        named = _by_named_fact(rhs - lhs, diff, scope, fixed)
        if named is not None:
            return SymbolicResult("proved", named, tuple(used))
    return SymbolicResult("unknown", "", tuple(used),
                          "no certificate that rhs - lhs is non-negative")


def _by_named_fact(diff: sp.Expr, normal: sp.Expr, scope: Scope, fixed: dict) -> str | None:
    """The name of a fact F >= 0 (see named.py) with diff - F visibly non-negative."""
    with cond.using_scope(scope):
        facts = named_facts(diff, normal, scope)
    for name, fact in facts:
        rest = normal_form(diff - fact, scope, fixed)
        if _zero(rest) == "zero" or certain_sign(rest) > 0 or nonnegative(rest, scope):
            cond.fact(fact, ">= 0")
            return f"rhs - lhs = F + (a non-negative rest), F >= 0 by {name}"
    return None
