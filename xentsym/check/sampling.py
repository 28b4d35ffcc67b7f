"""Draw values for every variable of an expression from its declared domain."""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import sympy as sp

from ..bound import rename_apart
from ..domains import INDEX, NATURAL, REAL, SIZE
from ..errors import DomainError
from ..functions import unfold_all
from ..notation import Scope
from .compile import Env

# Sizes: every size symbol takes each of the small values (edge cases live there), then a
# few seeded random values up to LARGE_SIZE, so no polynomial of modest degree in a size
# can vanish on every value tried. SIZE_WORK caps the product of the sizes of one
# assignment, so nested sums stay bounded.
SMALL_SIZES = (1, 2, 3, 4, 5)
RANDOM_SIZES = 3  # assignments with random larger sizes
LARGE_SIZE = 60
SIZE_WORK = 4_000


@dataclass(frozen=True)
class Variables:
    """The variables of an expression, sorted by kind."""

    families: tuple  # IndexedBase
    scalars: tuple  # Symbol with a sampled value
    sizes: tuple  # Symbol of the Size domain
    indices: tuple = ()  # Symbol used as a subscript (or of the Index domain): 1, 2, ...


@lru_cache(maxsize=1024)
def _ready(expr: sp.Expr) -> sp.Expr:
    """Definitions unfolded and indices renamed apart (cached: every batch asks again)."""
    return rename_apart(unfold_all(expr))


@lru_cache(maxsize=1024)
def _parts(expr: sp.Expr) -> tuple:
    """The free symbols and the family entries of ``expr`` (cached: SymPy recomputes the
    free symbols of a Sum on every call, and every batch asks)."""
    return frozenset(expr.free_symbols), frozenset(expr.atoms(sp.Indexed))


def _subscripts(exprs) -> set:
    """Symbols that appear bare as a subscript of a family (x[i])."""
    return {ix for e in exprs for entry in _parts(e)[1] for ix in entry.indices
            if isinstance(ix, sp.Symbol)}


def _is_index(s: sp.Symbol, decl, subscripts: set) -> bool:
    """An index: declared INDEX, undeclared but a positive integer, or a real used as a
    subscript (a document's x_i)."""
    if decl is None:
        return bool(s.is_integer) and bool(s.is_positive)
    return decl.domain == INDEX or (s in subscripts and decl.domain in (REAL, NATURAL))


def variables(exprs, scope: Scope) -> Variables:
    """Collect what has to be sampled to evaluate all of ``exprs``."""
    families, scalars, sizes, indices = set(), set(), set(), set()
    exprs = [_ready(e) for e in exprs]
    present = set().union(*[_parts(e)[0] for e in exprs])
    subscripts = _subscripts(exprs) & present
    for expr in exprs:
        families |= {ix.base for ix in _parts(expr)[1]}
        labels = {f.label for f in families}
        for s in _parts(expr)[0]:
            if not isinstance(s, sp.Symbol) or s in labels:
                continue
            decl = scope.lookup(s)
            if _is_index(s, decl, subscripts):
                indices.add(s)
                if decl is not None and decl.range is not None:  # j over 1..d: sample d too
                    sizes |= {x for x in decl.range[1].free_symbols if x != s}
            elif decl is None:
                raise DomainError(f"symbol {s} has no declared domain")
            else:
                (sizes if decl.domain == SIZE else scalars).add(s)
    for fam in families:
        decl = scope.lookup(fam)
        if decl is None:
            raise DomainError(f"indexed symbol {fam} has no declared domain")
        # A size that was specialised away (n = 2) is read off the indices instead; an
        # axis subscripted by a free index (p[i]) has its size sampled like any other.
        free_axes = {axis for e in exprs for entry in _parts(e)[1]
                     if entry.base == fam for axis, ix in enumerate(entry.indices)
                     if ix in indices}
        sizes |= {s for axis, s in enumerate(decl.over) if isinstance(s, sp.Symbol)
                  and (s in present or axis in free_axes)}
    key = sp.default_sort_key
    return Variables(*(tuple(sorted(group, key=key))
                       for group in (families, scalars, sizes, indices)))


