"""The numeric check: evaluate both sides on samples drawn from the domains and compare.

Only *usable* samples count: those on which the earlier side (lhs) is finite and real. The
others (log of a negative number, 0/0, an overflow) are discarded and counted, and more
are drawn, up to ``MAX_DRAWS`` times the requested number and ``MAX_WORK_CELLS`` of work,
so a real symbol ends up sampled where the left side is defined (its natural domain)

A counterexample is a usable sample where (a) both sides are finite and differ, or (b)
the later side is undefined (NaN, complex, infinite) -- unless a name of the step has no
declared domain (its natural domain): such a name is sampled where both sides are defined,
the way a reader takes ``log(ab) = log a + log b``. Float64 is not trusted to refute on
its own: the sample is evaluated again with mpmath (see ``precise``) at 60 and 120 digits,
from the very same double values, and it counts only if the difference (or the
undefinedness) survives there, so rounding, cancellation, overflow (``exp(800)``) and
underflow never refute a true step. The re-evaluation is budgeted by work, never by time;
when the budget runs out before a disagreement is confirmed or explained away, the check
fails *without* a witness, so the step is left unproven rather than refuted. The one
exception: two finite float64 values that mpmath cannot evaluate at all keep their
verdict, there being no better evidence to consult.

The check is also bounded in memory and work: exact constant computations that would be
huge (``3**(10**8)`` built unevaluated, ``factorial(10**9)``) are replaced by their float
value before anything is compiled, and sums with very many terms are evaluated a few
samples at a time, on fewer samples, or refused, never allowed to exhaust memory.
"""
from __future__ import annotations

import math

import mpmath
import numpy as np
import sympy as sp
from sympy.core.function import AppliedUndef

from ..bound import rename_apart
from ..conditions import current_scope
from ..domains import NATURAL, REAL
from ..errors import XentsymError
from ..functions import unfold_all
from ..memo import remembered
from ..notation import Scope
from .compile import Env, NumericError, evaluate
from .result import NumericResult  # noqa: F401  (re-exported: its home is result.py)
from .precise import PRECISE_DPS, Audit, contexts, precise_at_most, precise_equal
from .sampling import Variables, describe, sample_env, size_configs, variables

OUT_OF_MEMORY = "out of memory in the numeric check"  # a machine's limit, not a verdict
RTOL = 1e-8  # relative to 1 + |lhs| + |rhs|; float error in these sums is far below it
CANDIDATES = 24  # parameter values ranked per data sample for optimiser relations

# Usable samples (the left side defined there).
MIN_USABLE = 100  # fewer than this (or than requested) after discarding: "undecided"
MAX_DRAWS = 20  # samples drawn per requested sample at most
MAX_WORK_CELLS = 160_000_000  # samples x terms evaluated per check at most

# Bounds on the float evaluation.
MAX_TERMS = 10_000_000  # terms of the sums of one expression for one sample
CHUNK_CELLS = 4_000_000  # samples x terms evaluated at once (the size of the arrays)
BATCH_CELLS = 20_000_000  # samples x terms per batch; past it fewer samples are drawn
BIG = 10_000  # exact powers / factorials past this are computed in floating point


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
    ctx = contexts()[30][0]

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
    """Definitions unfolded, indices renamed apart, huge constants defused."""
    expr = sp.sympify(expr)
    # H(p) unfolds over the sizes the current scope declares: the scope is part of the key.
    return _prepared(expr, tuple(current_scope()))


@remembered(512)  # a chain's step i+1 starts where step i ended: asked twice
def _prepared(expr: sp.Expr, declarations: tuple) -> sp.Expr:
    return _defuse(rename_apart(unfold_all(expr)))


# --- bounded float evaluation ---------------------------------------------------------------

def _terms(expr: sp.Expr, sizes: dict) -> int:
    """Terms of the largest nest of sums/products in ``expr`` for one sample (1 if none)."""
    if not expr.has(sp.Sum, sp.Product):
        return 1
    return _terms_at(expr, frozenset(sizes.items()))


@remembered(1024)  # every batch asks several times
def _terms_at(expr: sp.Expr, sizes: frozenset) -> int:
    return _count(expr, {s: sp.Integer(v) for s, v in sizes})


def _count(expr: sp.Expr, values: dict) -> int:
    if isinstance(expr, (sp.Sum, sp.Product)):
        width = 1
        for _, lo, hi in expr.limits:
            lo, hi = lo.xreplace(values), hi.xreplace(values)
            if lo.is_Integer and hi.is_Integer:
                width *= max(0, int(hi) - int(lo) + 1)
        return max(1, width * _count(expr.function, values))
    return max((_count(a, values) for a in expr.args), default=1)


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


