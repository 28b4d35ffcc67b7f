"""What a slip may have lost: factors and terms the step and the document's definitions suggest."""
from __future__ import annotations

from itertools import product
from typing import Iterator

import sympy as sp

from .bound import derivative_indices
from .edits import Edit, edits_of, expression, factors, is_name, positions


def missing_factor_edits(lhs, rhs, relation, context=()) -> Iterator[Edit]:
    """One factor the step's names suggest (or 2, 1/2) added to the right side or to one
    of its parts."""
    pool = [sp.Integer(2), sp.Rational(1, 2)] + _pool(lhs, rhs, context)

    def added(e):
        for node, rebuild in positions(e):
            if node is e or isinstance(node, (sp.Add, sp.Mul, sp.Pow, sp.Function)):
                for f in pool:
                    yield sp.S.One, f, rebuild(node * f)
    yield from edits_of("factor", lhs, rhs, relation, "a factor {after} looks missing",
                         added)


def missing_term_edits(lhs, rhs, relation, context=()) -> Iterator[Edit]:
    """One term missing from the right side: a name of the step (or its negative) added
    (the derivative of a normaliser, y-hat_k, forgotten)."""
    pool = [f for f in _pool(lhs, rhs, context) if is_name(f)]

    def added(e):
        for f in pool:
            for term in (f, -f):
                yield sp.S.Zero, term, e + term
    yield from edits_of("term", lhs, rhs, relation, "a term {after} looks missing", added)


def _free(x) -> set:
    """Free symbols, with the indices of derivative variables (d/dz_k leaves k free)."""
    return x.free_symbols | derivative_indices(x)


def _indices(x) -> set:
    """The one-letter integer symbols of ``x`` (free indices and summation variables; not
    the sizes that bound its sums)."""
    bigs = x.atoms(sp.Sum, sp.Product)
    bound = {v for big in bigs for v in big.variables}
    sizes = {s for big in bigs for lim in big.limits for s in lim[2].free_symbols}
    return {s for s in _free(x) | bound if isinstance(s, sp.Symbol) and s.is_integer
            and len(s.name) == 1 and s not in sizes}


def _small(f) -> bool:
    """A factor a writer may drop: a name, an entry, a function of one, a power of one."""
    return not f.is_number and not f.has(sp.Sum, sp.Product, sp.Derivative) and \
        sp.count_ops(f) <= 2


def _pool(lhs, rhs, context=()) -> list:
    """Factors a product in the step may have lost: the factors of the left side's products
    (as written, and with the document's definitions written out),
    the entries of its families at the step's indices (x_{i,j} in d/dw_j of a sum over i),
    and the terms of its sums at a free index (e^{z_k} from a sum of e^{z_c})."""
    left = expression(lhs)
    sides = [x for x in (left, expression(rhs)) if x is not None]
    out: list = []

    def add(f):
        if f not in out and _small(f):
            out.append(f)
    for x in ([left] if left is not None else []) + list(context):
        for node, _ in positions(x):
            if isinstance(node, sp.Mul):
                for f in factors(node):
                    add(f)
    indices = sorted(set().union(*[_indices(x) for x in sides]), key=str)
    free = sorted({s for x in sides for s in _free(x) if s in indices}, key=str)
    for x in [*sides, *context]:
        for entry in sorted(x.atoms(sp.Indexed), key=sp.default_sort_key):
            rank = len(entry.indices)
            if rank <= 2:
                for ix in product(indices, repeat=rank):
                    add(entry.base[ix])
        for big in x.atoms(sp.Sum):
            for var in big.variables:
                for k in free:
                    for f in sp.Mul.make_args(big.function):
                        if f.has(var):
                            add(f.xreplace({var: k}))
    return out[:24]


__all__ = ["missing_factor_edits", "missing_term_edits"]
