"""An independent numeric oracle used by the tests to judge expressions.

It shares nothing with ``xentsym.check``: the named quantities are unfolded from the
lecture's definitions written out here, sums and products are evaluated term by term
by a small interpreter, values are drawn by its own samplers (whose domains are taken from
the lecture, not from ``xentsym.domains``), and derivatives are taken by its own central
finite differences (with one Richardson step) rather than by SymPy. It is simple on
purpose and only used on small sizes.

Symbols the lecture does not have (a derivation's own scope: a logit z, a one-hot label
over three classes, the number of trials m) are looked up in the derivation's scope; only
the *name* of the declared domain and the declared axis sizes are read from it, the values
are still drawn by the samplers here.
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import sympy as sp

from xentsym import functions as fn
from xentsym import notation as nt

# The lecture's families: what set each lives in and the sizes of its index axes.
FAMILIES = {
    nt.p: ("simplex", (nt.n,)),
    nt.q: ("simplex", (nt.n,)),
    nt.y: ("label", (nt.N,)),
    nt.yhat: ("probability", (nt.N,)),
    nt.p_theta: ("probability", (nt.N,)),
    nt.y_onehot: ("onehot", (nt.N, nt.K)),
    nt.yhat_rows: ("simplex", (nt.N, nt.K)),
}
SCALARS = {
    nt.beta: "probability", nt.Y: "label", nt.x: "label", nt.p_success: "probability",
    nt.q_failure: "probability", nt.p_event: "probability", nt.theta: "real",
}
SIZES = (nt.N, nt.K, nt.n)

# Concrete sizes tried, one assignment per row (N, K, n).
SIZE_TABLE = ((1, 2, 2), (2, 3, 3), (3, 1, 5), (5, 4, 1), (4, 2, 4), (2, 5, 2))
# Sizes for size symbols of a derivation's own scope (the number of trials m, ...), one
# per row of SIZE_TABLE.
EXTRA_SIZES = (1, 2, 3, 5, 4, 2)

# What the oracle's samplers are called for the domain names a scope may declare.
KIND_OF_DOMAIN = {
    "real": "real", "probability": "probability", "distribution": "simplex",
    "label": "label", "one-hot": "onehot", "positive": "positive", "size": "size",
}

RTOL = 1e-9
# Comparisons involving a derivative: the finite differences below are good to about 1e-9
# relative on the sampled points; this leaves a wide margin and is still far below any
# real disagreement.
FD_RTOL = 1e-6
FD_STEP = 1e-4  # relative step of the central differences


# --- the scope: what the lecture does not declare --------------------------------------

def _by_label(table: dict, obj):
    """``table[obj]``, also for an IndexedBase rebuilt by SymPy without its assumptions."""
    if obj in table:
        return table[obj]
    if isinstance(obj, sp.IndexedBase):
        for key, val in table.items():
            if isinstance(key, sp.IndexedBase) and key.label.name == obj.label.name:
                return val
    return None


def _declared(obj, scope):
    """The oracle's (kind, axes) for an object declared only in ``scope``, or None."""
    if scope is None:
        return None
    decl = scope.lookup(obj)
    if decl is None:
        return None
    kind = KIND_OF_DOMAIN.get(decl.domain.name)
    if kind is None:
        raise KeyError(f"the oracle has no sampler for the domain {decl.domain.name!r}")
    return kind, tuple(decl.over)


def family_info(fam, scope=None):
    """(kind, axes) of an indexed family: the lecture's table first, then the scope."""
    found = _by_label(FAMILIES, fam)
    if found is None:
        found = _declared(fam, scope)
    if found is None:
        raise KeyError(f"the oracle does not know the family {fam}")
    return found


def scalar_kind(sym, scope=None):
    """The sampler kind of a scalar symbol ("size" for a size of the derivation's scope)."""
    if sym in SIZES:
        return "size"
    if sym in SCALARS:
        return SCALARS[sym]
    found = _declared(sym, scope)
    if found is None:
        raise KeyError(f"the oracle does not know the symbol {sym}")
    return found[0]