_SEEN_VALUES: dict = {}  # (expr, the batch's arrays by identity) -> (those arrays, values)
SEEN_VALUES = 16  # batches of values kept: a chain's next step evaluates this side again
SEEN_BYTES = 8 * 2 ** 20  # and only batches this small (a kept batch keeps its arrays alive)


def _values(expr: sp.Expr, env: Env) -> np.ndarray:
    """``_evaluate`` of ``expr`` on every sample of ``env``, remembered for the very same
    arrays: step i+1 of a chain starts with the side step i ended with, and it draws the
    same batches (``sampling.sample_env`` replays them), so its left side is known. Only
    batches the sampler keeps are remembered: read-only arrays of their own, which no one
    changes in place and which stay alive (so their ids stay theirs)."""
    arrays = (*env.scalars.values(), *env.families.values())
    if not all(a.base is None and not a.flags.writeable for a in arrays) or \
            sum(a.nbytes for a in arrays) > SEEN_BYTES:
        return _evaluate(expr, env)  # a slice, a fresh batch or a huge one: asked once
    key = (expr, env.size, tuple(map(id, arrays)), tuple(env.sizes.items()))
    try:
        seen = _SEEN_VALUES.get(key)
    except TypeError:  # an expression that cannot be hashed: evaluated afresh
        return _evaluate(expr, env)
    if seen is not None and all(a is b for a, b in zip(seen[0], arrays)):
        return seen[1]
    values = _evaluate(expr, env)
    if len(_SEEN_VALUES) >= SEEN_VALUES:
        _SEEN_VALUES.pop(next(iter(_SEEN_VALUES)))
    _SEEN_VALUES[key] = (arrays, values)
    return values


def _right_values(rhs: sp.Expr, env: Env, usable: np.ndarray) -> np.ndarray:
    """The right side where the left is defined: from its values on every sample (the next
    step's left side), unless some sample outside those cannot be evaluated at all (x_0 for
    i = 1 where the left side is undefined); then on those samples alone, as before."""
    try:
        return _values(rhs, env)[usable]
    except NumericError:
        return _evaluate(rhs, _keep(env, usable))


def _keep(env: Env, mask: np.ndarray) -> Env:
    """The rows of ``env`` where ``mask`` holds."""
    if mask.all():
        return env
    return Env(int(mask.sum()), {k: v[mask] for k, v in env.scalars.items()},
               {k: v[mask] for k, v in env.families.items()}, dict(env.sizes))


