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


class _IndexVar(_Node):
    """A bound summation index: the integers lo..hi along its own axis."""

    def __init__(self, position):
        self.position = position

    def run(self, env, ranges):
        lo, hi = ranges[self.position]
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
        gather = [np.arange(env.size).reshape((env.size,) + _ones(len(ranges))[1:])]
        for axis, node in enumerate(self.indices, start=1):
            idx = np.rint(node.run(env, ranges)).astype(np.int64) - 1
            if idx.size and (idx.min() < 0 or idx.max() >= data.shape[axis]):
                raise NumericError(f"index of {self.base} out of range 1..{data.shape[axis]}")
            gather.append(idx)
        return data[tuple(gather)]


class _Reduce(_Node):
    """A Sum or Product over one index: evaluate the body on a new axis, then reduce it."""

    def __init__(self, op, lo, hi, body):
        self.op, self.lo, self.hi, self.body = op, lo, hi, body

    def _bound(self, expr, env):
        value = expr.xreplace({s: sp.Integer(v) for s, v in env.sizes.items()})
        if not value.is_Integer:
            raise NumericError(f"summation limit {expr} is not a whole number here")
        return int(value)

    def run(self, env, ranges):
        lo, hi = self._bound(self.lo, env), self._bound(self.hi, env)
        depth = len(ranges)
        if hi < lo:
            return np.full(_ones(depth), 0.0 if self.op is np.sum else 1.0)
        values = self.body.run(env, ranges + ((lo, hi),))
        values = np.broadcast_to(values, values.shape[:-1] + (hi - lo + 1,))
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


# NumPy has no binomial coefficient or factorial; these take whole-number arrays.
_EXTRA = {"binomial": _comb, "factorial": _factorial,
          "KroneckerDelta": lambda a, b: np.equal(a, b).astype(float)}


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
            return walk(e.doit(deep=False))  # deep=False: see check/calculus.py
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


def _compile(expr: sp.Expr, bound: tuple) -> _Node:
    make = {"reduce": lambda e: _reduction(e, bound),
            "indexed": lambda e: _Indexed(e.base, [_compile(ix, bound) for ix in e.indices]),
            "index": lambda e: _IndexVar(bound.index(e)),
            "leaf": _Leaf, "unsupported": _unsupported}
    body, args, children = skeleton(expr, bound, make)
    if len(children) == 1 and body == args[0]:
        return children[0]
    try:
        # An explicit namespace: lambdify's "numpy" builds one from dir(numpy), which makes
        # NumPy load every lazy submodule (a third of a second at start-up).
        fn = sp.lambdify(args, body, modules=[_EXTRA, {"numpy": np}], printer=_PRINTER)
    except Exception as exc:  # lambdify has no narrower error type
        raise NumericError(f"cannot compile {sp.sstr(expr)}: {exc}") from None
    return _Elementwise(fn, children)


def _reduction(e, bound) -> _Node:
    op = np.sum if isinstance(e, sp.Sum) else np.prod
    body, *limits = e.args
    # Sum(f, (i, ...), (k, ...)): the first limit is the innermost.
    node_bound = bound
    for var, _, _ in reversed(limits):
        node_bound = node_bound + (var,)
    node = _compile(body, node_bound)
    for depth, (var, lo, hi) in enumerate(limits):
        node = _Reduce(op, lo, hi, node)
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