# --- unfolding and writing out sums ----------------------------------------------------

def _j():
    return sp.Dummy("j", integer=True, positive=True)


def _outcomes(a, scope=None):
    """The number of outcomes of the distribution ``a`` (n for the lecture's p and q)."""
    found = _by_label(FAMILIES, a)
    if found is None and scope is not None:
        found = _declared(a, scope)
    return found[1][-1] if found is not None and found[1] else nt.n


def _definitions(scope):
    def entropy(a):
        j = _j()
        return -sp.Sum(a[j] * sp.log(a[j]), (j, 1, _outcomes(a, scope)))

    def cross_entropy(a, b):
        j = _j()
        return -sp.Sum(a[j] * sp.log(b[j]), (j, 1, _outcomes(a, scope)))

    def kl(a, b):
        j = _j()
        return sp.Sum(a[j] * (sp.log(a[j]) - sp.log(b[j])), (j, 1, _outcomes(a, scope)))

    return (
        (fn.Entropy, entropy),
        (fn.CrossEntropy, cross_entropy),
        (fn.KLDivergence, kl),
        (fn.BinaryCrossEntropy, lambda u, v: -(u * sp.log(v) + (1 - u) * sp.log(1 - v))),
        (fn.InformationContent, lambda u: -sp.log(u)),
        (fn.LogGap, lambda t: t - 1 - sp.log(t)),
        # The logistic function, written as e^z / (1 + e^z) (the engine writes 1/(1+e^-z)).
        (fn.Sigmoid, lambda z: sp.exp(z) / (1 + sp.exp(z))),
    )


@lru_cache(maxsize=None)
def unfold(expr: sp.Expr, scope=None) -> sp.Expr:
    """The named quantities replaced by the lecture's definitions (written out here)."""
    for cls, body in _definitions(scope):
        expr = expr.replace(lambda e, cls=cls: isinstance(e, cls),
                            lambda e, body=body: body(*e.args))
    return expr


# --- sampling --------------------------------------------------------------------------

def _draw(kind: str, rng: np.random.Generator, shape: tuple) -> np.ndarray:
    if kind == "probability":
        return rng.uniform(0.02, 0.98, size=shape)
    if kind == "label":
        return rng.integers(0, 2, size=shape).astype(float)
    if kind == "real":
        return rng.normal(0.0, 2.0, size=shape)
    if kind == "positive":
        return rng.lognormal(0.0, 1.0, size=shape)
    if kind == "simplex":
        return rng.dirichlet(np.ones(shape[-1]), size=shape[:-1])
    if kind == "onehot":
        hot = rng.integers(0, shape[-1], size=shape[:-1])
        return (np.arange(shape[-1]) == hot[..., None]).astype(float)
    raise ValueError(kind)


def _families(exprs) -> set:
    found = set()
    for e in exprs:
        found |= {ix.base for ix in e.atoms(sp.Indexed)}
        found |= {a for a in e.atoms(sp.IndexedBase)}  # arguments of named quantities
    return found


@lru_cache(maxsize=None)
def _scalars(e: sp.Expr) -> frozenset:
    """Free symbols that are not entries of a family (an entry's label may share a name)
    nor bound by a sum or product."""
    out: set = set()

    def walk(x, bound):
        if isinstance(x, sp.Indexed):
            for ix in x.indices:
                walk(ix, bound)
        elif isinstance(x, sp.IndexedBase):
            return
        elif isinstance(x, sp.Symbol):
            if x not in bound:
                out.add(x)
        elif isinstance(x, (sp.Sum, sp.Product)):
            inner = set(bound)
            for var, lo, hi in x.limits:
                walk(lo, inner)
                walk(hi, inner)
                inner.add(var)
            walk(x.function, frozenset(inner))
        elif isinstance(x, sp.Derivative):
            walk(x.expr, bound)  # the variables occur in the expression
        else:
            for a in x.args:
                walk(a, bound)

    walk(e, frozenset())
    return frozenset(out)


