"""Expressions sent to worker and job processes arrive as they left: a family keeps its
assumptions.

SymPy pickles ``IndexedBase(q, positive=True)`` as ``IndexedBase(q)``: the assumptions given
as keywords are dropped (so are offset and strides). A worker would then check a family that
is only real where the declaration says positive, and its ``q[k]`` would not equal the
declared one. The reducer below is registered with multiprocessing's pickler only, which
every pipe to a worker or a job uses; other pickling is left as SymPy does it.
"""
from __future__ import annotations

from multiprocessing.reduction import ForkingPickler

import sympy as sp


def _indexed_base(label, shape, offset, strides, assumptions):
    return sp.IndexedBase(label, shape, offset=offset, strides=strides, **assumptions)


def _reduce_indexed_base(base: sp.IndexedBase):
    # the assumptions as given (SymPy keeps them for Symbol's pickling, issue 8873)
    given = dict(getattr(base._assumptions, "_generator", {}) or {})
    return _indexed_base, (base.label, base.shape, base.offset, base.strides, given)


ForkingPickler.register(sp.IndexedBase, _reduce_indexed_base)
