"""An independent numeric oracle used by the tests to judge expressions.

It shares nothing with ``xentsym.check``: the named quantities are unfolded from the
lecture's definitions written out here, sums and products are evaluated term by term
by a small interpreter, values are drawn by its own samplers (whose domains are taken from
the lecture, not from ``xentsym.domains``). It is simple on purpose and only used on
small sizes.
"""
from __future__ import annotations

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

RTOL = 1e-9


# --- unfolding and writing out sums ----------------------------------------------------

def _j():
    return sp.Dummy("j", integer=True, positive=True)


def _entropy(a):
    j = _j()
    return -sp.Sum(a[j] * sp.log(a[j]), (j, 1, nt.n))


def _cross_entropy(a, b):
    j = _j()
    return -sp.Sum(a[j] * sp.log(b[j]), (j, 1, nt.n))


def _kl(a, b):
    j = _j()
    return sp.Sum(a[j] * (sp.log(a[j]) - sp.log(b[j])), (j, 1, nt.n))


def _bce(u, v):
    return -(u * sp.log(v) + (1 - u) * sp.log(1 - v))


_DEFINITIONS = (
    (fn.Entropy, _entropy),
    (fn.CrossEntropy, _cross_entropy),
    (fn.KLDivergence, _kl),
    (fn.BinaryCrossEntropy, _bce),
    (fn.InformationContent, lambda u: -sp.log(u)),
)


def unfold(expr: sp.Expr) -> sp.Expr:
    """The named quantities replaced by the lecture's definitions (written out here)."""
    for cls, body in _DEFINITIONS:
        expr = expr.replace(lambda e, cls=cls: isinstance(e, cls), lambda e, body=body: body(*e.args))
    return expr


# --- sampling --------------------------------------------------------------------------

def _draw(kind: str, rng: np.random.Generator, shape: tuple) -> np.ndarray:
    if kind == "probability":
        return rng.uniform(0.02, 0.98, size=shape)
    if kind == "label":
        return rng.integers(0, 2, size=shape).astype(float)
    if kind == "real":
        return rng.normal(0.0, 2.0, size=shape)
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


def sizes_needed(exprs) -> list:
    """The size symbols that appear free in ``exprs`` (after unfolding)."""
    exprs = [unfold(e) for e in exprs]
    free = set().union(*[e.free_symbols for e in exprs])
    return [s for s in SIZES if s in free]


def size_configs(exprs) -> list[dict]:
    needed = sizes_needed(exprs)
    if not needed:
        return [{}]
    configs = []
    for row in SIZE_TABLE:
        c = {s: v for s, v in zip(SIZES, row) if s in needed}
        if c not in configs:
            configs.append(c)
    return configs


def _axis_lengths(fam, sizes: dict, written) -> tuple:
    lengths = []
    for axis, size in enumerate(FAMILIES[fam][1]):
        if size in sizes:
            lengths.append(sizes[size])
        else:  # the size was specialised away: the largest concrete index used
            used = [int(ix.indices[axis]) for e in written for ix in e.atoms(sp.Indexed)
                    if ix.base == fam and ix.indices[axis].is_Integer]
            lengths.append(max(used, default=1))
    return tuple(lengths)


def _scalars(e: sp.Expr) -> set:
    """Free symbols that are not entries of a family (an entry's label may share a name)."""
    holes = {ix: sp.Dummy() for ix in e.atoms(sp.Indexed)}
    bare = e.xreplace(holes)
    return {s for s in bare.free_symbols
            if isinstance(s, sp.Symbol) and s not in holes.values()}


def sample(written, count: int, rng: np.random.Generator, sizes: dict, only=None) -> dict:
    """Values for every family and scalar of the written-out expressions.

    Returns {IndexedBase: array (count, *axes)} | {Symbol: array (count,)}; with ``only``,
    just the objects listed there.
    """
    out: dict = {}
    for fam in _families(written):
        if only is not None and fam not in only:
            continue
        if fam not in FAMILIES:
            raise KeyError(f"the oracle does not know the family {fam}")
        kind, _ = FAMILIES[fam]
        out[fam] = _draw(kind, rng, (count,) + _axis_lengths(fam, sizes, written))
    for e in written:
        for s in _scalars(e):
            if s in out or s in SIZES or (only is not None and s not in only):
                continue
            if s not in SCALARS:
                raise KeyError(f"the oracle does not know the symbol {s}")
            out[s] = _draw(SCALARS[s], rng, (count,))
    return out


