"""What kind of statement a document's step is: a constraint, an equation to solve, a claim."""
from __future__ import annotations

import sympy as sp

from .parse import Objective


def is_number(e) -> bool:
    """A constant: ``2``, ``\\frac{1}{2}``, ``\\log 2``.

    >>> is_number(sp.log(2)), is_number(sp.Symbol("x"))
    (True, False)
    """
    return isinstance(e, sp.Expr) and not isinstance(e, Objective) and e.is_number


def is_atom(e) -> bool:
    """A single name: a symbol or one entry of a family."""
    return isinstance(e, (sp.Symbol, sp.Indexed))


def constraint(lhs, rhs) -> bool:
    """``w > 0``, ``0 < \\theta``, ``N \\geq 1``: a name bounded by a number constrains it.

    >>> w = sp.Symbol("w")
    >>> constraint(w, sp.Integer(0)), constraint(w, w + 1)
    (True, False)
    """
    if isinstance(lhs, Objective) or isinstance(rhs, Objective):
        return False
    return (is_atom(lhs) and is_number(rhs)) or (is_atom(rhs) and is_number(lhs))


def blind_derivative(*exprs):
    """A derivative of something that does not mention its variable (dL/dw of an undefined L):
    read literally it is 0, but the text means a dependence it has not written down."""
    for e in exprs:
        for d in e.atoms(sp.Derivative):
            for v in d.variables:
                if isinstance(v, sp.Indexed):
                    seen = any(ix.base.label == v.base.label for ix in d.expr.atoms(sp.Indexed))
                else:
                    seen = v in d.expr.free_symbols
                if not seen:
                    return d
    return None


def stationarity(lhs, rhs, derivative: bool) -> bool:
    """``0 = d/dθ f``, or ``... = 0`` in a chain about a derivative: an equation to solve."""
    if isinstance(lhs, Objective) or isinstance(rhs, Objective):
        return False
    for zero, other in ((lhs, rhs), (rhs, lhs)):
        if zero == 0 and (derivative or other.has(sp.Derivative)):
            return True
    return False


# The order relations a document may state, and whether checking them as "at most" swaps the
# sides (a >= b is b <= a).
CHECKED_ORDER = {"<=": False, ">=": True, "<": False, ">": True}


__all__ = ["CHECKED_ORDER", "blind_derivative", "constraint", "is_atom", "is_number",
           "stationarity"]
