"""Draw values for every variable of an expression from its declared domain."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..domains import SIZE
from ..errors import DomainError
from ..functions import unfold_all
from ..notation import Scope
from .compile import Env

# Concrete sizes tried for N, K, n; each size symbol walks this cycle from its own offset,
# so several sizes are combined in different ways.
SIZE_CYCLE = (1, 2, 3, 5, 8, 13, 4, 21)


@dataclass(frozen=True)
class Variables:
    """The variables of an expression, sorted by kind."""

    families: tuple  # IndexedBase
    scalars: tuple  # Symbol with a sampled value
    sizes: tuple  # Symbol of the Size domain


def variables(exprs, scope: Scope) -> Variables:
    """Collect what has to be sampled to evaluate all of ``exprs``."""
    families, scalars, sizes = set(), set(), set()
    exprs = [unfold_all(e) for e in exprs]
    present = set().union(*[e.free_symbols for e in exprs])
    for expr in exprs:
        families |= {ix.base for ix in expr.atoms(sp.Indexed)}
        labels = {f.label for f in families}
        for s in expr.free_symbols:
            if not isinstance(s, sp.Symbol) or s in labels:
                continue
            decl = scope.lookup(s)
            if decl is None:
                raise DomainError(f"symbol {s} has no declared domain")
            (sizes if decl.domain == SIZE else scalars).add(s)
    for fam in families:
        decl = scope.lookup(fam)
        if decl is None:
            raise DomainError(f"indexed symbol {fam} has no declared domain")
        # A size that was specialised away (n = 2) is read off the indices instead.
        sizes |= {s for s in decl.over if isinstance(s, sp.Symbol) and s in present}
    key = sp.default_sort_key
    return Variables(tuple(sorted(families, key=key)), tuple(sorted(scalars, key=key)),
                     tuple(sorted(sizes, key=key)))


def size_configs(sizes: tuple, count: int) -> list[dict]:
    """``count`` assignments of concrete sizes (one empty assignment when there are none)."""
    if not sizes:
        return [{}]
    return [{s: SIZE_CYCLE[(j + 3 * off) % len(SIZE_CYCLE)] for off, s in enumerate(sizes)}
            for j in range(count)]


def _axis_lengths(fam, decl, sizes: dict, exprs) -> tuple:
    lengths = []
    for axis, size in enumerate(decl.over):
        if size in sizes:
            lengths.append(sizes[size])
        elif getattr(size, "is_Integer", False):
            lengths.append(int(size))
        else:
            # The size was specialised away: use the largest concrete index in use.
            used = [int(ix.indices[axis]) for e in exprs for ix in e.atoms(sp.Indexed)
                    if ix.base == fam and ix.indices[axis].is_Integer]
            lengths.append(max(used, default=1))
    return tuple(lengths)


def sample_env(vs: Variables, scope: Scope, sizes: dict, count: int,
               rng: np.random.Generator, exprs=()) -> Env:
    """Sample ``count`` values of every variable with the given concrete sizes."""
    env = Env(count, sizes=dict(sizes))
    for s in vs.scalars:
        env.scalars[s] = scope.require(s).domain.sample(rng, (count,))
    for fam in vs.families:
        decl = scope.require(fam)
        shape = (count,) + _axis_lengths(fam, decl, sizes, exprs)
        env.families[fam] = decl.domain.sample(rng, shape)
    return env


def describe(env: Env, row: int) -> dict:
    """The values of sample ``row`` as plain JSON data, keyed by symbol name."""
    out: dict = {str(k): v for k, v in env.sizes.items()}
    for s, values in env.scalars.items():
        out[str(s)] = float(values[row])
    for fam, values in env.families.items():
        out[str(fam)] = np.asarray(values[row]).tolist()
    return out