def _suspects(bad: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """The disagreeing rows, those with finite values on both sides first (better witnesses)."""
    finite = np.isfinite(left[bad]).astype(int) + np.isfinite(right[bad]).astype(int)
    return bad[np.argsort(-finite, kind="stable")]


class _Run:
    """One check's samples: drawn in rounds until enough are usable or the budget is spent."""

    def __init__(self, exprs, scope: Scope, samples: int, seed: int):
        self.exprs, self.scope, self.samples, self.seed = exprs, scope, samples, seed
        self.vs: Variables = variables(exprs, scope)
        # Names of the natural domain (no declared domain) are sampled where both sides are
        # defined, not only the earlier one.
        self.natural = any(getattr(scope.lookup(v), "domain", None) == NATURAL
                           for v in (*self.vs.scalars, *self.vs.families))
        self.audit = Audit()
        self.usable = self.discarded = self.drawn = self.work = 0

    def batches(self, count: int | None = None):
        """Yield environments, round after round over the size assignments."""
        configs = size_configs(self.vs.sizes, self.seed)
        count = self.samples if count is None else count
        per = math.ceil(count / len(configs))
        rng = np.random.default_rng(self.seed)
        while True:
            for j, sizes in enumerate(configs):
                self.audit.batch(len(configs) - j)
                env = _trim(sample_env(self.vs, self.scope, sizes, per, rng, self.exprs),
                            self.exprs)
                self.drawn += per
                self.work += env.size * max(_terms(e, env.sizes) for e in self.exprs)
                yield env
            if (self.usable >= self.samples or self.drawn >= MAX_DRAWS * count
                    or self.work >= MAX_WORK_CELLS
                    or (self.usable == 0 and self.drawn >= 4 * count)):
                return

    def count(self, usable: int, total: int) -> None:
        """Record how many of ``total`` samples were usable (-1, -1 : one of those counted
        usable was not, after all)."""
        self.usable += usable
        self.discarded += total - usable

    def assumptions(self) -> tuple:
        """How the samples were restricted, for the report."""
        out = []
        if self.discarded:
            for s in (*self.vs.scalars, *self.vs.families):
                name = f"{s.label}_i" if isinstance(s, sp.IndexedBase) else str(s)
                if self.scope.require(s).domain == NATURAL:
                    out.append(f"{name}: sampled where both sides are defined (natural domain)")
                elif self.scope.require(s).domain == REAL:
                    out.append(f"{s}: sampled where the left side is defined (natural domain)")
            if not out:
                out.append(f"{self.discarded} samples where the left side is undefined "
                           "were discarded")
        for s in self.vs.indices:
            decl = self.scope.lookup(s)
            top = decl.range[1] if decl is not None and decl.range is not None else None
            out.append(f"{s}: an index, sampled from 1 to {top}" if top is not None else
                       f"{s}: an index, sampled from 1 to the length of the axis it subscripts")
        return tuple(out)

    def result(self, status: str, witness=None, message: str = "") -> NumericResult:
        """A NumericResult carrying this run's counts."""
        return NumericResult(status, self.usable, witness, message, self.audit.explained,
                             self.discarded, self.assumptions())

    def verdict(self) -> NumericResult:
        """The result when no counterexample was found."""
        audit = self.audit
        if self.discarded and self.usable < min(MIN_USABLE, self.samples):
            return self.result("undecided", message=(
                f"only {self.usable} of {self.usable + self.discarded} samples fell where "
                "the left side is defined"))
        if audit.unsettled:
            return self.result("failed", message=(
                f"{audit.unsettled} samples differ in float64 and could not be re-evaluated "
                f"at {PRECISE_DPS} digits within the budget ({audit.explained} others were "
                "rounding error)"))
        return self.result("passed")


def _witness(env, row, **values) -> dict:
    """The sample's values and both sides, as JSON data."""
    return {"values": describe(env, row), **{k: float(v) for k, v in values.items()}}


def _cannot(run: _Run | None, exc: Exception) -> NumericResult:
    """A check that could not evaluate: no witness, so not a refutation."""
    if isinstance(exc, XentsymError):
        message = exc.message
    elif isinstance(exc, MemoryError):
        message = OUT_OF_MEMORY
    else:
        message = f"cannot evaluate numerically ({type(exc).__name__}: {exc})"
    if run is None:
        return NumericResult("failed", 0, None, message)
    return run.result("failed", message=message)


def _pointwise(lhs, rhs, scope, samples, seed, float_ok, precise_ok) -> NumericResult:
    """Check ``float_ok`` on every usable sample; confirm a failure with ``precise_ok``."""
    run = None
    try:
        lhs, rhs = _prepare(lhs), _prepare(rhs)
        run = _Run((lhs, rhs), scope, samples, seed)
        for env in run.batches():
            left = _values(lhs, env)
            # NaN (undefined, or complex) is not usable; an infinity may be an overflow
            # (exp(800)), which the high-precision re-evaluation tells apart.
            usable = ~np.isnan(left)
            run.count(int(usable.sum()), env.size)
            if not usable.any():
                continue
            right = _right_values(rhs, env, usable)
            env, left = _keep(env, usable), left[usable]
            if run.natural:
                # A name without a declared domain lives where the claim makes sense: where
                # both sides are defined (log(ab) = log a + log b is not refuted at a, b < 0).
                defined = ~np.isnan(right)
                run.count(int(defined.sum()) - env.size, 0)
                env, left, right = _keep(env, defined), left[defined], right[defined]
            bad = np.flatnonzero(~float_ok(left, right))
            for row in _suspects(bad, left, right):
                row = int(row)
                finite = bool(np.isfinite(left[row]) and np.isfinite(right[row]))
                found = run.audit.confirm(lhs, rhs, env, row, precise_ok, finite, run.natural)
                if found == "unusable":
                    run.count(-1, -1)
                elif found == "real":
                    witness = _witness(env, row, lhs=left[row], rhs=right[row])
                    if not finite:  # float64 overflowed or failed: say what is true
                        witness.update(run.audit.shown())
                    return run.result("failed", witness)
    except Exception as exc:  # cannot sample or evaluate: no witness, not a refutation
        return _cannot(run, exc)
    return run.verdict()


def check_equal(lhs: sp.Expr, rhs: sp.Expr, scope: Scope, samples: int = 1000,
                seed: int = 0) -> NumericResult:
    """Compare lhs and rhs on at least ``samples`` usable points; report the first
    disagreement that survives re-evaluation at high precision."""
    return _pointwise(lhs, rhs, scope, samples, seed, _close, precise_equal)


def check_at_most(lhs: sp.Expr, rhs: sp.Expr, scope: Scope, samples: int = 1000,
                  seed: int = 0) -> NumericResult:
    """Check lhs <= rhs on sampled points (with the same tolerance as equality)."""
    return _pointwise(lhs, rhs, scope, samples, seed, _at_most, precise_at_most)


# The optimiser check lives in its own module; it is part of this module's interface.
from .ranking import check_ranking  # noqa: E402, F401  (re-exported; imports the helpers above)
