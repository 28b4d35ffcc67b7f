"""Equalities with exponentials (sigmoid, softmax, log-sum-exp): strategies tried when the
normal forms differ.

Each strategy rewrites the difference lhs - rhs by moves that hold on the domains (a log is
split only into logs of factors proved positive; e^x stands for a positive number only when
x is proved real); the difference is then proved zero by the normal form or by exact
rational-function arithmetic. The certificate names the strategy that worked.
"""
from __future__ import annotations

import sympy as sp

from .. import conditions as cond
from ..notation import Scope
from .natural import divisors
from .normal import _linearise, normal_form


def _bound(expr: sp.Expr) -> set:
    """Every summation (or product) index in ``expr``."""
    return {lim[0] for e in expr.atoms(sp.Sum, sp.Product) for lim in e.limits}


def hyperbolic_as_exp(expr: sp.Expr) -> sp.Expr:
    """tanh, sinh and cosh written with exp.

    >>> x = sp.Symbol("x", real=True)
    >>> hyperbolic_as_exp(sp.tanh(x))
    (exp(x) - exp(-x))/(exp(x) + exp(-x))
    """
    return expr.replace(lambda e: isinstance(e, (sp.tanh, sp.sinh, sp.cosh)),
                        lambda e: e.rewrite(sp.exp))


def split_exponents(expr: sp.Expr) -> sp.Expr:
    """exp(a + b) -> exp(a)*exp(b) (true for all a, b), so a factor free of an index can
    leave a sum over it.

    >>> x, c = sp.symbols("x c", real=True)
    >>> split_exponents(sp.exp(x - c))
    exp(-c)*exp(x)
    """
    return expr.replace(lambda e: isinstance(e, sp.exp) and isinstance(e.args[0], sp.Add),
                        lambda e: sp.Mul(*[sp.exp(a) for a in e.args[0].args]))


def products_of_exponentials(expr: sp.Expr) -> sp.Expr:
    """prod_i exp(f_i) -> exp(sum_i f_i) (a finite product of exponentials).

    >>> i, n = sp.symbols("i n", integer=True, positive=True)
    >>> a = sp.IndexedBase("a", real=True)
    >>> products_of_exponentials(sp.Product(sp.exp(a[i]), (i, 1, n)))
    exp(Sum(a[i], (i, 1, n)))
    """
    return expr.replace(lambda e: isinstance(e, sp.Product) and isinstance(e.function, sp.exp),
                        lambda e: sp.exp(sp.Sum(e.function.args[0], *e.limits)))


def exponential_generators(expr: sp.Expr) -> tuple[sp.Expr, dict]:
    """Each exp(k*x) (x real, free of summation indices, k rational) as u**k for a positive
    u standing for e^x; returns the rewritten expression and {u: x}.

    >>> z = sp.Symbol("z", real=True)
    >>> e, gens = exponential_generators(1 / (1 + sp.exp(-z)))
    >>> e.subs({u: sp.Symbol("u") for u in gens}), list(gens.values())
    (1/(1 + 1/u), [z])
    """
    bound, gens = _bound(expr), {}

    def generator(e):
        k, x = e.args[0].as_coeff_Mul()
        if not k.is_Rational or x.free_symbols & bound or not cond.real(x):
            return e
        u = next((u for u, y in gens.items() if y == x), None)
        if u is None:
            u = sp.Dummy("u", positive=True)
            gens[u] = x
        return u ** k
    return split_exponents(expr).replace(lambda e: isinstance(e, sp.exp), generator), gens


def split_rational_logs(expr: sp.Expr, gens: dict) -> sp.Expr:
    """log(r) of a rational function r of the generators as the sum of m*log(f) over its
    factors f (multiplicity m), when every factor is proved positive; log u is then x.

    >>> u, z = sp.Symbol("u", positive=True), sp.Symbol("z", real=True)
    >>> split_rational_logs(sp.log(1 - 1 / (1 + 1 / u)), {u: z})
    -log(u + 1)
    >>> split_rational_logs(sp.log(u**2 / (1 + u)), {u: z})
    2*z - log(u + 1)
    """
    def split(lg):
        arg = lg.args[0]
        if not arg.has(*gens):
            return lg
        num, den = sp.fraction(sp.cancel(sp.together(arg)))
        parts = []
        for poly, sign in ((num, 1), (den, -1)):
            try:
                c, factors = sp.factor_list(poly)
            except (sp.PolynomialError, NotImplementedError):
                return lg
            if not (c.is_Rational and c > 0) or not all(cond.positive(f) for f, _ in factors):
                return lg
            parts += [sign * sp.log(c)] + [sign * m * sp.log(f) for f, m in factors]
        return sp.Add(*parts)
    out = expr.replace(lambda e: isinstance(e, sp.log), split)
    return out.xreplace({sp.log(u): x for u, x in gens.items()})


def _cancels(expr: sp.Expr) -> bool:
    """True when ``expr`` is 0 as a rational function (any atoms taken as generators)."""
    try:
        return sp.cancel(sp.together(expr)) == 0
    except (sp.PolynomialError, NotImplementedError):
        return False


def _by_generators(diff: sp.Expr, scope: Scope, fixed: dict):
    """The substitution u = e^x: the difference is zero as a function of positive u's."""
    e, gens = exponential_generators(diff)
    if not gens:
        return None
    e = split_rational_logs(e, gens)
    if not _cancels(e):
        return None
    return sp.together(e).xreplace({u: sp.exp(x) for u, x in gens.items()})


def _by_factoring_sums(diff: sp.Expr, scope: Scope, fixed: dict):
    """exp(a + b) = exp(a) exp(b), then factors free of an index taken out of sums over it."""
    e = _linearise(split_exponents(diff))
    if e == diff:
        return None
    e = normal_form(e, scope, fixed)
    return e if e == 0 or _cancels(e) else None


def _by_products(diff: sp.Expr, scope: Scope, fixed: dict):
    """A product of exponentials as the exponential of the sum."""
    e = products_of_exponentials(diff)
    if e == diff:
        return None
    e = normal_form(e, scope, fixed)
    return e if e == 0 or _cancels(e) else None


STRATEGIES = (
    ("exp(a + b) = exp(a) exp(b), constant factors out of the sums", _by_factoring_sums),
    ("prod exp(f) = exp(sum f)", _by_products),
    ("u = e^x > 0: the difference is 0 as a rational function of u "
     "(logs split into logs of positive factors)", _by_generators),
)


def prove_by_exponentials(diff: sp.Expr, sides, scope: Scope, fixed: dict):
    """(certificate, assumptions) when a strategy shows the normal form ``diff`` of
    lhs - rhs is 0, else None. Call inside ``cond.recording``."""
    if not diff.has(sp.exp, sp.tanh, sp.sinh, sp.cosh):
        return None
    diff = hyperbolic_as_exp(diff)
    with cond.using_scope(scope):
        for name, strategy in STRATEGIES:
            try:
                shown = strategy(diff, scope, fixed)
            except (sp.PolynomialError, NotImplementedError):
                continue
            if shown is not None:
                # Cancelling divides by the denominators: assumed nonzero unless proved.
                return name, divisors((*sides, sp.together(diff), shown), scope)
    return None
