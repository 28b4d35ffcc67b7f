"""High-precision re-evaluation of single samples with mpmath, budgeted by work alone.

A sample on which float64 says the two sides differ is evaluated again at ``PRECISE_DPS``
digits from the very same double values (so the inputs are exact), and again at twice as
many digits. The budget is counted in work, never in time: at most ``MAX_RECHECKS``
samples per check, and ``RECHECK_TERMS`` summand evaluations shared out between the
batches (every batch gets at least ``MIN_SHARE_TERMS``). The same seed and sample count
therefore give the same verdict on an idle and on a busy machine.
"""
from __future__ import annotations

import threading
from functools import lru_cache

import mpmath
import sympy as sp

from ..bound import rename_apart
from ..functions import unfold_all
from .compile import Env, skeleton

PRECISE_DPS = 60  # digits of the re-evaluation (and twice as many to confirm a difference)
PRECISE_RTOL = mpmath.mpf("1e-20")  # a difference below this (relative) is rounding
MAX_RECHECKS = 4096  # samples re-evaluated per check at most
RECHECK_TERMS = 2_000_000  # summand evaluations (at least 1 per evaluation) per check
MIN_SHARE_TERMS = 20_000  # what every batch may spend, even when the rest is spent
MAX_PRECISE_TERMS = 1_000_000  # terms of the sums in one re-evaluation


# An undefined later side is re-evaluated this deep before it counts: 1 - sigma(399) is
# e^-399, which 120 digits round to 0 (and log 0 is undefined) but these do not.
DEEP_DPS = (1_000,)
MAX_EXPONENT = 10_000  # |z| above this in exp(z) or z**w is refused: mpmath would grind on
# numbers with astronomically many digits (exp(exp(exp(5)))), which no witness needs


def _bounded(ctx, name: str):
    """``exp``/``power`` of ``ctx`` that refuse results beyond ``MAX_EXPONENT`` in size."""
    raw = getattr(ctx, name)

    def exp(z):
        if ctx.re(z) > MAX_EXPONENT:
            raise Unavailable()
        return raw(z)

    def power(a, b):
        if abs(b) * ctx.log(abs(a) + 2) > MAX_EXPONENT:
            raise Unavailable()
        return raw(a, b)
    return exp if name == "exp" else power


def _context(dps: int):
    """A private mpmath context and the namespace that binds the bare names lambdify writes
    (log, mpf, pi ...) to it; exp and powers are bounded."""
    ctx = mpmath.MPContext()
    ctx.dps = dps
    names = {name: getattr(ctx, name) for name in dir(mpmath)
             if not name.startswith("_") and hasattr(ctx, name)}
    names.update(exp=_bounded(ctx, "exp"), power=_bounded(ctx, "power"))
    return ctx, names


_LOCAL = threading.local()


def contexts() -> dict:
    """This thread's contexts by digits: mpmath functions change a context's precision for a
    moment while they work, so threads must not share one."""
    found = getattr(_LOCAL, "contexts", None)
    if found is None:
        found = _LOCAL.contexts = {dps: _context(dps) for dps in (30, PRECISE_DPS,
                                                                  2 * PRECISE_DPS,
                                                                  *DEEP_DPS)}
    return found


class Unavailable(Exception):
    """mpmath cannot evaluate this expression; the float verdict stands."""


class OutOfBudget(Exception):
    """The re-evaluation budget of this check is spent."""


class _State:
    """The values of one sample, as seen by the high-precision evaluator."""

    def __init__(self, ctx, env: Env, row: int, limit: int):
        self.ctx, self.env, self.row, self.limit = ctx, env, row, limit
        self.sizes = {s: sp.Integer(v) for s, v in env.sizes.items()}
        self.terms = 0

    def tick(self) -> None:
        self.terms += 1
        if self.terms > self.limit:
            raise OutOfBudget()

    def value(self, symbol):
        if symbol in self.env.sizes:
            return self.ctx.mpf(int(self.env.sizes[symbol]))
        if symbol in self.env.scalars:
            return self.ctx.mpf(float(self.env.scalars[symbol][self.row]))
        raise Unavailable()

    def whole(self, expr: sp.Expr, idx: dict) -> int:
        value = expr.xreplace({**self.sizes, **{k: sp.Integer(v) for k, v in idx.items()}})
        if not value.is_Integer:
            raise Unavailable()
        return int(value)

    def entry(self, base, indices: list):
        try:
            data = self.env.families[base][self.row]
        except KeyError:
            raise Unavailable() from None
        pos = []
        for v in indices:
            as_int = int(v)
            if as_int != v or not 1 <= as_int <= data.shape[len(pos)]:
                raise Unavailable()
            pos.append(as_int - 1)
        return self.ctx.mpf(float(data[tuple(pos)]))


