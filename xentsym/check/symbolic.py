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
from sympy.core.function import AppliedUndef

from .. import conditions as cond
from .. import rules as R
from ..bound import rename_apart, replace_free
from ..functions import unfold_all
from .calculus import evaluate_derivatives
from .natural import divisors, natural_substitution
from ..notation import Scope

MAX_CASES = 64  # case splits over finite-valued scalars beyond this are not attempted


@dataclass(frozen=True)
class SymbolicResult:
    """proved / disproved / unknown / timeout, how, and the side conditions relied on.

    ``assumptions`` names what a proof took for granted beyond the domains, e.g. "x != 0"
    for a divisor the domains do not prove nonzero (x/x = 1 holds only there).
    """

    status: str
    certificate: str = ""
    conditions: tuple = ()
    message: str = ""
    assumptions: tuple = ()


_LOGS = R.chain(R.LOG_OF_PRODUCT, R.LOG_PRODUCT, R.LOG_POWER)


MAX_SWAP_LEVELS = 4  # nested sums up to this deep are put in a canonical order


def _nest(expr: sp.Expr) -> tuple[list, sp.Expr]:
    """The limits of a nest of sums (or of products), outermost first, and the innermost body."""
    levels = []
    kind = type(expr)
    while isinstance(expr, kind):
        levels += list(reversed(expr.limits))  # Sum(f, inner, outer): the first is innermost
        expr = expr.function
    return levels, expr


def _swappable(levels: list) -> bool:
    """Independent, finite-looking limits: the nested sums may be taken in any order."""
    bound = {var for var, _, _ in levels}
    return 1 < len(levels) <= MAX_SWAP_LEVELS and all(
        not ((lo.free_symbols | hi.free_symbols) & bound) and not lo.has(sp.oo, -sp.oo, sp.zoo)
        and not hi.has(sp.oo, -sp.oo, sp.zoo) for _, lo, hi in levels)


def _canonical_indices(expr: sp.Expr, depth: int = 0) -> sp.Expr:
    """Rename bound indices by nesting depth, so Sum over i equals the same Sum over n.

    A nest of finite sums (or products) whose limits do not depend on each other is a sum
    over a product of ranges, so its order is immaterial: every order is tried and the
    smallest result (in SymPy's sort order) is kept, so sum_i sum_k and sum_k sum_i meet.
    """
    if isinstance(expr, (sp.Sum, sp.Product)):
        levels, body = _nest(expr)
        orders = itertools.permutations(levels) if _swappable(levels) else [levels]
        best = None
        for order in orders:
            fresh = [sp.Symbol(f"_j{depth + r}", integer=True) for r in range(len(order))]
            rename = {var: f for (var, _, _), f in zip(order, fresh)}
            out = _canonical_indices(body.xreplace(rename), depth + len(order))
            # Inner limits may use outer indices (sum_{j=1}^{n} inside sum over n): rename too.
            for f, (_, lo, hi) in reversed(list(zip(fresh, order))):
                out = expr.func(out, (f, lo.xreplace(rename), hi.xreplace(rename)))
            if best is None or sp.default_sort_key(out) < sp.default_sort_key(best):
                best = out
        return best
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


MAX_FAULHABER_DEGREE = 8  # polynomial summands summed in closed form up to this degree


def _polynomial_summand(e: sp.Sum, inner: set) -> bool:
    """A summand that is a low-degree polynomial in the indices, with nothing indexed."""
    body = e.function
    if body.has(sp.Indexed, sp.Sum, sp.Product) or body.atoms(AppliedUndef):
        return False
    try:
        return all(body.is_polynomial(v) and sp.degree(body, v) <= MAX_FAULHABER_DEGREE
                   for v in inner if body.has(v))
    except sp.PolynomialError:
        return False


def _domain_sums(expr: sp.Expr, scope: Scope) -> sp.Expr:
    """Sums the domains decide: a distribution (or one-hot row) summed over its axis is 1,
    and a summand free of the index is counted: sum_{i=1}^n c = n c."""
    def simplex(e):
        (var, lo, hi), = e.limits if len(e.limits) == 1 else ((None, None, None),)
        body = e.function
        if var is None or not isinstance(body, sp.Indexed) or lo != 1:
            return False
        decl = scope.lookup(body)
        return (decl is not None and decl.domain.axis_rule is not None and decl.over
                and body.indices[-1] == var and hi == decl.over[-1]
                and all(not ix.has(var) for ix in body.indices[:-1]))

    def go(e):
        if simplex(e):
            cond.fact(e, "= 1")
            return sp.S.One
        inner = {lim[0] for lim in e.limits}
        # Count an index-free summand, or sum a polynomial in the index in closed form
        # (Faulhaber), only over ranges known not to be reversed: SymPy's Karr convention
        # gives a negative count there, the numeric check an empty sum.
        closed = not (e.function.free_symbols & inner) or _polynomial_summand(e, inner)
        if closed and all((hi - lo + 1).is_nonnegative for _, lo, hi in e.limits):
            return e.doit(deep=False)
        return e
    return expr.replace(lambda e: isinstance(e, sp.Sum), go)


