"""The sign of a numeric constant, decided by interval arithmetic (mpmath's iv context).

Every operation rounds outwards, so the interval computed for an expression is certain to
contain its value; a sign is claimed only when the whole interval lies on one side of 0.
An exact zero, or anything outside the supported operations, gives no verdict.
"""
from __future__ import annotations

import mpmath
import sympy as sp

PRECISION = 256  # bits carried by each interval end point
MAX_INTEGER_BITS = 4096  # larger integers (and powers) are not evaluated


def _interval(expr: sp.Expr, ctx):
    """An mpmath interval containing the value of the constant ``expr``, or None."""
    if expr.is_Integer or expr.is_Rational:
        if max(abs(expr.p), abs(expr.q)).bit_length() > MAX_INTEGER_BITS:
            return None
        return ctx.mpf(int(expr.p)) / ctx.mpf(int(expr.q))
    if expr is sp.pi:
        return ctx.pi
    if expr is sp.E:
        return ctx.e
    args = [_interval(a, ctx) for a in expr.args]
    if any(a is None for a in args):
        return None
    if isinstance(expr, sp.Add):
        total = args[0]
        for a in args[1:]:
            total = total + a
        return total
    if isinstance(expr, sp.Mul):
        product = args[0]
        for a in args[1:]:
            product = product * a
        return product
    if isinstance(expr, sp.Pow):
        base, ex = args
        if expr.exp.is_Integer and abs(expr.exp) <= MAX_INTEGER_BITS:
            return base ** int(expr.exp)
        return ctx.exp(ctx.log(base) * ex) if base.a > 0 else None
    if isinstance(expr, sp.log) and len(args) == 1:
        return ctx.log(args[0]) if args[0].a > 0 else None
    if isinstance(expr, sp.exp):
        return ctx.exp(args[0])
    return None


def certain_sign(expr: sp.Expr) -> int:
    """+1 or -1 when interval arithmetic shows the constant ``expr`` is positive or negative,
    0 when it cannot (a free symbol, an unsupported function, an interval around 0).

    >>> certain_sign(sp.log(sp.Rational(4, 3)) / 2 - sp.Rational(1, 8))
    1
    >>> certain_sign(sp.log(6) - sp.log(2) - sp.log(3))
    0
    >>> certain_sign(sp.pi - sp.Rational(314159, 100000))
    1
    """
    if expr.free_symbols or expr.has(sp.Sum, sp.Product, sp.Integral):
        return 0
    ctx = mpmath.iv.__class__()  # a private context: its precision is ours alone
    ctx.prec = PRECISION
    try:
        value = _interval(sp.sympify(expr), ctx)
    except (ArithmeticError, ValueError, TypeError, mpmath.libmp.ComplexResult):
        return 0
    if value is None:
        return 0
    if value.a > 0:
        return 1
    if value.b < 0:
        return -1
    return 0