def _mp_compile(expr: sp.Expr, bound: tuple, namespace: dict):
    """A function (state, indices) -> mpmath value; symbols become placeholders _x0, _x1 ..."""
    def unavailable(e):
        raise Unavailable()

    def indexed(e):
        nodes = [_mp_compile(ix, bound, namespace) for ix in e.indices]
        return lambda st, idx: st.entry(e.base, [n(st, idx) for n in nodes])

    make = {"reduce": lambda e: _mp_reduction(e, bound, namespace), "indexed": indexed,
            "index": lambda e: (lambda st, idx: idx[e]),
            "leaf": lambda e: (lambda st, idx: st.value(e)), "unsupported": unavailable}
    body, args, children = skeleton(expr, bound, make)
    if len(children) == 1 and body == args[0]:
        return children[0]
    fn = sp.lambdify(args, body, modules=[namespace, "mpmath"])
    return lambda st, idx: fn(*[c(st, idx) for c in children])


def _mp_reduction(e, bound: tuple, namespace: dict):
    body, *limits = e.args  # the first limit is the innermost
    node = _mp_compile(body, bound + tuple(var for var, _, _ in limits), namespace)
    is_sum = isinstance(e, sp.Sum)

    def level(st, idx, k):
        if k < 0:
            st.tick()
            return node(st, idx)
        var, lo, hi = limits[k]
        total = st.ctx.mpf(0) if is_sum else st.ctx.mpf(1)
        for v in range(st.whole(lo, idx), st.whole(hi, idx) + 1):  # empty when hi < lo
            value = level(st, {**idx, var: v}, k - 1)
            total = total + value if is_sum else total * value
        return total

    return lambda st, idx: level(st, idx, len(limits) - 1)


def _mp_compiled(expr: sp.Expr, dps: int):
    return _mp_compiled_for(expr, dps, threading.get_ident())


@lru_cache(maxsize=1024)
def _mp_compiled_for(expr: sp.Expr, dps: int, thread: int):
    try:
        return _mp_compile(rename_apart(unfold_all(expr)), (), contexts()[dps][1])
    except Exception:  # lambdify or a construct mpmath lacks: no high-precision verdict
        return None


UNDEFINED = None  # a value outside the reals: NaN, a complex number, a division by zero


def precise(expr: sp.Expr, env: Env, row: int, limit: int, dps: int):
    """The value of ``expr`` on sample ``row`` at ``dps`` digits (or UNDEFINED), and the
    number of summands evaluated; raises OutOfBudget past ``limit`` summands."""
    ctx = contexts()[dps][0]
    fn = _mp_compiled(expr, dps)
    if fn is None:
        raise Unavailable()
    state = _State(ctx, env, row, limit)
    try:
        value = ctx.convert(fn(state, {}))
    except (Unavailable, OutOfBudget):
        raise
    except ZeroDivisionError:
        return UNDEFINED, state.terms
    except Exception:
        raise Unavailable() from None
    if isinstance(value, ctx.mpc):
        if abs(value.imag) > PRECISE_RTOL * (1 + abs(value.real)):
            return UNDEFINED, state.terms
        value = value.real
    return (UNDEFINED if ctx.isnan(value) else value), state.terms


def precise_equal(a, b) -> bool:
    """Equal at high precision (both defined; infinities only equal to themselves)."""
    if a is UNDEFINED or b is UNDEFINED:
        return False
    if mpmath.isinf(a) or mpmath.isinf(b):
        return a == b
    return abs(a - b) <= PRECISE_RTOL * (1 + abs(a) + abs(b))


