"""Rules for derivatives through sums over indices: linearity, the chain rule, entries, deltas.

A gradient with a free index (d/dw_j of a loss summed over samples) is derived in the moves
a course names: differentiate under the sum, apply the chain rule through an inner
expression, differentiate the entries (dw_m/dw_j is the Kronecker delta), and sum the delta
out. Each rule returns its input where it does not apply.

>>> from xentsym.notation import index
>>> j, m, d = index("j"), index("m"), index("d")
>>> w, x = sp.IndexedBase("w"), sp.IndexedBase("x")
>>> entry_derivative(differentiate_under_sum(sp.Derivative(sp.Sum(w[m] * x[m], (m, 1, d)), w[j])))
Sum(KroneckerDelta(j, m)*x[m], (m, 1, d))
"""
from __future__ import annotations

import sympy as sp

from . import conditions as cond
from .bound import rename_apart
from .relations import EQUAL
from .rules import Rule


def _touches(expr: sp.Expr, variables) -> bool:
    """Does ``expr`` depend on any of the variables (a symbol, or an entry of a family)?"""
    for v in variables:
        if isinstance(v, sp.Indexed):
            if any(ix.base.label == v.base.label for ix in expr.atoms(sp.Indexed)):
                return True
        elif expr.has(v):
            return True
    return False


def _push(d: sp.Derivative) -> sp.Expr:
    """One Derivative moved inside a sum, a sum of terms, or past constant factors."""
    f, variables = d.expr, d.variables
    if not _touches(f, variables):
        return sp.S.Zero
    if isinstance(f, sp.Sum):
        bound = {lim[0] for lim in f.limits}
        if any(v.free_symbols & bound for v in variables):
            return d
        return sp.Sum(_push(sp.Derivative(f.function, *d.variable_count)), *f.limits)
    if isinstance(f, sp.Add):
        return sp.Add(*[_push(sp.Derivative(t, *d.variable_count)) for t in f.args])
    if isinstance(f, sp.Mul):
        const = [a for a in f.args if not _touches(a, variables)]
        if const:
            rest = sp.Mul(*[a for a in f.args if _touches(a, variables)])
            return sp.Mul(*const) * _push(sp.Derivative(rest, *d.variable_count))
    return d


def differentiate_under_sum(expr: sp.Expr) -> sp.Expr:
    """d/dv sum_i f_i -> sum_i d/dv f_i; also through sums of terms and constant factors,
    and d/dv c = 0 for c free of v (linearity of the derivative; the sums are finite).

    >>> from xentsym.notation import index
    >>> i, j, N = index("i"), index("j"), index("N")
    >>> w, y = sp.IndexedBase("w"), sp.IndexedBase("y")
    >>> differentiate_under_sum(sp.Derivative(sp.Sum(y[i] * w[i] ** 2, (i, 1, N)), w[j]))
    Sum(Derivative(w[i]**2, w[j])*y[i], (i, 1, N))
    """
    expr = rename_apart(expr, avoid={s for d in expr.atoms(sp.Derivative)
                                     for v in d.variables for s in v.free_symbols})
    return expr.replace(lambda e: isinstance(e, sp.Derivative), _push)


def chain_rule(expr: sp.Expr, inner: sp.Expr) -> sp.Expr:
    """d/dv F(g) -> F'(g) * dg/dv for the named inner expression g, where F depends on v
    only through g (one variable at a time).

    >>> z, w = sp.Symbol("z", real=True), sp.Symbol("w", real=True)
    >>> chain_rule(sp.Derivative(sp.log(1 + sp.exp(w * z)), w), w * z)
    exp(w*z)*Derivative(w*z, w)/(exp(w*z) + 1)
    """
    def go(d):
        if len(d.variables) != 1 or not d.expr.has(inner):
            return d
        u = sp.Dummy("u", real=True)
        outer = d.expr.xreplace({inner: u})
        if _touches(outer, d.variables):
            return d
        return sp.diff(outer, u).xreplace({u: inner}) * sp.Derivative(inner, *d.variables)
    return expr.replace(lambda e: isinstance(e, sp.Derivative), go)


def entry_derivative(expr: sp.Expr) -> sp.Expr:
    """Differentiate what is left: dw_m/dw_j = KroneckerDelta(j, m), with SymPy's rules for
    powers, products and sums (deltas are left in place; see ``kronecker_sum``).

    >>> from xentsym.notation import index
    >>> m, j = index("m"), index("j")
    >>> w = sp.IndexedBase("w")
    >>> entry_derivative(sp.Derivative(3 * w[m] ** 2, w[j]))
    6*KroneckerDelta(j, m)*w[m]
    """
    def go(d):
        avoid = {s for v in d.variables for s in v.free_symbols}
        return rename_apart(d, avoid=avoid).doit(deep=False)
    return expr.replace(lambda e: isinstance(e, sp.Derivative), go)


def kronecker_sum(expr: sp.Expr) -> sp.Expr:
    """sum_{m=lo}^{hi} delta(m, j) f(m) -> f(j), when the declarations put j in lo..hi.

    >>> from xentsym.domains import INDEX
    >>> from xentsym.notation import Declaration, Scope, index
    >>> m, j, d = index("m"), index("j"), index("d")
    >>> w = sp.IndexedBase("w")
    >>> with cond.using_scope(Scope([Declaration(j, INDEX, (d,))])):
    ...     kronecker_sum(sp.Sum(sp.KroneckerDelta(m, j) * w[m], (m, 1, d)))
    w[j]
    """
    def go(s):
        var, lo, hi = s.limits[0]
        for delta in s.function.atoms(sp.KroneckerDelta):
            if var not in delta.args:
                continue
            (other,) = [a for a in delta.args if a != var] or [var]
            if other.has(var):
                continue
            facts = cond.current_scope().range_facts(other.free_symbols)
            wanted = (sp.Q.ge(other, lo), sp.Q.le(other, hi))
            # The declaration states the range word for word (j in 1..d, summed over 1..d)
            # more often than not; ask (its first call loads SymPy's handlers) otherwise.
            stated = {f for fact in facts for f in sp.And.make_args(fact)}
            inside = all(w in stated for w in wanted) or sp.ask(sp.And(*wanted), sp.And(*facts))
            cond._record(cond.SideCondition(sp.And(sp.Ge(other, lo), sp.Le(other, hi)),
                                            "holds", bool(inside)))
            if not inside:
                continue
            body = s.function.xreplace({delta: sp.S.One}).xreplace({var: other})
            return sp.Sum(body, *s.limits[1:]) if len(s.limits) > 1 else body
        return s
    return expr.replace(lambda e: isinstance(e, sp.Sum) and e.has(sp.KroneckerDelta), go)


DIFFERENTIATE_UNDER_SUM = Rule("differentiate-under-sum", differentiate_under_sum,
                               "differentiate term by term (linearity)",
                               "逐项求导（求导的线性性）")
ENTRY_DERIVATIVE = Rule("entry-derivative", entry_derivative,
                        "differentiate; the derivative of w_m by w_j is the Kronecker delta",
                        "求导；w_m 对 w_j 的导数是克罗内克 delta")
KRONECKER_SUM = Rule("kronecker-sum", kronecker_sum,
                     "the Kronecker delta keeps one term of the sum",
                     "克罗内克 delta 只保留求和中的一项")


def chain_rule_through(inner: sp.Expr) -> Rule:
    """The rule that differentiates through ``inner`` (the chain rule)."""
    return Rule("chain-rule", chain_rule, "chain rule through {}", "对 {} 用链式法则",
                EQUAL, subject=(inner,)).bind(inner=inner)