def evaluate(expr: sp.Expr, values: dict, count: int, sizes: dict) -> np.ndarray:
    """``expr`` (unfolded) at every sample point: an array of shape (count,).

    A small interpreter over the expression tree; sums and products loop over their
    concrete ranges. A value that is not real (log of a negative number) comes out NaN.
    """
    with np.errstate(all="ignore"):
        out = _ev(expr, {}, values, sizes)
    return np.broadcast_to(np.asarray(out, dtype=float), (count,)).copy()


def _int(e, bound, values, sizes) -> int:
    v = _ev(e, bound, values, sizes)
    if np.ndim(v) or float(v) != int(v):
        raise ValueError(f"not a whole number: {e}")
    return int(v)


def _ev(e, bound, values, sizes):
    if e.is_Number:
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
        return values[e.base][(slice(None),) + idx]
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


def close(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    with np.errstate(all="ignore"):
        both_nan = np.isnan(a) & np.isnan(b)
        same_inf = np.isinf(a) & (a == b)
        near = np.abs(a - b) <= RTOL * (1 + np.abs(a) + np.abs(b))
    return both_nan | same_inf | (np.isfinite(a) & np.isfinite(b) & near)


# --- judgements ------------------------------------------------------------------------

class Panel:
    """Fixed sample points for a set of expressions, on which any related expression
    (one using no other variables) can then be evaluated and compared.

    With ``wrt``, the points come in groups: the data (everything not in ``wrt``) is shared
    inside a group of ``candidates`` points and the parameters ``wrt`` vary.
    """

    def __init__(self, exprs, wrt=None, count: int = 200, candidates: int = 12,
                 seed: int = 12345):
        exprs = [unfold(sp.sympify(e)) for e in exprs]
        rng = np.random.default_rng(seed)
        self.candidates = candidates
        self.grouped = wrt is not None
        self.points = []  # (sizes, values, number of points)
        for sizes in size_configs(exprs):
            written = exprs
            if wrt is None:
                self.points.append((sizes, sample(written, count, rng, sizes), count))
                continue
            groups = max(1, count // candidates)
            data = sample(written, groups, rng, sizes)
            values = {k: np.repeat(v, candidates, axis=0) for k, v in data.items()}
            values.update(sample(written, groups * candidates, rng, sizes, only=set(wrt)))
            self.points.append((sizes, values, groups * candidates))

    def evaluate(self, expr: sp.Expr) -> list:
        """The values of ``expr`` at every point, one array per size assignment."""
        expr = unfold(sp.sympify(expr))
        return [evaluate(expr, values, m, sizes) for sizes, values, m in self.points]

    def equal(self, a, b) -> bool:
        """True when a and b agree at every point (a and b: expressions or evaluate())."""
        va = a if isinstance(a, list) else self.evaluate(a)
        vb = b if isinstance(b, list) else self.evaluate(b)
        return all(close(x, y).all() for x, y in zip(va, vb))

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


def equal(a: sp.Expr, b: sp.Expr, count: int = 200, seed: int = 12345) -> bool:
    """True when a and b agree on every sampled point (so they are very likely equal)."""
    return Panel((a, b), count=count, seed=seed).equal(a, b)


def same_ranking(before: sp.Expr, after: sp.Expr, wrt, order: int = 1, count: int = 480,
                 seed: int = 54321) -> bool:
    """True when, for fixed data, ``after`` orders parameter values as ``before`` does
    (order=+1) or in reverse (order=-1), on every sampled pair."""
    return Panel((before, after), wrt=wrt, count=count, seed=seed).same_ranking(
        before, after, order)
