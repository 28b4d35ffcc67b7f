"""Rewrite rules: small named functions expr -> expr, each returning its input where it does not apply.

Every rule proves the side conditions it needs from the symbols' domains (see
``conditions``) and leaves a subexpression alone when it cannot; a derivation that
asks for a rule which changes nothing is an error.

>>> from xentsym.notation import Y, beta
>>> log_power(sp.log((1 - beta)**(1 - Y)))
(1 - Y)*log(1 - beta)
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable

import sympy as sp

from . import conditions as cond
from .functions import LogGap, Quantity, unfold_all
from .relations import AT_MOST, EQUAL, SAME_OPTIMUM, SWITCH_SENSE, Relation
# Writing values in lives in its own module; the rules and their callers use it from here too.
from .substitution import (EXPAND_SIZE, SUBSTITUTE_SIZE, define,  # noqa: F401
                           expand_finite_sums, substitute)


@dataclass(frozen=True)
class Rule:
    """A named rewrite with its justification in English and Chinese."""

    name: str
    fn: Callable[..., sp.Expr]
    text: str
    text_zh: str
    relation: Relation = EQUAL
    params: tuple = field(default=())
    # Expressions named in the justification: "{}" in ``text`` marks where they go.
    subject: tuple = field(default=())
    # For inequalities: before -> an expression equal to (after - before) that is visibly >= 0.
    certify: Callable[[sp.Expr], sp.Expr] | None = None

    def __call__(self, expr: sp.Expr) -> sp.Expr:
        return self.fn(expr, **dict(self.params))

    def bind(self, **params) -> "Rule":
        """The same rule with its parameters fixed."""
        return replace(self, params=tuple(params.items()))

    def param(self, key: str, default=None):
        return dict(self.params).get(key, default)

    def facts(self) -> tuple:
        """Substitutions this step introduces (definitions, specialisations)."""
        given = self.param("given")
        return tuple(given) if given else ()

    def justification(self, lang: str = "en") -> str:
        return self.text_zh if lang == "zh" else self.text


def _rule(name, fn, text, text_zh, relation=EQUAL, subject=()) -> Rule:
    return Rule(name, fn, text, text_zh, relation, subject=tuple(subject))


def _limit_vars(limits) -> set:
    return {lim[0] for lim in limits}


def _free_of(expr: sp.Expr, variables: set) -> bool:
    return not (expr.free_symbols & variables)


# --- logarithms -----------------------------------------------------------------------

def log_quotient(expr: sp.Expr) -> sp.Expr:
    """log(a/b) -> log(a) - log(b), for a > 0 and b > 0.

    >>> from xentsym.notation import p, q, i
    >>> log_quotient(sp.log(p[i] / q[i]))
    log(p[i]) - log(q[i])
    """
    def go(e):
        num, den = sp.fraction(e.args[0])
        if den != 1 and cond.positive(num) and cond.positive(den):
            return sp.log(num) - sp.log(den)
        return e
    return expr.replace(lambda e: isinstance(e, sp.log), go)


def log_product(expr: sp.Expr) -> sp.Expr:
    """log(a*b) -> log(a) + log(b), for a > 0 and b > 0.

    >>> from xentsym.notation import Y, beta
    >>> log_product(sp.log(beta**Y * (1 - beta)**(1 - Y)))
    log(beta**Y) + log((1 - beta)**(1 - Y))
    """
    def go(e):
        arg = e.args[0]
        if isinstance(arg, sp.Mul) and all(cond.positive(f) for f in arg.args):
            return sp.Add(*[sp.log(f) for f in arg.args])
        return e
    return expr.replace(lambda e: isinstance(e, sp.log), go)


def log_power(expr: sp.Expr) -> sp.Expr:
    """log(a**b) -> b*log(a), for a > 0 and real b.

    >>> from xentsym.notation import Y, beta
    >>> log_power(sp.log(beta**Y))
    Y*log(beta)
    """
    def go(e):
        arg = e.args[0]
        if isinstance(arg, sp.Pow) and cond.positive(arg.base) and cond.real(arg.exp):
            return arg.exp * sp.log(arg.base)
        return e
    return expr.replace(lambda e: isinstance(e, sp.log), go)


def log_of_product(expr: sp.Expr) -> sp.Expr:
    """log(prod_i f_i) -> sum_i log(f_i), for every factor f_i > 0.

    >>> from xentsym.notation import yhat, i, N
    >>> log_of_product(sp.log(sp.Product(yhat[i], (i, 1, N))))
    Sum(log(yhat[i]), (i, 1, N))
    """
    def go(e):
        arg = e.args[0]
        if isinstance(arg, sp.Product) and cond.positive(arg.function):
            return sp.Sum(sp.log(arg.function), *arg.limits)
        return e
    return expr.replace(lambda e: isinstance(e, sp.log), go)


# --- sums -------------------------------------------------------------------------------

def split_sum(expr: sp.Expr) -> sp.Expr:
    """sum (a + b) -> sum a + sum b.

    >>> from xentsym.notation import p, q, i, n
    >>> split_sum(sp.Sum(p[i] + q[i], (i, 1, n)))
    Sum(p[i], (i, 1, n)) + Sum(q[i], (i, 1, n))
    """
    def go(e):
        if isinstance(e.function, sp.Add):
            return sp.Add(*[sp.Sum(t, *e.limits) for t in e.function.args])
        return e
    return expr.replace(lambda e: isinstance(e, sp.Sum), go)


def merge_sums(expr: sp.Expr) -> sp.Expr:
    """c*sum a + d*sum b -> sum (c*a + d*b) for sums with the same limits.

    >>> from xentsym.notation import p, q, i, n
    >>> merge_sums(sp.Sum(p[i], (i, 1, n)) - sp.Sum(q[i], (i, 1, n)))
    Sum(p[i] - q[i], (i, 1, n))
    """
    def go(e):
        groups: dict = {}
        rest = []
        for term in e.args:
            coeff, sums = term.as_independent(sp.Sum, as_Add=False)
            if isinstance(sums, sp.Sum) and _free_of(coeff, _limit_vars(sums.limits)):
                groups.setdefault(sums.limits, []).append(coeff * sums.function)
            else:
                rest.append(term)
        if all(len(g) < 2 for g in groups.values()):
            return e
        merged = [sp.Sum(sp.Add(*g), *lims) for lims, g in groups.items()]
        return sp.Add(*merged, *rest)
    return expr.replace(lambda e: isinstance(e, sp.Add), go)


def pull_constant(expr: sp.Expr) -> sp.Expr:
    """sum c*a_i -> c * sum a_i when c does not depend on the summation index.

    >>> from xentsym.notation import p, i, n, N
    >>> pull_constant(sp.Sum(-p[i] / N, (i, 1, n)))
    -Sum(p[i], (i, 1, n))/N
    """
    def go(e):
        inner = _limit_vars(e.limits)
        const, dep = e.function.as_independent(*inner, as_Add=False)
        if const == 1:
            return e
        return const * sp.Sum(dep, *e.limits)
    return expr.replace(lambda e: isinstance(e, sp.Sum), go)


def push_constant(expr: sp.Expr) -> sp.Expr:
    """c * sum a_i -> sum c*a_i.

    >>> from xentsym.notation import p, i, n
    >>> push_constant(-sp.Sum(p[i], (i, 1, n)))
    Sum(-p[i], (i, 1, n))
    """
    def go(e):
        sums = [f for f in e.args if isinstance(f, sp.Sum)]
        if len(sums) != 1:
            return e
        (s,) = sums
        const = sp.Mul(*[f for f in e.args if f is not s])
        if not _free_of(const, _limit_vars(s.limits)):
            return e
        return sp.Sum(const * s.function, *s.limits)
    return expr.replace(lambda e: isinstance(e, sp.Mul), go)


def distribute(expr: sp.Expr) -> sp.Expr:
    """a*(b + c) -> a*b + a*c, everywhere, including inside sums.

    >>> from xentsym.notation import p, q, i
    >>> distribute(p[i] * (sp.log(p[i]) - sp.log(q[i])))
    log(p[i])*p[i] - log(q[i])*p[i]
    """
    return sp.expand_mul(expr, deep=True)


# --- optimisers -------------------------------------------------------------------------

def drop_factor(expr: sp.Expr, factor: sp.Expr) -> sp.Expr:
    """c*f -> f for a positive constant c; the minimisers do not move.

    >>> from xentsym.notation import p, i, n, N
    >>> drop_factor(-sp.Sum(p[i], (i, 1, n)) / N, 1 / N)
    -Sum(p[i], (i, 1, n))
    """
    if not cond.positive(factor):
        return expr
    return sp.expand_mul(expr / factor, deep=False)


def drop_term(expr: sp.Expr, term: sp.Expr) -> sp.Expr:
    """f + c -> f for a term c free of the parameters; the minimisers do not move.

    >>> from xentsym.functions import Entropy, CrossEntropy
    >>> from xentsym.notation import p, q
    >>> drop_term(-Entropy(p) + CrossEntropy(p, q), -Entropy(p))
    CrossEntropy(p, q)
    """
    return expr - term


def negate(expr: sp.Expr) -> sp.Expr:
    """f -> -f; the maximisers of f are the minimisers of -f.

    >>> from xentsym.notation import p, i, n
    >>> negate(-sp.Sum(p[i], (i, 1, n)))
    Sum(p[i], (i, 1, n))
    """
    return -expr


# --- definitions ------------------------------------------------------------------------

def unfold(expr: sp.Expr) -> sp.Expr:
    """Replace named quantities (H, D_KL, ...) by their definitions.

    >>> from xentsym.functions import KLDivergence
    >>> from xentsym.notation import p, q
    >>> unfold(KLDivergence(p, q))
    Sum(log(p[i]/q[i])*p[i], (i, 1, n))
    """
    return unfold_all(expr)


def fold(expr: sp.Expr, quantity: Quantity) -> sp.Expr:
    """Replace the definition of a named quantity (or its negative) by its name.

    >>> from xentsym.functions import Entropy
    >>> from xentsym.notation import p, i, n
    >>> fold(sp.Sum(p[i] * sp.log(p[i]), (i, 1, n)), Entropy(p))
    -Entropy(p)
    """
    body = quantity.unfold()
    wanted = body.atoms(sp.Indexed) | (body.free_symbols - body.atoms(sp.Indexed))
    target = sp.expand(body)

    def match(e):
        if not isinstance(e, (sp.Sum, sp.Add, sp.Mul)):
            return False
        if (e.atoms(sp.Indexed) | (e.free_symbols - e.atoms(sp.Indexed))) != wanted:
            return False
        return sp.expand(e) in (target, -target)

    def go(e):
        return quantity if sp.expand(e) == target else -quantity
    return expr.replace(match, go)


def cases(expr: sp.Expr, variable: sp.Symbol, values=(1, 0)) -> sp.Expr:
    """Write an expression of a variable with finitely many values as a case table.

    >>> from xentsym.notation import p_success, x
    >>> cases(p_success**x * (1 - p_success)**(1 - x), x)
    Piecewise((p, Eq(x, 1)), (1 - p, Eq(x, 0)))
    """
    return sp.Piecewise(*[(expr.subs(variable, v), sp.Eq(variable, v)) for v in values])


def _log_bound_parts(expr: sp.Expr):
    """For sum_i c_i log(t_i) with c_i > 0 (alone or as a term of a sum of terms): the
    bounded expression and the certificate, else None."""
    if isinstance(expr, sp.Add):
        found = [(a, _log_bound_parts(a)) for a in expr.args]
        if not any(parts for _, parts in found):
            return None
        return (sp.Add(*[parts[0] if parts else a for a, parts in found]),
                sp.Add(*[parts[1] for _, parts in found if parts]))
    if not isinstance(expr, sp.Sum):
        return None
    body = expr.function
    logs = [f for f in sp.Mul.make_args(body) if isinstance(f, sp.log)]
    if len(logs) != 1:
        return None
    (lg,) = logs
    coeff = body / lg
    t = lg.args[0]
    if not (cond.positive(coeff) and cond.positive(t)):
        return None
    return (sp.Sum(coeff * (t - 1), *expr.limits),
            sp.Sum(coeff * LogGap(t), *expr.limits))


def log_bound(expr: sp.Expr) -> sp.Expr:
    """sum c*log(t) -> sum c*(t - 1), an upper bound (log t <= t - 1 for t > 0, c > 0).

    >>> from xentsym.notation import p, q, i, n
    >>> log_bound(sp.Sum(p[i] * sp.log(q[i] / p[i]), (i, 1, n)))
    Sum((-1 + q[i]/p[i])*p[i], (i, 1, n))
    """
    parts = _log_bound_parts(expr)
    return expr if parts is None else parts[0]


def log_bound_certificate(expr: sp.Expr) -> sp.Expr:
    """The difference log_bound(expr) - expr as a sum of c*(t - 1 - log t) terms."""
    parts = _log_bound_parts(expr)
    return sp.S.Zero if parts is None else parts[1]


def chain(*rules: "Rule") -> Callable[[sp.Expr], sp.Expr]:
    """Apply rules one after another (a rule program, as in SymPy's fu)."""
    def run(expr):
        for rule in rules:
            expr = rule(expr)
        return expr
    return run


# --- the rule table ---------------------------------------------------------------------

LOG_QUOTIENT = _rule("log-quotient", log_quotient, "log of a quotient", "对数的除法法则")
LOG_PRODUCT = _rule("log-product", log_product, "log of a product", "对数的乘法法则")
LOG_POWER = _rule("log-power", log_power, "log of a power", "对数的幂法则")
LOG_OF_PRODUCT = _rule("log-of-product", log_of_product,
                       "the log of a product is the sum of the logs", "连乘的对数等于对数之和")
SPLIT_SUM = _rule("split-sum", split_sum, "split the sum", "拆分求和")
MERGE_SUMS = _rule("merge-sums", merge_sums, "merge sums over the same range", "合并求和")
PULL_CONSTANT = _rule("pull-constant", pull_constant, "take a constant out of the sum",
                      "常数提到求和号外")
PUSH_CONSTANT = _rule("push-constant", push_constant, "move a constant into the sum",
                      "常数移入求和号内")
DISTRIBUTE = _rule("distribute", distribute, "multiply out", "展开乘积")
UNFOLD = _rule("definition", unfold, "by definition", "由定义")
_T = sp.Symbol("t", positive=True)
LOG_BOUND = replace(_rule("log-bound", log_bound, "{} for t > 0", "对 t > 0 有 {}", AT_MOST,
                          (sp.Le(sp.log(_T), _T - 1),)), certify=log_bound_certificate)
NEGATE = _rule("negate", negate, "maximising f is minimising -f", "最大化 f 等价于最小化 -f",
               SWITCH_SENSE)


def drop_positive_factor(factor: sp.Expr) -> Rule:
    """The rule that divides by a positive, parameter-free factor."""
    return _rule("drop-positive-factor", drop_factor, "drop the positive factor {}",
                 "去掉正的常数因子 {}", SAME_OPTIMUM, (factor,)).bind(factor=factor)


def drop_constant_term(term: sp.Expr) -> Rule:
    """The rule that removes an additive term free of the parameters."""
    return _rule("drop-constant-term", drop_term,
                 "drop {}, which does not depend on the parameters",
                 "去掉与参数无关的项 {}", SAME_OPTIMUM, (term,)).bind(term=term)


def fold_definition(quantity: Quantity, *, tidy: bool = True) -> Rule:
    """The rule that writes a named quantity in place of its definition."""
    name = type(quantity).__name__
    base = _rule(f"fold-{name}", fold, "definition of {}", "{} 的定义",
                 subject=(quantity,)).bind(quantity=quantity)
    if not tidy:
        return base
    return replace(base, fn=lambda e, quantity: pull_constant(fold(e, quantity)))


def specialise(pairs, because: str = "", because_zh: str = "") -> Rule:
    """The rule that fixes sizes or entries, e.g. n = 2; the values become facts of the step."""
    pairs = tuple(pairs.items()) if isinstance(pairs, dict) else tuple(pairs)
    pairs = tuple((sp.sympify(a), sp.sympify(b)) for a, b in pairs)
    shown = tuple(sp.Eq(a, b, evaluate=False) for a, b in pairs)
    because += ": {}" if because and not because_zh and "{}" not in because else ""  # no bare 取
    return _rule("specialise", substitute, because or "take {}", because_zh or "取 {}",
                 subject=shown if "{}" in (because or "{}") else ()).bind(given=pairs)


def definition_of(name: sp.Basic, body: sp.Basic, because: str = "", because_zh: str = "",
                  shown: sp.Basic | None = None) -> Rule:
    """The rule that introduces ``name := body`` and writes the name where the body stands.

    ``shown`` is how the definition is displayed (e.g. ``Eq(yhat[i], p_theta[i])`` for a
    definition made for whole indexed families).
    """
    shown = shown if shown is not None else sp.Eq(name, body, evaluate=False)
    return _rule("define", define, because or "write {}", because_zh or "记 {}",
                 subject=(shown,)).bind(given=((name, body),))


def case_split(variable: sp.Symbol, values=(1, 0)) -> Rule:
    """The rule that writes an expression as a case table over a finite domain."""
    return _rule("cases", cases, "evaluate at each value of {}", "对 {} 的每个取值分别计算",
                 subject=(variable,)).bind(variable=variable, values=values)