def size_symbols(exprs, scope=None) -> list:
    """The size symbols that appear free in ``exprs`` (after unfolding): the lecture's
    N, K, n first, then sizes declared by the derivation's scope."""
    exprs = [unfold(e, scope) for e in exprs]
    free = set().union(*[_scalars(e) for e in exprs])
    lecture = [s for s in SIZES if s in free]
    extra = sorted((s for s in free - set(SIZES) if scalar_kind(s, scope) == "size"),
                   key=sp.default_sort_key)
    return lecture + extra


def sizes_needed(exprs, scope=None) -> list:
    """Kept for callers of the earlier API: the size symbols free in ``exprs``."""
    return size_symbols(exprs, scope)


def size_configs(exprs, scope=None) -> list[dict]:
    needed = size_symbols(exprs, scope)
    if not needed:
        return [{}]
    configs = []
    for row, extra in zip(SIZE_TABLE, EXTRA_SIZES):
        c = {s: v for s, v in zip(SIZES, row) if s in needed}
        c.update({s: extra for s in needed if s not in SIZES})
        if c not in configs:
            configs.append(c)
    return configs


def _axis_lengths(fam, sizes: dict, written, scope=None) -> tuple:
    lengths = []
    for axis, size in enumerate(family_info(fam, scope)[1]):
        if size in sizes:
            lengths.append(sizes[size])
        elif getattr(size, "is_Integer", False) or isinstance(size, int):
            lengths.append(int(size))  # a family declared over a concrete size
        else:  # the size was specialised away: the largest concrete index used
            used = [int(ix.indices[axis]) for e in written for ix in e.atoms(sp.Indexed)
                    if ix.base.label == fam.label and ix.indices[axis].is_Integer]
            lengths.append(max(used, default=1))
    return tuple(lengths)


def sample(written, count: int, rng: np.random.Generator, sizes: dict, only=None,
           scope=None) -> dict:
    """Values for every family and scalar of the written-out expressions.

    Returns {IndexedBase: array (count, *axes)} | {Symbol: array (count,)}; with ``only``,
    just the objects listed there.
    """
    out: dict = {}
    for fam in sorted(_families(written), key=sp.default_sort_key):
        if only is not None and fam not in only:
            continue
        kind, _ = family_info(fam, scope)
        out[fam] = _draw(kind, rng, (count,) + _axis_lengths(fam, sizes, written, scope))
    for e in written:
        for s in sorted(_scalars(e), key=sp.default_sort_key):
            if s in out or s in sizes or (only is not None and s not in only):
                continue
            kind = scalar_kind(s, scope)
            if kind == "size":
                raise KeyError(f"no concrete value for the size {s}")
            out[s] = _draw(kind, rng, (count,))
    return out


# --- evaluation ------------------------------------------------------------------------

def evaluate(expr: sp.Expr, values: dict, count: int, sizes: dict) -> np.ndarray:
    """``expr`` (unfolded) at every sample point: an array of shape (count,).

    A small interpreter over the expression tree; sums and products loop over their
    concrete ranges, derivatives are central differences. A value that is not real (log of
    a negative number) comes out NaN.
    """
    with np.errstate(all="ignore"):
        out = _ev(expr, {}, values, sizes)
    return np.broadcast_to(np.asarray(out, dtype=float), (count,)).copy()


def _int(e, bound, values, sizes) -> int:
    v = _ev(e, bound, values, sizes)
    if np.ndim(v) or float(v) != int(v):
        raise ValueError(f"not a whole number: {e}")
    return int(v)


def _comb(n, k):
    n, k = np.broadcast_arrays(np.asarray(n, dtype=float), np.asarray(k, dtype=float))
    out = np.full(n.shape, np.nan)
    for ix in np.ndindex(n.shape):
        a, b = n[ix], k[ix]
        if a == int(a) and b == int(b) and a >= 0:
            out[ix] = float(math.comb(int(a), int(b))) if 0 <= b <= a else 0.0
    return out if out.ndim else float(out)