def size_configs(sizes: tuple, seed: int = 0) -> list[dict]:
    """Assignments of concrete sizes (one empty assignment when there are none).

    Every size takes each of SMALL_SIZES (in different combinations), then RANDOM_SIZES
    assignments draw larger values from a generator seeded by ``seed``.
    """
    if not sizes:
        return [{}]
    small = len(SMALL_SIZES)
    configs = [{s: SMALL_SIZES[(j + 2 * off) % small] for off, s in enumerate(sizes)}
               for j in range(small)]
    top = max(SMALL_SIZES[-1] + 1, min(LARGE_SIZE, int(SIZE_WORK ** (1 / len(sizes)))))
    rng = np.random.default_rng([seed, 0x51CE])  # a stream of its own: samples unaffected
    for _ in range(RANDOM_SIZES):
        configs.append({s: int(rng.integers(SMALL_SIZES[-1] + 1, top + 1)) for s in sizes})
    return configs


def _corners(ix: sp.Expr, ranges: dict, values: dict):
    """The largest whole value ``ix`` takes at the corners of the index ranges (or None)."""
    inside = [v for v in ix.free_symbols if v in ranges]
    best = None
    for corner in itertools.product(*[ranges[v] for v in inside]):
        value = ix.xreplace({**values, **dict(zip(inside, corner))})
        if not value.is_Integer:
            return None
        best = int(value) if best is None else max(best, int(value))
    return best


def index_extents(exprs, sizes: dict) -> dict:
    """(family label, axis) -> the largest index the expressions use there, read from
    concrete entries and from the limits of the sums around them."""
    values = {s: sp.Integer(v) for s, v in sizes.items()}
    found: dict = {}

    def walk(e, ranges):
        if isinstance(e, (sp.Sum, sp.Product)):
            inner = dict(ranges)
            for var, lo, hi in reversed(e.limits):  # the last limit is the outermost
                ends = [x.xreplace(values) for x in (lo, hi)]
                if all(x.is_Integer for x in ends):
                    inner[var] = tuple(ends)
            walk(e.function, inner)
            return
        if isinstance(e, sp.Indexed):
            for axis, ix in enumerate(e.indices):
                top = _corners(ix, ranges, values)
                if top is not None:
                    key = (e.base.label, axis)
                    found[key] = max(found.get(key, top), top)
        for a in e.args:
            walk(a, ranges)

    for e in exprs:
        walk(_ready(e), {})
    return found


def _axis_lengths(fam, decl, sizes: dict, extents: dict) -> tuple:
    lengths = []
    for axis, size in enumerate(decl.over):
        if size in sizes:
            lengths.append(sizes[size])
        elif getattr(size, "is_Integer", False):
            lengths.append(int(size))
        else:
            # The size was specialised away (n = 3): the sums and entries in use say how
            # long the axis is (p[i] for i up to 3 needs 3 entries).
            lengths.append(max(1, extents.get((fam.label, axis), 1)))
    return tuple(lengths)


def _index_bounds(env: Env, subscripted) -> dict:
    """For each index symbol, the length of the shortest family axis it subscripts
    (``subscripted``: the triples (index, family, axis) of the expressions)."""
    bounds: dict = {}
    for ix, base, axis in subscripted:
        data = env.families.get(base)
        if data is not None:
            bounds[ix] = min(bounds.get(ix, data.shape[axis + 1]), data.shape[axis + 1])
    return bounds


def _declared_top(scope: Scope, s: sp.Symbol, sizes: dict) -> int | None:
    """The last value of an index declared over a size (j over 1..d: the value of d)."""
    decl = scope.lookup(s)
    if decl is None or decl.range is None:
        return None
    top = decl.range[1].xreplace({k: sp.Integer(v) for k, v in sizes.items()})
    return int(top) if top.is_Integer else None


