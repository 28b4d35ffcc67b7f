"""The numeric check: evaluate both sides on samples drawn from the domains and compare.

Float64 evaluation decides most samples. It is not trusted to *refute* on its own: a sample
on which the two sides differ in floating point is evaluated again with mpmath at
``PRECISE_DPS`` digits, from the very same double values (so the inputs are exact), and it
counts as a disagreement only if a relative difference above ``PRECISE_RTOL`` survives
there and again at twice as many digits (so even a cancellation that eats 80 digits is
seen through). Differences below ``PRECISE_RTOL`` are far under what float64 can resolve
anyway; telling them apart is the symbolic check's job. Rounding, cancellation,
overflow (``exp(1000)/exp(999)``) and underflow (a product of many small probabilities)
therefore never refute a true step. The re-evaluation is bounded (``MAX_RECHECKS`` samples and
``RECHECK_SECONDS`` per check); when the budget runs out before a disagreement is either
confirmed or explained away, the check fails *without* a witness, so the step is left
unproven rather than refuted. The one exception: an expression mpmath cannot evaluate at
all keeps its float64 verdict, there being no better evidence to consult.

The check is also bounded in time and memory: exact constant computations that would be
huge (``3**(10**8)`` built unevaluated, ``factorial(10**9)``) are replaced by their float
value before anything is compiled, and sums with very many terms are evaluated a few
samples at a time, on fewer samples, or refused, never allowed to exhaust memory.
"""
from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from functools import lru_cache

import mpmath
import numpy as np
import sympy as sp
from sympy.core.function import AppliedUndef

from ..bound import rename_apart
from ..errors import XentsymError
from ..functions import unfold_all
from ..notation import Scope
from .compile import Env, NumericError, evaluate, skeleton
from .sampling import describe, sample_env, size_configs, variables

RTOL = 1e-8  # relative to 1 + |lhs| + |rhs|; float error in these sums is far below it
CONFIGS = 6  # size assignments tried for expressions with symbolic sizes
CANDIDATES = 24  # parameter values ranked per data sample for optimiser relations

# High-precision re-evaluation of the samples on which float64 says the sides differ.
PRECISE_DPS = 60  # digits of the re-evaluation (and twice as many to confirm a difference)
PRECISE_RTOL = mpmath.mpf("1e-20")  # a difference below this (relative) is rounding
MAX_RECHECKS = 4096  # samples re-evaluated per check at most
RECHECK_SECONDS = 2.0  # time the re-evaluations of one check may take
MIN_SHARE = 0.05  # seconds every batch gets for re-evaluations, even when that time is spent
MAX_PRECISE_TERMS = 1_000_000  # terms of the sums in one re-evaluation

# Bounds on the float evaluation.
MAX_TERMS = 10_000_000  # terms of the sums of one expression for one sample
CHUNK_CELLS = 4_000_000  # samples x terms evaluated at once (the size of the arrays)
BATCH_CELLS = 20_000_000  # samples x terms per batch; past it fewer samples are drawn
BIG = 10_000  # exact powers / factorials past this are computed in floating point


def _context(dps: int):
    """A private mpmath context and the namespace that binds the bare names lambdify writes
    (log, mpf, pi ...) to it."""
    ctx = mpmath.MPContext()
    ctx.dps = dps
    return ctx, {name: getattr(ctx, name) for name in dir(mpmath)
                 if not name.startswith("_") and hasattr(ctx, name)}


_LOCAL = threading.local()


def _contexts() -> dict:
    """This thread's contexts by digits: mpmath functions change a context's precision for a
    moment while they work, so threads must not share one."""
    found = getattr(_LOCAL, "contexts", None)
    if found is None:
        found = _LOCAL.contexts = {dps: _context(dps) for dps in (30, PRECISE_DPS,
                                                                  2 * PRECISE_DPS)}
    return found


@dataclass(frozen=True)
class NumericResult:
    """``passed`` or ``failed``, how many samples were compared, and a witness on failure.

    ``precise`` counts the samples on which float64 disagreed but the high-precision
    re-evaluation showed the two sides equal.
    """

    status: str
    samples: int
    counterexample: dict | None = None
    message: str = ""
    precise: int = 0