def precise_at_most(a, b) -> bool:
    """a <= b at high precision (both defined)."""
    return a is not UNDEFINED and b is not UNDEFINED and (a <= b or precise_equal(a, b))


class Audit:
    """Re-evaluates float disagreements at high precision, within one check's work budget.

    The summand evaluations are shared out between the batches (size assignments), each
    getting at least ``MIN_SHARE_TERMS``: a batch full of ill-conditioned but true samples
    cannot use the budget up, so a later batch in which the claim is plainly false still
    gets its disagreement confirmed. Nothing here reads a clock.
    """

    def __init__(self):
        self.left = RECHECK_TERMS
        self.share = RECHECK_TERMS
        self.checked = 0
        self.explained = 0  # float disagreements shown to be rounding
        self.unsettled = 0  # float disagreements left unchecked (budget spent)
        self.last = None  # the high-precision values of the last sample confirmed

    def shown(self) -> dict:
        """The last confirmed values as text ("undefined" for NaN or complex), for a
        witness whose float64 values are not finite."""
        if self.last is None:
            return {}
        return {f"{side}_precise": "undefined" if v is UNDEFINED else mpmath.nstr(v, 17)
                for side, v in zip(("lhs", "rhs"), self.last)}

    def batch(self, remaining: int) -> None:
        """Start a batch; ``remaining`` batches (this one included) share what is left."""
        self.share = max(MIN_SHARE_TERMS, self.left // max(1, remaining))

    def value(self, expr, env, row, dps=PRECISE_DPS):
        """``expr`` on ``row`` at ``dps`` digits, charged to the batch's share."""
        if self.checked >= MAX_RECHECKS or self.share <= 0:
            raise OutOfBudget()
        limit = min(self.share, MAX_PRECISE_TERMS)
        try:
            value, spent = precise(expr, env, row, limit, dps)
        except OutOfBudget:
            self._charge(limit)
            raise
        except Unavailable:
            self._charge(1)
            raise
        self._charge(spent)
        return value

    def _charge(self, terms: int) -> None:
        """Take ``terms`` summand evaluations from the batch's share and the whole budget."""
        cost = max(1, terms)  # an evaluation without sums still counts
        self.share -= cost
        self.left = max(0, self.left - cost)

    def confirm(self, lhs, rhs, env, row, agree, float_finite: bool = True,
                both_defined: bool = False) -> str:
        """Settle a float disagreement on ``row``: "real" (a witness), "rounding",
        "unusable" (the left side is undefined or infinite at high precision too, so the
        sample proves nothing) or "unsettled" (the budget is spent).

        When mpmath cannot evaluate at all, a disagreement of two finite float64 values
        stands (there is no better evidence); an undefined float64 side does not, as it
        may be an overflow.
        """
        self.last = None
        try:
            for dps in (PRECISE_DPS, 2 * PRECISE_DPS):
                left = self.value(lhs, env, row, dps)
                if left is UNDEFINED or mpmath.isinf(left):
                    return "unusable"
                self.last = (left, self.value(rhs, env, row, dps))
                if agree(*self.last):
                    self.explained += 1
                    return "rounding"
        except OutOfBudget:
            self.unsettled += 1
            return "unsettled"
        except Unavailable:
            if float_finite:
                return "real"
            self.unsettled += 1
            return "unsettled"
        finally:
            self.checked += 1
        right = self.last[1] if self.last else None
        if both_defined and right is UNDEFINED:
            return "unusable"  # outside the natural domain of the claim
        if right is UNDEFINED or (right is not None and mpmath.isinf(right)):
            try:
                deep = [self.value(rhs, env, row, dps) for dps in DEEP_DPS]
            except (OutOfBudget, Unavailable):
                deep = []
            if len(deep) < len(DEEP_DPS) or any(
                    d is not UNDEFINED and not mpmath.isinf(d) for d in deep):
                self.unsettled += 1  # defined after all, or not settled: no witness
                return "unsettled"
        return "real"
