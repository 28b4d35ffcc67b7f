r"""``\delta_{ij}`` read as the Kronecker delta of two indices.

The reader reads ``\delta_{ij}`` as the name ``delta_ij`` and ``\delta_{i,j}`` as the entry
``delta[i, j]`` of a family: it cannot know whether the text declared a family named delta.
Whoever knows (check-doc's definitions, ``bind`` with a derivation's scope) turns them into
``KroneckerDelta`` when no such family is declared.
"""
from __future__ import annotations

import re

import sympy as sp

from .lecture_preset import index_symbol

_DELTA = re.compile(r"delta_([a-z])([a-z])")


def kronecker(e):
    r"""``e`` with ``delta_ij`` and ``delta[i, j]`` as ``KroneckerDelta(i, j)``; an index
    already in ``e`` (as a free symbol or a summation variable) keeps its own symbol.

    >>> k = sp.Symbol("k", integer=True, positive=True)
    >>> kronecker(sp.Symbol("delta_km") * sp.IndexedBase("z")[k])
    KroneckerDelta(k, m)*z[k]
    """
    if not isinstance(e, sp.Basic):
        return e
    e = e.replace(lambda ix: isinstance(ix, sp.Indexed) and str(ix.base.label) == "delta"
                  and len(ix.indices) == 2, lambda ix: sp.KroneckerDelta(*ix.indices))
    found = {s.name: s for s in e.free_symbols if isinstance(s, sp.Symbol) and s.is_integer}
    found.update({str(v): v for big in e.atoms(sp.Sum, sp.Product) for v in big.variables})
    swap = {}
    for s in e.free_symbols:
        m = _DELTA.fullmatch(getattr(s, "name", ""))
        if m is not None:
            swap[s] = sp.KroneckerDelta(*(found.get(c) or index_symbol(c) for c in m.groups()))
    return e.xreplace(swap) if swap else e


__all__ = ["kronecker"]
