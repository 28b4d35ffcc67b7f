"""Derivatives worked out before either check, so both see the same expression."""
from __future__ import annotations

import sympy as sp

from .. import conditions as cond
from ..bound import rename_apart
from ..functions import unfold_all
from ..memo import remembered
from ..notation import Scope


def evaluate_derivatives(expr: sp.Expr, scope: Scope) -> sp.Expr:
    """Differentiate, collapse sums of Kronecker deltas, and restore the declared families.

    A shallow ``doit`` differentiates without rebuilding indexed families (a rebuilt family
    loses its assumptions, and q[i] would no longer match the variable q[1]); the sums of
    KroneckerDelta that differentiating a sum leaves are then done, and any family that
    SymPy rebuilt on the way is mapped back to its declaration.

    >>> from xentsym.functions import CrossEntropy
    >>> from xentsym.notation import LECTURE, p, q
    >>> evaluate_derivatives(sp.Derivative(CrossEntropy(p, q), q[1]), LECTURE)
    -p[1]/q[1]
    """
    if not expr.has(sp.Derivative):
        return expr
    # the same side under the same declarations: a diagnosis asks many times
    return _evaluate(expr, tuple(scope))


@remembered(256)
def _evaluate(expr: sp.Expr, declarations: tuple) -> sp.Expr:
    # H(p) and the like unfold over the sizes of the declarations, whatever scope the caller
    # is in: the result depends on the arguments alone, as the memo needs.
    scope = Scope(declarations)
    with cond.using_scope(scope):
        return _work_out(expr, scope)


def _work_out(expr: sp.Expr, scope: Scope) -> sp.Expr:
    # A bound index named like one in a variable (sum over j, d/dz_j) is renamed first:
    # differentiating would otherwise capture it.
    e = unfold_all(expr)
    e = rename_apart(e, avoid={s for d in e.atoms(sp.Derivative) for v in d.variables
                               for s in v.free_symbols if isinstance(s, sp.Symbol)})
    facts = [f for d in e.atoms(sp.Derivative) for f in _entry_ranges(d)]
    facts += scope.range_facts(e.free_symbols)  # declared indices: j over 1..d
    e = e.replace(lambda d: isinstance(d, sp.Derivative), lambda d: d.doit(deep=False))
    return scope.canonical(collapse_delta_sums(e, facts))


def collapse_delta_sums(e, facts=()):
    """Sums of Kronecker deltas done; the cases SymPy leaves (is the index in range?)
    settled by ``facts`` (Q.ge(j, 1) & Q.le(j, N) ...)."""
    e = e.replace(lambda s: isinstance(s, sp.Sum) and s.has(sp.KroneckerDelta),
                  lambda s: s.doit())
    if facts and e.has(sp.Piecewise):
        e = _settle_stated(e, facts)
    if facts and e.has(sp.Piecewise):  # a case the facts do not state word for word
        e = sp.refine(e, sp.And(*facts))
    return e


def _settle_stated(e, facts):
    """Piecewise conditions that are one of ``facts`` (d >= j for Q.le(j, d)) made True;
    ``refine`` would settle them too, through the SAT solver at ~0.1 s a call.

    >>> j, d, x = sp.symbols("j d x", positive=True)
    >>> _settle_stated(sp.Piecewise((x, d >= j), (0, True)), [sp.Q.ge(j, 1) & sp.Q.le(j, d)])
    x
    >>> _settle_stated(sp.Piecewise((x, d > j), (0, True)), [sp.Q.le(j, d)])  # not stated
    Piecewise((x, d > j), (0, True))
    """
    stated = {}
    for fact in facts:
        for f in sp.And.make_args(fact):
            kind = _STATED.get(getattr(f, "function", None))
            if kind is not None:
                a, b = f.arguments
                stated.update({r: sp.true for r in (rel(*args) for rel, args in kind(a, b))
                               if isinstance(r, sp.core.relational.Relational)})
    if not stated:
        return e
    return e.replace(lambda p: isinstance(p, sp.Piecewise),
                     lambda p: sp.Piecewise(*((v, c.xreplace(stated)) for v, c in p.args)))


# a fact Q.rel(a, b) and the relationals, in either orientation, that say the same
_STATED = {
    sp.Q.ge: lambda a, b: ((sp.GreaterThan, (a, b)), (sp.LessThan, (b, a))),
    sp.Q.le: lambda a, b: ((sp.LessThan, (a, b)), (sp.GreaterThan, (b, a))),
    sp.Q.gt: lambda a, b: ((sp.StrictGreaterThan, (a, b)), (sp.StrictLessThan, (b, a))),
    sp.Q.lt: lambda a, b: ((sp.StrictLessThan, (a, b)), (sp.StrictGreaterThan, (b, a))),
}


def _entry_ranges(d: sp.Derivative) -> list:
    """What differentiating by an entry says about its index: d/dw_j of a sum of w_k over
    the whole axis (k from 1 to a size N) takes w_j to be one of those entries, 1 <= j <= N.
    Collapsing the sum leaves that condition in a Piecewise, which these facts settle.

    >>> j, k, N = sp.symbols("j k N", integer=True, positive=True)
    >>> w = sp.IndexedBase("w")
    >>> _entry_ranges(sp.Derivative(sp.Sum(w[k] ** 2, (k, 1, N)), w[j]))
    [Q.ge(j, 1) & Q.le(j, N)]
    """
    facts = []
    for v in d.variables:
        if not isinstance(v, sp.Indexed):
            continue
        for big in d.expr.atoms(sp.Sum, sp.Product):
            for var, lo, hi in (lim for lim in big.limits if len(lim) == 3):
                if lo != 1 or not isinstance(hi, sp.Symbol):
                    continue  # only the whole axis says where every entry lies
                for ix in big.function.atoms(sp.Indexed):
                    if ix.base.label != v.base.label or len(ix.indices) != len(v.indices):
                        continue
                    facts += [sp.Q.ge(v.indices[a], 1) & sp.Q.le(v.indices[a], hi)
                              for a, idx in enumerate(ix.indices)
                              if idx == var and v.indices[a].free_symbols]
    return facts