def _close(lhs: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    # Two infinities of the same sign are not evidence of equality (2 e^x and 3 e^x both
    # overflow): such samples go to the high-precision re-check like any disagreement.
    with np.errstate(all="ignore"):
        near = np.abs(lhs - rhs) <= RTOL * (1 + np.abs(lhs) + np.abs(rhs))
    return np.isfinite(lhs) & np.isfinite(rhs) & near


def _at_most(lhs: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return (lhs <= rhs) | _close(lhs, rhs)


# --- preparing an expression --------------------------------------------------------------

def _float_value(value: mpmath.mpf | mpmath.mpc) -> sp.Expr:
    if isinstance(value, mpmath.mpc):
        return sp.nan  # a complex value: NaN, as float64 has it
    return sp.Float(value, 30)


def _defuse(expr: sp.Expr) -> sp.Expr:
    """Replace exact constant computations that would be huge by their floating-point value.

    ``Pow(3, 10**8, evaluate=False)`` is harmless until something rebuilds it, and then
    SymPy computes a 48-million-digit integer; mpmath gives its floating value at once.
    """
    ctx = _contexts()[30][0]

    def number(e):
        return e.is_Number and e.is_finite

    def risky(e):
        if isinstance(e, sp.Pow):
            base, ex = e.args
            return number(base) and number(ex) and abs(ex) > BIG and base not in (0, 1, -1)
        if isinstance(e, (sp.factorial, sp.binomial)):
            return all(number(a) for a in e.args) and abs(e.args[0]) > BIG
        return False

    def value(e):
        try:
            if isinstance(e, sp.Pow):
                base, ex = (ctx.mpmathify(sp.Float(a, 30)) if not a.is_Integer
                            else ctx.mpmathify(int(a)) for a in e.args)
                return _float_value(ctx.power(base, ex))
            if isinstance(e, sp.factorial):
                return _float_value(ctx.factorial(ctx.mpmathify(sp.Float(e.args[0], 30))))
            n, k = (ctx.mpmathify(sp.Float(a, 30)) for a in e.args)
            return _float_value(ctx.binomial(n, k))
        except Exception:  # mpmath could not: NaN, as float64 would give
            return sp.nan

    if expr.has(sp.Pow, sp.factorial, sp.binomial):
        expr = expr.replace(risky, value)
    return _big_constants(expr)


def _big_constants(expr: sp.Expr) -> sp.Expr:
    """Constant parts holding integers beyond float64's (log(201!), sqrt(10**400)) as Floats.

    NumPy cannot take the log of a Python integer of 400 digits; the value, computed by
    SymPy with more digits than the high-precision re-evaluation uses, can.
    """
    def huge(e):
        return e.is_Rational and max(abs(e.p), e.q) >= 2 ** 53

    def constant(e):
        if e.is_Atom:
            return huge(e)
        return (isinstance(e, sp.Expr) and not e.free_symbols
                and not e.has(sp.Sum, sp.Product, sp.Integral, sp.Derivative, sp.Piecewise)
                and not e.atoms(AppliedUndef) and any(huge(a) for a in e.atoms(sp.Rational)))

    def value(e):
        try:
            v = e.evalf(2 * PRECISE_DPS + 10)
        except Exception:
            return e
        return v if v.is_Float and v.is_finite else e

    if not any(huge(a) for a in expr.atoms(sp.Rational)):
        return expr
    return expr.replace(constant, value)


def _prepare(expr: sp.Expr) -> sp.Expr:
    return _defuse(rename_apart(unfold_all(sp.sympify(expr))))


# --- bounded float evaluation ---------------------------------------------------------------

def _terms(expr: sp.Expr, sizes: dict) -> int:
    """Terms of the largest nest of sums/products in ``expr`` for one sample (1 if none)."""
    if isinstance(expr, (sp.Sum, sp.Product)):
        width = 1
        values = {s: sp.Integer(v) for s, v in sizes.items()}
        for _, lo, hi in expr.limits:
            lo, hi = lo.xreplace(values), hi.xreplace(values)
            if lo.is_Integer and hi.is_Integer:
                width *= max(0, int(hi) - int(lo) + 1)
        return max(1, width * _terms(expr.function, sizes))
    return max((_terms(a, sizes) for a in expr.args), default=1)


def _rows(env: Env, start: int, stop: int) -> Env:
    return Env(stop - start, {k: v[start:stop] for k, v in env.scalars.items()},
               {k: v[start:stop] for k, v in env.families.items()}, dict(env.sizes))


def _trim(env: Env, exprs) -> Env:
    """At most BATCH_CELLS samples x terms: fewer samples for expressions with huge sums."""
    terms = max(_terms(e, env.sizes) for e in exprs)
    if terms > MAX_TERMS:
        raise NumericError(f"a sum of {terms} terms is too large to evaluate numerically")
    keep = max(1, BATCH_CELLS // terms)
    return _rows(env, 0, keep) if keep < env.size else env


def _evaluate(expr: sp.Expr, env: Env) -> np.ndarray:
    """``evaluate``, a few samples at a time when the sums are long (bounded memory)."""
    terms = _terms(expr, env.sizes)
    if terms > MAX_TERMS:
        raise NumericError(f"a sum of {terms} terms is too large to evaluate numerically")
    step = max(1, CHUNK_CELLS // terms)
    if env.size <= step:
        return evaluate(expr, env)
    return np.concatenate([evaluate(expr, _rows(env, s, min(s + step, env.size)))
                           for s in range(0, env.size, step)])


# --- high-precision re-evaluation -----------------------------------------------------------

class _Unavailable(Exception):
    """mpmath cannot evaluate this expression; the float verdict stands."""


class _OutOfBudget(Exception):
    """The re-evaluation budget of this check is spent."""


class _State:
    """The values of one sample, as seen by the high-precision evaluator."""

    def __init__(self, ctx, env: Env, row: int, deadline: float):
        self.ctx, self.env, self.row, self.deadline = ctx, env, row, deadline
        self.sizes = {s: sp.Integer(v) for s, v in env.sizes.items()}
        self.terms = 0

    def tick(self) -> None:
        self.terms += 1
        if self.terms > MAX_PRECISE_TERMS:
            raise _OutOfBudget()
        if self.terms % 512 == 0 and time.monotonic() > self.deadline:
            raise _OutOfBudget()

    def value(self, symbol):
        if symbol in self.env.sizes:
            return self.ctx.mpf(int(self.env.sizes[symbol]))
        if symbol in self.env.scalars:
            return self.ctx.mpf(float(self.env.scalars[symbol][self.row]))
        raise _Unavailable()

    def whole(self, expr: sp.Expr, idx: dict) -> int:
        value = expr.xreplace({**self.sizes, **{k: sp.Integer(v) for k, v in idx.items()}})
        if not value.is_Integer:
            raise _Unavailable()
        return int(value)

    def entry(self, base, indices: list):
        try:
            data = self.env.families[base][self.row]
        except KeyError:
            raise _Unavailable() from None
        pos = []
        for v in indices:
            as_int = int(v)
            if as_int != v or not 1 <= as_int <= data.shape[len(pos)]:
                raise _Unavailable()
            pos.append(as_int - 1)
        return self.ctx.mpf(float(data[tuple(pos)]))


def _mp_compile(expr: sp.Expr, bound: tuple, namespace: dict):
    """A function (state, indices) -> mpmath value; symbols become placeholders _x0, _x1 ..."""
    def unavailable(e):
        raise _Unavailable()

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
        return _mp_compile(rename_apart(unfold_all(expr)), (), _contexts()[dps][1])
    except Exception:  # lambdify or a construct mpmath lacks: no high-precision verdict
        return None


UNDEFINED = None  # a value outside the reals: NaN, a complex number, a division by zero


def _precise(expr: sp.Expr, env: Env, row: int, deadline: float, dps: int):
    """The value of ``expr`` on sample ``row`` at ``dps`` digits (or UNDEFINED)."""
    ctx = _contexts()[dps][0]
    fn = _mp_compiled(expr, dps)
    if fn is None:
        raise _Unavailable()
    try:
        value = ctx.convert(fn(_State(ctx, env, row, deadline), {}))
    except (_Unavailable, _OutOfBudget):
        raise
    except ZeroDivisionError:
        return UNDEFINED
    except Exception:
        raise _Unavailable() from None
    if isinstance(value, ctx.mpc):
        if abs(value.imag) > PRECISE_RTOL * (1 + abs(value.real)):
            return UNDEFINED
        value = value.real
    return UNDEFINED if ctx.isnan(value) else value


def _precise_equal(a, b) -> bool:
    if a is UNDEFINED or b is UNDEFINED:
        return False
    if mpmath.isinf(a) or mpmath.isinf(b):
        return a == b
    return abs(a - b) <= PRECISE_RTOL * (1 + abs(a) + abs(b))


def _precise_at_most(a, b) -> bool:
    return a is not UNDEFINED and b is not UNDEFINED and (a <= b or _precise_equal(a, b))


class _Audit:
    """Re-evaluates float disagreements at high precision, within one check's budget.

    The time is shared out between the batches (size assignments), each getting at least
    ``MIN_SHARE``: a batch full of ill-conditioned but true samples cannot use it all up,
    so a later batch in which the claim is plainly false still gets its disagreement
    confirmed. Compiling the high-precision evaluator is not charged to the budget.
    """

    def __init__(self):
        self.end = time.monotonic() + RECHECK_SECONDS
        self.deadline = self.end
        self.checked = 0
        self.explained = 0  # float disagreements shown to be rounding
        self.unsettled = 0  # float disagreements left unchecked (budget spent)

    def batch(self, remaining: int) -> None:
        """Start a batch; ``remaining`` batches (this one included) share what is left."""
        now = time.monotonic()
        self.deadline = now + max(MIN_SHARE, (self.end - now) / max(1, remaining))

    def value(self, expr, env, row, dps=PRECISE_DPS):
        started = time.monotonic()
        _mp_compiled(expr, dps)  # compiled once per expression, outside the budget
        spent = time.monotonic() - started
        self.end += spent
        self.deadline += spent
        if self.checked >= MAX_RECHECKS or time.monotonic() > self.deadline:
            raise _OutOfBudget()
        return _precise(expr, env, row, self.deadline, dps)

    def confirm(self, lhs, rhs, env, row, agree) -> bool:
        """True when the disagreement on ``row`` is real (or cannot be checked at all)."""
        try:
            for dps in (PRECISE_DPS, 2 * PRECISE_DPS):
                if agree(self.value(lhs, env, row, dps), self.value(rhs, env, row, dps)):
                    self.explained += 1
                    return False
        except _OutOfBudget:
            self.unsettled += 1
            return False
        except _Unavailable:
            return True  # no better evidence than float64: its verdict stands
        finally:
            self.checked += 1
        return True

    def result(self, done: int) -> NumericResult:
        if self.unsettled:
            return NumericResult(
                "failed", done, None,
                f"{self.unsettled} samples differ in float64 and could not be re-evaluated "
                f"at {PRECISE_DPS} digits within the budget ({self.explained} others were "
                "rounding error)", self.explained)
        return NumericResult("passed", done, precise=self.explained)


def _suspects(bad: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """The disagreeing rows, those with finite values on both sides first (better witnesses)."""
    finite = np.isfinite(left[bad]).astype(int) + np.isfinite(right[bad]).astype(int)
    return bad[np.argsort(-finite, kind="stable")]


# --- the checks ------------------------------------------------------------------------------

def _batches(exprs, scope, samples, seed, audit=None):
    vs = variables(exprs, scope)
    configs = size_configs(vs.sizes, CONFIGS)
    per = math.ceil(samples / len(configs))
    rng = np.random.default_rng(seed)
    for j, sizes in enumerate(configs):
        if audit is not None:
            audit.batch(len(configs) - j)
        yield vs, sample_env(vs, scope, sizes, per, rng, exprs)


def _witness(env, row, **values) -> dict:
    return {"values": describe(env, row), **{k: float(v) for k, v in values.items()}}


def _cannot(done: int, exc: Exception) -> NumericResult:
    """A check that could not evaluate: no witness, so not a refutation."""
    if isinstance(exc, XentsymError):
        return NumericResult("failed", done, None, exc.message)
    if isinstance(exc, MemoryError):
        return NumericResult("failed", done, None, "out of memory in the numeric check")
    return NumericResult("failed", done, None,
                         f"cannot evaluate numerically ({type(exc).__name__}: {exc})")


def _pointwise(lhs, rhs, scope, samples, seed, float_ok, precise_ok) -> NumericResult:
    done = 0
    audit = _Audit()
    try:
        lhs, rhs = _prepare(lhs), _prepare(rhs)
        for _, env in _batches((lhs, rhs), scope, samples, seed, audit):
            env = _trim(env, (lhs, rhs))
            left, right = _evaluate(lhs, env), _evaluate(rhs, env)
            bad = np.flatnonzero(~float_ok(left, right))
            done += env.size
            for row in _suspects(bad, left, right):
                row = int(row)
                if audit.confirm(lhs, rhs, env, row, precise_ok):
                    return NumericResult("failed", done, _witness(env, row, lhs=left[row],
                                                                  rhs=right[row]),
                                         precise=audit.explained)
    except Exception as exc:  # cannot sample or evaluate: no witness, not a refutation
        return _cannot(done, exc)
    return audit.result(done)


def check_equal(lhs: sp.Expr, rhs: sp.Expr, scope: Scope, samples: int = 1000,
                seed: int = 0) -> NumericResult:
    """Compare lhs and rhs on at least ``samples`` points; report the first disagreement
    that survives re-evaluation at high precision."""
    return _pointwise(lhs, rhs, scope, samples, seed, _close, _precise_equal)


def check_at_most(lhs: sp.Expr, rhs: sp.Expr, scope: Scope, samples: int = 1000,
                  seed: int = 0) -> NumericResult:
    """Check lhs <= rhs on sampled points (with the same tolerance as equality)."""
    return _pointwise(lhs, rhs, scope, samples, seed, _at_most, _precise_at_most)


def _ranks_alike(audit: _Audit, before, after, order, env, rows, scale) -> bool:
    """Re-evaluate one disagreeing pair of candidates; True when they rank alike after all."""
    try:
        for dps in (PRECISE_DPS, 2 * PRECISE_DPS):
            f1 = [audit.value(before, env, r, dps) for r in rows]
            f2 = [audit.value(after, env, r, dps) for r in rows]
            if any(v is UNDEFINED for v in f1 + f2):
                return False
            d1, d2 = f1[0] - f1[1], (f2[0] - f2[1]) * order
            if abs(d1) <= 1e-7 * scale or mpmath.sign(d1) == mpmath.sign(d2):
                audit.explained += 1
                return True
    except _OutOfBudget:
        audit.unsettled += 1
        return True
    except _Unavailable:
        return False
    finally:
        audit.checked += 1
    return False


def check_ranking(before: sp.Expr, after: sp.Expr, order: int, wrt: tuple, scope: Scope,
                  samples: int = 1000, seed: int = 0) -> NumericResult:
    """Rank many parameter values under both objectives; the orders must agree (or reverse).

    For each data sample, ``CANDIDATES`` values of the parameters ``wrt`` are drawn and
    every pair is compared: objectives with the same minimisers order every pair alike.
    """
    wrt = set(wrt)
    groups = max(1, math.ceil(samples / CANDIDATES))
    done = 0
    audit = _Audit()
    try:
        before, after = _prepare(before), _prepare(after)
        for vs, env in _batches((before, after), scope, groups, seed, audit):
            m = CANDIDATES
            # Data values are shared inside a group, parameters vary.
            for table in (env.scalars, env.families):
                for key in list(table):
                    if key not in wrt:
                        table[key] = np.repeat(table[key], m, axis=0)
            rng = np.random.default_rng(seed + done + 1)
            params = sample_env(vs, scope, env.sizes, env.size * m, rng, (before, after))
            for key in wrt:
                if key in params.scalars:
                    env.scalars[key] = params.scalars[key]
                if key in params.families:
                    env.families[key] = params.families[key]
            g = env.size
            env.size = g * m
            f1 = _evaluate(before, env).reshape(g, m)
            f2 = _evaluate(after, env).reshape(g, m)
            d1 = f1[:, :, None] - f1[:, None, :]
            d2 = (f2[:, :, None] - f2[:, None, :]) * order
            scale = 1 + np.abs(f1).max(axis=1)[:, None, None]
            clear = np.abs(d1) > 1e-7 * scale
            bad = clear & ~(np.sign(d1) == np.sign(d2))
            done += env.size
            for grp, a, b in np.argwhere(bad):
                grp, a, b = int(grp), int(a), int(b)
                if a > b:  # each unordered pair once
                    continue
                rows = (grp * m + a, grp * m + b)
                if _ranks_alike(audit, before, after, order, env, rows,
                                float(scale[grp, 0, 0])):
                    continue
                witness = {"data": describe(env, grp * m),
                           "candidate_a": describe(env, grp * m + a),
                           "candidate_b": describe(env, grp * m + b),
                           "before": [float(f1[grp, a]), float(f1[grp, b])],
                           "after": [float(f2[grp, a]), float(f2[grp, b])]}
                return NumericResult("failed", done, witness,
                                     "the two objectives rank two parameter values differently",
                                     audit.explained)
    except Exception as exc:  # cannot sample or evaluate: no witness, not a refutation
        return _cannot(done, exc)
    return audit.result(done)