def _family_key(values: dict, base):
    """The key of ``values`` holding the family ``base`` (SymPy may have rebuilt it without
    its assumptions: then it is found by its label)."""
    if base in values:
        return base
    for k in values:
        if isinstance(k, sp.IndexedBase) and k.label.name == base.label.name:
            return k
    raise KeyError(f"no values for the family {base}")


def _derivative(e: sp.Derivative, bound, values, sizes):
    """d/dv of e.expr by a central difference with one Richardson step (error O(h^4))."""
    variables = [v for v, c in e.variable_count for _ in range(int(c))]
    *inner, var = variables
    body = sp.Derivative(e.expr, *inner) if inner else e.expr
    if isinstance(var, sp.Indexed):
        key = _family_key(values, var.base)
        idx = tuple(_int(ix, bound, values, sizes) - 1 for ix in var.indices)
        where = (slice(None),) + idx
    elif isinstance(var, sp.Symbol) and var in values and var not in bound:
        key, where = var, slice(None)
    else:
        raise TypeError(f"the oracle cannot differentiate with respect to {var}")
    x0 = np.asarray(values[key], dtype=float)[where]
    # A step relative to the value, and to the distance from 0 and 1 inside (0, 1), so the
    # shifted points stay inside a probability's domain -- unless the value sits on 0 or 1
    # up to rounding (the one entry of a distribution over one outcome), where such a step
    # would vanish.
    gap = np.minimum(x0, 1 - x0)
    inside = (x0 > 0) & (x0 < 1) & (gap > 1e-9)
    h = FD_STEP * np.where(inside, gap, 1 + np.abs(x0))

    def at(shift):
        moved = np.array(values[key], dtype=float, copy=True)
        moved[where] = x0 + shift
        return np.asarray(_ev(body, bound, {**values, key: moved}, sizes), dtype=float)

    d_h = (at(h) - at(-h)) / (2 * h)
    d_half = (at(h / 2) - at(-h / 2)) / h
    return (4 * d_half - d_h) / 3


def _ev(e, bound, values, sizes):
    if e.is_Number:
        return float(e)
    if isinstance(e, sp.NumberSymbol):
        return float(e)
    if e is sp.true or e is sp.S.true:
        return True
    if e is sp.false or e is sp.S.false:
        return False
    if isinstance(e, sp.Symbol):
        if e in bound:
            return bound[e]
        if e in sizes:
            return float(sizes[e])
        return values[e]
    if isinstance(e, sp.Indexed):
        idx = tuple(_int(ix, bound, values, sizes) - 1 for ix in e.indices)
        if min(idx) < 0:
            raise IndexError(f"{e} is outside its family")
        return values[_family_key(values, e.base)][(slice(None),) + idx]
    if isinstance(e, sp.Add):
        out = 0.0
        for a in e.args:
            out = out + _ev(a, bound, values, sizes)
        return out
    if isinstance(e, sp.Mul):
        out = 1.0
        for a in e.args:
            out = out * _ev(a, bound, values, sizes)
        return out
    if isinstance(e, sp.Pow):
        base = np.asarray(_ev(e.base, bound, values, sizes), dtype=float)
        return np.power(base, _ev(e.exp, bound, values, sizes))
    if isinstance(e, sp.log):
        return np.log(np.asarray(_ev(e.args[0], bound, values, sizes), dtype=float))
    if isinstance(e, sp.exp):
        return np.exp(_ev(e.args[0], bound, values, sizes))
    if isinstance(e, sp.binomial):
        return _comb(_ev(e.args[0], bound, values, sizes), _ev(e.args[1], bound, values, sizes))
    if isinstance(e, sp.factorial):
        v = np.asarray(_ev(e.args[0], bound, values, sizes), dtype=float)
        return np.vectorize(lambda a: float(math.factorial(int(a))))(v)
    if isinstance(e, sp.Derivative):
        return _derivative(e, bound, values, sizes)
    if isinstance(e, sp.Subs):
        body, olds, news = e.args
        inner = dict(values)
        for old, new in zip(olds, news):
            inner[old] = _ev(new, bound, values, sizes)
        return _ev(body, bound, inner, sizes)
    if isinstance(e, sp.Eq):
        return np.asarray(_ev(e.lhs, bound, values, sizes)) == _ev(e.rhs, bound, values, sizes)
    if isinstance(e, sp.Piecewise):
        out, done = np.nan, False
        for val, cond in e.args:
            c = np.asarray(_ev(cond, bound, values, sizes), dtype=bool)
            out = np.where(~np.asarray(done) & c, _ev(val, bound, values, sizes), out)
            done = np.asarray(done) | c
        return out
    if isinstance(e, (sp.Sum, sp.Product)):
        *inner, (var, lo, hi) = e.limits  # the last limit is the outermost
        body = e.func(e.function, *inner) if inner else e.function
        lo, hi = _int(lo, bound, values, sizes), _int(hi, bound, values, sizes)
        out = 0.0 if isinstance(e, sp.Sum) else 1.0
        for v in range(lo, hi + 1):
            term = _ev(body, {**bound, var: v}, values, sizes)
            out = out + term if isinstance(e, sp.Sum) else out * term
        return out
    raise TypeError(f"the oracle cannot evaluate {type(e).__name__}: {e}")


