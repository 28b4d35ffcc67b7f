"""Compile SymPy expressions with sums, products and indexed families to vectorised NumPy.

Sums and products become reductions over an array axis (the summand is evaluated once for
every index at once), indexed families become fancy indexing, and everything else is left
to ``lambdify``. Every symbol is renamed to a generated placeholder first, so no name taken
from a document ever reaches the code that ``lambdify`` writes.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.printing.numpy import NumPyPrinter

from ..bound import rename_apart
from ..errors import XentsymError
from ..functions import unfold_all


class NumericError(XentsymError):
    """An expression that cannot be evaluated numerically."""


@dataclass
class Env:
    """Values for one batch of S samples: scalars (S,), families (S, d1, ...), sizes (ints)."""

    size: int
    scalars: dict = field(default_factory=dict)
    families: dict = field(default_factory=dict)
    sizes: dict = field(default_factory=dict)


class _Node:
    def run(self, env: Env, ranges: tuple) -> np.ndarray:  # pragma: no cover - interface
        raise NotImplementedError


def _ones(depth: int) -> tuple:
    return (1,) * (depth + 1)


class _Leaf(_Node):
    """A free symbol: a size (an int) or a scalar variable (one value per sample)."""

    def __init__(self, symbol):
        self.symbol = symbol

    def run(self, env, ranges):
        if self.symbol in env.sizes:
            return np.full(_ones(len(ranges)), float(env.sizes[self.symbol]))
        try:
            values = env.scalars[self.symbol]
        except KeyError:
            raise NumericError(f"no value for symbol {self.symbol}") from None
        return np.asarray(values, dtype=float).reshape((env.size,) + _ones(len(ranges))[1:])


def _live(ranges: tuple):
    """Where the enclosing sums are really summing (a limit that depends on an outer index
    makes a ragged range, evaluated as a rectangle with a mask), or None: everywhere."""
    masks = [r[2] for r in ranges if len(r) > 2]
    if not masks:
        return None
    rank = len(ranges) + 1
    out = masks[0].reshape(masks[0].shape + (1,) * (rank - masks[0].ndim))
    for m in masks[1:]:
        out = out & m.reshape(m.shape + (1,) * (rank - m.ndim))
    return out


class _IndexVar(_Node):
    """A bound summation index: the integers lo..hi along its own axis."""

    def __init__(self, position):
        self.position = position

    def run(self, env, ranges):
        lo, hi = ranges[self.position][:2]
        shape = list(_ones(len(ranges)))
        shape[1 + self.position] = hi - lo + 1
        return np.arange(lo, hi + 1).reshape(shape)


class _Indexed(_Node):
    """An entry of an indexed family, e.g. p[i] or y[i, k], gathered for all indices at once."""

    def __init__(self, base, indices):
        self.base = base
        self.indices = indices

    def run(self, env, ranges):
        try:
            data = env.families[self.base]
        except KeyError:
            raise NumericError(f"no values for {self.base}") from None
        if data.ndim != 1 + len(self.indices):
            raise NumericError(f"{self.base} has {data.ndim - 1} index axes, "
                               f"used with {len(self.indices)}")
        sliced = self._sliced(data, env, ranges)
        if sliced is not None:
            return sliced
        gather = [np.arange(env.size).reshape((env.size,) + _ones(len(ranges))[1:])]
        live = None
        for axis, node in enumerate(self.indices, start=1):
            idx = np.rint(node.run(env, ranges)).astype(np.int64) - 1
            if idx.size and (idx.min() < 0 or idx.max() >= data.shape[axis]):
                # Outside a ragged range the entry is never used: any index will do there.
                live = _live(ranges) if live is None else live
                outside = (idx < 0) | (idx >= data.shape[axis])
                if live is None or (outside & live).any():
                    raise NumericError(
                        f"index of {self.base} out of range 1..{data.shape[axis]}")
                idx = np.clip(idx, 0, data.shape[axis] - 1)
            gather.append(idx)
        return data[tuple(gather)]


    def _sliced(self, data, env, ranges):
        """The entries a gather would take, as a slice, when every index is a summation
        index of its own, in axis order, over a range inside the axis (x[i, m] in a sum over
        i and m is x itself); else None. Building the index arrays is the costly part."""
        positions = [getattr(node, "position", None) if isinstance(node, _IndexVar) else None
                     for node in self.indices]
        if (None in positions or any(a >= b for a, b in zip(positions, positions[1:]))
                or data.shape[0] != env.size):
            return None
        cut, shape = [slice(None)], [env.size] + [1] * len(ranges)
        for axis, p in enumerate(positions, start=1):
            lo, hi = ranges[p][:2]
            if lo < 1 or hi > data.shape[axis] or hi < lo:
                return None
            cut.append(slice(lo - 1, hi))
            shape[1 + p] = hi - lo + 1
        return data[tuple(cut)].reshape(shape)


def _whole(values: np.ndarray, expr) -> np.ndarray:
    if not np.all(np.isfinite(values)) or np.any(np.rint(values) != values):
        raise NumericError(f"summation limit {expr} is not a whole number here")
    return np.rint(values).astype(np.int64)


class _Reduce(_Node):
    """A Sum or Product over one index: evaluate the body on a new axis, then reduce it.

    A limit that depends on an outer index or on a sampled value (sum_{m=1}^{i}) gives a
    ragged range: the body is evaluated on the rectangle that covers it and the terms
    outside are masked to 0 (1 for a product).
    """

    def __init__(self, op, lo, hi, body, ends=None):
        self.op, self.lo, self.hi, self.body = op, lo, hi, body
        self.ends = ends  # evaluators of lo and hi, for limits that are not sizes alone

    def _bound(self, expr, env):
        value = expr.xreplace({s: sp.Integer(v) for s, v in env.sizes.items()})
        return int(value) if value.is_Integer else None

    def run(self, env, ranges):
        lo, hi = self._bound(self.lo, env), self._bound(self.hi, env)
        depth = len(ranges)
        neutral = 0.0 if self.op is np.sum else 1.0
        if lo is None or hi is None:
            if self.ends is None:
                raise NumericError(f"summation limit {self.hi} is not a whole number here")
            return self._ragged(env, ranges, neutral)
        if hi < lo:
            return np.full(_ones(depth), neutral)
        values = self.body.run(env, ranges + ((lo, hi),))
        values = np.broadcast_to(values, values.shape[:-1] + (hi - lo + 1,))
        with np.errstate(all="ignore"):  # inf - inf is NaN: an unusable sample, no warning
            return self.op(values, axis=-1)

    def _ragged(self, env, ranges, neutral):
        los, his = (_whole(node.run(env, ranges), e)
                    for node, e in zip(self.ends, (self.lo, self.hi)))
        los, his = np.broadcast_arrays(los, his)
        live = _live(ranges)
        live = np.ones(los.shape, bool) if live is None else np.broadcast_to(live, los.shape)
        live = live & (his >= los)
        if not live.any():
            return np.full(_ones(len(ranges)), neutral)
        lo, hi = int(los[live].min()), int(his[live].max())
        axis = np.arange(lo, hi + 1).reshape(_ones(len(ranges)) + (hi - lo + 1,))
        mask = (axis >= los[..., None]) & (axis <= his[..., None]) & live[..., None]
        values = self.body.run(env, ranges + ((lo, hi, mask),))
        values = np.where(mask, np.broadcast_to(values, np.broadcast_shapes(
            values.shape, mask.shape)), neutral)
        with np.errstate(all="ignore"):
            return self.op(values, axis=-1)


class _Elementwise(_Node):
    """Everything between sums and leaves, compiled by lambdify over placeholder names."""

    def __init__(self, fn, children):
        self.fn, self.children = fn, children

    def run(self, env, ranges):
        args = [c.run(env, ranges) for c in self.children]
        with np.errstate(all="ignore"):
            out = np.asarray(self.fn(*args), dtype=float)
        if out.ndim < len(ranges) + 1:
            out = out.reshape(out.shape + (1,) * (len(ranges) + 1 - out.ndim)) \
                if out.ndim else out.reshape(_ones(len(ranges)))
        return out


def _comb(n, k):
    n, k = np.broadcast_arrays(np.rint(n).astype(np.int64), np.rint(k).astype(np.int64))
    return np.vectorize(lambda a, b: float(math.comb(a, b)) if 0 <= b <= a else 0.0)(n, k)


def _factorial(n):
    return np.vectorize(lambda a: float(math.factorial(a)))(np.rint(n).astype(np.int64))


# NumPy has no binomial coefficient or factorial; these take whole-number arrays. The
# printer writes KroneckerDelta as a Python conditional, which fails on arrays: it is
# renamed to a function of our own before printing.
_DELTA = sp.Function("_delta")
_COMPLEMENT = sp.Function("_complement")


def _complement_of(u):
    """1 - 1/(1 + u) without cancellation: u/(1 + u) for |u| < 1, where 1/(1 + u) is
    near 1 (1 - sigmoid(z) at large z), the plain form elsewhere (u = inf gives 1)."""
    with np.errstate(all="ignore"):
        return np.where(np.abs(u) < 1, u / (1 + u), 1 - 1 / (1 + u))


_EXTRA = {"binomial": _comb, "factorial": _factorial, "_complement": _complement_of,
          "_delta": lambda a, b: np.equal(np.rint(a), np.rint(b)).astype(float)}


_PRINTER = NumPyPrinter({"inline": True, "allow_unknown_functions": True,
                         "user_functions": {name: name for name in _EXTRA}})


def skeleton(expr: sp.Expr, bound: tuple, make: dict):
    """Cut ``expr`` into an elementwise skeleton over placeholders ``_x0, _x1, ...``.

    Sums and products, indexed entries, bound indices and free symbols become placeholders;
    ``make[kind](e)`` (kinds "reduce", "indexed", "index", "leaf") builds the evaluator of
    each, and ``make["unsupported"](e)`` raises for what cannot be evaluated. Returns the
    skeleton, its placeholder symbols and their evaluators, in the same order. Only these
    generated names ever reach the code that lambdify writes.
    """
    children: list = []
    placeholders: dict = {}

    def hole(sub, kind):
        if sub not in placeholders:
            placeholders[sub] = sp.Symbol(f"_x{len(children)}", real=True)
            children.append(make[kind](sub))
        return placeholders[sub]

    def walk(e):
        if isinstance(e, (sp.Sum, sp.Product)):
            return hole(e, "reduce")
        if isinstance(e, sp.Indexed):
            return hole(e, "indexed")
        if isinstance(e, sp.Symbol):
            return hole(e, "index" if e in bound else "leaf")
        if isinstance(e, sp.Derivative):
            # deep=False: see check/calculus.py; bound indices named like an index of a
            # variable (sum over j, d/dz_j) renamed first, or differentiating captures them.
            avoid = {s for v in e.variables for s in v.free_symbols}
            return walk(rename_apart(e, avoid=avoid).doit(deep=False))
        if isinstance(e, (AppliedUndef, sp.Integral)):
            make["unsupported"](e)
        if not e.args:
            return e
        return e.func(*[walk(a) for a in e.args])

    return walk(expr), list(placeholders.values()), children


def _unsupported(e):
    if isinstance(e, AppliedUndef):
        raise NumericError(f"{e.func} is not defined, so it cannot be evaluated")
    raise NumericError(f"cannot evaluate {type(e).__name__} numerically")


@lru_cache(maxsize=4096)  # nodes keep no state: a sum shared by many sides compiles once
def _compile(expr: sp.Expr, bound: tuple) -> _Node:
    make = {"reduce": lambda e: _reduction(e, bound),
            "indexed": lambda e: _Indexed(e.base, [_compile(ix, bound) for ix in e.indices]),
            "index": lambda e: _IndexVar(bound.index(e)),
            "leaf": _Leaf, "unsupported": _unsupported}
    body, args, children = skeleton(expr, bound, make)
    if len(children) == 1 and body == args[0]:
        return children[0]
    body = body.replace(sp.KroneckerDelta, lambda a, b, *_: _DELTA(a, b))
    body = body.replace(lambda e: _complement(e) is not None, _complement)
    try:
        fn = _function(args, body)
    except Exception as exc:  # the printer has no narrower error type
        raise NumericError(f"cannot compile {sp.sstr(expr)}: {exc}") from None
    return _Elementwise(fn, children)


def _function(args: list, body: sp.Expr):
    """``body`` as a NumPy function of the placeholders ``args``: the code lambdify would
    write with this printer, without lambdify's ~1 ms of set-up per call. The names in it
    are the generated placeholders, ``numpy`` and those of ``_EXTRA``; the namespace is
    explicit (lambdify's "numpy" makes NumPy load every lazy submodule, ~0.3 s)."""
    source = (f"def _compiled({', '.join(a.name for a in args)}):\n"
              f"    return {_PRINTER.doprint(body)}\n")
    namespace = {"numpy": np, **_EXTRA}
    exec(compile(source, "<xentsym>", "exec"), namespace)  # noqa: S102 (generated code)
    return namespace["_compiled"]


def _complement(e):
    """``1 - 1/(1 + u)`` as a call of ``_complement_of`` (else None): float64 loses every
    digit of a small u in the plain form (1 - sigmoid(z) at large z divides by 0 or by a
    value off in the sixth digit), and each such sample needs a high-precision re-check.

    >>> u, y = sp.symbols("u y")
    >>> _complement(2 - 1 / (1 + u))
    >>> _complement(1 - y - 1 / (1 + u))
    -y + _complement(u)
    """
    if not isinstance(e, sp.Add) or sp.S.One not in e.args:
        return None
    for t in e.args:
        if (t.is_Mul and len(t.args) == 2 and t.args[0] == -1 and t.args[1].is_Pow
                and t.args[1].exp == -1 and t.args[1].base.is_Add
                and sp.S.One in t.args[1].base.args):
            den = t.args[1].base
            rest = [a for a in e.args if a is not t and a != sp.S.One]
            return sp.Add(*rest, _COMPLEMENT(den - 1))
    return None


def _reduction(e, bound) -> _Node:
    op = np.sum if isinstance(e, sp.Sum) else np.prod
    body, *limits = e.args
    # Sum(f, (i, ...), (k, ...)): the first limit is the innermost.
    node_bound = bound
    for var, _, _ in reversed(limits):
        node_bound = node_bound + (var,)
    node = _compile(body, node_bound)
    for depth, (var, lo, hi) in enumerate(limits):
        # The limits see the indices of the enclosing sums (those of the later limits too).
        outer = node_bound[:len(node_bound) - depth - 1]
        ends = None
        if (lo.free_symbols | hi.free_symbols) - {var}:
            ends = (_compile(lo, outer), _compile(hi, outer))
        node = _Reduce(op, lo, hi, node, ends)
    return node


@lru_cache(maxsize=4096)
def compile_expr(expr: sp.Expr) -> _Node:
    """A vectorised evaluator for ``expr`` (cached by expression)."""
    # Indices are bound to array axes by name: a nest reusing one must be renamed apart.
    return _compile(rename_apart(unfold_all(expr)), ())


def evaluate(expr: sp.Expr, env: Env) -> np.ndarray:
    """Evaluate ``expr`` on every sample of ``env``: an array of shape (env.size,)."""
    out = compile_expr(expr).run(env, ())
    return np.broadcast_to(out.reshape(out.shape[:1]) if out.ndim else out, (env.size,))
