"""Derivatives worked out before either check, so both see the same expression."""
from __future__ import annotations

import sympy as sp

from ..functions import unfold_all
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
    e = unfold_all(expr).replace(lambda d: isinstance(d, sp.Derivative),
                                 lambda d: d.doit(deep=False))
    e = e.replace(lambda s: isinstance(s, sp.Sum) and s.has(sp.KroneckerDelta),
                  lambda s: s.doit())
    return scope.canonical(e)