def _binary_powers(expr: sp.Expr, scope: Scope) -> sp.Expr:
    """``y_i**k = y_i`` for an entry of a family whose only values are 0 and 1 (labels,
    one-hot rows) and a positive whole k."""
    def binary_power(e):
        if not (isinstance(e, sp.Pow) and isinstance(e.base, sp.Indexed)
                and e.exp.is_integer and e.exp.is_positive):
            return False
        decl = scope.lookup(e.base)
        return decl is not None and set(decl.domain.values or ()) == {0, 1}
    return expr.replace(binary_power, lambda e: e.base)


def _linearise(e: sp.Expr) -> sp.Expr:
    """Split logs the domains allow, multiply out, and make sums linear, to a fixed point."""
    for _ in range(8):
        before = e
        e = _LOGS(e)
        e = sp.expand(e, deep=True, log=False, power_base=False, power_exp=False)
        e = R.pull_constant(R.split_sum(e))
        if e == before:
            break
    return e


def normal_form(expr: sp.Expr, scope: Scope, fixed: dict | None = None) -> sp.Expr:
    """A canonical form in which equal expressions (on the domains) usually coincide."""
    fixed = fixed or {}
    with cond.using_scope(scope):
        e = unfold_all(expr)
        # Every later move (swapping sums, writing out finite ones) assumes distinct indices.
        e = rename_apart(evaluate_derivatives(e, scope))
        e = _linearise(R.expand_finite_sums(e))
        e = _linearise(_binary_powers(e, scope))
        # The last entry of a fixed-length distribution becomes 1 - the others only now:
        # as p[2] it is provably positive, so logs of it were split above.
        facts = _simplex_facts(e, scope, fixed)
        if facts:
            e = _linearise(e.xreplace(facts))
        e = _domain_sums(e, scope)
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


MAX_LOG_DIGITS = 2000  # logs of rationals up to this many digits are split into factors
FACTOR_LIMIT = 10 ** 5  # trial division bound when splitting them


def _split_log_rationals(expr: sp.Expr) -> sp.Expr:
    """log(r) of a positive rational as sum e_f log(f) over its factors: log 6 = log 2 + log 3.

    Valid for any factorisation of r (the factors need not be prime); trial division up to
    FACTOR_LIMIT keeps it fast and makes it the same for equal numbers on both sides.
    """
    def split(lg):
        r = lg.args[0]
        if not (r.is_Rational and r > 0) or len(str(max(r.p, r.q))) > MAX_LOG_DIGITS:
            return lg
        parts = {}
        for number, sign in ((r.p, 1), (r.q, -1)):
            for f, k in sp.factorint(number, limit=FACTOR_LIMIT).items():
                parts[f] = parts.get(f, 0) + sign * k
        return sp.Add(*[k * sp.log(sp.Integer(f)) for f, k in parts.items() if k])
    return expr.replace(lambda e: isinstance(e, sp.log) and len(e.args) == 1, split)


def _zero(diff: sp.Expr) -> str:
    """'zero', 'nonzero' (a constant shown to differ from 0), or 'open'.

    A constant is called nonzero only when 30 digits of it are certain: evalf's strict mode
    refuses an exact zero that SymPy leaves unsimplified, such as log(6) - log(2) - log(3),
    which a plain evalf returns as a tiny "0.e-165" that compares unequal to 0. NaN and
    complex infinity are undefined, not nonzero.
    """
    if diff == 0:
        return "zero"
    if diff.is_Rational:
        return "nonzero"
    if not diff.free_symbols and not diff.atoms(sp.Sum, sp.Product):
        if diff.has(sp.log) and sp.expand(_split_log_rationals(diff)) == 0:
            return "zero"
        try:
            value = diff.evalf(30, strict=True)
        except Exception:  # PrecisionExhausted, or anything evalf cannot do: no verdict
            return "open"
        if value.is_Number and value.is_finite and value != 0:
            return "nonzero"
    return "open"


def _on_natural_domain(prove, lhs, rhs, scope: Scope, *rest) -> SymbolicResult:
    """``prove(lhs, rhs, scope, *rest)``; when that finds nothing, the same with the real
    symbols restricted to where both sides are defined (as the numeric check samples
    them), the restriction then named in the result's assumptions."""
    found = prove(lhs, rhs, scope, *rest)
    if found.status != "unknown":
        return found
    mapping, said = natural_substitution(lhs, scope, rhs if isinstance(rhs, sp.Basic) else None)
    if not mapping:
        return found
    again = prove(*(replace_free(x, mapping) if isinstance(x, sp.Basic) else x
                    for x in (lhs, rhs)), scope,
                  *(replace_free(x, mapping) if isinstance(x, sp.Basic) else x for x in rest))
    if again.status != "proved":
        return found
    return SymbolicResult("proved", again.certificate, again.conditions, again.message,
                          said + again.assumptions)


def prove_equal(lhs: sp.Expr, rhs: sp.Expr, scope: Scope, given=()) -> SymbolicResult:
    """Prove lhs = rhs on the domains (or where lhs is defined, see _on_natural_domain),
    or find that their difference is a nonzero constant."""
    return _on_natural_domain(_prove_equal, lhs, rhs, scope, given)


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
    the domains, or where lhs is defined: see _on_natural_domain)."""
    return _on_natural_domain(_prove_at_most, lhs, rhs, scope, given, certificate)


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
    return SymbolicResult("unknown", "", tuple(used),
                          "no certificate that rhs - lhs is non-negative")