def sample_env(vs: Variables, scope: Scope, sizes: dict, count: int,
               rng: np.random.Generator, exprs=()) -> Env:
    """Sample ``count`` values of every variable with the given concrete sizes.

    The steps of a derivation mostly share their variables and seed, so they draw the same
    batches: a batch is kept (bounded, read-only) under the generator's state and all that
    decides the draw, and replayed with the generator left where drawing would leave it.
    """
    # Read off the expressions only when a size was specialised (p[i] for i up to 3).
    extents = (index_extents(exprs, sizes) if any(
        s not in sizes and not getattr(s, "is_Integer", False)
        for fam in vs.families for s in scope.require(fam).over) else None)
    subscripted = frozenset((ix, entry.base, axis) for e in exprs
                            for entry in _parts(_ready(e))[1]
                            for axis, ix in enumerate(entry.indices) if ix in vs.indices)
    key = (_frozen(rng.bit_generator.state), vs, tuple(scope), frozenset(sizes.items()),
           count, None if extents is None else frozenset(extents.items()), subscripted)
    try:
        drawn, after = _DRAWN[key]
    except (TypeError, KeyError):  # a key that cannot be hashed, or not drawn yet
        drawn = _draw(vs, scope, sizes, count, rng, extents or {}, subscripted)
        _keep(key, drawn, rng.bit_generator.state)
    else:
        rng.bit_generator.state = after
    return Env(drawn.size, dict(drawn.scalars), dict(drawn.families), dict(drawn.sizes))


def _draw(vs, scope, sizes, count, rng, extents, subscripted) -> Env:
    env = Env(count, sizes=dict(sizes))
    for s in vs.scalars:
        env.scalars[s] = scope.require(s).domain.sample(rng, (count,))
    for fam in vs.families:
        decl = scope.require(fam)
        shape = (count,) + _axis_lengths(fam, decl, sizes, extents)
        env.families[fam] = decl.domain.sample(rng, shape)
    bounds = _index_bounds(env, subscripted)
    for s in vs.indices:
        top = _declared_top(scope, s, sizes)
        top = bounds.get(s, INDEX.bound) if top is None else top
        env.scalars[s] = rng.integers(1, top + 1, size=count).astype(float)
    return env


_DRAWN: dict = {}  # key -> (batch, generator state after drawing it), oldest first
_HELD = {"bytes": 0}  # what the kept batches hold
DRAWN_BYTES = 64 * 2 ** 20  # at most this much
DRAWN_ENTRIES = 4096  # and at most this many (a batch of no arrays weighs nothing)


def _frozen(state):
    """A generator's state (nested dicts of numbers) as a hashable key."""
    if isinstance(state, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in state.items()))
    return state


def _nbytes(env: Env) -> int:
    return sum(a.nbytes for a in (*env.scalars.values(), *env.families.values()))


def _keep(key, env: Env, after: dict) -> None:
    """Keep a drawn batch, read-only (a replay hands out the very same arrays)."""
    try:
        hash(key)
    except TypeError:
        return
    for a in (*env.scalars.values(), *env.families.values()):
        a.setflags(write=False)
    size = _nbytes(env)
    if size > DRAWN_BYTES:
        return
    while _DRAWN and (_HELD["bytes"] + size > DRAWN_BYTES or len(_DRAWN) >= DRAWN_ENTRIES):
        _HELD["bytes"] -= _nbytes(_DRAWN.pop(next(iter(_DRAWN)))[0])
    _DRAWN[key] = (env, after)
    _HELD["bytes"] += size


def describe(env: Env, row: int) -> dict:
    """The values of sample ``row`` as plain JSON data, keyed by symbol name."""
    out: dict = {str(k): v for k, v in env.sizes.items()}
    for s, values in env.scalars.items():
        value = float(values[row])
        out[str(s)] = int(value) if s.is_integer and value.is_integer() else value
    for fam, values in env.families.items():
        out[str(fam)] = np.asarray(values[row]).tolist()
    return out