def close(a: np.ndarray, b: np.ndarray, rtol: float = RTOL) -> np.ndarray:
    with np.errstate(all="ignore"):
        both_nan = np.isnan(a) & np.isnan(b)
        same_inf = np.isinf(a) & (a == b)
        near = np.abs(a - b) <= rtol * (1 + np.abs(a) + np.abs(b))
    return both_nan | same_inf | (np.isfinite(a) & np.isfinite(b) & near)


def not_above(a: np.ndarray, b: np.ndarray, rtol: float = RTOL) -> np.ndarray:
    """a <= b up to the tolerance (points where both sides are undefined do not count)."""
    with np.errstate(all="ignore"):
        below = a <= b + rtol * (1 + np.abs(a) + np.abs(b))
    return below | close(a, b, rtol)


def _has_derivative(exprs) -> bool:
    return any(sp.sympify(e).has(sp.Derivative) for e in exprs)


# --- judgements ------------------------------------------------------------------------

class Panel:
    """Fixed sample points for a set of expressions, on which any related expression
    (one using no other variables) can then be evaluated and compared.

    With ``wrt``, the points come in groups: the data (everything not in ``wrt``) is shared
    inside a group of ``candidates`` points and the parameters ``wrt`` vary. ``scope`` (a
    derivation's scope) declares the symbols and families the lecture does not have.
    """

    def __init__(self, exprs, wrt=None, count: int = 200, candidates: int = 12,
                 seed: int = 12345, scope=None):
        self.scope = scope
        raw = [sp.sympify(e) for e in exprs]
        exprs = [unfold(e, scope) for e in raw]
        self.rtol = FD_RTOL if _has_derivative(raw) else RTOL
        rng = np.random.default_rng(seed)
        self.candidates = candidates
        self.grouped = wrt is not None
        self.points = []  # (sizes, values, number of points)
        for sizes in size_configs(exprs, scope):
            written = exprs
            if wrt is None:
                self.points.append((sizes, sample(written, count, rng, sizes, scope=scope),
                                    count))
                continue
            groups = max(1, count // candidates)
            data = sample(written, groups, rng, sizes, scope=scope)
            values = {k: np.repeat(v, candidates, axis=0) for k, v in data.items()}
            values.update(sample(written, groups * candidates, rng, sizes, only=set(wrt),
                                 scope=scope))
            self.points.append((sizes, values, groups * candidates))

    def evaluate(self, expr: sp.Expr) -> list:
        """The values of ``expr`` at every point, one array per size assignment."""
        expr = unfold(sp.sympify(expr), self.scope)
        return [evaluate(expr, values, m, sizes) for sizes, values, m in self.points]

    def equal(self, a, b) -> bool:
        """True when a and b agree at every point (a and b: expressions or evaluate())."""
        va = a if isinstance(a, list) else self.evaluate(a)
        vb = b if isinstance(b, list) else self.evaluate(b)
        return all(close(x, y, self.rtol).all() for x, y in zip(va, vb))

    def at_most(self, a, b) -> bool:
        """True when a <= b at every point (up to the tolerance)."""
        va = a if isinstance(a, list) else self.evaluate(a)
        vb = b if isinstance(b, list) else self.evaluate(b)
        return all(not_above(x, y, self.rtol).all() for x, y in zip(va, vb))

    def violations(self, a, b) -> int:
        """How many points have a > b (beyond the tolerance)."""
        va = a if isinstance(a, list) else self.evaluate(a)
        vb = b if isinstance(b, list) else self.evaluate(b)
        return int(sum((~not_above(x, y, self.rtol)).sum() for x, y in zip(va, vb)))

    def same_ranking(self, a, b, order: int = 1) -> bool:
        """True when b orders the parameter values of each group as a does (order=+1) or
        in reverse (order=-1)."""
        assert self.grouped, "same_ranking needs a Panel built with wrt="
        va = a if isinstance(a, list) else self.evaluate(a)
        vb = b if isinstance(b, list) else self.evaluate(b)
        m = self.candidates
        for f1, f2 in zip(va, vb):
            if not (np.isfinite(f1).all() and np.isfinite(f2).all()):
                return False
            f1, f2 = f1.reshape(-1, m), f2.reshape(-1, m)
            d1 = f1[:, :, None] - f1[:, None, :]
            d2 = (f2[:, :, None] - f2[:, None, :]) * order
            s1 = np.where(np.abs(d1) > 1e-9 * (1 + np.abs(f1).max()), np.sign(d1), 0)
            s2 = np.where(np.abs(d2) > 1e-9 * (1 + np.abs(f2).max()), np.sign(d2), 0)
            if (s1 != s2).any():
                return False
        return True


def equal(a: sp.Expr, b: sp.Expr, count: int = 200, seed: int = 12345, scope=None) -> bool:
    """True when a and b agree on every sampled point (so they are very likely equal)."""
    return Panel((a, b), count=count, seed=seed, scope=scope).equal(a, b)


def at_most(a: sp.Expr, b: sp.Expr, count: int = 200, seed: int = 12345, scope=None) -> bool:
    """True when a <= b on every sampled point."""
    return Panel((a, b), count=count, seed=seed, scope=scope).at_most(a, b)


def same_ranking(before: sp.Expr, after: sp.Expr, wrt, order: int = 1, count: int = 480,
                 seed: int = 54321, scope=None) -> bool:
    """True when, for fixed data, ``after`` orders parameter values as ``before`` does
    (order=+1) or in reverse (order=-1), on every sampled pair."""
    return Panel((before, after), wrt=wrt, count=count, seed=seed, scope=scope).same_ranking(
        before, after, order)


# --- re-reading the engine's counterexamples -------------------------------------------

def point(exprs, named: dict, scope=None) -> tuple[dict, dict]:
    """(values, sizes) for one point given as {symbol name: value} (the engine's witness
    format), matched by name against the families, scalars and sizes of ``exprs``."""
    written = [unfold(sp.sympify(e), scope) for e in exprs]
    objects = {}
    for fam in _families(written):
        objects.setdefault(str(fam), fam)
    for e in written:
        for s in _scalars(e):
            objects.setdefault(str(s), s)
    values, sizes = {}, {}
    for name, obj in objects.items():
        if name not in named:
            raise KeyError(f"the witness has no value for {name}")
        if isinstance(obj, sp.Symbol) and scalar_kind(obj, scope) == "size":
            sizes[obj] = int(named[name])
        else:
            values[obj] = np.asarray(named[name], dtype=float)[None, ...]
    return values, sizes


def at_point(expr: sp.Expr, named: dict, exprs=None, scope=None) -> float:
    """``expr`` evaluated by the oracle at one named point."""
    values, sizes = point(exprs or [expr], named, scope)
    return float(evaluate(unfold(sp.sympify(expr), scope), values, 1, sizes)[0])
