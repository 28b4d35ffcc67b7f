r"""Vectors: a bold name (``\mathbf{x}``) read through its entries (``x_j``).

Course notes write ``\mathbf{w}^\top\mathbf{x}``, ``\mathbf{w}\cdot\mathbf{x}``,
``\|\mathbf{w}\|^2`` and ``\nabla_{\mathbf{w}} L = (\hat{y} - y)\,\mathbf{x}``. The reader
turns a bold name into its entry at a marker index (:data:`AXIS`); this module finishes the
reading once a side is complete:

- a product of two vector factors is their **dot product**, the sum over the shared axis
  (``\mathbf{w}^\top\mathbf{x}`` and ``\mathbf{w}\cdot\mathbf{x}`` alike; a transpose of a
  vector changes none of its entries); the square of a vector is its product with itself.
  The reader contracts each bracket as soon as it is read, so ``\mathbf{x}\,(\mathbf{w}^\top
  \mathbf{x})`` keeps its meaning;
- ``\|\mathbf{x}\|`` is the Euclidean norm, the root of the sum of squared entries;
- what is still a vector at the end is read **entry by entry**: the marker becomes a free
  index, so ``\nabla_{\mathbf{w}} L = (\hat{y} - y)\mathbf{x}`` is the claim
  ``\partial L / \partial w_j = (\hat{y} - y) x_j`` for every entry ``j``.

The axis has no bounds in the text: its sums run to a range size (``N_j``), which a
document's sums over the same family can fix (:mod:`xentsym.docaxes`).

>>> w, x = sp.IndexedBase("w"), sp.IndexedBase("x")
>>> finish(w[AXIS] * x[AXIS] + 1)
Sum(w[k]*x[k], (k, 1, N_k)) + 1
>>> finish(norm(x[AXIS]) ** 2)
Sum(x[k]**2, (k, 1, N_k))
>>> finish(2 * w[AXIS])
2*w[j]
"""
from __future__ import annotations

import sympy as sp
from sympy.core.function import AppliedUndef

from ..functions import (BinaryCrossEntropy, CrossEntropy, Entropy, InformationContent,
                         KLDivergence)
from .ranges import RangeSize

# Quantities of whole distributions: applied to vectors they are not read entry by entry.
_OF_DISTRIBUTIONS = (Entropy, CrossEntropy, KLDivergence, BinaryCrossEntropy, InformationContent)
_ENTRY_LETTERS = "jklmrstuv"  # the free index of a vector read entry by entry
_SUM_LETTERS = "klmrstuv"  # a dot product's own index: never j, the entry's


class VectorError(ValueError):
    """A vector expression with no meaning (a product of three vectors)."""


class VectorAxis(sp.Symbol):
    """The marker index of a bold name's entries until the side is read to the end."""

    def __new__(cls):
        return super().__new__(cls, "vector_axis", integer=True, positive=True)

    def __getnewargs_ex__(self):
        return ((), {})


AXIS = VectorAxis()
ONES = sp.IndexedBase(sp.Dummy("ones"))  # \mathbf{1}: its entries are 1 once it is summed


def entry(family: sp.IndexedBase, indices: tuple = ()) -> sp.Expr:
    r"""The entry of the bold ``family`` (with its own indices first: ``\mathbf{x}_i``)."""
    return family[(*indices, AXIS)]


def is_vector(expr) -> bool:
    """Whether ``expr`` still has a vector axis."""
    return isinstance(expr, sp.Basic) and expr.has(AXIS)


def _fresh(expr, taken=(), letters=_SUM_LETTERS) -> str:
    names = {s.name for s in expr.free_symbols} | {
        str(v) for big in expr.atoms(sp.Sum, sp.Product) for v in big.variables} | set(taken)
    for letter in letters:
        if letter not in names:
            return letter
    raise VectorError("too many index letters in use to read a vector")


def _index(letter: str) -> sp.Symbol:
    return sp.Symbol(letter, integer=True, positive=True)


def _sum_over_axis(body, letter: str) -> sp.Expr:
    j = _index(letter)
    return sp.Sum(body.xreplace({AXIS: j}), (j, 1, RangeSize(f"N_{letter}")))


def norm(v) -> sp.Expr:
    r"""``\|v\|``: the Euclidean norm of a vector, or the absolute value of a scalar."""
    if not is_vector(v):
        return sp.Abs(v)
    return sp.sqrt(_sum_over_axis(v ** 2, _fresh(v)))


def contract(expr) -> sp.Expr:
    r"""``expr`` with every product of two vector factors summed over their shared axis (and
    the entries of ``\mathbf{1}`` set to 1 once they are)."""
    out = _contract(expr)
    if isinstance(out, sp.Basic) and out.has(ONES):
        out = out.replace(lambda e: isinstance(e, sp.Indexed) and e.base == ONES,
                          lambda e: sp.Integer(1))
    return out


def _contract(expr) -> sp.Expr:
    if not isinstance(expr, sp.Basic) or not expr.has(AXIS) or expr.is_Atom:
        return expr
    if isinstance(expr, sp.Indexed):
        return expr
    if isinstance(expr, AppliedUndef):
        # P(y | \mathbf{x}; \theta): a function of the whole vector, not of one entry.
        return expr.func(*(a.base if isinstance(a, sp.Indexed) and a.indices[-1] == AXIS
                           and len(a.indices) == 1 else _contract(a) for a in expr.args))
    if isinstance(expr, _OF_DISTRIBUTIONS):
        # H(y, y-hat) of two vectors: the distributions their entries make, summed over the
        # shared axis -- never one value per entry.
        return _of_vectors(expr)
    args = [_contract(a) for a in expr.args]
    if isinstance(expr, sp.Mul):
        vectors = [a for a in args if is_vector(a)]
        if len(vectors) > 2:
            raise VectorError("a product of three vectors has no meaning here "
                             r"(write \mathbf{w}^\top \mathbf{x} for a dot product)",
                             None, None, None)
        if len(vectors) == 2:
            scalars = [a for a in args if not is_vector(a)]
            product = sp.Mul(*vectors, evaluate=False)
            return sp.Mul(*scalars) * _sum_over_axis(sp.Mul(*vectors), _fresh(product))
    if isinstance(expr, sp.Pow) and is_vector(args[0]) and args[1] == 2:
        # x^T x reaches here as x**2: SymPy merges equal factors.
        return _sum_over_axis(expr, _fresh(expr))
    if isinstance(expr, sp.Pow) and is_vector(args[0]):
        raise VectorError(r"a power of a vector other than its square has no meaning here "
                         r"(write \|\mathbf{x}\|^2 for the squared norm)")
    return expr.func(*args)


def softmax_entry(arg, at) -> sp.Expr:
    """Entry ``at`` of the softmax of the vector ``arg``: ``e^{z_k} / \\sum_j e^{z_j}``."""
    j = _index(_fresh(arg, {str(at)}))
    return sp.exp(arg.xreplace({AXIS: at})) / sp.Sum(
        sp.exp(arg.xreplace({AXIS: j})), (j, 1, RangeSize(f"N_{j.name}")))


def _of_vectors(q) -> sp.Expr:
    """H(p), H(y, y-hat), D_KL(p || q) of vectors: the sums over their entries."""
    args = [contract(a) for a in q.args]
    if not all(is_vector(a) for a in args) or isinstance(q, InformationContent):
        name = {KLDivergence: "D_KL", InformationContent: "I"}.get(type(q), "H")
        raise VectorError(f"{name}(...) of vectors is read only with vectors for all its "
                          r"arguments; write it as the sum over the entries")
    if isinstance(q, Entropy):
        body = -args[0] * sp.log(args[0])
    elif isinstance(q, KLDivergence):
        body = args[0] * sp.log(args[0] / args[1])
    else:  # H(y, y-hat), cross-entropy
        body = -args[0] * sp.log(args[1])
    return _sum_over_axis(body, _fresh(body))


def finish(expr, taken=()) -> sp.Expr:
    """A side read to the end: dot products summed, what is left read entry by entry."""
    expr = contract(expr)
    if is_vector(expr):
        expr = expr.xreplace({AXIS: _index(_fresh(expr, taken, _ENTRY_LETTERS))})
    return expr


__all__ = ["AXIS", "VectorAxis", "VectorError", "contract", "entry", "finish", "is_vector", "norm",
           "softmax_entry"]
